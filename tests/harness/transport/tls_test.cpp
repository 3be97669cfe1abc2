// HTTPS against a local OpenSSL server with certificates from a throw-away CA: verification is
// on by default, --ca-file adds trust, the peer's name is checked, --insecure skips it all.
#include "tests/harness/transport/client_test_util.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/test_server.hpp"

#include <thread>

namespace kms::test {
namespace {

using namespace std::chrono_literals;

class Tls : public testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(pki().error, "");
    }
    static const TestPki& pki() { return test_pki(); }

    static void serve(Conn& c, Recorder* sni) {
        if (sni) sni->add(c.sni);
        for (int n = 1; n <= 100; ++n) {
            if (!c.read_request()) return;
            if (!c.send_all(http_response(200, "tls" + std::to_string(n)))) return;
        }
    }

    static ClientOptions with_ca(const std::string& ca_file) {
        auto o = quick_options();
        o.ca_file = ca_file;
        return o;
    }
};

TEST_F(Tls, UnknownIssuerFailsWithoutCaFile) {
    TestServer server([](Conn& c) { serve(c, nullptr); }, TlsFiles{pki().localhost_cert, pki().localhost_key});
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::tls_handshake);
    std::string where = "tls handshake 127.0.0.1:" + std::to_string(server.port()) + ": ";
    EXPECT_EQ(ex.error_detail.rfind(where, 0), 0u) << ex.error_detail;
    EXPECT_NE(ex.error_detail.find("certificate verify failed"), std::string::npos) << ex.error_detail;
    EXPECT_NE(ex.error_detail.find("unable to get local issuer certificate"), std::string::npos) << ex.error_detail;
}

TEST_F(Tls, SucceedsWithCaFileAndKeepsTheConnection) {
    Recorder sni;
    TestServer server([&](Conn& c) { serve(c, &sni); }, TlsFiles{pki().localhost_cert, pki().localhost_key});
    HttpClient client(must_parse(server.url()), with_ca(pki().ca_file));
    // connect() first: under TLS 1.3 the server's session tickets then arrive while the
    // connection is idle, and must not be mistaken for a closed connection.
    EXPECT_FALSE(client.connect().has_value());
    std::this_thread::sleep_for(100ms);  // the tickets are in by now
    for (int i = 1; i <= 3; ++i) {
        auto ex = client.send(make_request("POST", "/v2/x", "{}"));
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->body, "tls" + std::to_string(i));
        EXPECT_TRUE(ex.reused_connection);
    }
    EXPECT_EQ(server.accepted(), 1);
    EXPECT_EQ(sni.items(), std::vector<std::string>{""});  // no SNI for an IP literal (RFC 6066)
}

TEST_F(Tls, DnsNameIsVerifiedAndSentAsSni) {
    Recorder sni;
    TestServer server([&](Conn& c) { serve(c, &sni); }, TlsFiles{pki().localhost_cert, pki().localhost_key});
    HttpClient client(must_parse(server.url("localhost")), with_ca(pki().ca_file));
    auto ex = client.send(make_request("GET", "/"));
    ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
    EXPECT_EQ(ex.response->body, "tls1");
    EXPECT_EQ(sni.items(), std::vector<std::string>{"localhost"});
}

TEST_F(Tls, IpAddressMismatchFails) {
    // Trusted issuer, but the certificate is for other.example / 127.0.0.2, not 127.0.0.1.
    TestServer server([](Conn& c) { serve(c, nullptr); }, TlsFiles{pki().other_cert, pki().other_key});
    HttpClient client(must_parse(server.url()), with_ca(pki().ca_file));
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::tls_handshake);
    EXPECT_NE(ex.error_detail.find("certificate verify failed"), std::string::npos) << ex.error_detail;
    EXPECT_NE(ex.error_detail.find("IP address mismatch"), std::string::npos) << ex.error_detail;
}

TEST_F(Tls, HostNameMismatchFails) {
    TestServer server([](Conn& c) { serve(c, nullptr); }, TlsFiles{pki().other_cert, pki().other_key});
    HttpClient client(must_parse(server.url("localhost")), with_ca(pki().ca_file));
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::tls_handshake);
    EXPECT_NE(ex.error_detail.find("certificate verify failed"), std::string::npos) << ex.error_detail;
    EXPECT_NE(ex.error_detail.find("hostname mismatch"), std::string::npos) << ex.error_detail;
}

TEST_F(Tls, InsecureSkipsVerification) {
    TestServer server([](Conn& c) { serve(c, nullptr); }, TlsFiles{pki().other_cert, pki().other_key});
    auto options = quick_options();
    options.verify_tls = false;
    HttpClient client(must_parse(server.url()), options);
    auto ex = client.send(make_request("GET", "/"));
    ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
    EXPECT_EQ(ex.response->body, "tls1");
}

TEST_F(Tls, KeepAliveOffHandshakesEveryTime) {
    TestServer server([](Conn& c) { serve(c, nullptr); }, TlsFiles{pki().localhost_cert, pki().localhost_key});
    auto options = with_ca(pki().ca_file);
    options.keep_alive = false;
    HttpClient client(must_parse(server.url()), options);
    for (int i = 0; i < 2; ++i) {
        auto ex = client.send(make_request("GET", "/"));
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_FALSE(ex.reused_connection);
        EXPECT_GT(ex.connect_time.count(), 0);
    }
    EXPECT_EQ(server.accepted(), 2);
}

TEST_F(Tls, MissingCaFileIsReported) {
    TestServer server([](Conn& c) { serve(c, nullptr); }, TlsFiles{pki().localhost_cert, pki().localhost_key});
    HttpClient client(must_parse(server.url()), with_ca("/nonexistent/ca.pem"));
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::tls_handshake);
    EXPECT_NE(ex.error_detail.find("load CA file /nonexistent/ca.pem"), std::string::npos) << ex.error_detail;
    EXPECT_EQ(server.accepted(), 0);  // nothing was sent
}

TEST_F(Tls, PlainHttpServerFailsTheHandshake) {
    TestServer server([](Conn& c) {
        char buf[512];
        c.recv_some(buf, sizeof buf, 2s);
        c.send_all("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    HttpClient client(must_parse("https://127.0.0.1:" + std::to_string(server.port())), quick_options());
    auto ex = client.send(make_request("GET", "/"));
    EXPECT_EQ(ex.error, TransportError::tls_handshake);
    EXPECT_NE(ex.error_detail.find("wrong version number"), std::string::npos) << ex.error_detail;
}

TEST_F(Tls, SilentServerTimesOutTheHandshakeWithinConnectTimeout) {
    TestServer server([](Conn& c) { c.hang(); });  // plain TCP: accepts, never speaks TLS
    auto options = quick_options();
    options.connect_timeout = 300ms;
    HttpClient client(must_parse("https://127.0.0.1:" + std::to_string(server.port())), options);
    Exchange ex;
    auto ms = millis_of([&] { ex = client.send(make_request("GET", "/")); });
    EXPECT_EQ(ex.error, TransportError::timeout);
    EXPECT_EQ(ex.error_detail,
              "tls handshake 127.0.0.1:" + std::to_string(server.port()) + ": timed out after 300 ms (connect_timeout)");
    EXPECT_LT(ms, 2000);
}

}  // namespace
}  // namespace kms::test
