// `kmsconf bench` in the forms CI reads: <report-dir>/bench-junit.xml, a <testsuite> per
// benchmark whose testcases are "measured" (it ran and got successful responses) and one per
// --slo (failed when breached; the measured figure in the message or <system-out>), shaped
// and validated as junit.xml is (harness/report/junit_document.hpp); and
// <report-dir>/bench-summary.json, the SLOs as k6's summary reports thresholds:
//   {"format": "kmsconf-bench-summary/1", "target": .., "tool": .., "start_time": .., "ok": bool,
//    "thresholds": {"p99<=50ms": {"ok": bool}},            // held by every benchmark
//    "benchmarks": {"replicate_valid/closed/connections:1": {"ok": bool, "requests": n,
//        "errors": n, "requests_per_second": x, "measured": "" | why nothing was,
//        "thresholds": {"p99<=50ms": {"ok": bool, "value": 1.84, "measured": "p99 = 1.84 ms"}}}}}
// "value" is in k6's units (SloVerdict::value): milliseconds, a fraction, a count, or
// responses per second; null when nothing was measured.
#pragma once

#include "harness/bench/bench_report.hpp"
#include "harness/bench/slo.hpp"
#include "harness/report/junit_document.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace kms::bench {

struct BenchReportInfo {
    std::string target;  // as the console names it: the --base-url or "embedded reference server (URL)"
    std::string prefix;  // --junit-prefix
    std::chrono::system_clock::time_point started;
};

JunitDocument bench_junit(const std::vector<BenchRecord>& records, const std::vector<Slo>& slos,
                          const BenchReportInfo& info);
std::string bench_summary_json(const std::vector<BenchRecord>& records, const std::vector<Slo>& slos,
                               const BenchReportInfo& info);

}  // namespace kms::bench
