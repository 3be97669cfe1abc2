// <report-dir>/bench-report.html, written by `kmsconf bench` beside bench.json: the run as a
// self-contained page (inline style and SVG, no script, nothing from the network), built as a
// libxml2 HTML tree (harness/report/html/): a header (target, tool, start, load), the SLOs and
// whether every benchmark held them, then per benchmark its figures, SLO verdicts, console
// summary, latency histogram and percentile curve (corrected and uncorrected in open loops),
// drawn from its LatencyHistograms.
#pragma once

#include "harness/bench/bench_junit.hpp"
#include "harness/bench/bench_report.hpp"
#include "harness/bench/slo.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kms::bench {

std::string bench_html_report(const std::vector<BenchRecord>& records, const std::vector<Slo>& slos,
                              const BenchReportInfo& info);

// Writes bench_html_report(...) to `file`; std::runtime_error naming the file when it cannot.
void write_bench_html_report(const std::filesystem::path& file, const std::vector<BenchRecord>& records,
                             const std::vector<Slo>& slos, const BenchReportInfo& info);

}  // namespace kms::bench
