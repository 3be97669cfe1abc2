// What `kmsconf bench` and `kmsconf bench merge` both end with: the report folder made ready
// (the previous run's reports removed first, the folder checked writable before any load), the
// reports written, and the verdict (each benchmark's summary and SLOs on the console, the exit
// code).
#pragma once

#include "harness/bench/bench_junit.hpp"
#include "harness/bench/bench_report.hpp"
#include "harness/bench/slo.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kms::cli {

// Exit 2 (CommandStop) when the folder cannot take the reports.
void prepare_bench_report_folder(const std::string& report_dir);

// bench-histograms.json (with the segment, "K/N", when there is one) and a bench-*.hgrm per
// histogram; a file that cannot be written is said on stderr.
void write_histograms(const std::filesystem::path& report_dir, const std::vector<bench::BenchRecord>& records,
                      const std::string& target, const std::string& segment = "");

// bench-junit.xml and bench-summary.json (the SLO verdicts for CI) and bench-report.html (the
// plots, for people); false when one could not be written (a gate must not pass on reports it
// could not write).
bool write_ci_reports(const std::filesystem::path& report_dir, const std::vector<bench::BenchRecord>& records,
                      const std::vector<bench::Slo>& slos, const bench::BenchReportInfo& info);

// Prints the summaries and the SLOs' verdicts, where the reports are, and returns the exit code:
// 0 every SLO held, 1 a breach or a benchmark that measured nothing, 2 reports not written,
// 3 every request failed to connect.
int bench_verdict(const std::vector<bench::BenchRecord>& records, const std::vector<bench::Slo>& slos,
                  const std::string& report_dir, bool reports_written);

}  // namespace kms::cli
