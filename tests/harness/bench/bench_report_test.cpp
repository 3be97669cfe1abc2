// The console summary's judgements: the send-lag warning of open loops.
#include "harness/bench/bench_report.hpp"

#include <gtest/gtest.h>

namespace kms::bench {
namespace {

// An open-loop result whose corrected latency is 1 ms throughout and whose send lag is `lag_us`.
BenchRecord open_loop_with_lag(std::uint64_t lag_us) {
    BenchRecord r;
    r.name = "replicate_malformed/open/rate:100/connections:1";
    r.spec.mode = LoadMode::open;
    r.spec.rate = 100;
    r.result.latency.record(1000, 100);
    r.result.uncorrected.record(1000 - lag_us, 100);
    r.result.send_lag.record(lag_us, 100);
    return r;
}

TEST(BenchReport, SendLagWithinItsShareOfTheLatencyIsReportedWithoutAWarning) {
    const BenchRecord r = open_loop_with_lag(100);  // exactly 10%: not more
    EXPECT_EQ(send_lag_warning(r.result), "");
    const std::string text = summary_text(r);
    EXPECT_NE(text.find("send lag (intended to actual send, 100 requests that found a free connection): p50 100 us"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("warning"), std::string::npos) << text;
}

TEST(BenchReport, SendLagAboveItsShareOfTheLatencyWarns) {
    const BenchRecord r = open_loop_with_lag(101);
    const std::string w = send_lag_warning(r.result);
    EXPECT_NE(w.find("warning: send lag p99 101 us is 10% of the corrected p99 1 ms (more than 10%)"), std::string::npos) << w;
    EXPECT_NE(summary_text(r).find(w), std::string::npos);
}

TEST(BenchReport, ClosedLoopsHaveNoSendLag) {
    BenchRecord r;
    r.name = "replicate_valid/closed/connections:1";
    r.result.latency.record(1000, 10);
    EXPECT_EQ(summary_text(r).find("send lag"), std::string::npos);
}

}  // namespace
}  // namespace kms::bench
