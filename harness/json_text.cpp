#include "json_text.hpp"

#include "strict_json.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

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

std::string printable(std::string_view bytes, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < bytes.size() && out.size() < limit; ++i) {
        auto c = static_cast<unsigned char>(bytes[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    if (out.size() >= limit) out += "... (" + std::to_string(bytes.size()) + " bytes)";
    return out;
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
