// ReferenceServer over HTTPS on 127.0.0.1 (port 0), with a throw-away CA made at test time and a
// client written here with plain blocking OpenSSL (not Beast, not the harness client), so that
// the handshake, the HTTP exchange and the close_notify are judged on the wire. Hostile
// connections (plain HTTP, garbage, a stalled handshake) must end without taking the server down.
#include "server/reference_server.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/server/test_support.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ostream>
#include <random>
#include <thread>

namespace kms::server {
namespace {

using namespace std::chrono_literals;
using test::RawConnection;
using test::raw_replicate;
using kms::test::TestCa;
using Clock = std::chrono::steady_clock;

HttpResponse as_response(const RawConnection::Response& r) {
    HttpResponse out;
    out.status = r.status;
    if (auto ct = r.header("Content-Type")) out.headers.push_back({"Content-Type", *ct});
    out.body = r.body;
    return out;
}

std::string openssl_reason() {
    unsigned long code = ERR_peek_last_error();
    const char* reason = code ? ERR_reason_error_string(code) : nullptr;
    ERR_clear_error();
    return reason ? reason : "no OpenSSL error queued";
}

// A blocking TLS client on 127.0.0.1 that verifies the server against `ca_file` for `host` (also
// sent as SNI). Every read is bounded by poll() and, as a backstop, SO_RCVTIMEO.
class TlsClient {
public:
    enum class End { close_notify, eof_without_close_notify, timeout, error };

    TlsClient(std::uint16_t port, const std::filesystem::path& ca_file, const std::string& host = "localhost") {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket failed");
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
        ctx_ = SSL_CTX_new(TLS_client_method());
        if (!ctx_ || SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1)
            throw std::runtime_error("client TLS context: " + openssl_reason());
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        SSL_set_tlsext_host_name(ssl_, host.c_str());
        SSL_set1_host(ssl_, host.c_str());
    }
    ~TlsClient() {
        if (ssl_) SSL_free(ssl_);
        if (ctx_) SSL_CTX_free(ctx_);
        if (fd_ >= 0) ::close(fd_);
    }
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    // "" on success, else OpenSSL's reason (and the verification result, when that failed).
    std::string handshake() {
        ERR_clear_error();
        if (SSL_connect(ssl_) == 1) return "";
        long verify = SSL_get_verify_result(ssl_);
        return openssl_reason() + (verify == X509_V_OK ? "" : std::string(": ") + X509_verify_cert_error_string(verify));
    }
    int version() const { return SSL_version(ssl_); }

