// A benchmark's figures under the names bench.json gives them (its "counters": requests,
// requests_per_second, p50_us ... p99_9_us with their _supported flags, max_us, mean_us, the
// open loop's uncorrected percentiles and send lag, errors by kind, connection phases, client
// CPU per request). One list for the Google Benchmark run and for `kmsconf bench merge`'s
// bench.json, so that compare.py reads both alike.
#pragma once

#include "harness/bench/bench_report.hpp"

#include <map>
#include <string>

namespace kms::bench {

std::map<std::string, double> bench_counters(const BenchRecord& record);

}  // namespace kms::bench
