#include "server/response_wire.hpp"

#include <boost/beast/http/status.hpp>

#include <charconv>
#include <cstring>

namespace kms::server {

namespace {

// Copies pieces one after another into a buffer sized beforehand: one size computation and plain
// copies, instead of an append call (with its capacity check) for each of some twenty pieces.
class Cursor {
public:
    explicit Cursor(char* at) : at_(at) {}
    Cursor& put(std::string_view s) {
        std::memcpy(at_, s.data(), s.size());
        at_ += s.size();
        return *this;
    }
    Cursor& put(char c) {
        *at_++ = c;
        return *this;
    }
    Cursor& put_number(std::size_t n) {
        at_ = std::to_chars(at_, at_ + kMaxDigits, n).ptr;
        return *this;
    }
    Cursor& put_field(std::string_view name, std::string_view value) {
        return put(name).put(": ").put(value).put("\r\n");
    }
    char* at() const { return at_; }

    static constexpr std::size_t kMaxDigits = 20;  // of a 64-bit number
    static std::size_t field_size(std::string_view name, std::string_view value) {
        return name.size() + value.size() + 4;
    }

private:
    char* at_;
};

}  // namespace

void write_response(const HttpResponse& response, unsigned version, bool keep_alive, bool head, std::string& out) {
    namespace http = boost::beast::http;
    const int status = response.status;
    // Beast's reason phrases, "<unknown-status>" for a code it does not know (the
    // status-out-of-range fault's 600), as its serializer wrote them.
    const auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
    const std::string_view reason_text(reason.data(), reason.size());
    // What Beast's keep_alive() set: HTTP/1.1 is persistent unless told, HTTP/1.0 the reverse.
    std::string_view connection;
    if (version == 10 && keep_alive) connection = "keep-alive";
    if (version != 10 && !keep_alive) connection = "close";
    const bool no_body_status = status == 204 || status == 304 || status < 200;  // RFC 9110 §8.6
    const bool with_body = !no_body_status && !head;

    // An upper bound of the bytes below (numbers at their widest), then the exact end.
    std::size_t size = 9 + Cursor::kMaxDigits + 1 + reason_text.size() + 2;
    size += Cursor::field_size("Server", kServerName);
    for (const auto& h : response.headers) size += Cursor::field_size(h.name, h.value);
    if (!connection.empty()) size += Cursor::field_size("Connection", connection);
    if (!no_body_status) size += Cursor::field_size("Content-Length", "") + Cursor::kMaxDigits;
    size += 2 + (with_body ? response.body.size() : 0);
    out.resize(size);

    Cursor c(out.data());
    c.put(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ").put_number(static_cast<std::size_t>(status)).put(' ');
    c.put(reason_text).put("\r\n");
    c.put_field("Server", kServerName);
    for (const auto& h : response.headers) c.put_field(h.name, h.value);
    if (!connection.empty()) c.put_field("Connection", connection);
    if (!no_body_status) c.put("Content-Length: ").put_number(response.body.size()).put("\r\n");
    c.put("\r\n");
    if (with_body) c.put(response.body);
    out.resize(static_cast<std::size_t>(c.at() - out.data()));
}

}  // namespace kms::server
