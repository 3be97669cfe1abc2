#include "tests/support/stall_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace kms::bench::test {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// One connection's byte stream, plain or TLS; reads wake up every 50 ms to notice a stop.
class Stream {
public:
    Stream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
    // >0 bytes, 0 on EOF/error/stop.
    long read(char* buf, std::size_t n, const std::atomic<bool>& stop) {
        while (!stop.load()) {
            if (ssl_) {
                int r = SSL_read(ssl_, buf, static_cast<int>(n));
                if (r > 0) return r;
                int e = SSL_get_error(ssl_, r);
                if (e != SSL_ERROR_WANT_READ) return 0;
            } else {
                long r = ::recv(fd_, buf, n, 0);
                if (r > 0) return r;
                if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return 0;
            }
        }
        return 0;
    }
    bool write(const std::string& s) {
        std::size_t off = 0;
        while (off < s.size()) {
            long r = ssl_ ? SSL_write(ssl_, s.data() + off, static_cast<int>(s.size() - off))
                          : ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
            if (r <= 0) return false;
            off += static_cast<std::size_t>(r);
        }
        return true;
    }

private:
    int fd_;
    SSL* ssl_;
};

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::size_t content_length(const std::string& lower_head) {
    auto p = lower_head.find("\r\ncontent-length:");
    return p == std::string::npos ? 0 : std::strtoul(lower_head.c_str() + p + 17, nullptr, 10);
}

}  // namespace

StallServer::StallServer(StallServerOptions options) : options_(std::move(options)) {
    if (!options_.cert_file.empty()) {
        SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
        if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, options_.cert_file.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, options_.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
            throw std::runtime_error("StallServer: cannot load the test certificate");
        tls_ctx_ = ctx;
    }
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 128) != 0)
        throw std::runtime_error("StallServer: bind/listen failed");
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

StallServer::~StallServer() {
    stop_ = true;
    acceptor_.join();
    ::close(listen_fd_);
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& t : workers_) t.join();
    if (tls_ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(tls_ctx_));
}

std::string StallServer::base_url() const {
    return std::string(tls_ctx_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + "/v2";
}

void StallServer::accept_loop() {
    while (!stop_.load()) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) continue;
        ++connections_;
        std::lock_guard<std::mutex> lock(mutex_);
        workers_.emplace_back([this, fd] { serve(fd); });
    }
}

void StallServer::serve(int fd) {
    timeval tv{0, 50 * 1000};  // reads return every 50 ms so that a stop is noticed
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    SSL* ssl = nullptr;
    if (tls_ctx_) {
        ssl = SSL_new(static_cast<SSL_CTX*>(tls_ctx_));
        SSL_set_fd(ssl, fd);
        const auto give_up = Clock::now() + std::chrono::seconds(5);
        int r = 0;
        while ((r = SSL_accept(ssl)) != 1 && !stop_.load() && Clock::now() < give_up)
            if (SSL_get_error(ssl, r) != SSL_ERROR_WANT_READ) break;
        if (r != 1) {
            SSL_free(ssl);
            ::close(fd);
            return;
        }
    }
    Stream stream(fd, ssl);
    std::string pending;
    char buf[8192];
    for (;;) {
        // One request: the head, then Content-Length bytes of body.
        std::size_t head_end;
        while ((head_end = pending.find("\r\n\r\n")) == std::string::npos) {
            long n = stream.read(buf, sizeof buf, stop_);
            if (n <= 0) goto done;
            pending.append(buf, static_cast<std::size_t>(n));
        }
        const std::string head = lower(pending.substr(0, head_end + 2));
        const bool client_close = head.find("\r\nconnection: close\r\n") != std::string::npos;
        const std::size_t total = head_end + 4 + content_length(head);
        while (pending.size() < total) {
            long n = stream.read(buf, sizeof buf, stop_);
            if (n <= 0) goto done;
            pending.append(buf, static_cast<std::size_t>(n));
        }
        pending.erase(0, total);

        if (requests_++ == options_.stall_at)
            paused_until_ns_ = now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(options_.stall).count();
        while (!stop_.load() && now_ns() < paused_until_ns_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        if (stop_.load()) break;

        std::string response = "HTTP/1.1 " + std::to_string(options_.status) +
                               " Test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n";
        const bool close = options_.close_after_response || (client_close && !options_.ignore_connection_close);
        if (close) response += "Connection: close\r\n";
        response += "\r\n{}";
        if (!stream.write(response) || close) break;
    }
done:
    if (ssl) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    ::close(fd);
}

std::uint16_t unused_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

const TestCert& test_cert() {
    namespace fs = std::filesystem;
    // Made once; the directory goes when the process exits.
    struct Holder {
        fs::path dir = fs::temp_directory_path() / ("kmsconf-bench-pki-" + std::to_string(::getpid()));
        TestCert cert{(dir / "cert.pem").string(), (dir / "key.pem").string()};
        Holder() {
            fs::create_directories(dir);
            const std::string cmd =
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost "
                "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
                cert.key_file + "' -out '" + cert.cert_file + "' >/dev/null 2>&1";
            if (std::system(cmd.c_str()) != 0)
                throw std::runtime_error("openssl req failed: cannot make a test certificate");
        }
        ~Holder() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    };
    static const Holder holder;
    return holder.cert;
}

}  // namespace kms::bench::test
