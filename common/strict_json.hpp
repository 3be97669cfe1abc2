// The one strict JSON parser of the project, for request bodies (the reference server) and
// response bodies (the harness) alike: both come from parties we do not trust. Strict RFC 8259
// (no comments, NaN, single quotes, trailing commas or trailing data; invalid UTF-8 refused),
// plus what RapidJSON lets through on its own: it stops at a NUL byte (so `{"a":1}\0junk`
// would parse) and silently skips a leading BOM. Nesting is bounded before parsing, so a
// hostile body cannot drive recursion (parse, destruction) into a stack overflow.
//
// An escaped lone surrogate ("\udc00", "\ud800", "\ud800\u0041") is refused, though the grammar
// allows it (RFC 8259 §7): such a string holds no Unicode, and "the behavior of software that
// receives JSON texts containing such values is unpredictable" (§8.2). RapidJSON 1.1.0 refuses a
// lone high one itself but decodes a lone low one to bytes that are not UTF-8, a string this
// very reader would refuse if it came back as raw bytes. Refusing is right for the reference
// server (a request body with one gets 400 Invalid Argument). It must not become the harness's
// verdict on a server, though: a body failing this reader is "not valid JSON", a MUST failure,
// and a conforming server may echo a client's lone surrogate escaped (Python's json.dumps does).
// So the harness reads response bodies through parse_response_json (harness/contract/
// json_text.hpp), which reads each such escape as U+FFFD and notes it at informational level;
// both find them with the same walker (common/lone_surrogates.hpp).
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
