#include "json_text.hpp"

#include "strict_json.hpp"

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
