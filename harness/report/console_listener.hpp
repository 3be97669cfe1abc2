// What GoogleTest prints while a run's cases run, as the console wants it: its printer wrapped
// so that the progress line (progress_line.hpp) is drawn when a case starts and erased before
// the printer writes anything; under --quiet the printer is taken away altogether.
#pragma once

#include "harness/report/progress_line.hpp"

namespace kms {

// Call after init_googletest_for_run() and before RUN_ALL_TESTS(); `progress` must outlive the run.
void install_console_listener(ProgressLine& progress, bool quiet);

}  // namespace kms
