#include "server/response_wire.hpp"

#include <boost/beast/http/status.hpp>

#include <charconv>

namespace kms::server {

namespace {

void append_number(std::string& out, std::size_t n) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    out.append(digits, end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

void write_response(const HttpResponse& response, unsigned version, bool keep_alive, bool head, std::string& out) {
    namespace http = boost::beast::http;
    const int status = response.status;
    out.clear();
    out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    append_number(out, static_cast<std::size_t>(status));
    out.push_back(' ');
    // Beast's reason phrases, "<unknown-status>" for a code it does not know (the
    // status-out-of-range fault's 600), as its serializer wrote them.
    const auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
    out.append(reason.data(), reason.size()).append("\r\n");
    append_field(out, "Server", kServerName);
    for (const auto& h : response.headers) append_field(out, h.name, h.value);
    // What Beast's keep_alive() set: HTTP/1.1 is persistent unless told, HTTP/1.0 the reverse.
    if (version == 10 && keep_alive) append_field(out, "Connection", "keep-alive");
    if (version != 10 && !keep_alive) append_field(out, "Connection", "close");
    const bool no_body_status = status == 204 || status == 304 || status < 200;  // RFC 9110 §8.6
    if (!no_body_status) {
        out.append("Content-Length: ");
        append_number(out, response.body.size());
        out.append("\r\n");
    }
    out.append("\r\n");
    if (!no_body_status && !head) out.append(response.body);
}

}  // namespace kms::server
