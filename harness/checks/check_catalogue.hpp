// The check catalogue: every check the harness applies, one row each (id, the stable name in
// reports and suite files, the requirement it enforces, and how a case's level bounds its
// findings). Adding a check is adding a CheckId and its row; the grading reads the rule from
// the row, the suite schema's expect.check enum is kept in step by a unit test.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace kms {

enum class CheckId {
    response_in_time,
    max_response_time,
    response_framing,
    status_valid,
    no_server_error,
    status_declared,
    content_type,
    body_schema,
    formats,
    problem_status,
    allow_header,
    valid_accepted,
    malformed_rejected,
    conflict_reported,
    expected_status,
    rate_limited,
    ignored_auth,
    service_unavailable,
    key_state_read,
    operation_id,
    operation_reference,
    operation_state,
    operation_failure_reason,
    operation_settles,
    operation_known,
    operation_poll_errors,
    replica_listed,
    rejection_replicated_nothing,
    contract_drift,
    client_request_valid,
    client_signed,
};

// How the case's level bounds a finding of the check (docs/verdicts.md, "How findings are graded").
enum class LevelRule {
    case_level,  // capped to the case's level
    uncapped,    // MUST whatever the case's level: a fault of the target, not of the input
    body_shape,  // capped to the case's level, and informational when the case's scope is http
};

// Which cases a check judges: those the console summary and summary.md count it against. A
// case with a finding of the check always counts, whatever the row says.
enum class Judges {
    every_case,            // every case that ran, answered or not
    every_answer,          // every case that got a response
    answers_under_budget,  // every answered case, and only with --max-response-time-ms
    cases_expecting_it,    // the cases whose expectation names it (expect.check, or the outcome's)
    run_state,             // the run's own key-state and operations cases (state_checks.hpp)
    recorded_requests,     // kmsconf judge's client cases: the requests a recorded client sent
};

// One row per check: everything the reports, --list-checks, the suite schema's list, the docs
// and the tests need to know about it.
struct CheckInfo {
    CheckId id;
    const char* name;         // stable: reports, suite files' expect.check, --list-checks
    const char* requirement;  // for --list-checks and the docs
    LevelRule rule;
    Judges judges;
    // The reference server's faults (`kmsconf serve --fault NAME`, ", "-separated) that make it
    // fail; tests/cli/cli_faults_test.cpp runs each and requires the finding. Empty when no
    // fault of the server can: then `fault_note` names the test that shows it failing.
    const char* faults;
    const char* fault_note;  // how the faults show it, or where it is shown instead; may be ""
};

// For --list-checks and the docs: "every answered case", "capped to the case's level", ...
const char* describe(Judges judges);
const char* describe(LevelRule rule);

// In the order --list-checks prints them.
const std::vector<CheckInfo>& check_catalogue();
const CheckInfo& check_info(CheckId id);
const char* name_of(CheckId id);
std::optional<CheckId> check_by_name(std::string_view name);

}  // namespace kms
