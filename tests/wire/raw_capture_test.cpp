// Every case's request as the client puts it on the wire, captured on a raw socket listener and
// read back with an independent parser (Beast's request parser, here in the test only): exactly
// one complete HTTP/1.1 message, nothing after it, and in it exactly what the case declared.
#include "wire_cases.hpp"

#include "http_client.hpp"
#include "request_builder.hpp"
#include "test_server.hpp"
#include "text.hpp"

#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

namespace kms::test {
namespace {

namespace http = boost::beast::http;
using namespace std::chrono_literals;

const std::string kProblem400 =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nConnection: close\r\n"
    "Content-Length: 27\r\n\r\n{\"status\":400,\"title\":\"x\"}\n";

struct Parsed {
    bool complete = false;
    std::string error;        // the parser's complaint, when not complete
    std::size_t consumed = 0;  // bytes of the one message
    std::size_t header_size = 0;  // request line and fields, up to the empty line
    std::string method, target, body;
    Headers fields;
};

// One request message from the front of `bytes`.
Parsed parse_request(std::string_view bytes) {
    Parsed p;
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(64u << 20);
    parser.header_limit(1u << 20);
    boost::beast::error_code ec;
    while (!parser.is_done()) {
        std::size_t n = parser.put(boost::asio::buffer(bytes.data() + p.consumed, bytes.size() - p.consumed), ec);
        p.consumed += n;
        if (ec || n == 0) break;
    }
    if (!parser.is_done()) {
        p.error = ec ? ec.message() : "incomplete";
        return p;
    }
    p.header_size = bytes.find("\r\n\r\n") + 4;  // field values hold no CRLF: the first ends the header
    p.complete = true;
    const auto& req = parser.get();
    p.method = std::string(req.method_string());
    p.target = std::string(req.target());
    p.body = req.body();
    for (const auto& f : req) p.fields.push_back({std::string(f.name_string()), std::string(f.value())});
    return p;
}

// The header block the client must send for `r`: its own headers in order, Host first and
// User-Agent after them when the case set none, Content-Length when it set no framing.
std::string expected_head(const HttpRequest& r, const std::string& host) {
    std::string head = r.method + " " + r.target + " HTTP/1.1\r\n";
    if (!find_header(r.headers, "Host")) head += "Host: " + host + "\r\n";
    for (const auto& h : r.headers) head += h.name + ": " + h.value + "\r\n";
    if (!find_header(r.headers, "User-Agent")) head += "User-Agent: kmsconf/0.1\r\n";
    if (!find_header(r.headers, "Content-Length") && !find_header(r.headers, "Transfer-Encoding"))
        head += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    return head + "\r\n";
}

// RFC 9112 §7.1, written out here rather than taken from the code under test.
std::string expected_chunks(const std::string& body) {
    if (body.empty()) return "0\r\n\r\n";
    char size[20];
    std::snprintf(size, sizeof size, "%zx", body.size());
    return std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
}

bool chunked(const HttpRequest& r) {
    auto te = to_lower(trim(find_header(r.headers, "Transfer-Encoding").value_or("")));
    return te.size() >= 7 && te.compare(te.size() - 7, 7, "chunked") == 0;
}

TEST(RawCapture, EveryCaseSendsExactlyOneMessageAsDeclared) {
    // Per connection: every byte until the client closes. The 400 (Connection: close) goes out
    // once a whole request is in, so the client closes and the capture ends.
    Recorder captures;
    TestServer server([&](Conn& c) {
        std::string bytes;
        bool answered = false;
        char buf[65536];
        for (int reads = 0; reads < 100000; ++reads) {
            long got = c.recv_some(buf, sizeof buf, 2s);
            if (got <= 0) break;
            bytes.append(buf, static_cast<std::size_t>(got));
            if (answered) continue;
            Parsed p = parse_request(bytes);
            if (!p.complete && p.error == "incomplete") continue;
            answered = true;
            // No content in a response to HEAD.
            c.send_all(p.method == "HEAD" ? kProblem400.substr(0, kProblem400.find("\r\n\r\n") + 4) : kProblem400);
        }
        captures.add(bytes);
    });
    const std::string host = "127.0.0.1:" + std::to_string(server.port());
    BaseUrl base;
    base.host = "127.0.0.1";
    base.port = server.port();
    base.path = "/v2";
    HttpClient client(base, ClientOptions{});
    Signer signer;
    signer.credentials = Exo2Credentials{"EXOwiretest", "wire-test-secret"};
    const Variables vars{"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"};

    auto cases = all_default_cases();
    ASSERT_GE(cases.size(), 120u);
    int chunked_cases = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        SCOPED_TRACE(c.full_name());
        HttpRequest request = build_request(c, vars, base, signer);
        Exchange ex = client.send(request);
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->status, 400);
        EXPECT_TRUE(ex.framing_violation.empty()) << ex.framing_violation;
        // The client closed (Connection: close): the capture is complete.
        for (int wait = 0; wait < 400 && captures.items().size() <= i; ++wait) std::this_thread::sleep_for(5ms);
        ASSERT_EQ(captures.items().size(), i + 1);
        const std::string bytes = captures.items()[i];

        Parsed p = parse_request(bytes);
        ASSERT_TRUE(p.complete) << p.error << ": " << printable(bytes, 400);
        EXPECT_EQ(p.consumed, bytes.size()) << "bytes after the message: "
                                            << printable(std::string_view(bytes).substr(p.consumed), 200);
        EXPECT_EQ(p.method, request.method);
        EXPECT_EQ(p.target, request.target);
        EXPECT_EQ(p.body, request.body);
        // Each declared header, name and value, in order (values compared without the optional
        // whitespace around them, RFC 9110 §5.5, as any parser reads them).
        std::size_t at = 0;
        for (const auto& h : request.headers) {
            while (at < p.fields.size() && !(p.fields[at].name == h.name && p.fields[at].value == trim(h.value))) ++at;
            EXPECT_LT(at, p.fields.size()) << "header missing or out of order: " << h.name << ": " << h.value;
        }
        // And byte for byte: the header block, then the body or its chunks.
        EXPECT_EQ(bytes.substr(0, p.header_size), expected_head(request, host));
        if (chunked(request)) {
            ++chunked_cases;
            EXPECT_EQ(bytes.substr(p.header_size), expected_chunks(request.body));
        } else {
            EXPECT_EQ(bytes.substr(p.header_size), request.body);
        }
    }
    EXPECT_GE(chunked_cases, 1);  // malformed.empty-body-chunked
}

}  // namespace
}  // namespace kms::test
