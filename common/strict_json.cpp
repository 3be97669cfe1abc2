#include "common/strict_json.hpp"

#include "common/lone_surrogates.hpp"
#include "common/text.hpp"

#include <rapidjson/error/en.h>

#include <cmath>
#include <cstdlib>
#include <string>

namespace kms {

namespace {
std::nullopt_t failed(JsonParseError* error, bool too_deep, std::size_t offset, std::string reason) {
    if (error) *error = JsonParseError{too_deep, offset, std::move(reason)};
    return std::nullopt;
}

bool has_infinite_number(const rapidjson::Value& v) {
    if (v.IsDouble()) return !std::isfinite(v.GetDouble());
    if (v.IsArray())
        for (const auto& item : v.GetArray())
            if (has_infinite_number(item)) return true;
    if (v.IsObject())
        for (const auto& m : v.GetObject())
            if (has_infinite_number(m.value)) return true;
    return false;
}

// The offset of the first number token, outside strings, that is out of a double's range: the
// text is JSON RapidJSON accepted, so strings and their escapes are well formed.
std::size_t first_infinite_number(std::string_view text) {
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            std::size_t end = i;
            while (end < text.size() && std::string_view("+-.0123456789eE").find(text[end]) != std::string_view::npos) ++end;
            if (!std::isfinite(std::strtod(std::string(text.substr(i, end - i)).c_str(), nullptr))) return i;
            i = end - 1;
        }
    }
    return 0;
}
}  // namespace

std::optional<rapidjson::Document> parse_strict_json(std::string_view text, std::size_t max_depth,
                                                     JsonParseError* error) {
    if (json_nesting_depth(text) > max_depth)
        return failed(error, true, 0, "nesting deeper than " + std::to_string(max_depth) + " levels");
    if (auto nul = text.find('\0'); nul != std::string_view::npos) return failed(error, false, nul, "NUL byte");
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        return failed(error, false, 0, "UTF-8 byte order mark (RFC 8259 §8.1: must not be added)");
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (doc.HasParseError())
        return failed(error, false, doc.GetErrorOffset(), rapidjson::GetParseError_En(doc.GetParseError()));
    // RapidJSON 1.1.0 refuses most numbers beyond a double's range ("Number too big to be stored
    // in double.") but reads some as infinity (2.2e308, 22222206474.6475e311: found by
    // fuzz_strict_json), a value no JSON text can carry back. Refused the same way.
    if (has_infinite_number(doc))
        return failed(error, false, first_infinite_number(text), "Number too big to be stored in double.");
    // Only on a text RapidJSON accepted: every backslash then opens a well-formed escape inside
    // a string, so the walk is exact, and a syntax error earlier in the text keeps its report.
    // RapidJSON has already refused a lone high surrogate; this finds the lone low ones.
    if (text.find("\\u") != std::string_view::npos)
        if (auto lone = lone_surrogate_escapes(text); !lone.empty())
            return failed(error, false, lone.front(),
                          "escaped lone surrogate (RFC 8259 §8.2: the string holds no Unicode)");
    return doc;
}

}  // namespace kms
