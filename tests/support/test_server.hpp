// Scripted servers on 127.0.0.1 (ephemeral port) for the tests of harness/transport/ and the test
// origin: raw POSIX sockets, optionally TLS via OpenSSL. Each accepted connection runs the test's
// handler on its own thread, so a test can misbehave on purpose (never answer, trickle, send
// garbage) at the byte level, which a real HTTP server library would not allow. Every wait is
// bounded: the destructor stops all handlers within a fraction of a second.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace kms::test {

// One accepted connection, as the handler sees it.
class Conn {
public:
    virtual ~Conn() = default;
    // Some bytes into `buf`; 0 on EOF, error, server stop, or after `limit` without data.
    long recv_some(char* buf, std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(5));
    virtual bool send_all(std::string_view data) = 0;
    // One request: the header up to CRLFCRLF plus a Content-Length body, byte for byte.
    // nullopt on EOF or timeout. Bytes past the request stay in `pending` for the next call.
    std::optional<std::string> read_request();
    // Sleeps until the server stops (or `limit` passes): a server that never answers.
    void hang(std::chrono::milliseconds limit = std::chrono::seconds(10));
    bool stopping() const { return stop_->load(); }
    std::string sni;  // the client's SNI under TLS, "" when none was sent

protected:
    explicit Conn(const std::atomic<bool>* stop) : stop_(stop) {}
    // One attempt, bounded by the socket's short receive timeout: >0 bytes, 0 EOF/error, -1 retry.
    virtual long recv_once(char* buf, std::size_t n) = 0;

private:
    const std::atomic<bool>* stop_;
    std::string pending_;
};

using Handler = std::function<void(Conn&)>;

struct TlsFiles {
    std::string cert_file;
    std::string key_file;
};

class TestServer {
public:
    explicit TestServer(Handler handler, std::optional<TlsFiles> tls = std::nullopt);
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    std::uint16_t port() const { return port_; }
    int accepted() const { return accepted_.load(); }
    // "http://127.0.0.1:<port>" (https for a TLS server); `host` replaces 127.0.0.1.
    std::string url(const std::string& host = "127.0.0.1") const;

private:
    void accept_loop();
    void serve(int fd);

    Handler handler_;
    void* tls_ctx_ = nullptr;  // SSL_CTX*, kept opaque so that tests need not include OpenSSL
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::thread acceptor_;
    std::mutex mutex_;
    std::vector<std::thread> workers_;
};

// A thread-safe list of what the handlers saw, for assertions on the test thread.
class Recorder {
public:
    void add(std::string s) {
        std::lock_guard<std::mutex> lock(mutex_);
        items_.push_back(std::move(s));
    }
    std::vector<std::string> items() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return items_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> items_;
};

// A port on 127.0.0.1 with nothing listening (bound, then closed).
std::uint16_t unused_port();

// "HTTP/1.1 200 OK" with Content-Length and the given extra header lines ("Name: value\r\n"...).
std::string http_response(int status, std::string_view body, std::string_view extra_headers = "");

// A keep-alive handler: answers each request on the connection (up to 100) with 200 and the
// body "r<n>", n counting the requests on that connection.
void serve_keep_alive(Conn& c);

}  // namespace kms::test
