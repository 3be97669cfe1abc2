// bench.json for runs Google Benchmark did not measure itself (`kmsconf bench merge`): the same
// shape as its JSON reporter writes, so that compare.py (Debian's libbenchmark-tools) and every
// other reader of a run's bench.json read a merged one alike. One iteration per successful
// request, real_time the mean latency in microseconds, the figures as counters
// (bench_counters.hpp). cpu_time is 0: the client CPU of N processes is not in their histograms.
#pragma once

#include "harness/bench/bench_report.hpp"

#include <map>
#include <string>
#include <vector>

namespace kms::bench {

// `context` adds to the context Google Benchmark writes (kmsconf_version is always there).
std::string google_benchmark_json(const std::vector<BenchRecord>& records, const std::map<std::string, std::string>& context);

}  // namespace kms::bench
