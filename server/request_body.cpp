#include "server/request_body.hpp"

#include "common/strict_json.hpp"

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

}  // namespace

BodyCheck check_replicate_body(std::string_view body) {
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
