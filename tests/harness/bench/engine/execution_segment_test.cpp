// --segment K/N on its own: that the N shares make the whole run with nothing lost or counted
// twice, that they are the shares k6's execution segments would give (against a port of k6's
// striping), and what a user is told for a segment that cannot be read or cannot run.
#include "harness/bench/engine/execution_segment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace kms::bench {
namespace {

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

ExecutionSegment segment(std::uint32_t k, std::uint32_t n) {
    const auto s = ExecutionSegment::of(k, n);
    EXPECT_TRUE(s.has_value()) << k << "/" << n;
    return s.value_or(ExecutionSegment{});
}

// ---- A port of k6's striping (grafana/k6 lib/execution_segment.go), kept as close to the Go as
// C++ allows so that it can be read against it. A sequence is given by its segments' lengths
// over their common denominator `lcd` (k6 computes that LCD; 1/2, 1/4, 1/4 is {2, 1, 1} over 4).
struct K6Striping {
    std::int64_t lcd = 1;
    std::vector<std::vector<std::int64_t>> offsets;  // per segment: its first index, then the gaps
};

// NewExecutionSegmentSequenceWrapper: deals indices 0..lcd-1 to the segments, biggest first.
K6Striping k6_stripe(const std::vector<std::int64_t>& normalized_numerators, std::int64_t lcd) {
    const std::size_t length = normalized_numerators.size();
    K6Striping st;
    st.lcd = lcd;
    st.offsets.resize(length);
    std::vector<std::pair<std::int64_t, std::size_t>> sorted;  // normNumerator, originalIndex
    for (std::size_t i = 0; i < length; ++i) sorted.emplace_back(normalized_numerators[i], i);
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });

    std::vector<std::int64_t> prev(length, 0), chosen_counts(length, 0);
    const auto save_index = [&](std::int64_t iteration, std::size_t index, std::int64_t numerator) {
        auto& o = st.offsets[index];
        o.push_back(iteration - prev[index]);
        prev[index] = iteration;
        if (static_cast<std::int64_t>(o.size()) == numerator) o.push_back(o[0] + lcd - iteration);
    };
    for (std::int64_t i = 0; i < lcd; ++i) {
        for (std::size_t sorted_index = 0; sorted_index < length; ++sorted_index) {
            const std::int64_t num = chosen_counts[sorted_index] * lcd;
            const std::int64_t denom = sorted[sorted_index].first;
            if (i > num / denom || (i == num / denom && num % denom == 0)) {
                ++chosen_counts[sorted_index];
                save_index(i, sorted[sorted_index].second, denom);
                break;
            }
        }
    }
    return st;
}

// ExecutionSegmentSequenceWrapper.ScaleInt64 (unsigned here, to reach past k6's int64).
std::uint64_t k6_scale(const K6Striping& st, std::size_t segment_index, std::uint64_t value) {
    const auto& all = st.offsets[segment_index];
    const std::uint64_t start = static_cast<std::uint64_t>(all[0]);
    const std::vector<std::int64_t> offsets(all.begin() + 1, all.end());
    const auto lcd = static_cast<std::uint64_t>(st.lcd);
    std::uint64_t result = (value / lcd) * offsets.size();
    // Go's `gi, i = gi+1, i+offsets[gi]` reads the old gi.
    for (std::size_t gi = 0, i = start; i < value % lcd; i += static_cast<std::uint64_t>(offsets[gi]), ++gi)
        ++result;
    return result;
}

// The whole-run indices a segment's iterations get in k6's constant-arrival-rate executor
// (`for li, gi := 0, start; ; li, gi = li+1, gi+offsets[li%len(offsets)]`), below `end`.
std::vector<std::uint64_t> k6_striped_indices(const K6Striping& st, std::size_t segment_index, std::uint64_t end) {
    const auto& all = st.offsets[segment_index];
    const std::vector<std::int64_t> offsets(all.begin() + 1, all.end());
    std::vector<std::uint64_t> out;
    std::uint64_t gi = static_cast<std::uint64_t>(all[0]);
    for (std::size_t li = 0; gi < end; ++li) {
        out.push_back(gi);
        gi += static_cast<std::uint64_t>(offsets[li % offsets.size()]);
    }
    return out;
}

K6Striping k6_equal_segments(std::uint32_t n) { return k6_stripe(std::vector<std::int64_t>(n, 1), n); }

