// Plain HTTP message types shared by the harness and the reference server.
// Deliberately free of Beast/Asio so that the checks, the suite loader and the reference
// server's contract logic compile quickly and can be unit-tested without sockets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kms {

struct Header {
    std::string name;
    std::string value;
};

using Headers = std::vector<Header>;

// Case-insensitive header lookup (RFC 9110 §5.1); the first match wins.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);
// The same lookup without a copy: the first match's value, or nullptr.
const std::string* find_header_value(const Headers& headers, std::string_view name);

struct HttpRequest {
    std::string method;  // e.g. "POST"
    std::string target;  // origin-form as sent on the wire: path plus optional "?query"
    Headers headers;     // sent exactly as listed; the client adds only Host and Content-Length
    std::string body;    // raw bytes, may hold NULs or invalid UTF-8 on purpose
};

struct HttpResponse {
    int status = 0;
    Headers headers;
    std::string body;

    std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

// A host as it stands in an authority (RFC 3986 §3.2.2): an IPv6 literal in brackets.
std::string authority_host(std::string_view host);
// "host:port" with authority_host().
std::string host_and_port(std::string_view host, unsigned port);

// The path part of an origin-form target (everything before '?').
std::string_view target_path(std::string_view target);
// The query part of an origin-form target (after '?'), empty when there is none.
std::string_view target_query(std::string_view target);

}  // namespace kms
