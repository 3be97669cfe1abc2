// The checks every response goes through (docs/verdicts.md, "The checks"), one function each,
// and the expectation check that judges a case's last response. Each check that fails yields a
// Finding; a response that keeps the contract yields none.
#pragma once

#include "harness/checks/check_catalogue.hpp"
#include "harness/contract/contract.hpp"
#include "harness/transport/http_client.hpp"
#include "harness/cases/suite.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace kms {

struct Finding {
    CheckId check;         // its row in the catalogue; reports print name_of(check)
    Level level;           // MUST findings fail the case; SHOULD are non-strict; informational never fail
    std::string message;   // what was expected and what came, one or more lines
};

// True when the request is the contract's operation (method and path template), whatever the
// values in the path: such responses must use a declared status.
bool targets_operation(const Contract& contract, const HttpRequest& request, const std::string& base_path);

// Checks applied to every response of a case.
std::vector<Finding> check_response(const Contract& contract, const Case& c, const HttpRequest& request,
                                    const Exchange& exchange, const std::string& base_path);

// Framing faults the client found around this exchange: bytes after its response (MUST, this
// exchange's fault) and bytes found before its request was written (informational here: they
// followed the previous exchange).
std::vector<Finding> check_framing(const Exchange& exchange);

// --max-response-time-ms: a response slower than `budget` (request written .. response read) is
// a MUST finding max_response_time. A budget of 0 turns it off; no response, no finding.
std::vector<Finding> check_response_time(const Exchange& exchange, std::chrono::milliseconds budget);

// The case's expectation, applied to its last response (only when it arrived).
std::vector<Finding> check_expectation(const Case& c, const HttpResponse& response);

// True for a 400 problem meaning the latest spec's "Conflict (already replicated in the target
// zone)": the answer a real, stateful server gives to a replicate it has already done.
bool is_conflict_problem(const HttpResponse& response);
// True for 2026-07-20's 200 {"status": "already-applied"}: its answer to such a repeat.
bool is_already_applied(const HttpResponse& response);

}  // namespace kms
