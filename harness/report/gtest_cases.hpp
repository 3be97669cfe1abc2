// Registers each selected case as its own GoogleTest test (suite name = suite file's `suite`,
// test name = case id): GoogleTest runs them once each, in order, prints the failures, and its
// verdict cross-checks the tally's. The tests run the case through CaseRunner and record the
// graded result in the tally, from which every report is written (junit.xml included).
#pragma once

#include "harness/report/progress_line.hpp"
#include "harness/run/case_runner.hpp"
#include "harness/run/run_tally.hpp"

#include <vector>

namespace kms {

struct GtestRunOptions {
    bool strict = false;   // non-strict (SHOULD) findings fail the test too
    bool verbose = false;  // print non-failing findings as they happen
    bool quiet = false;    // print nothing (--quiet)
    ProgressLine* progress = nullptr;  // erased before a case prints; may be null
};

void register_case_tests(const std::vector<Case>& cases, CaseRunner& runner, RunTally& tally, GtestRunOptions options);

}  // namespace kms
