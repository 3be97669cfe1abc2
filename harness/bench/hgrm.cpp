// The reporting levels are HdrHistogram's PercentileIterator: from 0%, each step is
// 100 / (ticks * 2^(floor(log2(100 / (100 - level))) + 1)) percent, so the steps halve as the
// remaining distance to 100% halves; a bucket is reported at every level its cumulative count
// reaches, except that the bucket holding the last sample is reported once, then at 100%.
#include "harness/bench/hgrm.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace kms::bench {

namespace {

constexpr double kUsPerMs = 1000.0;
constexpr int kSubBucketCount = 2048;  // LatencyHistogram's layout (3 significant digits)

int bucket_count() {
    std::uint64_t smallest_untrackable = kSubBucketCount;
    int buckets = 1;
    while (smallest_untrackable <= LatencyHistogram::kHighestTrackableUs) {
        smallest_untrackable <<= 1;
        ++buckets;
    }
    return buckets;
}

double next_level(double level, int ticks_per_half_distance) {
    const auto halvings = static_cast<long long>(std::log(100.0 / (100.0 - level)) / std::log(2.0));
    const auto ticks = static_cast<long long>(ticks_per_half_distance) * static_cast<long long>(std::pow(2.0, halvings + 1));
    return level + 100.0 / static_cast<double>(ticks);
}

}  // namespace

std::string percentile_distribution(const LatencyHistogram& h, int ticks_per_half_distance) {
    std::string out;
    char line[160];
    std::snprintf(line, sizeof line, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)");
    out += line;
    const auto buckets = h.buckets();
    const double total = static_cast<double>(h.count());
    double level = 0;
    std::uint64_t cumulative = 0;
    double deviation_sum = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        const auto& b = buckets[i];
        cumulative += b.count;
        const double value = static_cast<double>(b.high_us) / kUsPerMs;
        const bool last = i + 1 == buckets.size();
        while (100.0 * static_cast<double>(cumulative) / total >= level) {
            // One ulp up: Java's Formatter rounds a tie half up, printf to even (0.9997802734375).
            std::snprintf(line, sizeof line, "%12.3f %2.12f %10llu %14.2f\n", value, std::nextafter(level / 100.0, 2.0),
                          static_cast<unsigned long long>(cumulative), 1.0 / (1.0 - level / 100.0));
            out += line;
            level = next_level(level, ticks_per_half_distance);
            if (last) break;
        }
        if (last) {
            std::snprintf(line, sizeof line, "%12.3f %2.12f %10llu\n", value, 1.0, static_cast<unsigned long long>(cumulative));
            out += line;
        }
        const double median = static_cast<double>(b.low_us + ((b.high_us - b.low_us + 1) >> 1));
        deviation_sum += (median - h.mean()) * (median - h.mean()) * static_cast<double>(b.count);
    }
    const double std_deviation = h.count() ? std::sqrt(deviation_sum / total) : 0.0;
    const double max = buckets.empty() ? 0.0 : static_cast<double>(buckets.back().high_us);
    std::snprintf(line, sizeof line, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", h.mean() / kUsPerMs,
                  std_deviation / kUsPerMs);
    out += line;
    std::snprintf(line, sizeof line, "#[Max     = %12.3f, Total count    = %12llu]\n", max / kUsPerMs,
                  static_cast<unsigned long long>(h.count()));
    out += line;
    std::snprintf(line, sizeof line, "#[Buckets = %12d, SubBuckets     = %12d]\n", bucket_count(), kSubBucketCount);
    out += line;
    return out;
}

std::string hgrm_file_name(const std::string& benchmark_name, bool uncorrected) {
    std::string name = benchmark_name;
    const std::string time_type = "/manual_time";
    if (name.size() > time_type.size() && name.compare(name.size() - time_type.size(), time_type.size(), time_type) == 0)
        name.resize(name.size() - time_type.size());
    for (char& c : name) {
        if (c == '/') c = '_';
        else if (c == ':') c = '-';
        else if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
    }
    return "bench-" + name + (uncorrected ? ".uncorrected" : "") + ".hgrm";
}

}  // namespace kms::bench
