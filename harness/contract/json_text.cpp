#include "harness/contract/json_text.hpp"

#include "common/strict_json.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>


namespace kms {

std::optional<rapidjson::Document> parse_json(std::string_view text, std::string* error) {
    JsonParseError e;
    auto doc = parse_strict_json(text, kMaxJsonDepth, &e);
    if (!doc && error) *error = e.too_deep ? e.reason : "offset " + std::to_string(e.offset) + ": " + e.reason;
    return doc;
}

namespace {

// The code unit of a \uXXXX escape whose 'u' is at text[at], or -1 when it is not one.
long escaped_code_unit(std::string_view text, std::size_t at) {
    if (at + 4 >= text.size() || text[at] != 'u') return -1;
    long unit = 0;
    for (std::size_t i = at + 1; i <= at + 4; ++i) {
        char c = text[i];
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0) return -1;
        unit = unit * 16 + digit;
    }
    return unit;
}

bool is_high_surrogate(long unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool is_low_surrogate(long unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

// Rewrites every escape of a lone surrogate to \ufffd: the same length, so parse offsets still
// point into the original text. Escapes are walked in order, so "\\ud800" (an escaped
// backslash, then text) is left alone.
std::size_t replace_lone_surrogate_escapes(std::string& text) {
    std::size_t replaced = 0;
    for (std::size_t i = 0; i + 1 < text.size();) {
        if (text[i] != '\\') {
            ++i;
            continue;
        }
        long unit = escaped_code_unit(text, i + 1);
        if (unit < 0) {
            i += 2;  // another escape (\n, \\, ...) or a broken one the parser will report
            continue;
        }
        if (is_high_surrogate(unit) && i + 7 < text.size() && text[i + 6] == '\\' &&
            is_low_surrogate(escaped_code_unit(text, i + 7))) {
            i += 12;  // a proper pair
            continue;
        }
        if (is_high_surrogate(unit) || is_low_surrogate(unit)) {
            text.replace(i, 6, "\\ufffd");
            ++replaced;
        }
        i += 6;
    }
    return replaced;
}

}  // namespace

std::optional<rapidjson::Document> parse_response_json(std::string_view text, std::string* error,
                                                       std::size_t* lone_surrogates) {
    if (lone_surrogates) *lone_surrogates = 0;
    if (text.find("\\u") == std::string_view::npos) return parse_json(text, error);
    std::string repaired(text);
    std::size_t count = replace_lone_surrogate_escapes(repaired);
    if (lone_surrogates) *lone_surrogates = count;
    return parse_json(repaired, error);
}

std::string to_json(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
}

std::string render_short(const rapidjson::Value& value, std::size_t limit) {
    std::string text = to_json(value);
    if (text.size() > limit) text = text.substr(0, limit) + "...";
    return text;
}

std::string pointer_escape(std::string_view token) {
    std::string out;
    for (char c : token) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

const rapidjson::Value* resolve_pointer(const rapidjson::Value& root, std::string_view pointer) {
    if (pointer.empty()) return &root;
    rapidjson::Pointer p(pointer.data(), pointer.size());
    if (!p.IsValid()) return nullptr;
    return p.Get(root);
}

}  // namespace kms
