// The five reports of a run, and its closing count line, as `kmsconf run` and `kmsconf judge`
// both end: junit.xml, summary.json, summary.md, report.html and exchanges.har, all from the
// tally, then "kmsconf: N passed, N failed, N skipped" with where the reports went.
#pragma once

#include "harness/run/run_tally.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kms {

struct RunReportOptions {
    std::string junit_prefix;               // --junit-prefix; "" for none
    const std::vector<Case>* cases = nullptr;  // the selected cases (junit.xml lists one the tally lacks)
    std::string rerun_flags;                // after the rerun commands' `kmsconf ...` (summary.md, report.html)
};

// Writes the five files in `dir` (checked writable up front; a disk can still fill up).
// Throws std::runtime_error naming the file that could not be written.
void write_run_reports(const std::filesystem::path& dir, const RunTally& tally, const RunInfo& info,
                       const RunReportOptions& options);

// write_run_reports, a file that could not be written said on stderr as "<command>: why";
// false then: a gate must not pass on reports it could not write.
bool write_run_reports_or_say(const std::string& command, const std::filesystem::path& dir, const RunTally& tally,
                              const RunInfo& info, const RunReportOptions& options);

// "\n<command>: N passed, N failed, N skipped\n  (N non-strict, N informational) <preposition>
// <target>, contract R; reports in DIR/\n", then a line per warning. Counts as info.strict has them.
std::string count_lines(const std::string& command, const RunTally& tally, const RunInfo& info,
                        const std::string& preposition, const std::string& report_dir);

}  // namespace kms
