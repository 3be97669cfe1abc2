// How a load run maps onto Google Benchmark: the run happens once, before the benchmark loop;
// the loop then declares one iteration per successful request (KeepRunningBatch) and a manual
// time equal to the sum of their request/response spans, so GB's real_time is the mean latency
// per request and compare.py compares latency between runs. The spans exclude set-up (server
// start, connecting the keep-alive connections) and the warm-up. The reporters are corrected
// (benchmark_runs.cpp): no "iterations:1" in the names, and cpu_time is the client's CPU per
// request (client_cpu_us_per_request) instead of GB's figure for the benchmark thread, which
// only waits. Every other figure is a counter (latencies in microseconds).
#pragma once

#include "harness/bench/bench_cases.hpp"
#include "harness/bench/bench_report.hpp"
#include "harness/bench/engine/execution_segment.hpp"
#include "harness/bench/engine/load_engine.hpp"
#include "harness/bench/first_replicates.hpp"
#include "harness/bench/wire_request.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kms::bench {

// What every benchmark of one `kmsconf bench` shares.
struct BenchmarkSetting {
    LoadTarget target;
    LoadSpec spec;                               // expected_statuses set per case
    std::optional<Exo2Credentials> credentials;  // sign every request when set
    bool reset_embedded = false;                 // POST /_reference/reset before each benchmark
    bool progress = false;                       // a line on stderr every second
    // --segment: `spec` is this segment's share; benchmarks are named by the whole run's load
    // (`whole`), so that the N segments' reports name the same benchmarks.
    std::optional<LoadSpec> whole = {};
    ExecutionSegment segment = {};  // recorded in bench.json's context when not 1/1
    // --start-at: benchmark i starts its load at start_at + i * start_every (same for every
    // segment, so each benchmark starts together everywhere).
    std::optional<std::chrono::system_clock::time_point> start_at = {};
    std::chrono::nanoseconds start_every = {};
    // replicate_accepted's pairs (the whole run's; the segment takes its share). Unset: no
    // benchmark of first replicates may be among the cases.
    std::shared_ptr<const ReplicatePairs> first_replicate_pairs = {};
};

// One Google Benchmark per case, run with GB's own flags only (an inherited BENCHMARK_FILTER
// and the like is ignored); bench.json goes to `report_dir`. Returns a record per case, in order.
std::vector<BenchRecord> run_benchmarks(const std::vector<BenchCase>& cases, const BenchmarkSetting& setting,
                                        const std::filesystem::path& report_dir);

}  // namespace kms::bench
