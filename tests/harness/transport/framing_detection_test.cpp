// The client's framing checks against scripted servers, each seen firing on a server that breaks
// the rule and quiet on one that keeps it: bytes after a complete response (RFC 9112 §9.2),
// content after a response to HEAD (RFC 9110 §9.3.2), an early response while the body is still
// being written (RFC 9112 §9.5), and a connection of its own for a case that owns its framing.
#include "tests/harness/transport/client_test_util.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/test_server.hpp"

#include <atomic>
#include <thread>

namespace kms::test {
namespace {

using namespace std::chrono_literals;

const std::string kStale = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale";  // 43 bytes

// The first connection answers its first request, then sends kStale after `delay` (none: in
// the same write); every connection then serves normally.
Handler answers_twice(std::chrono::milliseconds delay, std::atomic<int>* connections) {
    return [=](Conn& c) {
        if (++*connections == 1) {
            if (!c.read_request()) return;
            if (delay.count() == 0) {
                c.send_all(http_response(200, "first") + kStale);
            } else {
                c.send_all(http_response(200, "first"));
                std::this_thread::sleep_for(delay);
                c.send_all(kStale);
            }
        }
        serve_keep_alive(c);
    };
}

void expect_violation_then_clean_exchange(TestServer& server, HttpClient& client) {
    auto first = client.send(make_request("GET", "/"));
    ASSERT_EQ(first.error, TransportError::none) << first.error_detail;
    EXPECT_EQ(first.response->body, "first");
    EXPECT_NE(first.framing_violation.find("RFC 9112 §9.2: 43 bytes"), std::string::npos) << first.framing_violation;
    EXPECT_NE(first.framing_violation.find("HTTP/1.1 200 OK\\x0d\\x0aContent-Length: 5"), std::string::npos)
        << first.framing_violation;
    EXPECT_NE(first.framing_violation.find("no request outstanding"), std::string::npos) << first.framing_violation;
    // Never read as the next request's answer: that one goes on a fresh connection.
    auto second = client.send(make_request("GET", "/"));
    ASSERT_EQ(second.error, TransportError::none) << second.error_detail;
    EXPECT_EQ(second.response->body, "r1");
    EXPECT_FALSE(second.reused_connection);
    EXPECT_EQ(second.framing_violation, "");
    EXPECT_EQ(second.stray_before, "");
    EXPECT_EQ(server.accepted(), 2);
}

TEST(FramingDetection, BytesReadWithTheResponseAreAViolationOfThatExchange) {
    std::atomic<int> connections{0};
    TestServer server(answers_twice(0ms, &connections));
    HttpClient client(must_parse(server.url()), quick_options());
    expect_violation_then_clean_exchange(server, client);
}

// A grace far longer than the server's delay: a loaded test machine must not turn "within the
// grace" into "after it".
ClientOptions long_grace() {
    auto o = quick_options();
    o.stray_bytes_grace = 300ms;
    return o;
}

TEST(FramingDetection, BytesWithinTheGraceAreAViolationOfThatExchange) {
    std::atomic<int> connections{0};
    TestServer server(answers_twice(5ms, &connections));  // Go's net/http answers a bad request ~3 ms late
    HttpClient client(must_parse(server.url()), long_grace());
    expect_violation_then_clean_exchange(server, client);
}

TEST(FramingDetection, BytesAfterTheGraceAreFoundBeforeTheNextRequest) {
    // The next request reuses connections, or owns its framing and would not reuse this one.
    for (const auto& next : {make_request("GET", "/"), make_request("GET", "/", "", {{"Connection", "keep-alive"}})}) {
        SCOPED_TRACE(next.headers.empty() ? "next reuses" : "next owns its framing");
        std::atomic<int> connections{0};
        TestServer server(answers_twice(100ms, &connections));
        HttpClient client(must_parse(server.url()), quick_options());
        auto first = client.send(make_request("GET", "/"));
        ASSERT_EQ(first.error, TransportError::none) << first.error_detail;
        EXPECT_EQ(first.framing_violation, "");  // the grace (20 ms) passed quietly
        std::this_thread::sleep_for(250ms);
        auto second = client.send(next);
        ASSERT_EQ(second.error, TransportError::none) << second.error_detail;
        EXPECT_EQ(second.response->body, "r1");  // not "stale": a fresh connection
        EXPECT_FALSE(second.reused_connection);
        EXPECT_NE(second.stray_before.find("43 bytes"), std::string::npos) << second.stray_before;
        EXPECT_NE(second.stray_before.find("stale"), std::string::npos) << second.stray_before;
        EXPECT_EQ(second.framing_violation, "");
        EXPECT_EQ(server.accepted(), 2);
    }
}

TEST(FramingDetection, ConformingKeepAliveServerCostsAtMostTheGrace) {
    TestServer server(serve_keep_alive);
    HttpClient client(must_parse(server.url()), quick_options());
    for (int i = 1; i <= 10; ++i) {
        Exchange ex;
        auto ms = millis_of([&] { ex = client.send(make_request("POST", "/", "{}")); });
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->body, "r" + std::to_string(i));
        EXPECT_EQ(ex.framing_violation, "");
        EXPECT_EQ(ex.stray_before, "");
        EXPECT_FALSE(ex.early_response);
        EXPECT_EQ(ex.reused_connection, i > 1);
        EXPECT_LT(ms, 20 + 150);  // the 20 ms grace, plus a loaded machine's slack
    }
    EXPECT_EQ(server.accepted(), 1);
}

TEST(FramingDetection, ConnectionCloseCostsNoGrace) {
    TestServer server([](Conn& c) {
        if (c.read_request()) c.send_all(http_response(200, "bye", "Connection: close\r\n"));
        c.hang(2s);  // the client must not wait for the server's FIN either
    });
    auto options = quick_options();
    options.stray_bytes_grace = 2s;  // would be seen if it were waited for
    HttpClient client(must_parse(server.url()), options);
    Exchange ex;
    auto ms = millis_of([&] { ex = client.send(make_request("POST", "/", "{}")); });
    ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
    EXPECT_EQ(ex.framing_violation, "");
    EXPECT_LT(ms, 1000);
}

TEST(FramingDetection, TlsKeepAliveIsQuietAndStrayBytesAreSeen) {
    ASSERT_EQ(test_pki().error, "");
    std::atomic<int> connections{0};
    TestServer server(answers_twice(5ms, &connections), TlsFiles{test_pki().localhost_cert, test_pki().localhost_key});
    auto options = long_grace();
    options.ca_file = test_pki().ca_file;
    HttpClient client(must_parse(server.url()), options);
    expect_violation_then_clean_exchange(server, client);
    // The second connection is conforming: TLS records without data (session tickets) are no stray bytes.
    for (int i = 2; i <= 4; ++i) {
        auto ex = client.send(make_request("GET", "/"));
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->body, "r" + std::to_string(i));
        EXPECT_EQ(ex.framing_violation, "");
        EXPECT_TRUE(ex.reused_connection);
    }
    EXPECT_EQ(server.accepted(), 2);
}

