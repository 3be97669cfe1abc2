// The summary a run prints after its cases, in the manner of k6's end-of-test summary: counts
// by verdict, counts by check (cases each check judged: passed, failed, non-strict), the
// slowest cases, and, in one place after however many per-case detail lines, every failed
// case with a command that reruns it alone. The final count line is not part of it (its
// format is fixed: tests and users parse it).
#pragma once

#include "harness/report/console_style.hpp"
#include "harness/run/run_tally.hpp"

#include <string>

namespace kms {

struct SummaryOptions {
    bool strict = false;          // a non-strict case counts as failed
    bool latency_budget = false;  // --max-response-time-ms set: max_response_time judged every response
    // The run's flags that matter to a rerun, shell-quoted, appended after `--filter <id>`
    // (rerun_command.hpp); never a secret.
    std::string rerun_flags;
    std::size_t slowest = 5;
};

// Per check, how many cases it judged and how they came out.
struct CheckCount {
    int passed = 0;
    int failed = 0;      // a MUST finding (and SHOULD under --strict)
    int non_strict = 0;  // a SHOULD finding, without --strict
    int judged() const { return passed + failed + non_strict; }
};

// True when `check` judged the case: the response checks every answered case, the expectation
// check its own cases, rate_limited and response_in_time every case sent, the checks on
// replicate's effects the stateful run's own cases; any check in a case it made a finding in.
bool check_judged(CheckId check, const RunTally::Entry& e, bool latency_budget);

CheckCount count_check(const RunTally& tally, CheckId check, const SummaryOptions& options);

// The summary text, ending in a blank line.
std::string console_summary(const RunTally& tally, const SummaryOptions& options, const ConsoleStyle& style);

}  // namespace kms
