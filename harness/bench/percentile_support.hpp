// How many samples a percentile needs before it means anything: pN of n samples is supported
// when n >= 100 / (100 - N), i.e. at least one sample lies beyond it (p90: 10, p99: 100,
// p99.9: 1000). Below that, "p99.9" is only the largest sample under another name. Plain C++.
#pragma once

#include <cstdint>

namespace kms::bench {

inline constexpr const char* kPercentileRule =
    "pN needs at least 100/(100-N) samples, i.e. one beyond it: p90 10, p99 100, p99.9 1000";

// The percentiles every bench report shows (console, bench.json's counters, bench-report.html).
inline constexpr double kReportedPercentiles[] = {50, 90, 99, 99.9};

// The samples pN needs (1 for p100, the max).
std::uint64_t samples_needed(double percentile);
bool percentile_supported(double percentile, std::uint64_t samples);

}  // namespace kms::bench
