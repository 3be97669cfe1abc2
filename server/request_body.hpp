// Validation of the replicate request body (`replicate-kms-key-request`: an object with a
// required string `zone`, extra members allowed), strictly: RFC 8259 JSON only, valid UTF-8.
// Internal to server/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kms::server::detail {

// Deeper bodies are refused before parsing (a recursive parser must not meet 100k '[').
inline constexpr std::size_t kMaxBodyDepth = 64;

enum class BodyError {
    none,
    empty,            // no body at all
    too_deep,         // nesting beyond kMaxBodyDepth
    unparsable,       // not one well-formed UTF-8 JSON text
    not_object,       // root is not an object
    duplicate_zone,   // `zone` given twice: which one would the server use?
    zone_missing,
    zone_not_string,
    zone_empty,
};

struct BodyCheck {
    BodyError error = BodyError::none;
    std::string detail;  // "Invalid Argument: ..." when error != none
    std::string zone;    // the zone when error == none: untrusted, may hold any bytes (even NUL)
};

BodyCheck check_replicate_body(std::string_view body);
// The same check always through the strict JSON parse: check_replicate_body reads the compact
// {"zone":"<name>"} most clients send without it, and must agree with it (request_body_test).
BodyCheck check_replicate_body_parsed(std::string_view body);

}  // namespace kms::server::detail
