// The flags of a run that a rerun of one of its cases needs to meet the same target and judge
// it the same way: target, TLS trust, contract, key, zone(s), suites, generated cases, budgets,
// --strict (those the flag table marks carried_by_rerun). Credentials by name only: the secret
// file's path (a path, not a secret), the key as "$EXOSCALE_API_KEY", never a value that could
// be a secret.
#pragma once

#include "harness/cli/run_options.hpp"

#include <string>

namespace kms::cli {

// Shell-quoted and space-separated; empty when every such flag had its default.
std::string rerun_flags(const RunOptions& o);

}  // namespace kms::cli
