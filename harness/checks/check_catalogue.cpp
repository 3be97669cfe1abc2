#include "harness/checks/check_catalogue.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>

namespace kms {

namespace {

// One row per check, in CheckId order: check_info indexes it, and the static_asserts below
// refuse a row out of order or a CheckId without its row.
constexpr CheckInfo kCatalogue[] = {
    {CheckId::response_in_time, "response_in_time",
     "A response arrives, complete, within the connect and read deadlines (MUST whatever the case's level).",
     LevelRule::uncapped, Judges::every_case, "slow-response", ""},
    {CheckId::max_response_time, "max_response_time",
     "With --max-response-time-ms N: every response arrives within N ms of its request being written (MUST whatever the case's level; off by default, the contract says nothing about latency).",
     LevelRule::uncapped, Judges::answers_under_budget, "slow-response", "300 ms late against a 100 ms budget"},
    {CheckId::response_framing, "response_framing",
     "RFC 9112 §9.2 and RFC 9110 §9.3.2: no bytes follow a complete response while no request is outstanding, and a response to HEAD carries no content (MUST, on the exchange they followed; the next case only gets an informational note).",
     LevelRule::uncapped, Judges::every_answer, "unsolicited-response", ""},
    {CheckId::status_valid, "status_valid",
     "RFC 9110 §15: a status code is a three-digit integer from 100 to 599.",
     LevelRule::case_level, Judges::every_answer, "status-out-of-range", ""},
    {CheckId::no_server_error, "no_server_error",
     "No input, however malformed, makes the server answer 5xx, unless the case lists it (501 for an unknown method, RFC 9110 §15.6.2); MUST whatever the case's level.",
     LevelRule::uncapped, Judges::every_answer, "server-error-on-garbage", ""},
    {CheckId::status_declared, "status_declared",
     "The operation answers only with a status its contract declares (200, 400), or one the case allows.",
     LevelRule::case_level, Judges::every_answer, "undeclared-status, unprocessable-entity", ""},
    {CheckId::content_type, "content_type",
     "A declared response carries the declared media type (application/json); a +json type such as application/problem+json (RFC 6839 §3.1, RFC 9457 §3) is a SHOULD finding, and its body is still validated.",
     LevelRule::body_shape, Judges::every_answer, "wrong-content-type", ""},
    {CheckId::body_schema, "body_schema",
     "A declared response's body is JSON valid against the contract's schema for that status (a lone surrogate escape, RFC 8259 §8.2, is an informational note, not \"not JSON\").",
     LevelRule::body_shape, Judges::every_answer, "bad-enum, problem-missing-title", ""},
    {CheckId::formats, "formats",
     "Strings with format uuid or uri-reference in a declared response are in that format.",
     LevelRule::body_shape, Judges::every_answer, "bad-uuid-format, bad-uri-reference", ""},
    {CheckId::problem_status, "problem_status",
     "RFC 9457 §3.1.2: a problem's `status` member equals the HTTP status code.",
     LevelRule::body_shape, Judges::every_answer, "problem-status-mismatch", ""},
    {CheckId::allow_header, "allow_header",
     "RFC 9110 §15.5.6: a 405 response carries an Allow header listing the allowed methods.",
     LevelRule::case_level, Judges::every_answer, "no-allow-header", ""},
    {CheckId::valid_accepted, "valid_accepted",
     "A valid replicate is accepted: 200 operation, or 400 Conflict when already replicated.",
     LevelRule::case_level, Judges::cases_expecting_it, "reject-valid", ""},
    {CheckId::malformed_rejected, "malformed_rejected",
     "A malformed or invalid request is rejected with 4xx (400 error-response for the operation), or a status the case lists (a 301 path clean-up, say), and never answered Conflict.",
     LevelRule::case_level, Judges::cases_expecting_it, "accept-malformed, unprocessable-entity", ""},
    {CheckId::conflict_reported, "conflict_reported",
     "Replicating a key again to the same zone is a 400 problem meaning Conflict: title or type naming conflict, or a detail opening with \"Conflict\" or saying \"already replicated\" (latest spec: 'Conflict (already replicated in the target zone)').",
     LevelRule::case_level, Judges::cases_expecting_it, "forget-replicas", ""},
    {CheckId::expected_status, "expected_status",
     "The status is one the case allows.",
     LevelRule::case_level, Judges::cases_expecting_it, "unprocessable-entity", ""},
    {CheckId::rate_limited, "rate_limited",
     "A 429 is honoured (Retry-After waited, request resent: informational); one still there after the retries is a MUST finding whatever the case's level: the case was not tested.",
     LevelRule::uncapped, Judges::every_case, "rate-limit-once", "waited out and resent: informational, exit 0"},
    {CheckId::ignored_auth, "ignored_auth",
     "A request without a valid EXO2-HMAC-SHA256 signature is rejected (4xx) when credentials are required.",
     LevelRule::case_level, Judges::cases_expecting_it, "ignore-auth", "with credentials: --credentials-from-env"},
    {CheckId::service_unavailable, "service_unavailable",
     "docs/contract.md §9 (go-retryablehttp honours Retry-After on 429 and 503), RFC 9110 §15.6.4: a 503 with Retry-After is honoured like a 429 (waited, request resent: informational); one still there after the retries is judged as any 5xx.",
     LevelRule::uncapped, Judges::every_answer, "unavailable-once", "waited out and resent: informational, exit 0"},
    {CheckId::key_state_read, "key_state_read",
     "docs/contract.md §6 get-kms-key: GET /v2/kms-key/{id} answers the key under test with 200 get-kms-key-response; a target without the key read (404, 405, or 401/403 unsigned) falls back to the rules that need no key state (informational).",
     LevelRule::uncapped, Judges::run_state, "no-key-read", "the run falls back and says so: informational, exit 0"},
    {CheckId::operation_id, "operation_id",
     "docs/contract.md §3 and §8: a replicate 200 operation carries the uuid `id` its client polls, and GET /v2/operation/{id} answers the operation with that same id.",
     LevelRule::uncapped, Judges::run_state, "wrong-operation-id", ""},
    {CheckId::operation_reference, "operation_reference",
     "docs/contract.md §3: the operation's `reference.id` is the replicated key, and `reference.link`, when present, is its root-relative path /v2/kms-key/<id> (MUST); a missing reference or reference.id, which the schema allows, is a SHOULD finding.",
     LevelRule::uncapped, Judges::run_state, "wrong-reference", ""},
    {CheckId::operation_state, "operation_state",
     "docs/contract.md §3 and §8: an operation's `state` is one of pending, success, failure, timeout; a followed operation ends in success (failure or timeout is a conforming end state, a SHOULD finding: the replicate did not take effect).",
     LevelRule::uncapped, Judges::run_state, "operation-failure", "SHOULD: exit 0"},
    {CheckId::operation_failure_reason, "operation_failure_reason",
     "docs/contract.md §3 and §8: an operation that ends in failure carries a `reason` (SHOULD: clients print \"Operation error: <state>, <reason>\").",
     LevelRule::uncapped, Judges::run_state, "operation-failure-no-reason", "SHOULD: exit 0"},
    {CheckId::operation_settles, "operation_settles",
     "docs/contract.md §8: an operation leaves `pending` for a terminal state (success, failure, timeout) before --operation-timeout-ms (MUST: a client's Wait would never return).",
     LevelRule::uncapped, Judges::run_state, "operation-never-settles", ""},
    {CheckId::operation_known, "operation_known",
     "docs/contract.md §3 and §8: GET /v2/operation/{id} answers 200 operation for an operation the server created; a 404 (it forgot it) is a MUST failure.",
     LevelRule::uncapped, Judges::run_state, "forget-operation", ""},
    {CheckId::operation_poll_errors, "operation_poll_errors",
     "docs/contract.md §8: a 5xx or a transport error while polling is retried, as the clients do (informational); 5 consecutive ones make the client give up, a MUST failure.",
     LevelRule::uncapped, Judges::run_state, "", "no server fault: a scripted origin answers five 5xx in a row (tests/harness/run/operation_follower_test.cpp)"},
    {CheckId::replica_listed, "replica_listed",
     "docs/contract.md §6 get-kms-key: after a replicate's operation ends in success, the key read lists the target zone in `replicas`.",
     LevelRule::uncapped, Judges::run_state, "replica-not-listed", ""},
    {CheckId::rejection_replicated_nothing, "rejection_replicated_nothing",
     "docs/contract.md §2 and §7: a rejected replicate (malformed, or not validly signed) has no effect: the zone it named stays out of the key's `replicas`.",
     LevelRule::uncapped, Judges::run_state, "rejection-replicates", ""},
    {CheckId::contract_drift, "contract_drift",
     "docs/contract.md §1: a response fits the revision the run judges by (pinned by --contract, or decided by --contract auto); one that fits only the other revision is drift, naming both: MUST when the revision in force refuses it (a key read without policy under 2026-03-31), SHOULD when it is valid under both but has the other's shape exactly (a 200 {\"status\":...} where operation is declared), informational for members only the other declares, which both allow (a problem with instance or errors under 2026-07-20: RFC 9457 §3.2 extension members).",
     LevelRule::body_shape, Judges::every_answer, "", "no server fault: a server of the other revision (tests/cli/cli_revision_test.cpp, tests/cli/cli_faults_test.cpp)"},
    {CheckId::client_request_valid, "client_request_valid",
     "docs/contract.md §2: a client sends a replicate the contract accepts: a uuid key id and a body the request schema accepts (kmsconf judge: informational, MUST under --judge-client).",
     LevelRule::case_level, Judges::recorded_requests, "",
     "no server fault: a client's, shown by kmsconf judge (tests/harness/recorded/recorded_cases_test.cpp, tests/cli/cli_judge_test.cpp)"},
    {CheckId::client_signed, "client_signed",
     "docs/contract.md §7: a client signs every request with a well-formed EXO2-HMAC-SHA256 Authorization header that, given the secret (--api-secret-file), verifies (kmsconf judge: informational, MUST under --judge-client).",
     LevelRule::case_level, Judges::recorded_requests, "",
     "no server fault: a client's, shown by kmsconf judge (tests/harness/recorded/recorded_cases_test.cpp, tests/cli/cli_judge_test.cpp)"},
};

constexpr bool rows_in_id_order() {
    for (std::size_t i = 0; i < std::size(kCatalogue); ++i)
        if (static_cast<std::size_t>(kCatalogue[i].id) != i) return false;
    return true;
}
static_assert(rows_in_id_order(), "kCatalogue's rows are in CheckId order");
// The last enumerator: a check appended to CheckId moves this line with it.
static_assert(std::size(kCatalogue) == static_cast<std::size_t>(CheckId::client_signed) + 1,
              "one row per CheckId");

constexpr bool every_check_shown_failing() {
    for (const auto& row : kCatalogue)
        if (row.faults[0] == '\0' && row.fault_note[0] == '\0') return false;
    return true;
}
static_assert(every_check_shown_failing(), "a row names the faults that show it failing, or the test that does");

}  // namespace

const char* describe(Judges judges) {
    switch (judges) {
        case Judges::every_case: return "every case";
        case Judges::every_answer: return "every answered case";
        case Judges::answers_under_budget: return "every answered case, under --max-response-time-ms only";
        case Judges::cases_expecting_it: return "the cases whose expectation names it";
        case Judges::run_state: return "the run's key-state and operations cases";
        case Judges::recorded_requests: return "the requests of a recorded client (kmsconf judge)";
    }
    return "?";
}

const char* describe(LevelRule rule) {
    switch (rule) {
        case LevelRule::case_level: return "capped to the case's level";
        case LevelRule::uncapped: return "uncapped";
        case LevelRule::body_shape: return "capped to the case's level; informational in scope http";
    }
    return "?";
}

const std::vector<CheckInfo>& check_catalogue() {
    static const std::vector<CheckInfo> all(std::begin(kCatalogue), std::end(kCatalogue));
    return all;
}

const CheckInfo& check_info(CheckId id) { return kCatalogue[static_cast<std::size_t>(id)]; }

const char* name_of(CheckId id) { return check_info(id).name; }

std::optional<CheckId> check_by_name(std::string_view name) {
    auto it = std::find_if(std::begin(kCatalogue), std::end(kCatalogue),
                           [&](const CheckInfo& row) { return name == row.name; });
    if (it == std::end(kCatalogue)) return std::nullopt;
    return it->id;
}

}  // namespace kms
