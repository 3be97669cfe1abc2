// The command that reruns one case of a run, as the console summary and summary.md print it.
#pragma once

#include "harness/cases/suite.hpp"

#include <string>

namespace kms {

// "kmsconf --filter <suite.id> <rerun_flags>". The stateful run's own cases belong to no suite
// file: an operation (suite "operations", its id the replicate case's full name) is followed
// when that replicate case runs, so the rerun selects the replicate case; the key-state reads
// happen in every run, so their rerun is the run itself, with a comment line saying so.
// `rerun_flags`: the run's flags that matter (harness/cli/rerun_flags.hpp), "" for none.
std::string rerun_command(const Case& c, const std::string& rerun_flags);

}  // namespace kms
