// The embedded reference server: ReplicateService behind a Boost.Beast async HTTP/1.1
// listener on its own I/O thread(s). Beast stays inside http_server.cpp; this header is plain.
#pragma once

#include "server/replicate_service.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace kms::server {

struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;                      // 0: an ephemeral port, see ReferenceServer::port()
    std::size_t body_limit = 64 * 1024;          // larger bodies: 413
    std::size_t header_limit = 16 * 1024;        // larger header blocks: 431
    std::chrono::milliseconds header_timeout{10000};  // request head must arrive within this
    std::chrono::milliseconds idle_timeout{30000};    // keep-alive connection idle limit
    unsigned threads = 1;
    // HTTPS: the certificate chain (PEM, leaf first) and its unencrypted private key (PEM). Both
    // or neither; empty: plain HTTP. TLS 1.2 is the floor. The handshake must complete within
    // header_timeout.
    std::string tls_cert_file;
    std::string tls_key_file;
    ServiceOptions service;
    // Called once per response with "METHOD target -> status" (untrusted text made printable).
    // Empty: no per-request logging. Called from I/O threads, possibly concurrently.
    std::function<void(const std::string&)> access_log;
};

// A certificate or key that cannot be read or used (or only one of the two given). Thrown by
// ReferenceServer::start() before anything is bound; what() names the file.
struct TlsSetupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class ReferenceServer {
public:
    explicit ReferenceServer(ServerOptions options);
    ~ReferenceServer();  // stops and joins
    ReferenceServer(const ReferenceServer&) = delete;
    ReferenceServer& operator=(const ReferenceServer&) = delete;

    // Loads the TLS certificate and key (if any), binds, listens and starts the I/O threads.
    // Throws TlsSetupError naming the file ("tls certificate /x.pem: no start line"), or
    // std::runtime_error naming the stage ("bind 127.0.0.1:8080: Address already in use").
    // Call once.
    void start();
    // Stops accepting, closes every connection and joins the I/O threads. Idempotent; not to
    // be called from inside an I/O thread (it joins them).
    void stop();

    std::uint16_t port() const;
    std::string base_url() const;  // "http://127.0.0.1:<port>/v2", "https://..." with TLS
    ReplicateService& service();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kms::server