// A HEAD server whose response carries `content` right after the header (then keeps the
// connection, or closes it).
Handler head_server(std::string content, bool close) {
    return [=](Conn& c) {
        if (!c.read_request()) return;
        c.send_all("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n" + std::string(close ? "Connection: close\r\n" : "") +
                   "\r\n" + content);
        if (!close) c.hang(2s);
    };
}

TEST(FramingDetection, HeadResponseWithContentIsAViolation) {
    for (bool close : {false, true}) {
        SCOPED_TRACE(close ? "then closes" : "keeps the connection");
        TestServer server(head_server("hello", close));
        HttpClient client(must_parse(server.url()), quick_options());
        auto ex = client.send(make_request("HEAD", "/v2/x"));
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->body, "");
        EXPECT_EQ(ex.framing_violation,
                  "RFC 9110 §9.3.2: a response to HEAD carries no content: 5 bytes (\"hello\") followed");
    }
}

TEST(FramingDetection, HeadResponseWithoutContentIsClean) {
    for (bool close : {false, true}) {
        SCOPED_TRACE(close ? "then closes" : "keeps the connection");
        TestServer server(head_server("", close));
        HttpClient client(must_parse(server.url()), quick_options());
        Exchange ex;
        auto ms = millis_of([&] { ex = client.send(make_request("HEAD", "/v2/x")); });
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->header("Content-Length"), "5");
        EXPECT_EQ(ex.framing_violation, "");
        EXPECT_LT(ms, 500);
    }
}

