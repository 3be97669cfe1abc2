// The one strict JSON parser of the project, for request bodies (the reference server) and
// response bodies (the harness) alike: both come from parties we do not trust. Strict RFC 8259
// (no comments, NaN, single quotes, trailing commas or trailing data; invalid UTF-8 refused),
// plus what RapidJSON lets through on its own: it stops at a NUL byte (so `{"a":1}\0junk`
// would parse) and silently skips a leading BOM. Nesting is bounded before parsing, so a
// hostile body cannot drive recursion (parse, destruction) into a stack overflow.
//
// Duplicate member names are accepted (both members are kept, in order), on purpose: RFC 8259 §4
// says names SHOULD be unique, not MUST, so a response carrying them is still JSON and refusing
// it here would make the harness report a conforming server's body as "not valid JSON" (a MUST
// failure). The one place where a duplicate matters decides for itself: the reference server
// refuses a request body with two `zone` members (server/request_body.cpp), and the suites probe
// a target's choice (malformed.duplicate-zone-*) without demanding one.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kms {

struct JsonParseError {
    bool too_deep = false;   // nesting beyond the limit; nothing was parsed
    std::size_t offset = 0;  // byte offset of the problem
    std::string reason;      // "NUL byte", "Invalid value.", ...
};

std::optional<rapidjson::Document> parse_strict_json(std::string_view text, std::size_t max_depth,
                                                     JsonParseError* error);

}  // namespace kms
