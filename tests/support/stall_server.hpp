// A tiny HTTP/1.1 server for the load engine's tests, on 127.0.0.1 (ephemeral port): raw POSIX
// sockets, one thread per connection, optional TLS (OpenSSL). It answers every request with a
// fixed status, and can misbehave the ways a benchmark must cope with: pause the whole server
// once (the coordinated-omission case), close after every response, ignore a client's
// `Connection: close`, or never answer in time.
// Every wait is bounded; the destructor stops everything within a fraction of a second.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kms::bench::test {

struct StallServerOptions {
    int status = 200;
    // When request number `stall_at` (0-based, over all connections) arrives, the whole server
    // stops answering for `stall`: every connection's next response waits until it is over.
    int stall_at = -1;
    std::chrono::milliseconds stall{0};
    bool close_after_response = false;     // `Connection: close`, then close, whatever the client asked
    bool ignore_connection_close = false;  // keep the connection open even when the client asked to close
    std::string cert_file, key_file;    // both set: TLS
};

class StallServer {
public:
    explicit StallServer(StallServerOptions options);
    ~StallServer();
    StallServer(const StallServer&) = delete;
    StallServer& operator=(const StallServer&) = delete;

    std::uint16_t port() const { return port_; }
    std::string base_url() const;  // "http[s]://127.0.0.1:<port>/v2"
    int requests() const { return requests_.load(); }
    int connections() const { return connections_.load(); }

private:
    void accept_loop();
    void serve(int fd);

    StallServerOptions options_;
    void* tls_ctx_ = nullptr;  // SSL_CTX*
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0}, connections_{0};
    std::atomic<std::int64_t> paused_until_ns_{0};  // steady_clock, 0: not paused
    std::thread acceptor_;
    std::mutex mutex_;
    std::vector<std::thread> workers_;
};

// A port on 127.0.0.1 with nothing listening (bound, then closed).
std::uint16_t unused_port();

// A self-signed certificate for 127.0.0.1 and localhost, made once per process with the
// openssl CLI, in a temporary directory.
struct TestCert {
    std::string cert_file;
    std::string key_file;
};
const TestCert& test_cert();

}  // namespace kms::bench::test
