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

// RFC 9110 §5.6.7: a recipient MUST accept the two obsolete HTTP-date forms too (the fuzz
// campaign's reading of the parser: only IMF-fixdate was read, any other date was "no wait").
TEST(RetryAfter, ObsoleteHttpDateFormsAreRead) {
    EXPECT_EQ(parse_retry_after("Saturday, 01-Jan-00 00:01:30 GMT", kNow), std::chrono::seconds(90));  // rfc850-date
    EXPECT_EQ(parse_retry_after("Sat Jan  1 00:01:30 2000", kNow), std::chrono::seconds(90));          // asctime-date
    // A two-digit year more than 50 years ahead is the most recent past one: 99 is 1999 in 2000.
    EXPECT_EQ(parse_retry_after("Friday, 31-Dec-99 23:59:59 GMT", kNow), std::chrono::seconds(0));
    // 49 years ahead stays ahead: 49 is 2049, not 1949.
    const auto in_2026 = std::chrono::system_clock::from_time_t(1796083200);  // 2026-12-01T00:00:00Z
    EXPECT_GT(parse_retry_after("Wednesday, 01-Jan-70 00:00:00 GMT", in_2026), std::chrono::seconds(0))
        << "70 in 2026 is 2070 (44 years ahead), not 1970";
    EXPECT_FALSE(parse_retry_after("Saturday, 01-Jan-00 00:01:30 CET", kNow));
}

// Found by fuzz/retry_after_fuzz.cpp: a date past 2262 overflowed system_clock's nanoseconds.
TEST(RetryAfter, HttpDateFarInTheFutureIsExact) {
    EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", kNow), std::chrono::seconds(253402300799 - 946684800));
}

}  // namespace
}  // namespace kms