    bool send_all(std::string_view bytes) {
        while (!bytes.empty()) {
            int n = SSL_write(ssl_, bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    std::optional<RawConnection::Response> read_response(std::chrono::milliseconds timeout = 5000ms) {
        auto deadline = Clock::now() + timeout;
        return test::read_http_response(pending_, [&] { return read_more(deadline); });
    }

    // How the server ends the connection: reads (and discards) until then, at most `timeout`.
    End wait_for_end(std::chrono::milliseconds timeout) {
        auto deadline = Clock::now() + timeout;
        long n;
        while ((n = read_more(deadline)) > 0) pending_.clear();
        return n == 0 ? end_ : (end_ == End::error ? End::error : End::timeout);
    }

private:
    // Appends what arrives before `deadline`: the byte count; 0 at the end of the connection
    // (end_ says how it ended); -1 on timeout (end_ stays timeout) or a TLS error (end_ error).
    long read_more(Clock::time_point deadline) {
        end_ = End::timeout;
        if (SSL_pending(ssl_) == 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            pollfd p{fd_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return -1;
        }
        char buf[16384];
        ERR_clear_error();
        int n = SSL_read(ssl_, buf, sizeof buf);
        if (n > 0) {
            pending_.append(buf, static_cast<std::size_t>(n));
            return n;
        }
        const int saved_errno = errno;
        int err = SSL_get_error(ssl_, n);
        unsigned long reason = ERR_GET_REASON(ERR_peek_last_error());
        ERR_clear_error();
        if (err == SSL_ERROR_ZERO_RETURN) {
            end_ = End::close_notify;
            return 0;
        }
        // OpenSSL 3 reports a FIN without close_notify as "unexpected eof while reading".
        if ((err == SSL_ERROR_SSL && reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
            (err == SSL_ERROR_SYSCALL && (saved_errno == 0 || saved_errno == ECONNRESET))) {
            end_ = End::eof_without_close_notify;
            return 0;
        }
        if (err == SSL_ERROR_WANT_READ || saved_errno == EAGAIN || saved_errno == EWOULDBLOCK) return -1;  // SO_RCVTIMEO
        end_ = End::error;
        return -1;
    }

    int fd_ = -1;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string pending_;
    End end_ = End::timeout;
};

std::ostream& operator<<(std::ostream& os, TlsClient::End e) {
    switch (e) {
        case TlsClient::End::close_notify: return os << "close_notify";
        case TlsClient::End::eof_without_close_notify: return os << "EOF without close_notify";
        case TlsClient::End::timeout: return os << "timeout";
        case TlsClient::End::error: return os << "TLS error";
    }
    return os << "?";
}

class TlsServerTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        try {
            ca_ = std::make_unique<TestCa>();
            localhost_ = ca_->issue("localhost", "DNS:localhost,IP:127.0.0.1");
            other_ = ca_->issue("other", "DNS:other.example");
        } catch (const std::exception& e) {
            setup_error_ = e.what();
        }
    }
    static void TearDownTestSuite() { ca_.reset(); }
    void SetUp() override { ASSERT_EQ(setup_error_, "") << "cannot make the test CA"; }

    ServerOptions tls_options() const {
        ServerOptions o;
        o.tls_cert_file = localhost_.cert.string();
        o.tls_key_file = localhost_.key.string();
        return o;
    }
    void start(ServerOptions o) {
        server_ = std::make_unique<ReferenceServer>(std::move(o));
        server_->start();
        ASSERT_NE(server_->port(), 0);
    }
    std::uint16_t port() const { return server_->port(); }

    // A fresh TLS client gets a 200 for a valid replicate to `zone`: the server still serves.
    ::testing::AssertionResult serves_a_tls_client(const char* zone = "at-vie-1") {
        TlsClient c(port(), ca_->ca_file());
        if (auto why = c.handshake(); !why.empty()) return ::testing::AssertionFailure() << "handshake: " << why;
        if (!c.send_all(raw_replicate(kDefaultKeyId, std::string(R"({"zone":")") + zone + "\"}", true)))
            return ::testing::AssertionFailure() << "write failed";
        auto r = c.read_response();
        if (!r) return ::testing::AssertionFailure() << "no response";
        return test::IsOperation(as_response(*r), kDefaultKeyId, "pending");
    }

    // The message of the exception start() throws, "" when it does not throw.
    static std::string start_error(ServerOptions o) {
        ReferenceServer s(std::move(o));
        try {
            s.start();
        } catch (const TlsSetupError& e) {
            return e.what();
        }
        return "";
    }

    static inline std::unique_ptr<TestCa> ca_;
    static inline TestCa::Leaf localhost_, other_;
    static inline std::string setup_error_;
    std::unique_ptr<ReferenceServer> server_;
};

TEST_F(TlsServerTest, ValidReplicateGets200ThenConflictThenCloseNotify) {
    start(tls_options());
    EXPECT_EQ(server_->base_url(), "https://127.0.0.1:" + std::to_string(port()) + "/v2");
    TlsClient c(port(), ca_->ca_file(), "localhost");
    ASSERT_EQ(c.handshake(), "");
    EXPECT_GE(c.version(), TLS1_2_VERSION);

    ASSERT_TRUE(c.send_all(raw_replicate(kDefaultKeyId, R"({"zone":"de-fra-1"})")));
    auto first = c.read_response();
    ASSERT_TRUE(first.has_value());
    EXPECT_TRUE(test::IsOperation(as_response(*first), kDefaultKeyId, "pending"));
    EXPECT_EQ(first->header("Content-Length").value_or("-"), std::to_string(first->body.size()));

    // Keep-alive over TLS, then Connection: close ends in a graceful TLS shutdown.
    ASSERT_TRUE(c.send_all(raw_replicate(kDefaultKeyId, R"({"zone":"de-fra-1"})", true)));
    auto second = c.read_response();
    ASSERT_TRUE(second.has_value());
    EXPECT_TRUE(test::IsProblem(as_response(*second), 400, "Conflict: "));
    EXPECT_EQ(c.wait_for_end(3000ms), TlsClient::End::close_notify);
}

TEST_F(TlsServerTest, PlainServerStillSpeaksHttp) {
    start(ServerOptions{});
    EXPECT_EQ(server_->base_url().rfind("http://", 0), 0u) << server_->base_url();
    TlsClient c(port(), ca_->ca_file());
    EXPECT_NE(c.handshake(), "") << "a plain server must not complete a TLS handshake";
}

TEST_F(TlsServerTest, NonTlsBytesOnTheTlsPortAreDroppedPromptlyAndTheServerGoesOn) {
    start(tls_options());
    std::mt19937 rng(20260331);
    std::string random_bytes(4096, '\0');
    for (auto& ch : random_bytes) ch = static_cast<char>(rng() & 0xff);
    const std::pair<const char*, std::string> inputs[] = {
        {"plain HTTP request", raw_replicate(kDefaultKeyId, R"({"zone":"de-fra-1"})")},
        {"random bytes", random_bytes},
        {"TLS record header, then junk", std::string("\x16\x03\x01\x00\x20", 5) + std::string(32, 'x')},
        {"record announcing 64 KiB", std::string("\x16\x03\x03\xff\xff", 5) + random_bytes},
    };
    for (const auto& [what, bytes] : inputs) {
        SCOPED_TRACE(what);
        RawConnection c(port());
        ASSERT_TRUE(c.send_all(bytes));
        auto t0 = Clock::now();
        auto r = c.read_response(3000ms);
        EXPECT_FALSE(r.has_value()) << "an HTTP answer came in clear: " << r->head;
        // Ended by the failed handshake, not by the 10 s header timeout.
        EXPECT_LT(Clock::now() - t0, 2000ms);
    }
    EXPECT_TRUE(serves_a_tls_client());
}

TEST_F(TlsServerTest, StalledHandshakeIsCutOffAtHeaderTimeoutWithoutBlockingOthers) {
    auto o = tls_options();
    o.header_timeout = 400ms;
    start(std::move(o));
    auto t0 = Clock::now();
    RawConnection silent(port());   // connects and never says a word
    RawConnection partial(port());  // half a ClientHello record, then nothing
    ASSERT_TRUE(partial.send_all(std::string("\x16\x03\x01\x00\xc8\x01\x00\x00\xc4\x03\x03", 11)));
    EXPECT_TRUE(serves_a_tls_client()) << "a stalled handshake must not hold up other clients";
    EXPECT_TRUE(silent.closed_within(3000ms));
    EXPECT_TRUE(partial.closed_within(3000ms));
    auto elapsed = Clock::now() - t0;
    EXPECT_GE(elapsed, 350ms) << "closed before the header timeout";
    EXPECT_LT(elapsed, 3000ms);
    EXPECT_TRUE(serves_a_tls_client("de-muc-1"));
}

TEST_F(TlsServerTest, ClientVanishingMidHandshakeDoesNotKillTheServer) {
    start(tls_options());
    for (int i = 0; i < 5; ++i) {
        RawConnection c(port());
        ASSERT_TRUE(c.send_all(std::string("\x16\x03\x01\x00\xc8\x01\x00", 7)));
        c.abort();  // a reset
    }
    EXPECT_TRUE(serves_a_tls_client());
}

TEST_F(TlsServerTest, OversizedBodyGets413OverTls) {
    auto o = tls_options();
    o.body_limit = 1024;
    start(std::move(o));
    TlsClient c(port(), ca_->ca_file());
    ASSERT_EQ(c.handshake(), "");
    ASSERT_TRUE(c.send_all(raw_replicate(kDefaultKeyId, R"({"zone":")" + std::string(64 * 1024, 'a') + "\"}")));
    auto r = c.read_response();
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(test::IsProblem(as_response(*r), 413));
    EXPECT_NE(c.wait_for_end(3000ms), TlsClient::End::timeout) << "the server closes after a 413";
    EXPECT_TRUE(serves_a_tls_client());
}

TEST_F(TlsServerTest, ConcurrentTlsClientsOnTwoThreadsShareTheState) {
    auto o = tls_options();
    o.threads = 2;
    start(std::move(o));
    constexpr int kClients = 6;
    std::atomic<int> created{0}, conflicts{0}, other{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i)
        clients.emplace_back([&] {
            try {
                TlsClient c(port(), ca_->ca_file());
                auto r = c.handshake().empty() && c.send_all(raw_replicate(kDefaultKeyId, R"({"zone":"ch-dk-2"})", true))
                             ? c.read_response()
                             : std::nullopt;
                if (r && test::IsOperation(as_response(*r), kDefaultKeyId, "pending")) ++created;
                else if (r && test::IsProblem(as_response(*r), 400, "Conflict: ")) ++conflicts;
                else ++other;
            } catch (const std::exception&) {
                ++other;
            }
        });
    for (auto& t : clients) t.join();
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(conflicts.load(), kClients - 1);
    EXPECT_EQ(other.load(), 0);
}

TEST_F(TlsServerTest, MissingCertificateFileIsNamed) {
    auto o = tls_options();
    o.tls_cert_file = (ca_->dir() / "no-such-cert.pem").string();
    auto e = start_error(o);
    EXPECT_NE(e.find(o.tls_cert_file), std::string::npos) << e;
    EXPECT_NE(e.find("No such file"), std::string::npos) << e;
}

TEST_F(TlsServerTest, UnusableFilesAreNamedAndNothingIsBound) {
    auto junk = ca_->write("junk.pem", "this is not PEM\n");
    {
        auto o = tls_options();
        o.tls_cert_file = junk.string();
        auto e = start_error(o);
        EXPECT_EQ(e.rfind("tls certificate " + junk.string() + ": ", 0), 0u) << e;
    }
    {
        auto o = tls_options();
        o.tls_key_file = junk.string();
        auto e = start_error(o);
        EXPECT_EQ(e.rfind("tls key " + junk.string() + ": ", 0), 0u) << e;
    }
    {
        auto o = tls_options();
        o.tls_key_file = other_.key.string();  // a key, but not this certificate's
        auto e = start_error(o);
        EXPECT_NE(e.find(other_.key.string()), std::string::npos) << e;
    }
    {
        auto o = tls_options();
        o.tls_key_file.clear();
        auto e = start_error(o);
        EXPECT_NE(e.find("both needed"), std::string::npos) << e;
    }
    // A TlsSetupError is a std::runtime_error, thrown before the port is bound.
    auto o = tls_options();
    o.tls_cert_file = junk.string();
    ReferenceServer s(o);
    EXPECT_THROW(s.start(), std::runtime_error);
    EXPECT_EQ(s.port(), 0);
}

}  // namespace
}  // namespace kms::server
