// An SLO from its text, for tests that need one (a typo in a test's SLO fails that test).
#pragma once

#include "harness/bench/slo.hpp"

#include <gtest/gtest.h>

namespace kms::test {

inline bench::Slo slo(const char* text) {
    std::string error;
    auto s = bench::parse_slo(text, &error);
    EXPECT_TRUE(s) << error;
    return s.value_or(bench::Slo{});
}

}  // namespace kms::test
