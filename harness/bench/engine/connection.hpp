// One HTTP/1.1 connection of the load engine (raw Asio, TLS by OpenSSL called directly):
// connect, handshake, write the request bytes, read and frame one response with ResponseParser,
// keep the connection alive or close it. It reports each request's outcome through ConnectionEvents.
// Engine-internal: only the engine's Asio translation units include this header.
#pragma once

#include "harness/bench/engine/connection_events.hpp"
#include "harness/bench/engine/peer.hpp"
#include "harness/bench/response_parser.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <openssl/ssl.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>

namespace kms::bench {

struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const;
};

struct Peer {
    LoadTarget target;
    boost::asio::ip::tcp::resolver::results_type endpoints;
    std::string authority;                               // "host:port", for messages
    // https only. The shards' threads share it (SSL_new only reads it, as OpenSSL allows).
    std::unique_ptr<SSL_CTX, SslCtxFree> tls;
};

struct ConnectionOptions {
    std::chrono::milliseconds timeout{10000};  // per request, connect included
    bool one_request_each = false;             // closed-new-conn: the server's close is awaited
    // Offer the previous connection's TLS session on the next handshake (resumption). Off by
    // default: a benchmark of new connections measures full handshakes unless asked otherwise.
    bool tls_resume = false;
};

// Lives until its io_context has stopped, so handlers capture `this`. At most one operation is
// outstanding; close() (on a deadline) makes it complete with an error, which ends the request.
class Connection {
public:
    using Clock = std::chrono::steady_clock;

    Connection(boost::asio::io_context& ioc, const Peer& peer, const ConnectionOptions& options,
               ConnectionEvents& events);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    bool busy() const { return busy_; }
    // Set-up, untimed: opens the connection before the load starts.
    void preconnect();
    // One request of `bytes`, due at `intended` (the actual send time in closed loops).
    void start(Clock::time_point intended, bool measured, std::shared_ptr<const std::string> bytes);
    // Watchdog: ends the request if its deadline has passed.
    void check_deadline(Clock::time_point now);
    void close();

private:
    using error_code = boost::system::error_code;
    using tcp = boost::asio::ip::tcp;

    void connect();
    bool new_tls(std::string* error);
    void handshake();
    // Reads what the socket has into OpenSSL's input, then calls then(error_code).
    template <class Then>
    void receive_tls(Then then);
    void on_connected();
    void write();
    void send();
    void read();
    void on_read(const error_code& ec, std::size_t n);
    bool on_bytes(const char* data, std::size_t n, bool more_may_follow);
    void on_eof();
    void succeed();
    void drain_until_close();
    bool tls_open_after(std::size_t n);
    void fail(ErrorKind kind, std::string detail);
    std::string timeout_text() const;  // "N ms"
    bool idle_socket_usable();
    void keep_tls_session();

    boost::asio::io_context& ioc_;
    const Peer& peer_;
    ConnectionOptions options_;
    ConnectionEvents& events_;
    tcp::socket socket_;
    SSL* ssl_ = nullptr;  // https: made anew for every connection, owned; reads from a memory BIO
    std::size_t written_ = 0;  // of out_
    bool open_ = false, busy_ = false, timed_out_ = false, measured_ = false, preconnecting_ = false;
    bool leftover_ = false;  // bytes after a response: never reuse such a connection
    Clock::time_point intended_, started_, deadline_, last_used_;
    // The phases of a request that opened its connection (Exchange).
    bool opened_ = false;
    Clock::time_point connected_, secured_, request_sent_;
    SSL_SESSION* tls_session_ = nullptr;  // --tls-resume: the last connection's session, owned
    std::shared_ptr<const std::string> out_;
    ResponseParser parser_;
    std::array<char, 16384> buf_;
};

}  // namespace kms::bench
