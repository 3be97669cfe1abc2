// The honesty of the figures: how many samples a percentile needs, and the .hgrm text, checked
// against what HdrHistogram's outputPercentileDistribution prints for the same samples.
#include "harness/bench/hgrm.hpp"
#include "harness/bench/percentile_support.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace kms::bench {
namespace {

TEST(PercentileSupport, APercentileNeedsOneSampleBeyondIt) {
    EXPECT_EQ(samples_needed(50), 2u);
    EXPECT_EQ(samples_needed(90), 10u);
    EXPECT_EQ(samples_needed(99), 100u);
    EXPECT_EQ(samples_needed(99.9), 1000u);
    EXPECT_EQ(samples_needed(100), 1u);
    EXPECT_FALSE(percentile_supported(99.9, 999));
    EXPECT_TRUE(percentile_supported(99.9, 1000));
    EXPECT_FALSE(percentile_supported(99, 10));
}

// One sample: HdrHistogram prints the 0% and the 100% line, then the footer.
TEST(Hgrm, OneSampleAsHdrHistogramPrintsIt) {
    LatencyHistogram h;
    h.record(1500);
    EXPECT_EQ(percentile_distribution(h),
              "       Value     Percentile TotalCount 1/(1-Percentile)\n"
              "\n"
              "       1.500 0.000000000000          1           1.00\n"
              "       1.500 1.000000000000          1\n"
              "#[Mean    =        1.500, StdDeviation   =        0.000]\n"
              "#[Max     =        1.500, Total count    =            1]\n"
              "#[Buckets =           22, SubBuckets     =         2048]\n");
}

// 1..100 us once each: the reporting levels step 10% (5 ticks per half distance) up to 50%,
// then 5% to 75%, 2.5% to 87.5%, ...; a level is reported by the first value that reaches it.
TEST(Hgrm, LevelsHalveTheirStepsAsTheyApproach100Percent) {
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
    const std::string text = percentile_distribution(h);
    std::istringstream in(text);
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line)) lines.push_back(line);
    ASSERT_GE(lines.size(), 6u);
    EXPECT_EQ(lines[2], "       0.001 0.000000000000          1           1.00");
    EXPECT_EQ(lines[3], "       0.010 0.100000000000         10           1.11");
    EXPECT_EQ(lines[4], "       0.020 0.200000000000         20           1.25");
    EXPECT_EQ(lines[7], "       0.050 0.500000000000         50           2.00");
    EXPECT_EQ(lines[8], "       0.055 0.550000000000         55           2.22");
    EXPECT_EQ(lines[12], "       0.075 0.750000000000         75           4.00");
    EXPECT_EQ(lines[13], "       0.078 0.775000000000         78           4.44");
    // The last value is reported once at the level it reaches, then at 100%.
    const std::string last = "       0.100 1.000000000000        100";
    ASSERT_NE(text.find(last + "\n#[Mean    =        0.051, StdDeviation   =        0.029]\n"), std::string::npos) << text;
    EXPECT_NE(text.find("#[Max     =        0.100, Total count    =          100]\n"), std::string::npos);
}

TEST(Hgrm, EmptyHistogramIsHeaderAndFooter) {
    EXPECT_EQ(percentile_distribution(LatencyHistogram{}),
              "       Value     Percentile TotalCount 1/(1-Percentile)\n"
              "\n"
              "#[Mean    =        0.000, StdDeviation   =        0.000]\n"
              "#[Max     =        0.000, Total count    =            0]\n"
              "#[Buckets =           22, SubBuckets     =         2048]\n");
}

TEST(Hgrm, FileNamesAreSafeAndRecognisable) {
    EXPECT_EQ(hgrm_file_name("replicate_valid/closed/connections:1/manual_time", false),
              "bench-replicate_valid_closed_connections-1.hgrm");
    EXPECT_EQ(hgrm_file_name("replicate_malformed/open/rate:0.5/connections:4/manual_time", true),
              "bench-replicate_malformed_open_rate-0.5_connections-4.uncorrected.hgrm");
}

}  // namespace
}  // namespace kms::bench
