// Small string helpers used on both sides of the wire.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace kms {

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
std::string_view trim(std::string_view s);
// Lowercase words of a text: letters and digits, everything else a separator
// ("Conflict: key ..." -> conflict, key; "HIT from cache.example" -> hit, from, cache, example).
std::vector<std::string> words(std::string_view text);
// True when `w` holds one of `wanted`.
bool has_word(const std::vector<std::string>& w, std::initializer_list<std::string_view> wanted);
// Raw bytes for a message: control and non-ASCII bytes escaped, cut to `limit`.
std::string printable(std::string_view bytes, std::size_t limit = 200);

// The media type of a Content-Type value, lower-cased, without parameters:
// "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(std::string_view content_type);
// Whether media_type(content_type) is `type` (lower-case), without building it.
bool media_type_is(std::string_view content_type, std::string_view type);

// True for the RFC 4122 textual form 8-4-4-4-12 of hex digits (either case), nothing else:
// no braces, no "urn:uuid:" prefix (the spec's `format: uuid`).
bool is_uuid(std::string_view s);

// A fresh random (version 4) UUID in lower case.
std::string random_uuid();

// Maximum nesting depth of arrays/objects in a JSON text, counted without parsing it, so
// that a hostile body cannot drive a recursive parser or destructor into a stack overflow.
// Brackets inside strings are skipped.
std::size_t json_nesting_depth(std::string_view text);

}  // namespace kms
