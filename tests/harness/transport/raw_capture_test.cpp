// Every case's request as the client puts it on the wire, captured on a raw socket listener and
// read back with an independent parser (Beast's request parser, here in the test only): exactly
// one complete HTTP/1.1 message, nothing after it, and in it exactly what the case declared.
#include "tests/support/wire_cases.hpp"

#include "harness/transport/http_client.hpp"
#include "harness/cases/request_builder.hpp"
#include "tests/support/test_server.hpp"
#include "common/text.hpp"

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
const std::string kProblem400KeepAlive =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\n"
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
        p.error = ec && ec != http::error::need_more ? ec.message() : "incomplete";
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

// `bytes` are exactly one complete message, and in it exactly what `request` declares.
void expect_exactly_the_declared_message(const std::string& bytes, const HttpRequest& request, const std::string& host) {
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
        ++at;
    }
    // And byte for byte: the header block, then the body or its chunks.
    EXPECT_EQ(bytes.substr(0, p.header_size), expected_head(request, host));
    EXPECT_EQ(bytes.substr(p.header_size), chunked(request) ? expected_chunks(request.body) : request.body);
}

// The 400 for `method`: no content in a response to HEAD.
std::string answer(const std::string& method, bool close) {
    std::string r = close ? kProblem400 : kProblem400KeepAlive;
    return method == "HEAD" ? r.substr(0, r.find("\r\n\r\n") + 4) : r;
}

class RawCapture : public testing::Test {
protected:
    BaseUrl base_at(std::uint16_t port) {
        BaseUrl base;
        base.host = "127.0.0.1";
        base.port = port;
        base.path = "/v2";
        return base;
    }
    HttpRequest request_for(const Case& c, const BaseUrl& base) {
        Signer signer;  // signatures on, as in a run with credentials
        signer.credentials = Exo2Credentials{"EXOwiretest", "wire-test-secret"};
        return build_request(c, {"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"}, base, signer);
    }
    std::vector<Case> cases_ = all_default_cases();
};

TEST_F(RawCapture, EveryCaseSendsExactlyOneMessageAsDeclared) {
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
            c.send_all(answer(p.method, true));
        }
        captures.add(bytes);
    });
    const BaseUrl base = base_at(server.port());
    HttpClient client(base, ClientOptions{});
    ASSERT_GE(cases_.size(), 120u);
    int chunked_cases = 0;
    for (std::size_t i = 0; i < cases_.size(); ++i) {
        SCOPED_TRACE(cases_[i].full_name());
        HttpRequest request = request_for(cases_[i], base);
        chunked_cases += chunked(request);
        Exchange ex = client.send(request);
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->status, 400);
        EXPECT_TRUE(ex.framing_violation.empty()) << ex.framing_violation;
        // The client closed (Connection: close): the capture is complete.
        for (int wait = 0; wait < 400 && captures.items().size() <= i; ++wait) std::this_thread::sleep_for(5ms);
        ASSERT_EQ(captures.items().size(), i + 1);
        expect_exactly_the_declared_message(captures.items()[i], request, base.host_header());
    }
    EXPECT_GE(chunked_cases, 1);  // malformed.empty-body-chunked
}

TEST_F(RawCapture, OnKeptAliveConnectionsEachCaseIsOneMessage) {
    // The server keeps every connection and splits what arrives into messages as any server
    // would; a stray byte between two requests shows as a message of its own, or as garbage.
    Recorder messages;
    TestServer server([&](Conn& c) {
        std::string bytes;
        char buf[65536];
        for (int reads = 0; reads < 100000;) {
            Parsed p = parse_request(bytes);
            if (p.complete) {
                messages.add(bytes.substr(0, p.consumed));
                bytes.erase(0, p.consumed);
                if (!c.send_all(answer(p.method, false))) return;
                continue;
            }
            if (p.error != "incomplete") {
                messages.add("unparsable (" + p.error + "): " + bytes);
                c.send_all(answer("", true));
                return;
            }
            long got = c.recv_some(buf, sizeof buf, 2s);
            ++reads;
            if (got <= 0) break;
            bytes.append(buf, static_cast<std::size_t>(got));
        }
        if (!bytes.empty()) messages.add("left over at close: " + bytes);
    });
    const BaseUrl base = base_at(server.port());
    auto options = ClientOptions{};
    options.stray_bytes_grace = std::chrono::milliseconds(0);  // not under test here: keeps it quick
    std::vector<HttpRequest> sent;
    {
        HttpClient client(base, options);
        for (const auto& c : cases_) {
            SCOPED_TRACE(c.full_name());
            sent.push_back(request_for(c, base));
            Exchange ex = client.send(sent.back());
            ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
            EXPECT_EQ(ex.response->status, 400);
        }
    }  // closed: every connection's server side sees the end
    for (int wait = 0; wait < 400 && messages.items().size() < sent.size(); ++wait) std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(50ms);  // anything after the last message has come by now
    const auto got = messages.items();
    std::string not_requests;
    for (const auto& m : got)
        if (m.rfind("unparsable", 0) == 0 || m.rfind("left over", 0) == 0) not_requests += "\n  " + printable(m, 300);
    ASSERT_EQ(got.size(), sent.size()) << "what the server could not take for a request:" << not_requests;
    for (std::size_t i = 0; i < sent.size(); ++i) {
        SCOPED_TRACE(cases_[i].full_name());
        expect_exactly_the_declared_message(got[i], sent[i], base.host_header());
    }
    EXPECT_LT(server.accepted(), static_cast<int>(sent.size()));  // connections were reused
}

}  // namespace
}  // namespace kms::test
