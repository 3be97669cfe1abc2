// The bytes of a response as the reference server writes them: status line, `Server`, the
// service's headers in order, `Connection` when the version needs it said, `Content-Length`
// (never on 1xx, 204, 304) and the body (none for HEAD). Written into one string, not through
// Beast's serializer: formatting a few short lines by hand costs a tenth of the serializer's
// buffer walks and field allocations, and one buffer is one send (one TLS record). The bytes
// are exactly those Beast wrote before (tests/server/response_wire_test.cpp compares them).
#pragma once

#include "common/http_types.hpp"

#include <string>
#include <string_view>

namespace kms::server {

inline constexpr std::string_view kServerName = "kms-reference-server/0.1";

// `version` is 10 or 11 (anything else is written as 11); `keep_alive` says whether the
// connection stays open after it; `head` leaves the body out but keeps its Content-Length
// (RFC 9110 §9.3.2). Appends to `out` (cleared first), so that a connection reuses its buffer.
void write_response(const HttpResponse& response, unsigned version, bool keep_alive, bool head, std::string& out);

// "HTTP/1.1 100 Continue\r\n\r\n": the interim answer to `Expect: 100-continue`.
inline constexpr std::string_view kContinueResponse = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace kms::server
