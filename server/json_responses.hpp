// JSON bodies the reference server writes: RFC 9457 problems, `operation` and
// `success-response` objects, and the key read's get-kms-key-response.
// Internal to server/. Each knob mirrors one Fault so that replicate_service.cpp only decides
// *whether* to deviate, and this file alone decides *how* the bytes look.
#pragma once

#include "common/http_types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kms::server::detail {

struct ProblemStyle {
    bool bad_type = false;         // Fault::bad_uri_reference
    bool status_mismatch = false;  // Fault::problem_status_mismatch (400 only)
    bool missing_title = false;    // Fault::problem_missing_title (400 only)
};

// The reason phrase a problem of this status carries as its title (RFC 9110 §15); the one map
// of statuses to titles, used by the service and by the transport's own 400/413/431.
const char* problem_title_for(int status);

// "#/http-problem-types/<kebab-case title>", as Exoscale's own problems look.
std::string problem_type_for(std::string_view title);

// A complete problem response: status, Content-Type application/json, body.
HttpResponse make_problem(int status, std::string_view title, std::string_view detail,
                          const ProblemStyle& style = {});

struct OperationView {
    std::string id;      // operation id
    std::string state;   // pending | success | failure | (bad-enum fault) done
    std::string key_id;  // the referenced key, lower case
    std::optional<std::string> reason;   // written when set (failure)
    std::optional<std::string> message;  // written when set (failure)
};

// {"id":..,"state":..,["reason":..,"message":..,]
//  "reference":{"id":..,"link":"/v2/kms-key/<id>","command":"replicate-kms-key"}}
std::string operation_json(const OperationView& op);

// {"status":"<status>"}: replicate's 200 under 2026-07-20.
std::string success_json(std::string_view status);


struct KeyView {
    std::string id;
    std::string name;
    std::string origin_zone;
    bool multi_zone = true;
    bool pending_deletion = false;
    std::int64_t created_at = 0;    // UNIX seconds
    std::int64_t status_since = 0;  // UNIX seconds
    std::int64_t revision_at = 0;   // UNIX seconds of the last change (a replica added)
    std::int64_t revision_seq = 0;  // how many changes so far
    std::vector<std::pair<std::string, std::int64_t>> replicas;  // (zone, watermark), in order
    bool latest = false;  // 2026-07-20: no `zone` and no `policy`; `delete-at` when pending deletion
};

// get-kms-key-response of the key's revision: every member the revision requires, plus
// `replicas-status` (one entry per replica, its watermark the revision seq that added it).
std::string key_json(const KeyView& key);

}  // namespace kms::server::detail
