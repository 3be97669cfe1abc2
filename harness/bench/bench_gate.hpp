// The verdict of `kmsconf bench`: each benchmark's summary and SLOs on the console, and what
// the command's exit code is made of.
#pragma once

#include "harness/bench/bench_report.hpp"
#include "harness/bench/slo.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace kms::bench {

struct GateResult {
    bool failed = false;       // a benchmark did not run, measured nothing, or breached an SLO
    bool unreachable = false;  // every request of every benchmark failed to connect
    std::vector<std::string> breaches;  // "SLO breached: <slo> in <benchmark>: <measured>"
};

// Why a benchmark measured nothing: its set-up error, or that no response succeeded; "" when
// it measured something. Such a benchmark fails the gate (and bench-junit.xml) whatever the SLOs.
std::string measured_nothing(const LoadResult& res);

// What the SLOs are evaluated on: the successful responses' latency, attempts, errors, rate.
SloInput slo_input(const LoadResult& res);

// Prints every record's summary and each SLO's verdict on `out`.
GateResult gate(const std::vector<BenchRecord>& records, const std::vector<Slo>& slos, std::ostream& out);

}  // namespace kms::bench
