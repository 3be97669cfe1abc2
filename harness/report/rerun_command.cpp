#include "harness/report/rerun_command.hpp"
#include "harness/run/run_suites.hpp"

#include "harness/cases/shell_quote.hpp"

namespace kms {

std::string rerun_command(const Case& c, const std::string& rerun_flags) {
    const std::string flags = rerun_flags.empty() ? "" : " " + rerun_flags;
    // A recorded exchange is judged again with its files: `rerun_flags` are judge's own.
    if (c.suite == kRecordedSuite) return "kmsconf judge" + flags;
    if (c.suite == kKeyStateSuite) return "# " + c.full_name() + " is read in every run\nkmsconf" + flags;
    return "kmsconf --filter " + shell_word(c.suite == kOperationsSuite ? c.id : c.full_name()) + flags;
}

}  // namespace kms
