// A parsed --base-url: "http[s]://host[:port][/base/path]".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kms {

struct BaseUrl {
    bool tls = false;
    std::string host;           // as written (no brackets for IPv6 literals)
    std::uint16_t port = 0;     // 80/443 when not written
    std::string path;           // without trailing '/', e.g. "/v2" or ""
    std::string host_header() const;  // "host[:port]" as the Host header wants it
    std::string origin() const;        // "scheme://host[:port]"
    std::string to_string() const;     // origin() + path
};

// nullopt with *error set when the text is not a usable http(s) URL.
std::optional<BaseUrl> parse_base_url(std::string_view text, std::string* error);

}  // namespace kms
