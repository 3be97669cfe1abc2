// A latency histogram in the manner of HdrHistogram: log-linear buckets, microsecond
// resolution, 3 significant digits (every value is stored within 1/1024 of itself), a fixed
// count array allocated once (about 190 KB) whatever the number of samples, so a long run at
// a high rate cannot grow memory. Mergeable, and serialisable to JSON that reads back.
// Plain C++: the load engine records into it, the reports and the SLO gate read from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kms::bench {

class LatencyHistogram {
public:
    static constexpr int kSignificantDigits = 3;
    // One hour: larger values are clamped to it and counted in saturated().
    static constexpr std::uint64_t kHighestTrackableUs = 3'600'000'000ULL;

    LatencyHistogram();

    // Records `count` samples of `value_us` microseconds.
    void record(std::uint64_t value_us, std::uint64_t count = 1);
    // Adds every sample of `other` (same layout: all histograms of this class share it).
    void merge(const LatencyHistogram& other);
    void reset();

    std::uint64_t count() const { return total_; }
    std::uint64_t min() const { return total_ ? min_ : 0; }  // exact, microseconds
    std::uint64_t max() const { return max_; }                // exact, microseconds
    double mean() const { return total_ ? static_cast<double>(sum_) / static_cast<double>(total_) : 0.0; }
    std::uint64_t sum() const { return sum_; }
    std::uint64_t saturated() const { return saturated_; }

    // The nearest-rank percentile (0 < p <= 100): the smallest recorded value v such that at
    // least p% of the samples are <= v, reported as the highest value equivalent to v at this
    // precision (never above max()). 0 when empty.
    std::uint64_t percentile(double p) const;

    // Heap plus object bytes: constant after construction.
    std::size_t memory_bytes() const;

    struct Bucket {
        std::uint64_t low_us;   // lowest value stored in this bucket
        std::uint64_t high_us;  // highest value stored in this bucket
        std::uint64_t count;
    };
    // The non-empty buckets in increasing order.
    std::vector<Bucket> buckets() const;

    // {"format":"kmsconf-latency-histogram/1","unit":"us","significant_digits":3,
    //  "count":..,"min_us":..,"max_us":..,"sum_us":..,"saturated":..,
    //  "percentiles_us":{"50":..,"90":..,"99":..,"99.9":..,"100":..},   (for readers; ignored)
    //  "buckets":[[low_us,high_us,count],...]}
    std::string to_json() const;
    // The inverse of to_json(); nullopt with *error set when the text is not such a histogram
    // (wrong format or precision, bucket bounds that do not match this layout, counts that do
    // not add up).
    static std::optional<LatencyHistogram> from_json(std::string_view text, std::string* error);

    bool operator==(const LatencyHistogram& o) const;

private:
    std::size_t index_of(std::uint64_t value) const;
    std::uint64_t lowest_at(std::size_t index) const;
    std::uint64_t highest_equivalent(std::uint64_t value) const;

    std::vector<std::uint64_t> counts_;
    std::uint64_t total_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
    std::uint64_t sum_ = 0;
    std::uint64_t saturated_ = 0;
};

}  // namespace kms::bench
