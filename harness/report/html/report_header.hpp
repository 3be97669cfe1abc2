// report.html's header: what was tested and when (target, contract revision and why, tool
// version, start time, duration, seed, --strict), the console's counts (tests, passed, failed,
// skipped, as junit.xml and summary.json count them) and the count of each verdict, each a
// link to its section; then the run's warnings.
#pragma once

#include "harness/report/html/html_tree.hpp"
#include "harness/run/run_tally.hpp"

namespace kms::html {

void report_header(Element parent, const RunTally& tally, const RunInfo& info);

}  // namespace kms::html