// The values of n every property is checked at: the small ones around N, and the large ones
// where a product n*K would overflow.
std::vector<std::uint64_t> amounts_for(std::uint32_t n) {
    std::vector<std::uint64_t> v{0, 1, 2, 7, 100, 1000, 12345, 999'983};
    for (std::uint64_t d = 0; d <= 3; ++d) v.insert(v.end(), {n * d, n * d + 1, n * d + n - 1});
    v.insert(v.end(), {kMax64 / 2 - 1, kMax64 / 2, kMax64 / 2 + 1, kMax64 - n, kMax64 - 1, kMax64});
    return v;
}

TEST(ExecutionSegment, ThePortOfK6ReproducesK6sOwnExample) {
    // From the comment on k6's ExecutionTuple: segments 0:1/2, 1/2:3/4, 3/4:1, values 1..12.
    const K6Striping st = k6_stripe({2, 1, 1}, 4);
    const std::vector<std::vector<std::uint64_t>> scaled{
        {1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}, {0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3}, {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3}};
    for (std::size_t s = 0; s < 3; ++s)
        for (std::uint64_t value = 1; value <= 12; ++value)
            EXPECT_EQ(k6_scale(st, s, value), scaled[s][value - 1]) << "segment " << s << ", value " << value;
    EXPECT_EQ(k6_striped_indices(st, 0, 12), (std::vector<std::uint64_t>{0, 2, 4, 6, 8, 10}));
    EXPECT_EQ(k6_striped_indices(st, 1, 12), (std::vector<std::uint64_t>{1, 5, 9}));
    EXPECT_EQ(k6_striped_indices(st, 2, 12), (std::vector<std::uint64_t>{3, 7, 11}));
}

TEST(ExecutionSegment, ScaleIsK6sStripedScaleOnEqualSegments) {
    for (std::uint32_t n = 1; n <= 64; ++n) {
        const K6Striping st = k6_equal_segments(n);
        for (std::uint32_t k = 1; k <= n; ++k) {
            const ExecutionSegment seg = segment(k, n);
            for (std::uint64_t value = 0; value <= 3u * n + 2; ++value)
                ASSERT_EQ(seg.scale(value), k6_scale(st, k - 1, value)) << seg.text() << " of " << value;
            for (std::uint64_t value : amounts_for(n))
                ASSERT_EQ(seg.scale(value), k6_scale(st, k - 1, value)) << seg.text() << " of " << value;
        }
    }
}

TEST(ExecutionSegment, TheRemainderGoesToTheFirstSegmentsNotTheLast) {
    // Why scale() is not floor(n*K/N) - floor(n*(K-1)/N): that gives one thing of three to 3/3,
    // k6 gives it to 1/3 (and one request to the process that holds the schedule's first).
    EXPECT_EQ(segment(1, 3).scale(1), 1u);
    EXPECT_EQ(segment(3, 3).scale(1), 0u);
    EXPECT_EQ(segment(1, 3).scale(5), 2u);
    EXPECT_EQ(segment(2, 3).scale(5), 2u);
    EXPECT_EQ(segment(3, 3).scale(5), 1u);
}

TEST(ExecutionSegment, SharesSumToTheWholeAndDifferByAtMostOne) {
    for (std::uint32_t n = 1; n <= 64; ++n) {
        for (std::uint64_t value : amounts_for(n)) {
            std::uint64_t sum = 0, low = kMax64, high = 0;
            for (std::uint32_t k = 1; k <= n; ++k) {
                const std::uint64_t share = segment(k, n).scale(value);
                sum += share;
                low = std::min(low, share);
                high = std::max(high, share);
            }
            ASSERT_EQ(sum, value) << "N=" << n;
            ASSERT_LE(high - low, 1u) << "N=" << n << ", n=" << value;
        }
    }
    std::uint64_t sum = 0;
    for (std::uint32_t k = 1; k <= kMaxSegments; ++k) sum += segment(k, kMaxSegments).scale(kMax64);
    EXPECT_EQ(sum, kMax64);
}

TEST(ExecutionSegment, RequestIndicesPartitionTheWholeRunsSchedule) {
    constexpr std::uint64_t kIndices = 5000;
    for (std::uint32_t n = 1; n <= 16; ++n) {
        const K6Striping st = k6_equal_segments(n);
        std::vector<int> owners(kIndices, 0);
        for (std::uint32_t k = 1; k <= n; ++k) {
            const ExecutionSegment seg = segment(k, n);
            std::vector<std::uint64_t> listed;
            for (std::uint64_t j = 0; seg.request_index(j) < kIndices; ++j) listed.push_back(seg.request_index(j));
            std::vector<std::uint64_t> owned;
            for (std::uint64_t i = 0; i < kIndices; ++i)
                if (seg.owns(i)) owned.push_back(i), ++owners[i];
            ASSERT_EQ(listed, owned) << seg.text() << ": request_index() lists what owns() says";
            ASSERT_EQ(listed, k6_striped_indices(st, k - 1, kIndices)) << seg.text() << ": as k6's executor stripes";
            ASSERT_EQ(seg.scale(kIndices), owned.size()) << seg.text();
        }
        for (std::uint64_t i = 0; i < kIndices; ++i) ASSERT_EQ(owners[i], 1) << "N=" << n << ", request " << i;
    }
}

TEST(ExecutionSegment, RatesSumBackToTheWhole) {
    for (std::uint32_t n = 1; n <= 64; ++n) {
        for (double rate : {0.001, 0.5, 1.0, 3.0, 1000.0, 12345.678, 1e6, 7e9}) {
            double sum = 0;
            for (std::uint32_t k = 1; k <= n; ++k) sum += segment(k, n).scale_rate(rate);
            ASSERT_NEAR(sum, rate, rate * 1e-9) << "N=" << n;
        }
    }
    EXPECT_EQ(segment(3, 4).scale_rate(1000.0), 250.0);
}

TEST(ExecutionSegment, TheDefaultIsTheWholeRun) {
    EXPECT_EQ(segment(3, 7).text(), "3/7");

    const ExecutionSegment whole;
    EXPECT_EQ(whole.text(), "1/1");
    EXPECT_EQ(whole.scale(kMax64), kMax64);
    EXPECT_EQ(whole.scale_rate(123.5), 123.5);
    EXPECT_TRUE(whole.owns(0));
    EXPECT_TRUE(whole.owns(kMax64));

    EXPECT_FALSE(ExecutionSegment::of(0, 4));
    EXPECT_FALSE(ExecutionSegment::of(5, 4));
    EXPECT_FALSE(ExecutionSegment::of(1, 0));
    EXPECT_FALSE(ExecutionSegment::of(1, kMaxSegments + 1));
    EXPECT_TRUE(ExecutionSegment::of(kMaxSegments, kMaxSegments));
}

TEST(ExecutionSegment, ASegmentWithNoConnectionCannotRun) {
    const ExecutionSegment seg = segment(5, 8);
    EXPECT_FALSE(seg.runnable_with(4));
    EXPECT_EQ(seg.unrunnable_message(4), "--segment 5/8 of 4 connections gets none: use at most 4 segments, or more connections");
    EXPECT_TRUE(seg.runnable_with(5));
    EXPECT_TRUE(seg.runnable_with(8));
    EXPECT_TRUE(seg.runnable_with(9));
    EXPECT_EQ(segment(1, 8).unrunnable_message(0), "--segment 1/8 of 0 connections gets none: use at least 8 connections");
    for (std::uint32_t k = 1; k <= 8; ++k) {
        EXPECT_FALSE(segment(k, 8).runnable_with(k - 1)) << k;
        EXPECT_TRUE(segment(k, 8).runnable_with(k)) << k;
    }
}

TEST(ExecutionSegment, ParsesKOverN) {
    std::string error = "untouched";
    const auto seg = parse_segment("3/8", &error);
    ASSERT_TRUE(seg);
    EXPECT_EQ(seg->k(), 3u);
    EXPECT_EQ(seg->n(), 8u);
    EXPECT_EQ(seg->text(), "3/8");
    EXPECT_EQ(error, "untouched");
    const auto reread = [](std::string_view text) {
        const auto s = parse_segment(text, nullptr);
        return s ? s->text() : "refused";
    };
    EXPECT_EQ(reread("1/1"), "1/1");
    EXPECT_EQ(reread("10000/10000"), "10000/10000");
    EXPECT_EQ(reread("007/010"), "7/10");
}

TEST(ExecutionSegment, RefusesWhatIsNotASegmentSayingWhatToChange) {
    const std::string format = "': expected K/N in whole decimal numbers, e.g. 2/4 for the second of 4 shares";
    const std::string n_range = "': N must be 1..10000";
    const std::string k_range = "': K must be 1..N";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"", format},          {"3", format},         {"/4", format},       {"3/", format},
        {"/", format},         {"+1/4", format},      {"-1/4", format},     {"1/+4", format},
        {" 1/4", format},      {"1/4 ", format},      {"1 /4", format},     {"1.0/4", format},
        {"0x1/4", format},     {"1/4/2", format},     {"1:4", format},      {"1/0", n_range},
        {"1/10001", n_range},  {"1/99999999999999999999999", n_range},    {"0/0", n_range},
        {"1/18446744073709551620", n_range},  // 2^64 + 4: would wrap around to 4
        {"3/2", k_range},      {"99999999999999999999999/4", k_range},    {"10001/10000", k_range},
        {"18446744073709551617/4", k_range},  // 2^64 + 1: would wrap around to 1
        {"0/4", "': K must be 1..N (K counts from 1: Job completion index i is K = i+1)"},
    };
    for (const auto& [text, why] : cases) {
        std::string error;
        EXPECT_FALSE(parse_segment(text, &error)) << "'" << text << "'";
        EXPECT_EQ(error, "--segment '" + text + why);
        EXPECT_FALSE(parse_segment(text, nullptr)) << "no error wanted, still refused";
    }
}

}  // namespace
}  // namespace kms::bench
