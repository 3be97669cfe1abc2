#include "common/strict_json.hpp"

#include "common/lone_surrogates.hpp"
#include "common/text.hpp"

#include <rapidjson/error/en.h>

namespace kms {

namespace {
std::nullopt_t failed(JsonParseError* error, bool too_deep, std::size_t offset, std::string reason) {
    if (error) *error = JsonParseError{too_deep, offset, std::move(reason)};
    return std::nullopt;
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
