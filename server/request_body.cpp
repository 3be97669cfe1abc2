#include "request_body.hpp"

#include "text.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

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
    if (json_nesting_depth(body) > kMaxBodyDepth)
        return fail(BodyError::too_deep,
                    "the request body nests deeper than " + std::to_string(kMaxBodyDepth) + " levels");
    // RapidJSON treats a NUL as the end of its input, so `{"zone":"x"}\0junk` would pass:
    // a raw NUL is never valid JSON (inside strings it must be escaped), refuse it here.
    if (auto nul = body.find('\0'); nul != std::string_view::npos)
        return fail(BodyError::unparsable,
                    "the request body is not valid JSON: NUL byte at offset " + std::to_string(nul));

    // RapidJSON's in-memory UTF-8 stream silently skips a leading BOM; RFC 8259 §8.1 lets a
    // parser ignore it, but the contract is application/json without one, so refuse it.
    if (body.substr(0, 3) == "\xEF\xBB\xBF")
        return fail(BodyError::unparsable, "the request body is not valid JSON: it starts with a UTF-8 byte order mark");

    // Default flags are strict RFC 8259 (no comments, NaN, trailing commas, single quotes, BOM;
    // anything after the root value is an error); validation rejects invalid UTF-8.
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
    if (doc.HasParseError())
        return fail(BodyError::unparsable,
                    std::string("the request body is not valid JSON: ") +
                        rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                        std::to_string(doc.GetErrorOffset()));
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
