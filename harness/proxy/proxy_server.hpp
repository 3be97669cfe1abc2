// `kmsconf proxy`'s forwarding: a reverse proxy on 127.0.0.1 that pairs each client connection
// with a connection of its own to the upstream (HTTP or HTTPS) and relays the bytes both ways
// unchanged, request by request, keep-alive and pipelining included. Beast reads each
// message's framing as it passes (message_reader.hpp) so that every exchange, its head and the
// first bytes of its bodies, is handed to the caller once its response has been forwarded:
// judging never holds the traffic. What the proxy cannot frame (a request or response Beast
// refuses, a protocol switch) is relayed blind for the rest of that connection, as the
// upstream would have seen it. Its own answers are only for what the upstream never answered:
// 502 when it cannot be reached, 504 when it does not answer in time.
// Asio and Beast stay in proxy_server.cpp; one I/O thread runs every connection.
#pragma once

#include "harness/proxy/proxied_exchange.hpp"
#include "harness/transport/base_url.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace kms::proxy {

struct ProxyOptions {
    BaseUrl upstream;               // an origin: targets are forwarded unchanged
    std::uint16_t port = 0;         // on 127.0.0.1; 0 picks a free one
    bool verify_tls = true;
    std::string ca_file;
    // The upstream's silence allowed while a response is due (connect and TLS included).
    std::chrono::milliseconds timeout{10000};
    // A client connection idle between requests this long is closed.
    std::chrono::milliseconds idle_timeout{120000};
    std::size_t header_limit = 64 * 1024;
    // Of each body, kept for judging; the rest passes. As much as exchanges.har keeps, so that
    // the proxy's recording judged again gives the proxy's verdicts.
    std::size_t keep_body = 64 * 1024;
    unsigned max_connections = 1024;      // beyond: accepted and closed at once
};

struct ProxyCounts {
    std::uint64_t connections = 0;
    std::uint64_t exchanges = 0;          // handed to the sink
    std::uint64_t upstream_answered = 0;  // of them, with the upstream's response
    std::uint64_t blind_connections = 0;  // relayed without framing from some point on
    std::uint64_t refused_connections = 0;  // over max_connections
};

class ProxyServer {
public:
    // `sink` is called on the I/O thread for each exchange, once its response has been
    // forwarded (or the proxy's answer given): it must return quickly.
    using Sink = std::function<void(ProxiedExchange&&)>;
    ProxyServer(ProxyOptions options, Sink sink);
    ~ProxyServer();
    ProxyServer(const ProxyServer&) = delete;
    ProxyServer& operator=(const ProxyServer&) = delete;

    // Binds and starts the I/O thread. False with *error set when the port cannot be bound or
    // the TLS settings (CA file) cannot be used.
    bool start(std::string* error);
    std::uint16_t port() const;

    // Stops accepting; exchanges under way get up to `grace` to finish, then every connection
    // is closed and the I/O thread joined. Idempotent.
    void stop(std::chrono::milliseconds grace);

    ProxyCounts counts() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kms::proxy
