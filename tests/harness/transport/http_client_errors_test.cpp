// Transport failures: each must end in the right TransportError, within its deadline, with a
// detail that names the stage and the address.
#include "tests/harness/transport/client_test_util.hpp"
#include "tests/support/test_server.hpp"

#include <atomic>
#include <thread>

namespace kms::test {
namespace {

using namespace std::chrono_literals;

std::string addr(const TestServer& s) { return "127.0.0.1:" + std::to_string(s.port()); }

TEST(HttpClientErrors, ConnectionRefusedNamesTheAddress) {
    auto port = unused_port();
    HttpClient client(must_parse("http://127.0.0.1:" + std::to_string(port)), quick_options());
    auto ex = client.send(make_request("POST", "/v2/x", "{}"));
    EXPECT_EQ(ex.error, TransportError::connect);
    EXPECT_EQ(ex.error_detail, "connect 127.0.0.1:" + std::to_string(port) + ": Connection refused");
    EXPECT_FALSE(ex.response.has_value());
    auto probe = client.connect();
    ASSERT_TRUE(probe.has_value());
    EXPECT_EQ(probe->error, TransportError::connect);
    EXPECT_EQ(probe->error_detail, ex.error_detail);
}

TEST(HttpClientErrors, ServerThatNeverAnswersTimesOut) {
    TestServer server([](Conn& c) {
        c.read_request();
        c.hang();
    });
    auto options = quick_options();
    options.read_timeout = 300ms;
    HttpClient client(must_parse(server.url()), options);
    Exchange ex;
    auto ms = millis_of([&] { ex = client.send(make_request("POST", "/", "{}")); });
    EXPECT_EQ(ex.error, TransportError::timeout);
    EXPECT_EQ(ex.error_detail, "read " + addr(server) + ": timed out after 300 ms (read_timeout)");
    EXPECT_GE(ms, 280);
    EXPECT_LT(ms, 2000);
}

TEST(HttpClientErrors, TotalTimeoutStopsAServerThatTricklesForever) {
    TestServer server([](Conn& c) {
        if (!c.read_request()) return;
        c.send_all("HTTP/1.1 200 OK\r\nX-Slow: ");
        for (int i = 0; i < 400 && !c.stopping() && c.send_all("a"); ++i) std::this_thread::sleep_for(20ms);
    });
    auto options = quick_options();
    options.read_timeout = 10s;  // each byte arrives in time: only the overall bound can end this
    options.total_timeout = 500ms;
    HttpClient client(must_parse(server.url()), options);
    Exchange ex;
    auto ms = millis_of([&] { ex = client.send(make_request("GET", "/")); });
    EXPECT_EQ(ex.error, TransportError::timeout);
    EXPECT_NE(ex.error_detail.find("read " + addr(server) + ": timed out after"), std::string::npos) << ex.error_detail;
    EXPECT_NE(ex.error_detail.find("(total_timeout)"), std::string::npos) << ex.error_detail;
    EXPECT_LT(ms, 2000);
}

TEST(HttpClientErrors, HugeAnnouncedBodyIsRefusedAtOnce) {
    TestServer server([](Conn& c) {
        if (!c.read_request()) return;
        // The first body bytes travel with the header: Beast 1.74's eager full-message read would
        // lose the body_limit error then (see read_response in http_client.cpp).
        c.send_all("HTTP/1.1 200 OK\r\nContent-Length: 2147483648\r\n\r\nxxxx");
        for (int i = 0; i < 400 && !c.stopping() && c.send_all("x"); ++i) std::this_thread::sleep_for(20ms);
    });
    auto options = quick_options();
    options.max_body_bytes = 1024;
    HttpClient client(must_parse(server.url()), options);
    Exchange ex;
    auto ms = millis_of([&] { ex = client.send(make_request("GET", "/")); });
    EXPECT_EQ(ex.error, TransportError::body_too_large);
    EXPECT_EQ(ex.error_detail, "read " + addr(server) +
                                   ": response body too large: Content-Length 2147483648 exceeds max_body_bytes 1024");
    EXPECT_LT(ms, 1000);
}

TEST(HttpClientErrors, ChunkedBodyOverTheLimit) {
    TestServer server([](Conn& c) {
        if (!c.read_request()) return;
        c.send_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        std::string chunk = "100\r\n" + std::string(256, 'y') + "\r\n";
        for (int i = 0; i < 64 && c.send_all(chunk); ++i) {}
        c.send_all("0\r\n\r\n");
    });
    auto options = quick_options();
    options.max_body_bytes = 1000;
    HttpClient client(must_parse(server.url()), options);
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::body_too_large);
    EXPECT_NE(ex.error_detail.find("exceeds max_body_bytes 1000"), std::string::npos) << ex.error_detail;
}

TEST(HttpClientErrors, OversizedHeaderIsAProtocolError) {
    TestServer server([](Conn& c) {
        if (c.read_request())
            c.send_all("HTTP/1.1 200 OK\r\nX-Big: " + std::string(20000, 'h') + "\r\nContent-Length: 0\r\n\r\n");
    });
    auto options = quick_options();
    options.max_header_bytes = 8192;
    HttpClient client(must_parse(server.url()), options);
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::protocol);
    EXPECT_EQ(ex.error_detail, "read " + addr(server) + ": response header exceeds max_header_bytes 8192");
}

