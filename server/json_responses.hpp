// JSON bodies the reference server writes: RFC 9457 problems and `operation` objects.
// Internal to server/. Each knob mirrors one Fault so that replicate_service.cpp only decides
// *whether* to deviate, and this file alone decides *how* the bytes look.
#pragma once

#include "common/http_types.hpp"

#include <cstddef>
#include <string>
#include <string_view>

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
    std::string state;   // pending | success | (bad-enum fault) done
    std::string key_id;  // the replicated key, lower case
};

// {"id":..,"state":..,"reference":{"id":..,"link":"/v2/kms-key/<id>","command":"replicate-kms-key"}}
std::string operation_json(const OperationView& op);

}  // namespace kms::server::detail
