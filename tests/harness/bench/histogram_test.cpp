// LatencyHistogram: percentiles against exact nearest-rank values on known distributions,
// merging, JSON round trip, and bounded memory with ten million samples.
#include "harness/bench/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <vector>

namespace kms::bench {
namespace {

// Exact nearest-rank percentile of sorted samples; p * n / 100 is an integer in these tests.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double p) {
    auto rank = static_cast<std::size_t>(std::llround(p * static_cast<double>(sorted.size()) / 100.0));
    return sorted[std::max<std::size_t>(rank, 1) - 1];
}

void expect_accurate(std::vector<std::uint64_t> samples, const char* what) {
    LatencyHistogram h;
    for (auto v : samples) h.record(v);
    std::sort(samples.begin(), samples.end());
    ASSERT_EQ(h.count(), samples.size());
    EXPECT_EQ(h.min(), samples.front()) << what;
    EXPECT_EQ(h.max(), samples.back()) << what;
    for (double p : {50.0, 90.0, 99.0, 99.9, 100.0}) {
        const double exact = static_cast<double>(exact_percentile(samples, p));
        const double got = static_cast<double>(h.percentile(p));
        EXPECT_LE(std::abs(got - exact), 0.001 * exact) << what << " p" << p << ": exact " << exact << ", got " << got;
    }
    double sum = 0;
    for (auto v : samples) sum += static_cast<double>(v);
    EXPECT_DOUBLE_EQ(h.mean(), sum / static_cast<double>(samples.size())) << what;
}

constexpr std::size_t kSamples = 200'000;  // a multiple of 1000: every tested rank is exact

TEST(LatencyHistogram, PercentilesWithinATenthOfAPercentOnUniformSamples) {
    std::mt19937_64 rng(1);
    std::uniform_int_distribution<std::uint64_t> d(1, 10'000'000);
    std::vector<std::uint64_t> s(kSamples);
    for (auto& v : s) v = d(rng);
    expect_accurate(s, "uniform 1 us..10 s");
}

TEST(LatencyHistogram, PercentilesWithinATenthOfAPercentOnExponentialSamples) {
    std::mt19937_64 rng(2);
    std::exponential_distribution<double> d(1.0 / 2000.0);  // mean 2 ms
    std::vector<std::uint64_t> s(kSamples);
    for (auto& v : s) v = static_cast<std::uint64_t>(d(rng)) + 1;
    expect_accurate(s, "exponential, mean 2 ms");
}

TEST(LatencyHistogram, PercentilesWithinATenthOfAPercentOnALongTail) {
    std::mt19937_64 rng(3);
    std::lognormal_distribution<double> d(std::log(500.0), 1.5);  // median 500 us, p99.9 ~ 50 ms
    std::vector<std::uint64_t> s(kSamples);
    for (auto& v : s) v = static_cast<std::uint64_t>(d(rng)) + 1;
    expect_accurate(s, "lognormal");
}

TEST(LatencyHistogram, SmallValuesAreExact) {
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v);
    EXPECT_EQ(h.percentile(50), 500u);
    EXPECT_EQ(h.percentile(99), 990u);
    EXPECT_EQ(h.percentile(99.9), 999u);
    EXPECT_EQ(h.percentile(100), 1000u);
}

TEST(LatencyHistogram, EmptyAndSaturated) {
    LatencyHistogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(99), 0u);
    EXPECT_EQ(h.min(), 0u);
    h.record(LatencyHistogram::kHighestTrackableUs * 10);
    EXPECT_EQ(h.saturated(), 1u);
    EXPECT_EQ(h.max(), LatencyHistogram::kHighestTrackableUs);
    EXPECT_EQ(h.percentile(50), LatencyHistogram::kHighestTrackableUs);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
    std::mt19937_64 rng(4);
    std::exponential_distribution<double> d(1.0 / 5000.0);
    LatencyHistogram all, a, b;
    for (int i = 0; i < 50'000; ++i) {
        auto v = static_cast<std::uint64_t>(d(rng));
        all.record(v);
        (i % 3 == 0 ? a : b).record(v);
    }
    a.merge(b);
    EXPECT_EQ(a, all);
    EXPECT_EQ(a.percentile(99), all.percentile(99));
    LatencyHistogram empty;
    empty.merge(all);
    EXPECT_EQ(empty, all);
    all.merge(LatencyHistogram{});
    EXPECT_EQ(empty, all);
}

