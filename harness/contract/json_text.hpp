// Parsing and printing JSON text for the harness. Response bodies come from servers we do not
// trust, so parsing refuses deep nesting before RapidJSON's recursion sees it, and rendering
// of values in messages is bounded.
#pragma once

#include "common/text.hpp"  // printable(): raw bytes in messages

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kms {

inline constexpr std::size_t kMaxJsonDepth = 128;

// Strict RFC 8259 parse (UTF-8 validated, no comments/NaN/trailing garbage). On failure
// returns nullopt and sets *error to "offset N: <reason>".
std::optional<rapidjson::Document> parse_json(std::string_view text, std::string* error);

// parse_json for a server's response body, which may escape a lone surrogate: Python's
// json.dumps writes "\ud800" for a string holding one (e.g. echoing a client's bad zone).
// That is grammatical JSON (RFC 8259 §7); only its string holds no valid Unicode (§8.2), so
// each such escape is read as U+FFFD instead of failing the parse, and counted in
// *lone_surrogates (when given) so that the checks can note it.
std::optional<rapidjson::Document> parse_response_json(std::string_view text, std::string* error,
                                                       std::size_t* lone_surrogates = nullptr);

// Compact JSON text of a value.
std::string to_json(const rapidjson::Value& value);
// A value as it should appear in a one-line message: JSON text cut to `limit` bytes.
std::string render_short(const rapidjson::Value& value, std::size_t limit = 80);

// RFC 6901 pointer helpers.
std::string pointer_escape(std::string_view token);
const rapidjson::Value* resolve_pointer(const rapidjson::Value& root, std::string_view pointer);

}  // namespace kms
