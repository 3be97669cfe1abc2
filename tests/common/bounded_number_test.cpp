// Command-line numbers: decimal only, within bounds, never wrapped or non-finite.
#include "common/bounded_number.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

TEST(BoundedNumber, IntegersWithinBounds) {
    std::string error;
    EXPECT_EQ(parse_bounded_integer("--generated", "24", 0, 10000, &error), 24);
    EXPECT_EQ(parse_bounded_integer("--generated", "0", 0, 10000, &error), 0);
    EXPECT_EQ(parse_bounded_integer("--generated", "10000", 0, 10000, &error), 10000);
    for (const char* bad : {"-1", "10001", "", " 5", "5 ", "+5", "5x", "1e3", "0x10", "99999999999999999999999"}) {
        error.clear();
        EXPECT_FALSE(parse_bounded_integer("--generated", bad, 0, 10000, &error)) << bad;
        EXPECT_EQ(error, "--generated must be an integer from 0 to 10000, got '" + std::string(bad) + "'");
    }
}

TEST(BoundedNumber, UnsignedSeedNeverWraps) {
    std::string error;
    EXPECT_EQ(parse_bounded_unsigned("--seed", "18446744073709551615", UINT64_MAX, &error), UINT64_MAX);
    EXPECT_FALSE(parse_bounded_unsigned("--seed", "-1", UINT64_MAX, &error));
    EXPECT_NE(error.find("got '-1'"), std::string::npos) << error;
    EXPECT_FALSE(parse_bounded_unsigned("--seed", "18446744073709551616", UINT64_MAX, &error));
}

TEST(BoundedNumber, RealsAreFiniteAndWithinBounds) {
    std::string error;
    EXPECT_EQ(parse_bounded_real("--rate", "2.5", 0, 10000, false, &error), 2.5);
    EXPECT_EQ(parse_bounded_real("--rate", "0", 0, 10000, false, &error), 0);
    EXPECT_EQ(parse_bounded_real("--rate", "1e3", 0, 10000, false, &error), 1000);
    for (const char* bad : {"nan", "NaN", "inf", "-inf", "infinity", "-1", "10000.5", "1e999", "0x10", " 1", "", "1,5"}) {
        EXPECT_FALSE(parse_bounded_real("--rate", bad, 0, 10000, false, &error)) << bad;
    }
    EXPECT_EQ(error, "--rate must be a number from 0 to 10000, got '1,5'");
    EXPECT_FALSE(parse_bounded_real("--duration", "0", 0, 86400, true, &error));
    EXPECT_EQ(error, "--duration must be a number above 0 up to 86400, got '0'");
    EXPECT_FALSE(parse_bounded_real("--rate", "2000000", 0, 1e6, true, &error));
    EXPECT_EQ(error, "--rate must be a number above 0 up to 1000000, got '2000000'");
}

}  // namespace
}  // namespace kms
