// reports/summary.json: the run (target, contract, tool, warnings), the counts as the console
// line and junit.xml give them, and every case with its verdict, statuses, times and findings.
#pragma once

#include "harness/run/run_tally.hpp"

#include <filesystem>

namespace kms {

// Throws std::runtime_error when the file cannot be written.
void write_summary_json(const RunTally& tally, const RunInfo& info, const std::filesystem::path& file);

}  // namespace kms
