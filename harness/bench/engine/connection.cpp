// Why raw Asio sockets and ResponseParser instead of Beast's message types: the request bytes
// are serialised once (WireRequest) and the response body is framed but not stored, so a
// request costs no allocation once the connection is warm.
#include "harness/bench/engine/connection.hpp"

#include "common/http_types.hpp"
#include "harness/transport/tls_context.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

namespace kms::bench {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// A keep-alive connection idle for longer than this is checked before reuse (the server may
// have closed it); a POST written into a dead connection could not be retried safely.
constexpr auto kIdleCheckAfter = std::chrono::seconds(1);

}  // namespace

void PeerDeleter::operator()(Peer* peer) const { delete peer; }

PeerPtr resolve_peer(const LoadTarget& target, std::string* error) {
    PeerPtr peer(new Peer{target, {}, host_and_port(target.url.host, target.url.port), std::nullopt});
    {
        net::io_context ioc;
        tcp::resolver resolver(ioc);
        error_code ec;
        peer->endpoints = resolver.resolve(target.url.host, std::to_string(target.url.port), ec);
        if (ec) {
            *error = "resolve " + peer->authority + ": " + ec.message();
            return nullptr;
        }
    }
    if (target.url.tls) {
        std::string why;
        SSL_CTX* native = make_client_tls_context(target.verify_tls, target.ca_file, &why);
        if (!native) {
            *error = "tls setup: " + why;
            return nullptr;
        }
        peer->tls.emplace(native);
    }
    return peer;
}

Connection::Connection(net::io_context& ioc, const Peer& peer, const ConnectionOptions& options,
                       ConnectionEvents& events)
    : ioc_(ioc), peer_(peer), options_(options), events_(events), socket_(ioc) {}

Connection::~Connection() {
    if (tls_session_) SSL_SESSION_free(tls_session_);
}

void Connection::preconnect() {
    preconnecting_ = busy_ = true;
    timed_out_ = false;
    deadline_ = Clock::now() + options_.timeout;
    connect();
}

void Connection::start(Clock::time_point intended, bool measured, std::shared_ptr<const std::string> bytes) {
    busy_ = true;
    timed_out_ = false;
    measured_ = measured;
    intended_ = intended;
    started_ = Clock::now();
    deadline_ = started_ + options_.timeout;
    out_ = std::move(bytes);
    parser_.reset();
    opened_ = false;
    if (open_ && started_ - last_used_ > kIdleCheckAfter && !idle_socket_usable()) close();
    if (open_) return write();
    // A fresh handler, so that a TLS stream is never replaced inside its own completion handler.
    net::post(ioc_, [this] { connect(); });
}

void Connection::check_deadline(Clock::time_point now) {
    if (!busy_ || timed_out_ || now < deadline_) return;
    timed_out_ = true;
    close();  // the outstanding operation completes with an error, which reports the timeout
}

void Connection::close() {
    error_code ignored;
    if (lowest().is_open()) {
        lowest().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close(ignored);
    }
    open_ = false;
}

std::string Connection::timeout_text() const { return std::to_string(options_.timeout.count()) + " ms"; }

