#include "harness/cli/rerun_flags.hpp"

namespace kms::cli {

// Which flags, and how each is written, is the flag table's to say (FlagSpec::rerun).
std::string rerun_flags(const RunOptions& o) { return rerun_line(run_flag_table(), o); }

}  // namespace kms::cli
