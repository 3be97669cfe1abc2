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
     LevelRule::uncapped},
    {CheckId::max_response_time, "max_response_time",
     "With --max-response-time-ms N: every response arrives within N ms of its request being written (MUST whatever the case's level; off by default, the contract says nothing about latency).",
     LevelRule::uncapped},
    {CheckId::response_framing, "response_framing",
     "RFC 9112 §9.2 and RFC 9110 §9.3.2: no bytes follow a complete response while no request is outstanding, and a response to HEAD carries no content (MUST, on the exchange they followed; the next case only gets an informational note).",
     LevelRule::uncapped},
    {CheckId::status_valid, "status_valid",
     "RFC 9110 §15: a status code is a three-digit integer from 100 to 599.",
     LevelRule::case_level},
    {CheckId::no_server_error, "no_server_error",
     "No input, however malformed, makes the server answer 5xx, unless the case lists it (501 for an unknown method, RFC 9110 §15.6.2); MUST whatever the case's level.",
     LevelRule::uncapped},
    {CheckId::status_declared, "status_declared",
     "The operation answers only with a status its contract declares (200, 400), or one the case allows.",
     LevelRule::case_level},
    {CheckId::content_type, "content_type",
     "A declared response carries the declared media type (application/json); a +json type such as application/problem+json (RFC 6839 §3.1, RFC 9457 §3) is a SHOULD finding, and its body is still validated.",
     LevelRule::body_shape},
    {CheckId::body_schema, "body_schema",
     "A declared response's body is JSON valid against the contract's schema for that status (a lone surrogate escape, RFC 8259 §8.2, is an informational note, not \"not JSON\").",
     LevelRule::body_shape},
    {CheckId::formats, "formats",
     "Strings with format uuid or uri-reference in a declared response are in that format.",
     LevelRule::body_shape},
    {CheckId::problem_status, "problem_status",
     "RFC 9457 §3.1.2: a problem's `status` member equals the HTTP status code.",
     LevelRule::body_shape},
    {CheckId::allow_header, "allow_header",
     "RFC 9110 §15.5.6: a 405 response carries an Allow header listing the allowed methods.",
     LevelRule::case_level},
    {CheckId::valid_accepted, "valid_accepted",
     "A valid replicate is accepted: 200 operation, or 400 Conflict when already replicated.",
     LevelRule::case_level},
    {CheckId::malformed_rejected, "malformed_rejected",
     "A malformed or invalid request is rejected with 4xx (400 error-response for the operation), or a status the case lists (a 301 path clean-up, say), and never answered Conflict.",
     LevelRule::case_level},
    {CheckId::conflict_reported, "conflict_reported",
     "Replicating a key again to the same zone is a 400 problem meaning Conflict: title or type naming conflict, or a detail opening with \"Conflict\" or saying \"already replicated\" (latest spec: 'Conflict (already replicated in the target zone)').",
     LevelRule::case_level},
    {CheckId::expected_status, "expected_status",
     "The status is one the case allows.",
     LevelRule::case_level},
    {CheckId::rate_limited, "rate_limited",
     "A 429 is honoured (Retry-After waited, request resent: informational); one still there after the retries is a MUST finding whatever the case's level: the case was not tested.",
     LevelRule::uncapped},
    {CheckId::ignored_auth, "ignored_auth",
     "A request without a valid EXO2-HMAC-SHA256 signature is rejected (4xx) when credentials are required.",
     LevelRule::case_level},
};

constexpr bool rows_in_id_order() {
    for (std::size_t i = 0; i < std::size(kCatalogue); ++i)
        if (static_cast<std::size_t>(kCatalogue[i].id) != i) return false;
    return true;
}
static_assert(rows_in_id_order(), "kCatalogue's rows are in CheckId order");
// The last enumerator: a check appended to CheckId moves this line with it.
static_assert(std::size(kCatalogue) == static_cast<std::size_t>(CheckId::ignored_auth) + 1,
              "one row per CheckId");

}  // namespace

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
