// The cases a run judges outside GoogleTest: the key-state reads and the followed operations
// (harness/run/stateful_run.hpp) exist only once the run has seen the key and the 200s, after
// GoogleTest's tests were registered. So after the run their <testcase>s are appended to
// junit.xml, in a <testsuite> per suite, shaped as GoogleTest writes its own (a <failure>
// with the description, <skipped>), and the root's counts are raised to include them; the
// run's warnings become <property> elements of the root. Call before add_findings_to_junit,
// which then gives the non-failing ones their <system-out> too.
#pragma once

#include "harness/run/run_tally.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kms {

// Appends every tally entry that has no <testcase> in `junit_xml` yet. Throws
// std::runtime_error when the file cannot be read, parsed or written back.
void add_run_cases_to_junit(const std::filesystem::path& junit_xml, const RunTally& tally, const BaseUrl& base,
                            bool strict, const std::vector<std::string>& warnings);

}  // namespace kms
