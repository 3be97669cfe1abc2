#include "tests/support/test_server.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>

namespace kms::test {

namespace {

using Clock = std::chrono::steady_clock;
// Short socket timeouts turn blocking calls into polls of the stop flag.
constexpr auto kSliceMicros = 50'000;
constexpr auto kHandshakeLimit = std::chrono::seconds(5);

void set_timeout(int fd, int option, long micros) {
    timeval tv{micros / 1'000'000, static_cast<suseconds_t>(micros % 1'000'000)};
    setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv);
}

class PlainConn : public Conn {
public:
    PlainConn(const std::atomic<bool>* stop, int fd) : Conn(stop), fd_(fd) {}
    bool send_all(std::string_view data) override {
        while (!data.empty()) {
            ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

protected:
    long recv_once(char* buf, std::size_t n) override {
        ssize_t got = ::recv(fd_, buf, n, 0);
        if (got >= 0) return got;
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? -1 : 0;
    }

private:
    int fd_;
};

class TlsConn : public Conn {
public:
    TlsConn(const std::atomic<bool>* stop, SSL* ssl) : Conn(stop), ssl_(ssl) {}
    bool send_all(std::string_view data) override {
        auto until = Clock::now() + std::chrono::seconds(5);
        while (!data.empty() && Clock::now() < until) {
            int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
            if (n > 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            int err = SSL_get_error(ssl_, n);
            if (err != SSL_ERROR_WANT_WRITE && err != SSL_ERROR_WANT_READ) return false;
        }
        return data.empty();
    }

protected:
    long recv_once(char* buf, std::size_t n) override {
        int got = SSL_read(ssl_, buf, static_cast<int>(n));
        if (got > 0) return got;
        int err = SSL_get_error(ssl_, got);
        return err == SSL_ERROR_WANT_READ ? -1 : 0;
    }

private:
    SSL* ssl_;
};

std::size_t content_length(std::string_view header) {
    // Case-insensitive search for the line "content-length:" (tests send well-formed requests).
    std::string lower(header);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto pos = lower.find("\r\ncontent-length:");
    if (pos == std::string::npos) return 0;
    return std::stoul(lower.substr(pos + 17));
}

}  // namespace

long Conn::recv_some(char* buf, std::size_t n, std::chrono::milliseconds limit) {
    auto until = Clock::now() + limit;
    while (!stopping() && Clock::now() < until) {
        long got = recv_once(buf, n);
        if (got >= 0) return got;
    }
    return 0;
}

std::optional<std::string> Conn::read_request() {
    char buf[4096];
    for (int rounds = 0; rounds < 10000; ++rounds) {
        auto end = pending_.find("\r\n\r\n");
        if (end != std::string::npos) {
            std::size_t total = end + 4 + content_length(std::string_view(pending_).substr(0, end + 2));
            if (pending_.size() >= total) {
                std::string request = pending_.substr(0, total);
                pending_.erase(0, total);
                return request;
            }
        }
        long got = recv_some(buf, sizeof buf);
        if (got <= 0) return std::nullopt;
        pending_.append(buf, static_cast<std::size_t>(got));
    }
    return std::nullopt;
}

void Conn::hang(std::chrono::milliseconds limit) {
    auto until = Clock::now() + limit;
    while (!stopping() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

TestServer::TestServer(Handler handler, std::optional<TlsFiles> tls) : handler_(std::move(handler)) {
    // OpenSSL writes with write(2): a client that went away must not kill the test process.
    std::signal(SIGPIPE, SIG_IGN);
    if (tls) {
        SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
        if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, tls->cert_file.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, tls->key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
            SSL_CTX_free(ctx);
            throw std::runtime_error("test TLS server: cannot load " + tls->cert_file);
        }
        tls_ctx_ = ctx;
    }
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw std::runtime_error("test server: cannot listen on 127.0.0.1");
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

TestServer::~TestServer() {
    stop_ = true;
    acceptor_.join();
    for (auto& w : workers_) w.join();
    ::close(listen_fd_);
    SSL_CTX_free(static_cast<SSL_CTX*>(tls_ctx_));
}

std::string TestServer::url(const std::string& host) const {
    return std::string(tls_ctx_ ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

void TestServer::accept_loop() {
    while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        ++accepted_;
        std::lock_guard<std::mutex> lock(mutex_);
        workers_.emplace_back([this, fd] { serve(fd); });
    }
}

void TestServer::serve(int fd) {
    set_timeout(fd, SO_RCVTIMEO, kSliceMicros);
    set_timeout(fd, SO_SNDTIMEO, 2'000'000);
    if (!tls_ctx_) {
        PlainConn conn(&stop_, fd);
        handler_(conn);
        ::close(fd);
        return;
    }
    SSL* ssl = SSL_new(static_cast<SSL_CTX*>(tls_ctx_));
    SSL_set_fd(ssl, fd);
    auto until = Clock::now() + kHandshakeLimit;
    int rc = 0;
    while (!stop_ && Clock::now() < until) {
        rc = SSL_accept(ssl);
        if (rc == 1) break;
        int err = SSL_get_error(ssl, rc);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) break;
    }
    if (rc == 1) {
        TlsConn conn(&stop_, ssl);
        const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
        conn.sni = name ? name : "";
        handler_(conn);
        SSL_shutdown(ssl);  // one close_notify; the client's answer is not awaited
    }
    ERR_clear_error();
    SSL_free(ssl);
    ::close(fd);
}

std::uint16_t unused_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::string http_response(int status, std::string_view body, std::string_view extra_headers) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Status") + "\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out.append(extra_headers).append("\r\n").append(body);
    return out;
}

void serve_keep_alive(Conn& c) {
    for (int n = 1; n <= 100; ++n) {
        if (!c.read_request()) return;
        if (!c.send_all(http_response(200, "r" + std::to_string(n)))) return;
    }
}

}  // namespace kms::test
