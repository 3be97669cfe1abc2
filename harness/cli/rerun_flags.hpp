// The flags of a run that a rerun of one of its cases needs to test the same thing the same way:
// reports print `kmsconf --filter <case> <these>` for each failed case (summary.md). Only
// flags that change what is sent or how it is judged, and only where they differ from the
// default; never a secret (--api-secret-file names a file; the environment's secret is not
// repeated), never --report-dir (a rerun should not overwrite the CI's reports).
#pragma once

#include "harness/cli/run_options.hpp"

#include <string>

namespace kms::cli {

// " --base-url 'https://...' --strict" (each value shell-quoted), or "" for an all-default run.
std::string rerun_flags(const RunOptions& o);

}  // namespace kms::cli
