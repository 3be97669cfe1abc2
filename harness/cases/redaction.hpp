// What a report may show of a request header. The Authorization value carries the API key and
// a signature (EXO2-HMAC-SHA256 credential=...,signature=...) that must never reach a CI log or
// a report file; every writer of request headers (curl reproducers, exchanges.har) goes here.
#pragma once

#include "common/http_types.hpp"
#include "common/text.hpp"

#include <string>

namespace kms {

inline constexpr const char* kRedacted = "[REDACTED]";

inline bool is_secret_header(const Header& h) { return iequals(h.name, "Authorization"); }

inline std::string shown_value(const Header& h) { return is_secret_header(h) ? kRedacted : h.value; }

}  // namespace kms