TEST(LatencyHistogram, JsonRoundTripThenMerge) {
    LatencyHistogram h;
    for (std::uint64_t v : std::initializer_list<std::uint64_t>{0, 1, 7, 2047, 2048, 2049, 123456, 999999, 3000000000}) h.record(v, v % 5 + 1);
    std::string error;
    auto back = LatencyHistogram::from_json(h.to_json(), &error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(*back, h);
    EXPECT_EQ(back->percentile(99.9), h.percentile(99.9));
    back->merge(h);
    EXPECT_EQ(back->count(), 2 * h.count());
    EXPECT_EQ(back->max(), h.max());

    auto empty = LatencyHistogram::from_json(LatencyHistogram{}.to_json(), &error);
    ASSERT_TRUE(empty) << error;
    EXPECT_EQ(*empty, LatencyHistogram{});
}

TEST(LatencyHistogram, RejectsJsonThatIsNotAHistogramOfThisLayout) {
    LatencyHistogram h;
    h.record(5000);
    const std::string good = h.to_json();
    const auto only = h.buckets().at(0);  // [5000, 5003]: 4 us wide at this magnitude
    const std::string bucket = "[" + std::to_string(only.low_us) + "," + std::to_string(only.high_us) + ",1]";
    ASSERT_EQ(bucket, "[5000,5003,1]");
    auto replaced = [&](const std::string& from, const std::string& to) {
        std::string s = good;
        auto p = s.find(from);
        EXPECT_NE(p, std::string::npos) << from;
        return s.replace(p, from.size(), to);
    };
    std::string error;
    EXPECT_FALSE(LatencyHistogram::from_json("{", &error));
    EXPECT_FALSE(LatencyHistogram::from_json("[]", &error));
    EXPECT_FALSE(LatencyHistogram::from_json(replaced("\"significant_digits\":3", "\"significant_digits\":2"), &error));
    EXPECT_NE(error.find("significant_digits"), std::string::npos) << error;
    EXPECT_FALSE(LatencyHistogram::from_json(replaced(bucket, "[5001,5004,1]"), &error));
    EXPECT_NE(error.find("layout"), std::string::npos) << error;
    EXPECT_FALSE(LatencyHistogram::from_json(replaced(bucket, "[5000,5003,2]"), &error));
    EXPECT_NE(error.find("add up"), std::string::npos) << error;
    EXPECT_FALSE(LatencyHistogram::from_json(replaced("\"unit\":\"us\"", "\"unit\":\"ms\""), &error));
}

long resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    return resident * sysconf(_SC_PAGESIZE);
}

TEST(LatencyHistogram, TenMillionSamplesStayUnder64MiB) {
    const long before = resident_bytes();
    auto h = std::make_unique<LatencyHistogram>();
    const std::size_t fixed = h->memory_bytes();
    std::mt19937_64 rng(5);
    std::uniform_int_distribution<std::uint64_t> d(1, 60'000'000);  // up to a minute: every bucket range
    for (int i = 0; i < 10'000'000; ++i) h->record(d(rng));
    const long growth = resident_bytes() - before;
    EXPECT_EQ(h->count(), 10'000'000u);
    EXPECT_EQ(h->memory_bytes(), fixed) << "memory must not depend on the sample count";
    EXPECT_LT(h->memory_bytes(), 64u << 20);
    EXPECT_LT(growth, 64L << 20) << "resident memory grew by " << growth << " bytes";
    // What it does cost, for the record: a fixed array of about 190 KB.
    EXPECT_LT(h->memory_bytes(), 256u << 10);
}

}  // namespace
}  // namespace kms::bench
