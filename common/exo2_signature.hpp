// EXO2-HMAC-SHA256 request signing, as Exoscale API v2 defines it (its "API Request Signature"
// section; the upstream test vectors are in tests/common/exo2_signature_test.cpp).
// Used by the harness to sign requests and by the reference server to verify them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kms {

struct Exo2Credentials {
    std::string key;
    std::string secret;  // never printed: reproducers redact Authorization (harness/report/curl_command)
};

// The five-line message that is signed: "<METHOD> <path>\n<body>\n<query values>\n\n<expires>".
// Query parameters that carry exactly one value are signed (Go's rule), values concatenated
// in ascending order of name; `signed_names` receives their names in that order.
std::string exo2_message(std::string_view method, std::string_view target, std::string_view body,
                         std::int64_t expires, std::vector<std::string>* signed_names = nullptr);

// base64(HMAC-SHA256(secret, message)), standard alphabet with padding.
std::string exo2_signature(std::string_view secret, std::string_view message);

// The full Authorization header value:
// "EXO2-HMAC-SHA256 credential=<key>[,signed-query-args=a;b],expires=<ts>,signature=<b64>".
std::string exo2_authorization(const Exo2Credentials& creds, std::string_view method,
                               std::string_view target, std::string_view body, std::int64_t expires);

struct Exo2Authorization {
    std::string credential;
    std::vector<std::string> signed_query_args;
    std::int64_t expires = 0;
    std::string signature;
};

// Parses an Authorization header value; nullopt when it is not a well-formed EXO2 header.
std::optional<Exo2Authorization> parse_exo2_authorization(std::string_view header);

enum class Exo2Verdict { ok, missing, malformed, unknown_key, expired, bad_signature };
const char* to_string(Exo2Verdict v);

// Server-side check of a request's Authorization header against the one known credential.
Exo2Verdict verify_exo2(const Exo2Credentials& known, std::optional<std::string_view> header,
                        std::string_view method, std::string_view target, std::string_view body,
                        std::int64_t now);

}  // namespace kms
