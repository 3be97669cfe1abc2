// The string formats the contract uses that valijson 1.0 does not enforce: `uuid` (RFC 4122
// textual form) and `uri-reference` (RFC 3986 §4.1). check_formats walks a schema alongside an
// instance (properties, items) and checks every string whose subschema names a format.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

namespace kms {

bool is_uri_reference(std::string_view s);

struct FormatViolation {
    std::string pointer;  // RFC 6901, "" for the root
    std::string format;   // "uuid", "uri-reference"
    std::string value;    // the offending string, shortened for messages
};

std::vector<FormatViolation> check_formats(const rapidjson::Value& schema, const rapidjson::Value& instance);

}  // namespace kms
