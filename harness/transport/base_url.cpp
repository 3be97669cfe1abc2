#include "harness/transport/base_url.hpp"

#include "common/http_types.hpp"
#include "common/text.hpp"

#include <arpa/inet.h>

#include <cctype>

namespace kms {

namespace {

bool fail(std::string* error, std::string message) {
    if (error) *error = std::move(message);
    return false;
}

std::optional<BaseUrl> reject(std::string* error, std::string message) {
    fail(error, std::move(message));
    return std::nullopt;
}

// RFC 3986 reg-name characters we accept in a host: enough for DNS names and IPv4 literals.
// Percent-encoded or other exotic hosts are refused rather than passed to the resolver half-parsed.
bool valid_reg_name(std::string_view host) {
    for (char c : host) {
        unsigned char u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || c == '-' || c == '.' || c == '_')) return false;
    }
    return true;
}

// Path characters allowed on a request line as-is (RFC 3986 pchar plus '/'). Spaces, control
// characters and the like would corrupt every request line, so they are refused up front.
bool valid_path(std::string_view path) {
    static constexpr std::string_view extra = "-._~!$&'()*+,;=:@/%";
    for (char c : path) {
        unsigned char u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || extra.find(c) != std::string_view::npos)) return false;
    }
    return true;
}

bool parse_port(std::string_view text, std::uint16_t* port, std::string* error) {
    if (text.empty()) return fail(error, "empty port after ':'");
    if (text.size() > 5) return fail(error, "port '" + std::string(text) + "' out of range 1..65535");
    unsigned value = 0;
    for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return fail(error, "port '" + std::string(text) + "' is not a number");
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535)
        return fail(error, "port '" + std::string(text) + "' out of range 1..65535");
    *port = static_cast<std::uint16_t>(value);
    return true;
}

// host[:port] or [v6]:port, already known to be free of '/', '?', '#', '@'.
bool parse_authority(std::string_view auth, BaseUrl* url, std::string* error) {
    std::string_view port_text;
    bool has_port = false;
    if (!auth.empty() && auth.front() == '[') {
        auto close = auth.find(']');
        if (close == std::string_view::npos) return fail(error, "unterminated IPv6 literal '['");
        std::string literal(auth.substr(1, close - 1));
        in6_addr addr{};
        if (literal.empty() || inet_pton(AF_INET6, literal.c_str(), &addr) != 1)
            return fail(error, "invalid IPv6 literal '[" + literal + "]'");
        url->host = literal;
        auto rest = auth.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return fail(error, "unexpected text after IPv6 literal");
            port_text = rest.substr(1);
            has_port = true;
        }
    } else {
        auto colon = auth.find(':');
        url->host = std::string(auth.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = auth.substr(colon + 1);
            has_port = true;
        }
        if (url->host.empty()) return fail(error, "empty host");
        if (!valid_reg_name(url->host))
            return fail(error, "invalid character in host '" + url->host + "'");
    }
    url->port = url->tls ? 443 : 80;
    return !has_port || parse_port(port_text, &url->port, error);
}

}  // namespace

std::optional<BaseUrl> parse_base_url(std::string_view text, std::string* error) {
    BaseUrl url;
    auto sep = text.find("://");
    if (sep == std::string_view::npos)
        return reject(error, "'" + std::string(text) + "' is not an absolute http(s) URL (no scheme)");
    auto scheme = text.substr(0, sep);
    if (iequals(scheme, "https")) url.tls = true;
    else if (!iequals(scheme, "http"))
        return reject(error, "unsupported scheme '" + std::string(scheme) + "' (want http or https)");
    auto rest = text.substr(sep + 3);
    // A base URL is a prefix that request targets are appended to: a query or fragment in it
    // could not survive that, so they are errors rather than silently dropped.
    if (rest.find('#') != std::string_view::npos)
        return reject(error, "a base URL cannot have a fragment ('#')");
    if (rest.find('?') != std::string_view::npos)
        return reject(error, "a base URL cannot have a query ('?')");
    auto slash = rest.find('/');
    auto auth = rest.substr(0, slash);
    // Credentials in the URL would end up in logs and reports; EXO2 signing carries them instead.
    if (auth.find('@') != std::string_view::npos)
        return reject(error, "a base URL cannot carry userinfo ('user@')");
    if (auth.empty()) return reject(error, "empty host");
    if (!parse_authority(auth, &url, error)) return std::nullopt;
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (!valid_path(path))
        return reject(error, "invalid character in path '" + std::string(path) + "'");
    url.path = std::string(path);
    return url;
}

std::string BaseUrl::host_header() const {
    std::string out = authority_host(host);
    if (port != (tls ? 443 : 80)) out += ":" + std::to_string(port);
    return out;
}

std::string BaseUrl::origin() const {
    return (tls ? "https://" : "http://") + host_header();
}

std::string BaseUrl::to_string() const {
    return origin() + path;
}

}  // namespace kms