TEST(HttpClientErrors, GarbageIsAProtocolError) {
    TestServer server([](Conn& c) {
        if (c.read_request()) c.send_all("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    });
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::protocol);
    EXPECT_NE(ex.error_detail.find("read " + addr(server) + ": malformed HTTP response"), std::string::npos)
        << ex.error_detail;
}

TEST(HttpClientErrors, BinaryGarbageIsAProtocolError) {
    TestServer server([](Conn& c) {
        if (c.read_request()) c.send_all(std::string("\x16\x03\x01\x00\x05hello", 10));
    });
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::protocol);
    EXPECT_EQ(ex.error_detail, "read " + addr(server) + ": malformed HTTP response: bad version");
}

TEST(HttpClientErrors, ShortGarbageThenCloseIsAProtocolError) {
    // Too short for the parser to judge the version; the close decides: it was never HTTP.
    TestServer server([](Conn& c) {
        if (c.read_request()) c.send_all("\x16\x03\x01");
    });
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::protocol);
    EXPECT_EQ(ex.error_detail, "read " + addr(server) + ": not an HTTP response (connection closed)");
}

TEST(HttpClientErrors, HeaderCutShortIsAReadError) {
    TestServer server([](Conn& c) {
        if (c.read_request()) c.send_all("HTTP/1.1 200 OK\r\nContent-Len");
    });
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::read);
    EXPECT_EQ(ex.error_detail, "read " + addr(server) + ": connection closed mid-response");
}

TEST(HttpClientErrors, CloseWithoutResponseIsAReadError) {
    TestServer server([](Conn& c) { c.read_request(); });
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("POST", "/", "{}"));
    EXPECT_EQ(ex.error, TransportError::read);
    EXPECT_EQ(ex.error_detail, "read " + addr(server) + ": connection closed before any response");
}

TEST(HttpClientErrors, TruncatedResponseIsAReadError) {
    TestServer server([](Conn& c) {
        if (c.read_request()) c.send_all("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    });
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::read);
    EXPECT_EQ(ex.error_detail, "read " + addr(server) + ": connection closed mid-response");
}

TEST(HttpClientErrors, ServerThatNeverReadsTimesOutTheWrite) {
    TestServer server([](Conn& c) { c.hang(); });
    auto options = quick_options();
    options.read_timeout = 300ms;
    HttpClient client(must_parse(server.url()), options);
    Exchange ex;
    // Far more than the kernel's socket buffers hold.
    auto ms = millis_of([&] { ex = client.send(make_request("POST", "/", std::string(64 << 20, 'b'))); });
    EXPECT_EQ(ex.error, TransportError::timeout);
    EXPECT_EQ(ex.error_detail, "write " + addr(server) + ": timed out after 300 ms (read_timeout)");
    EXPECT_LT(ms, 2000);
}

TEST(HttpClientErrors, NextSendAfterAFailureUsesAFreshConnection) {
    std::atomic<int> connections{0};
    TestServer server([&](Conn& c) {
        bool first = ++connections == 1;
        while (c.read_request())
            if (!c.send_all(first ? std::string("garbage\r\n\r\n") : http_response(200, "fine"))) return;
    });
    HttpClient client(must_parse(server.url()), quick_options());
    EXPECT_EQ(client.send(make_request("GET", "/")).error, TransportError::protocol);
    auto ex = client.send(make_request("GET", "/"));
    ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
    EXPECT_EQ(ex.response->body, "fine");
    EXPECT_FALSE(ex.reused_connection);
    EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpClientErrors, TransportErrorNames) {
    EXPECT_STREQ(to_string(TransportError::none), "none");
    EXPECT_STREQ(to_string(TransportError::body_too_large), "body_too_large");
    EXPECT_STREQ(to_string(TransportError::tls_handshake), "tls_handshake");
}

}  // namespace
}  // namespace kms::test
