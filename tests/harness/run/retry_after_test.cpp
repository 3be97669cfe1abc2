#include "harness/run/retry_after.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

const auto kNow = std::chrono::system_clock::from_time_t(946684800);  // 2000-01-01T00:00:00Z

TEST(RetryAfter, DeltaSeconds) {
    EXPECT_EQ(parse_retry_after("120", kNow), std::chrono::seconds(120));
    EXPECT_EQ(parse_retry_after(" 0 ", kNow), std::chrono::seconds(0));
    EXPECT_FALSE(parse_retry_after("-1", kNow));
    EXPECT_FALSE(parse_retry_after("1.5", kNow));
    EXPECT_FALSE(parse_retry_after("", kNow));
}

TEST(RetryAfter, HttpDate) {
    EXPECT_EQ(parse_retry_after("Sat, 01 Jan 2000 00:01:30 GMT", kNow), std::chrono::seconds(90));
    EXPECT_EQ(parse_retry_after("Fri, 31 Dec 1999 23:59:59 GMT", kNow), std::chrono::seconds(0));
    EXPECT_FALSE(parse_retry_after("tomorrow", kNow));
    EXPECT_FALSE(parse_retry_after("Sat, 01 Jan 2000 00:01:30 CET", kNow));
}

// Found by fuzz/retry_after_fuzz.cpp: a date past 2262 overflowed system_clock's nanoseconds.
TEST(RetryAfter, HttpDateFarInTheFutureIsExact) {
    EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", kNow), std::chrono::seconds(253402300799 - 946684800));
}

}  // namespace
}  // namespace kms
