#include "tests/support/test_origin.hpp"

#include "common/text.hpp"

#include <boost/beast/http.hpp>

#include <thread>

namespace kms::test {

namespace {

namespace http = boost::beast::http;
using namespace std::chrono_literals;

// What net/http writes for a request it cannot parse (server.go), then it closes.
const std::string kGoBadRequest =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request";
// The unsolicited response the misbehaving origin adds after a 400.
const std::string kExtraResponse = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
// As the reference server: larger bodies are refused with 413 (and a close).
constexpr std::size_t kBodyLimit = 64 * 1024;

std::string serialize_response(const HttpResponse& r, bool head, bool close) {
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " +
                      std::string(http::obsolete_reason(static_cast<http::status>(r.status))) + "\r\n";
    for (const auto& h : r.headers) out += h.name + ": " + h.value + "\r\n";
    if (r.status >= 200 && r.status != 204 && r.status != 304)
        out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    if (close) out += "Connection: close\r\n";
    out += "\r\n";
    if (!head) out += r.body;
    return out;
}

}  // namespace

GoLikeOrigin::GoLikeOrigin(OriginOptions options)
    : options_(std::move(options)), service_(options_.service),
      server_(std::make_unique<TestServer>([this](Conn& c) { serve(c); })) {}

void GoLikeOrigin::serve(Conn& c) {
    std::string bytes;  // received, not yet parsed
    char buf[65536];
    for (int requests = 0; requests < 1000 && !c.stopping(); ++requests) {
        http::request_parser<http::string_body> parser;
        parser.eager(true);
        parser.header_limit(1 << 20);  // net/http's DefaultMaxHeaderBytes
        parser.body_limit(kBodyLimit);
        boost::beast::error_code ec;
        // Feed the parser until one request is complete, or it fails, or the client goes.
        for (int reads = 0; reads < 100000 && !parser.is_done(); ++reads) {
            if (!bytes.empty()) {
                std::size_t used = parser.put(boost::asio::buffer(bytes), ec);
                bytes.erase(0, used);
                if (ec == http::error::need_more) ec = {};
                if (ec || parser.is_done()) break;
                if (used != 0) continue;
            }
            long got = c.recv_some(buf, sizeof buf, 5s);
            if (got <= 0) {
                if (bytes.empty() && !parser.got_some()) return;  // the client closed between requests
                ec = http::error::partial_message;
                break;
            }
            bytes.append(buf, static_cast<std::size_t>(got));
        }
        if (ec == http::error::body_limit) {
            HttpResponse too_large = service_.transport_problem(413, "request body too large");
            c.send_all(serialize_response(too_large, false, true));
            return;
        }
        if (ec) {
            ++unparsable_;
            unparsable_bytes_.add(printable(bytes, 200) + " (" + ec.message() + ")");
            std::this_thread::sleep_for(3ms);
            c.send_all(kGoBadRequest);
            return;
        }
        auto req = parser.release();
        HttpRequest request;
        request.method = std::string(req.method_string());
        request.target = std::string(req.target());
        for (const auto& f : req) request.headers.push_back({std::string(f.name_string()), std::string(f.value())});
        request.body = std::move(req.body());
        HttpResponse response = service_.handle(request);
        const bool close = !req.keep_alive();
        std::string out = serialize_response(response, request.method == "HEAD", close);
        if (options_.extra_response_after_400 && response.status == 400) {
            out += kExtraResponse;  // in the same write: it follows the 400 at once
            ++extra_responses_;
        }
        if (!c.send_all(out) || close) return;
    }
}

}  // namespace kms::test