// Readable while idle means EOF, a reset or unsolicited bytes: reconnect rather than risk the
// POST. Under TLS, pending bytes are most likely post-handshake records (TLS 1.3 session
// tickets), which cannot be told from a close_notify without decrypting; only an EOF or an
// error counts there (a close_notify then shows as a read error on the request).
bool Connection::idle_socket_usable() {
    pollfd p{lowest().native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) return true;
    if (!tls_) return false;
    char byte;
    const long n = ::recv(lowest().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n > 0;
}

void Connection::connect() {
    opened_ = !preconnecting_;
    if (peer_.tls) {
        tls_.emplace(ioc_, *peer_.tls);
        std::string error;
        if (!prepare_tls_connection(tls_->native_handle(), peer_.target.url.host, peer_.target.verify_tls, &error))
            return fail(ErrorKind::connect, "tls setup: " + error);
        if (options_.tls_resume && tls_session_) SSL_set_session(tls_->native_handle(), tls_session_);
    }
    net::async_connect(lowest(), peer_.endpoints, [this](const error_code& ec, const tcp::endpoint&) {
        if (timed_out_) return fail(ErrorKind::timeout, "connect " + peer_.authority + ": timed out after " + timeout_text());
        if (ec) return fail(ErrorKind::connect, "connect " + peer_.authority + ": " + ec.message());
        connected_ = Clock::now();
        error_code ignored;
        lowest().set_option(tcp::no_delay(true), ignored);  // whole requests, then a wait: Nagle only delays
        lowest().non_blocking(true, ignored);                // for write(): EAGAIN rather than a blocking wait
        events_.connection_opened();
        if (!tls_) return on_connected();
        tls_->async_handshake(ssl::stream_base::client, [this](const error_code& hec) {
            if (timed_out_)
                return fail(ErrorKind::timeout, "tls handshake " + peer_.authority + ": timed out after " + timeout_text());
            if (hec) {
                std::string why = peer_.target.verify_tls ? tls_verify_failure(tls_->native_handle()) : "";
                return fail(ErrorKind::connect,
                            "tls handshake " + peer_.authority + ": " + hec.message() + (why.empty() ? "" : ": " + why));
            }
            on_connected();
        });
    });
}

void Connection::on_connected() {
    secured_ = Clock::now();
    open_ = true;
    leftover_ = false;
    if (preconnecting_) {
        preconnecting_ = busy_ = false;
        last_used_ = Clock::now();
        events_.preconnect_over();
        return;
    }
    write();
}

// Plain HTTP writes at once: a request fits the socket's send buffer, and an asynchronous write
// that completes at once still posts its completion, which costs a zero-timeout epoll_wait and
// a trip through the scheduler per request. Only a short write waits for the socket. A failure
// is posted, never reported from here: start() runs inside the shard's own bookkeeping, which
// must not be re-entered through ready().
void Connection::write() {
    request_sent_ = Clock::now();
    auto done = [this](const error_code& ec, std::size_t) {
        if (timed_out_) return fail(ErrorKind::timeout, "write: timed out after " + timeout_text());
        if (ec) return fail(ErrorKind::read, "write " + peer_.authority + ": " + ec.message());
        read();
    };
    if (tls_) return net::async_write(*tls_, net::buffer(*out_), done);
    error_code ec;
    std::size_t n = socket_.write_some(net::buffer(*out_), ec);  // the socket is non-blocking
    if (ec == net::error::would_block || ec == net::error::try_again) ec = {}, n = 0;
    if (ec) return net::post(ioc_, [done, ec] { done(ec, 0); });
    if (n == out_->size()) return read();
    net::async_write(socket_, net::buffer(*out_) + n, done);
}

void Connection::read() {
    auto done = [this](const error_code& ec, std::size_t n) { on_read(ec, n); };
    if (tls_) tls_->async_read_some(net::buffer(buf_), done);
    else socket_.async_read_some(net::buffer(buf_), done);
}

void Connection::on_read(const error_code& ec, std::size_t n) {
    if (timed_out_) return fail(ErrorKind::timeout, "read: no complete response within " + timeout_text());
    if (ec == net::error::eof || ec == ssl::error::stream_truncated) {
        // The peer closed: complete only when the body was delimited by the close.
        const bool started = parser_.started();
        if (parser_.finish_eof() == ResponseParser::Result::done) {
            open_ = false;
            return succeed();
        }
        return fail(ErrorKind::read, "read " + peer_.authority + ": connection closed " +
                                         (started ? "mid-response" : "before any response"));
    }
    if (ec) return fail(ErrorKind::read, "read " + peer_.authority + ": " + ec.message());
    std::size_t consumed = 0;
    switch (parser_.feed(buf_.data(), n, &consumed)) {
        case ResponseParser::Result::need_more: return read();
        case ResponseParser::Result::error: return fail(ErrorKind::read, "read " + peer_.authority + ": " + parser_.error());
        case ResponseParser::Result::done:
            leftover_ = consumed < n;
            return succeed();
    }
}

void Connection::succeed() {
    const auto done = Clock::now();
    last_used_ = done;
    Exchange x;
    x.status = parser_.status();
    x.intended = intended_;
    x.started = started_;
    x.done = done;
    x.measured = measured_;
    if (opened_) {
        x.opened_connection = true;
        x.tls = tls_.has_value();
        x.tls_resumed = tls_ && SSL_session_reused(tls_->native_handle()) == 1;
        x.connected = connected_;
        x.secured = secured_;
        x.request_sent = request_sent_;
    }
    if (tls_ && options_.tls_resume) keep_tls_session();
    events_.response(x);
    if (open_ && !leftover_ && (!parser_.keep_alive() || options_.one_request_each)) return drain_until_close();
    if (!parser_.keep_alive() || leftover_) close();
    busy_ = false;
    events_.ready(*this);
}

// After a whole response the server's TLS 1.3 session tickets have arrived with it, so the
// session held now is one the next handshake can resume. A copy, because OpenSSL marks the
// connection's own session not resumable when the connection is freed without our close_notify
// (as every closed-new-conn connection is: the server closes first, and we do not answer).
void Connection::keep_tls_session() {
    SSL_SESSION* current = SSL_get_session(tls_->native_handle());
    if (!current || SSL_SESSION_is_resumable(current) != 1) return;
    SSL_SESSION* copy = SSL_SESSION_dup(current);
    if (!copy) return;
    if (tls_session_) SSL_SESSION_free(tls_session_);
    tls_session_ = copy;
}

// After a response that ends the connection (we sent `Connection: close`, or the server said
// so), wait briefly for the server's FIN before closing: the side that closes first keeps the
// TIME_WAIT, and on the client that would be an ephemeral port per request, which a long
// new-connection-per-request run can exhaust. Not timed: the response was already recorded.
//
// The response is acknowledged at once (TCP_QUICKACK): a server without TCP_NODELAY holds its
// close_notify or FIN behind Nagle until the response is acknowledged, and Linux delays that
// ACK up to 40 ms, which capped this mode at ~22 connections/s against such a server (this
// lifts it about threefold; the server's own TCP_NODELAY is what removes the stall).
void Connection::drain_until_close() {
    constexpr auto kDrainLimit = std::chrono::milliseconds(100);
    const int on = 1;
    ::setsockopt(lowest().native_handle(), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
    deadline_ = std::min(deadline_, Clock::now() + kDrainLimit);
    auto done = [this](const error_code& ec, std::size_t) {
        if (!ec && !timed_out_) return drain_until_close();  // bytes after the response: ignored
        close();
        busy_ = false;
        events_.ready(*this);
    };
    if (tls_) tls_->async_read_some(net::buffer(buf_), done);
    else socket_.async_read_some(net::buffer(buf_), done);
}

void Connection::fail(ErrorKind kind, std::string detail) {
    close();
    busy_ = false;
    if (preconnecting_) {
        // A set-up failure is not a request: the first request on this connection retries the
        // connect and, if it fails again, counts.
        preconnecting_ = false;
        events_.preconnect_over();
        return;
    }
    events_.failure(kind, std::move(detail), measured_);
    events_.ready(*this);
}

}  // namespace kms::bench
