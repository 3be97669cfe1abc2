// A histogram as HdrHistogram's outputPercentileDistribution prints it (the `.hgrm` text that
// HdrHistogram's plotter and wrk2-style tooling read): a "Value Percentile TotalCount
// 1/(1-Percentile)" header, one line per reporting level (5 ticks per half distance to 100%),
// the 100% line, then the #[Mean/StdDeviation], #[Max/Total count] and #[Buckets/SubBuckets]
// footer. Values in milliseconds (the microseconds recorded / 1000), 3 decimals. Plain C++.
#pragma once

#include "harness/bench/latency_histogram.hpp"

#include <string>

namespace kms::bench {

// As Java's outputPercentileDistribution(out, ticks, 1000.0), with two differences in the footer:
// Mean is the exact mean of the recorded values (HdrHistogram's is of the buckets' midpoints) and
// Max the bucket's highest value equivalent to the recorded maximum (as HdrHistogram's getMaxValue).
std::string percentile_distribution(const LatencyHistogram& h, int ticks_per_half_distance = 5);

// "bench-replicate_valid_closed_connections-1.hgrm" for "replicate_valid/closed/connections:1/
// manual_time" ("...uncorrected.hgrm" for the open loop's uncorrected histogram): a name safe
// in any folder, and every one starts with "bench-" and ends with ".hgrm" (stale ones are found so).
std::string hgrm_file_name(const std::string& benchmark_name, bool uncorrected);

}  // namespace kms::bench
