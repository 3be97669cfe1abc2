// The files a run writes in --report-dir, and the two things done with them before any
// request is sent: the previous run's are removed (so that a run that stops with exit 2 or 3
// leaves no green report for CI to publish), and each is proven writable (so that a report
// that cannot be written is a usage error up front, not an abort after every request went out).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace kms {

// Only these are ever removed: the folder itself may be "." or hold the user's files.
inline const std::vector<std::string> kRunReportFiles = {"junit.xml", "summary.json", "summary.md", "report.html",
                                                         "exchanges.har"};
// What `kmsconf bench` writes.
inline const std::vector<std::string> kBenchReportFiles = {"bench.json", "bench-histograms.json", "bench-junit.xml",
                                                          "bench-summary.json", "bench-report.html"};

struct ReportFileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Removes each of `files` (dir/junit.xml, dir/summary.json, ...) where it exists. A folder that
// does not exist is fine. Throws ReportFileError naming the file that cannot be removed (or is
// a directory, which is never removed).
void remove_previous_reports(const std::filesystem::path& dir, const std::vector<std::string>& files = kRunReportFiles);

// Creates dir (and its parents) and checks that each of `files` can be created in it, leaving
// none behind that was not there. Throws ReportFileError naming the folder or file and why.
void check_reports_writable(const std::filesystem::path& dir, const std::vector<std::string>& files = kRunReportFiles);

}  // namespace kms
