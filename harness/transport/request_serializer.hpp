// The bytes of one HTTP/1.1 request, written by hand rather than by Beast's serializer: a
// conformance case must put on the wire exactly the framing it declares, and Beast 1.74 adds
// an empty chunk before the last one when a body is chunk-encoded (boostorg/beast#3032), which
// a server reads as a second request. Plain C++, no Beast/Asio.
#pragma once

#include "common/http_types.hpp"

#include <string>
#include <string_view>

namespace kms {

// True when the request's Transfer-Encoding (every such field, comma-separated codings) ends in
// the `chunked` coding, compared case-insensitively (RFC 9112 §6.1, §7): the body is then sent
// chunk-encoded.
bool ends_in_chunked(const Headers& headers);

// `body` as chunks: the whole body as one chunk (none when empty), then the last chunk and the
// empty trailer section: "5\r\nhello\r\n0\r\n\r\n", or "0\r\n\r\n" for an empty body.
std::string chunk_encode(std::string_view body);

// The header fields as sent, in wire order: Host first when the caller set none; the caller's
// headers in their order, exactly as given; User-Agent when the caller set none and `user_agent`
// is not empty; Content-Length (0 included) when the caller set neither Content-Length nor
// Transfer-Encoding. serialize_request() writes these; reports show them (sent_request.hpp).
Headers wire_headers(const HttpRequest& request, std::string_view host_header, std::string_view user_agent);

// The request as sent: request line; Host first when the caller set none; the caller's headers
// in their order, exactly as given; User-Agent when the caller set none and `user_agent` is not
// empty; Content-Length (0 included) when the caller set neither Content-Length nor
// Transfer-Encoding (that is, wire_headers()); the empty line; the body, chunk-encoded when
// ends_in_chunked().
std::string serialize_request(const HttpRequest& request, std::string_view host_header,
                              std::string_view user_agent);

// A request that owns its framing: it sets Content-Length, Transfer-Encoding or Connection
// itself, is HEAD, or uses a method outside RFC 9110's registered set (and PATCH, RFC 5789).
// Whatever the server makes of such framing must not leak into another request's exchange, so
// the client runs it on a connection of its own, closed after it.
bool owns_framing(const HttpRequest& request);

}  // namespace kms
