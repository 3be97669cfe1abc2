// SLO expressions: what parses, what is refused (with a message), and how a threshold below or
// above a measured figure decides.
#include "harness/bench/slo.hpp"

#include <gtest/gtest.h>

namespace kms::bench {
namespace {

Slo parsed(const std::string& text) {
    std::string error;
    auto slo = parse_slo(text, &error);
    EXPECT_TRUE(slo) << text << ": " << error;
    return slo ? *slo : Slo{};
}

TEST(SloParse, LatencyThresholds) {
    Slo s = parsed("p99<=50ms");
    EXPECT_EQ(s.metric, SloMetric::percentile);
    EXPECT_DOUBLE_EQ(s.percentile, 99);
    EXPECT_DOUBLE_EQ(s.threshold, 50'000);
    EXPECT_FALSE(s.strict);

    s = parsed("p(99.9) < 1.5s");
    EXPECT_DOUBLE_EQ(s.percentile, 99.9);
    EXPECT_DOUBLE_EQ(s.threshold, 1'500'000);
    EXPECT_TRUE(s.strict);

    s = parsed("P50<=250US");
    EXPECT_DOUBLE_EQ(s.percentile, 50);
    EXPECT_DOUBLE_EQ(s.threshold, 250);

    EXPECT_EQ(parsed("max<=2s").metric, SloMetric::max);
    EXPECT_EQ(parsed("mean<5ms").metric, SloMetric::mean);
    EXPECT_DOUBLE_EQ(parsed("p90<=.5ms").threshold, 500);
    EXPECT_DOUBLE_EQ(parsed("p100<=1ms").percentile, 100);
}

TEST(SloParse, ErrorAndRateThresholds) {
    Slo s = parsed("errors<=0.1%");
    EXPECT_EQ(s.metric, SloMetric::error_rate);
    EXPECT_DOUBLE_EQ(s.threshold, 0.001);
    s = parsed("errors<=0");
    EXPECT_EQ(s.metric, SloMetric::error_count);
    EXPECT_DOUBLE_EQ(s.threshold, 0);
    s = parsed("rps>=1000");
    EXPECT_EQ(s.metric, SloMetric::requests_per_second);
    EXPECT_DOUBLE_EQ(s.threshold, 1000);
}

TEST(SloParse, RefusesWithAReason) {
    const std::pair<const char*, const char*> bad[] = {
        {"p99<=50", "missing unit"},
        {"p99<=50min", "unknown unit"},
        {"p101<=1ms", "(0, 100]"},
        {"p0<=1ms", "(0, 100]"},
        {"p(99<=1ms", "')'"},
        {"latency<=1ms", "unknown metric"},
        {"p99>=50ms", "'<='"},
        {"p99=50ms", "'<='"},
        {"p99<=-1ms", "not a non-negative number"},
        {"p99<=1e3ms", "unknown unit"},
        {"p99<=ms", "not a non-negative number"},
        {"", "unknown metric"},
        {"errors<=150%", "above 100%"},
        {"errors<=0.5", "whole number"},
        {"errors<=1x", "unknown unit"},
        {"rps<=100", "'>='"},
    };
    for (auto [text, reason] : bad) {
        std::string error;
        EXPECT_FALSE(parse_slo(text, &error)) << text;
        EXPECT_NE(error.find(reason), std::string::npos) << text << " -> " << error;
        EXPECT_NE(error.find("--slo"), std::string::npos) << error;
    }
}

TEST(SloEvaluate, ThresholdBelowTheMeasuredP99FailsAndAboveItPasses) {
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v);  // p99 = 990 us
    SloInput in{&h, 1000, 0, 500};
    EXPECT_FALSE(evaluate_slo(parsed("p99<=989us"), in).held);
    EXPECT_TRUE(evaluate_slo(parsed("p99<=990us"), in).held);
    EXPECT_FALSE(evaluate_slo(parsed("p99<990us"), in).held);
    EXPECT_TRUE(evaluate_slo(parsed("p99<=1ms"), in).held);
    auto v = evaluate_slo(parsed("p99<=0.5ms"), in);
    EXPECT_EQ(v.measured, "p99 = 990 us");
    EXPECT_FALSE(evaluate_slo(parsed("max<1ms"), in).held);
    EXPECT_TRUE(evaluate_slo(parsed("max<=1ms"), in).held);
    EXPECT_TRUE(evaluate_slo(parsed("mean<=501us"), in).held);
    EXPECT_FALSE(evaluate_slo(parsed("mean<=500us"), in).held);  // mean is 500.5
    EXPECT_TRUE(evaluate_slo(parsed("rps>=500"), in).held);
    EXPECT_FALSE(evaluate_slo(parsed("rps>500"), in).held);
}

TEST(SloEvaluate, Errors) {
    LatencyHistogram h;
    h.record(100, 999);
    SloInput in{&h, 1000, 1, 0};
    EXPECT_TRUE(evaluate_slo(parsed("errors<=0.1%"), in).held);
    EXPECT_FALSE(evaluate_slo(parsed("errors<0.1%"), in).held);
    EXPECT_FALSE(evaluate_slo(parsed("errors<=0"), in).held);
    EXPECT_TRUE(evaluate_slo(parsed("errors<=1"), in).held);
    EXPECT_EQ(evaluate_slo(parsed("errors<=0"), in).measured, "errors = 1 of 1000");
}

TEST(SloEvaluate, NothingMeasuredNeverHolds) {
    LatencyHistogram empty;
    SloInput in{&empty, 0, 0, 0};
    EXPECT_FALSE(evaluate_slo(parsed("p99<=10s"), in).held);
    EXPECT_FALSE(evaluate_slo(parsed("errors<=100%"), in).held);
}

}  // namespace
}  // namespace kms::bench
