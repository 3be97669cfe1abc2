#include "harness/contract/json_text.hpp"

#include "common/lone_surrogates.hpp"
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

// Rewrites every escape of a lone surrogate to \ufffd: the same length, so parse offsets still
// point into the original text.
std::size_t replace_lone_surrogate_escapes(std::string& text) {
    const auto lone = lone_surrogate_escapes(text);
    for (std::size_t at : lone) text.replace(at, 6, "\\ufffd");
    return lone.size();
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
