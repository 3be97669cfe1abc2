#include "server/request_body.hpp"

#include "common/strict_json.hpp"

#include <optional>

namespace kms::server::detail {

namespace {

BodyCheck fail(BodyError e, std::string detail) {
    BodyCheck out;
    out.error = e;
    out.detail = "Invalid Argument: " + std::move(detail);
    return out;
}

std::string_view name_of(const rapidjson::Value& v) {
    return {v.GetString(), v.GetStringLength()};
}

// The body most clients send, {"zone":"<name>"} with no space and a name of lower-case letters,
// digits and '-' (Go's json.Marshal, Jackson, Python's json.dumps with compact separators, curl
// scripts): its zone, read without a parser. Any other text, even one byte off, goes through
// the strict parse below; for these bytes that parse could only find this one member.
std::optional<std::string_view> compact_zone(std::string_view body) {
    constexpr std::string_view kOpen = "{\"zone\":\"", kClose = "\"}";
    if (body.size() <= kOpen.size() + kClose.size() || body.substr(0, kOpen.size()) != kOpen ||
        body.substr(body.size() - kClose.size()) != kClose)
        return std::nullopt;
    const std::string_view zone = body.substr(kOpen.size(), body.size() - kOpen.size() - kClose.size());
    for (char c : zone)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return std::nullopt;
    return zone;
}

}  // namespace

BodyCheck check_replicate_body(std::string_view body) {
    if (auto zone = compact_zone(body)) {
        BodyCheck ok;
        ok.zone.assign(*zone);
        return ok;
    }
    return check_replicate_body_parsed(body);
}

BodyCheck check_replicate_body_parsed(std::string_view body) {
    if (body.empty()) return fail(BodyError::empty, "a request body is required");
    JsonParseError error;
    auto parsed = parse_strict_json(body, kMaxBodyDepth, &error);
    if (!parsed && error.too_deep)
        return fail(BodyError::too_deep,
                    "the request body nests deeper than " + std::to_string(kMaxBodyDepth) + " levels");
    if (!parsed)
        return fail(BodyError::unparsable, "the request body is not valid JSON: " + error.reason + " at offset " +
                                               std::to_string(error.offset));
    const rapidjson::Document& doc = *parsed;
    if (!doc.IsObject()) return fail(BodyError::not_object, "the request body must be a JSON object");

    const rapidjson::Value* zone = nullptr;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
        if (name_of(it->name) != "zone") continue;
        if (zone) return fail(BodyError::duplicate_zone, "the member 'zone' appears more than once");
        zone = &it->value;
    }
    if (!zone) return fail(BodyError::zone_missing, "the member 'zone' is required");
    if (!zone->IsString()) return fail(BodyError::zone_not_string, "the member 'zone' must be a string");
    if (zone->GetStringLength() == 0) return fail(BodyError::zone_empty, "the member 'zone' must not be empty");

    BodyCheck ok;
    ok.zone.assign(zone->GetString(), zone->GetStringLength());
    return ok;
}

}  // namespace kms::server::detail