TEST(FramingDetection, CaseThatOwnsItsFramingHasAConnectionOfItsOwn) {
    Recorder seen;
    TestServer server([&](Conn& c) {
        for (int n = 1; n <= 10; ++n) {
            auto r = c.read_request();
            if (!r) return;
            seen.add(*r);
            if (!c.send_all(http_response(200, "r" + std::to_string(n)))) return;
        }
    });
    HttpClient client(must_parse(server.url()), quick_options());
    ASSERT_EQ(client.send(make_request("POST", "/", "{}")).error, TransportError::none);
    // Its own Content-Length, an unknown method, Connection: each on a fresh connection, closed after.
    for (auto request : {make_request("POST", "/", "{}", {{"Content-Length", "2"}}), make_request("post", "/", "{}"),
                         make_request("GET", "/", "", {{"Connection", "keep-alive"}})}) {
        auto ex = client.send(request);
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->body, "r1");
        EXPECT_FALSE(ex.reused_connection);
    }
    auto after = client.send(make_request("POST", "/", "{}"));
    ASSERT_EQ(after.error, TransportError::none) << after.error_detail;
    EXPECT_FALSE(after.reused_connection);
    EXPECT_EQ(server.accepted(), 5);
    // The case's own Content-Length, and no other.
    const std::string own = seen.items().at(1);
    EXPECT_NE(own.find("\r\nContent-Length: 2\r\n"), std::string::npos) << own;
    EXPECT_EQ(own.find("Content-Length", own.find("Content-Length") + 1), std::string::npos) << own;
}

// Reads the request header only, answers 413 and closes with the body still coming (RFC 9112 §9.5).
void answer_413_early(Conn& c, bool close) {
    std::string head;
    char buf[4096];
    for (int reads = 0; reads < 100 && head.find("\r\n\r\n") == std::string::npos; ++reads) {
        long got = c.recv_some(buf, sizeof buf);
        if (got <= 0) return;
        head.append(buf, static_cast<std::size_t>(got));
    }
    c.send_all(http_response(413, "{\"status\":413}", close ? "Connection: close\r\n" : ""));
    // Closing at once with the body unread would reset the connection, and the kernel drops
    // what it has not sent yet: possibly the 413 (RFC 9112 §9.6). So the close comes a moment
    // later, as a server that closes is advised to do.
    c.hang(close ? 100ms : 3s);  // then closes; or neither reads nor closes
}

TEST(FramingDetection, EarlyResponseWhileTheBodyIsWrittenIsRead) {
    for (bool close : {true, false}) {
        SCOPED_TRACE(close ? "server closes" : "server stops reading");
        TestServer server([=](Conn& c) { answer_413_early(c, close); });
        HttpClient client(must_parse(server.url()), quick_options());
        Exchange ex;
        // Far more than the socket buffers hold: the write is still going when the 413 comes.
        auto ms = millis_of([&] { ex = client.send(make_request("POST", "/", std::string(8 << 20, 'b'))); });
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->status, 413);
        EXPECT_EQ(ex.response->body, "{\"status\":413}");
        EXPECT_TRUE(ex.early_response);
        EXPECT_LT(ms, 1500);
    }
}

TEST(FramingDetection, EarlyResponseOverTlsIsRead) {
    // TLS streams allow one read and one write at a time: the 413 is read while the write goes on.
    ASSERT_EQ(test_pki().error, "");
    TestServer server([](Conn& c) { answer_413_early(c, true); },
                      TlsFiles{test_pki().localhost_cert, test_pki().localhost_key});
    auto options = quick_options();
    options.ca_file = test_pki().ca_file;
    HttpClient client(must_parse(server.url()), options);
    auto ex = client.send(make_request("POST", "/", std::string(8 << 20, 'b')));
    ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
    EXPECT_EQ(ex.response->status, 413);
    EXPECT_TRUE(ex.early_response);
    // The next request goes on a fresh connection.
    auto next = client.send(make_request("POST", "/", "{}"));
    ASSERT_EQ(next.error, TransportError::none) << next.error_detail;
    EXPECT_FALSE(next.reused_connection);
}

TEST(FramingDetection, ServerThatReadsTheWholeBodyIsNoEarlyResponse) {
    TestServer server(serve_keep_alive);
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("POST", "/", std::string(8 << 20, 'b')));
    ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
    EXPECT_EQ(ex.response->status, 200);
    EXPECT_FALSE(ex.early_response);
    EXPECT_EQ(ex.framing_violation, "");
}

TEST(FramingDetection, CloseWithoutAnswerWhileWritingIsAWriteError) {
    TestServer server([](Conn& c) {
        char buf[4096];
        c.recv_some(buf, sizeof buf);  // some of the request, then a close with the rest unread
    });
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("POST", "/", std::string(8 << 20, 'b')));
    EXPECT_EQ(ex.error, TransportError::write) << ex.error_detail;
    EXPECT_EQ(ex.error_detail.rfind("write 127.0.0.1:" + std::to_string(server.port()) + ": ", 0), 0u) << ex.error_detail;
    EXPECT_FALSE(ex.response.has_value());
}

}  // namespace
}  // namespace kms::test
