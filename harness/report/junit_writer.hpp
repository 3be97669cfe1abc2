// reports/junit.xml, written from the run's tally (the same results as the console line,
// summary.json and report.html): a <testsuite> per suite, a <testcase> per case named by its
// id, the run's properties (and warnings, as kmsconf.warning) in every suite. The run's own
// cases (key-state reads, followed operations: harness/run/stateful_run.hpp) are in the tally
// like the others, so they are testcases of their own suites without further ado. A failure's message is the finding that failed
// the case, its text the requirement, what was expected, every finding, what came and a curl
// reproducer. A case whose findings did not fail it (SHOULD without --strict, informational)
// shows them in <system-out>; a skipped case is <skipped/>. Not GoogleTest's XML, which drove the
// cases once: its attributes (status, result, timestamp, file, line) are not JUnit as
// junit-10.xsd has it, and its file= was the build machine's path.
#pragma once

#include "harness/report/junit_document.hpp"
#include "harness/run/run_tally.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kms {

struct JunitRunOptions {
    // --junit-prefix: "NAME." before every suite name and classname, so that two targets'
    // reports in one pipeline do not merge into one set of tests.
    std::string prefix;
    // The cases the run selected. One the tally lacks (its test stopped on an exception
    // before its result was recorded) is an <error>, not left out.
    const std::vector<Case>* selected = nullptr;
};

// The run as a JUnit document (tests see it without a file).
JunitDocument run_junit(const RunTally& tally, const RunInfo& info, const JunitRunOptions& options);

// Writes run_junit(...) to `file`; throws std::runtime_error when it cannot.
void write_run_junit(const std::filesystem::path& file, const RunTally& tally, const RunInfo& info,
                     const JunitRunOptions& options);

}  // namespace kms
