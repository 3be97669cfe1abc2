// Why raw Asio sockets and ResponseParser instead of Beast's message types: the request bytes
// are serialised once (WireRequest) and the response body is framed but not stored, so a
// request costs no allocation once the connection is warm.
//
// Why OpenSSL driven here rather than through Asio's ssl::stream: the stream passes every
// record through a BIO pair, clears OpenSSL's error queue before each call, has OpenSSL free
// its buffers whenever idle (SSL_MODE_RELEASE_BUFFERS: allocations per request) and asks for
// one more record after each response; that came to about a third of an HTTPS request's
// instructions. Here OpenSSL writes to the socket itself (a socket BIO), and reads from a
// memory BIO that is handed what Asio's read brought, so the socket is read the same way as in
// plain HTTP (the read is tried first, then epoll) and no read is made for a record not needed.
#include "harness/bench/engine/connection.hpp"

#include "common/http_types.hpp"
#include "harness/transport/tls_context.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <openssl/err.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace kms::bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// A keep-alive connection idle for longer than this is checked before reuse (the server may
// have closed it); a POST written into a dead connection could not be retried safely.
constexpr auto kIdleCheckAfter = std::chrono::seconds(1);

// Why an OpenSSL call failed, for the message; empties the thread's error queue, which must be
// empty before the next call for SSL_get_error to be right (and is kept so: the queue is only
// cleared after a failure, not before every call as Asio's engine does).
std::string tls_error_text(int ssl_error, int saved_errno) {
    std::string why;
    if (const unsigned long e = ERR_get_error()) {
        const char* reason = ERR_reason_error_string(e);
        why = reason ? reason : "TLS error " + std::to_string(e);
    } else if (ssl_error == SSL_ERROR_SYSCALL && saved_errno != 0) {
        why = std::strerror(saved_errno);
    } else if (ssl_error == SSL_ERROR_ZERO_RETURN || ssl_error == SSL_ERROR_SYSCALL) {
        why = "connection closed";
    } else {
        why = "TLS error " + std::to_string(ssl_error);
    }
    ERR_clear_error();
    return why;
}

// The peer ended the TLS stream: its close_notify, or the TCP connection closed without one
// (OpenSSL 3 reports that as "unexpected eof while reading"), which Asio called eof and
// stream_truncated, and both count as the end of a body delimited by the close.
bool tls_peer_closed(int ssl_error) {
    if (ssl_error == SSL_ERROR_ZERO_RETURN) return true;
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
    if (ssl_error == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ERR_clear_error();
        return true;
    }
#endif
    if (ssl_error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return true;
    return false;
}

}  // namespace

void PeerDeleter::operator()(Peer* peer) const { delete peer; }

void SslCtxFree::operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }

PeerPtr resolve_peer(const LoadTarget& target, std::string* error) {
    PeerPtr peer(new Peer{target, {}, host_and_port(target.url.host, target.url.port), nullptr});
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
        peer->tls.reset(make_client_tls_context(target.verify_tls, target.ca_file, &why));
        if (!peer->tls) {
            *error = "tls setup: " + why;
            return nullptr;
        }
    }
    return peer;
}

Connection::Connection(net::io_context& ioc, const Peer& peer, const ConnectionOptions& options,
                       ConnectionEvents& events)
    : ioc_(ioc), peer_(peer), options_(options), events_(events), socket_(ioc) {}

Connection::~Connection() {
    if (ssl_) SSL_free(ssl_);
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
    // A fresh handler, so that a connection is never replaced inside its own completion handler.
    net::post(ioc_, [this] { connect(); });
}

void Connection::check_deadline(Clock::time_point now) {
    if (!busy_ || timed_out_ || now < deadline_) return;
    timed_out_ = true;
    close();  // the outstanding operation completes with an error, which reports the timeout
}

void Connection::close() {
    error_code ignored;
    if (socket_.is_open()) {
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }
    open_ = false;
}

std::string Connection::timeout_text() const { return std::to_string(options_.timeout.count()) + " ms"; }

// Readable while idle means EOF, a reset or unsolicited bytes: reconnect rather than risk the
// POST. Under TLS, pending bytes are most likely post-handshake records (TLS 1.3 session
// tickets), which cannot be told from a close_notify without decrypting; only an EOF or an
// error counts there (a close_notify then shows as a read error on the request).
bool Connection::idle_socket_usable() {
    pollfd p{socket_.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) return true;
    if (!ssl_) return false;
    char byte;
    const long n = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n > 0;
}

// The SSL object of a new connection: SNI, the peer-name check, the session to resume. It
// writes to the socket and reads from in_ (see the top of the file).
bool Connection::new_tls(std::string* error) {
    if (ssl_) SSL_free(ssl_);
    ssl_ = SSL_new(peer_.tls.get());
    if (!ssl_) {
        *error = tls_error_text(SSL_ERROR_SSL, 0);
        return false;
    }
    if (!prepare_tls_connection(ssl_, peer_.target.url.host, peer_.target.verify_tls, error)) return false;
    BIO* in = BIO_new(BIO_s_mem());
    if (!in) {
        *error = tls_error_text(SSL_ERROR_SSL, 0);
        return false;
    }
    BIO_set_mem_eof_return(in, -1);  // empty means "not yet" (WANT_READ), not the end
    SSL_set0_rbio(ssl_, in);
    // One record per read at most otherwise: its 5-byte header, then the rest.
    SSL_set_read_ahead(ssl_, 1);
    if (options_.tls_resume && tls_session_) SSL_set_session(ssl_, tls_session_);
    return true;
}

void Connection::connect() {
    opened_ = !preconnecting_;
    if (peer_.tls) {
        std::string error;
        if (!new_tls(&error)) return fail(ErrorKind::connect, "tls setup: " + error);
    }
    net::async_connect(socket_, peer_.endpoints, [this](const error_code& ec, const tcp::endpoint&) {
        if (timed_out_) return fail(ErrorKind::timeout, "connect " + peer_.authority + ": timed out after " + timeout_text());
        if (ec) return fail(ErrorKind::connect, "connect " + peer_.authority + ": " + ec.message());
        connected_ = Clock::now();
        error_code ignored;
        socket_.set_option(tcp::no_delay(true), ignored);  // whole requests, then a wait: Nagle only delays
        socket_.non_blocking(true, ignored);                // for the writes: EAGAIN rather than a blocking wait
        events_.connection_opened();
        if (!ssl_) return on_connected();
        BIO* out = BIO_new_socket(socket_.native_handle(), BIO_NOCLOSE);
        if (!out) return fail(ErrorKind::connect, "tls setup: " + tls_error_text(SSL_ERROR_SSL, 0));
        SSL_set0_wbio(ssl_, out);
        handshake();
    });
}

void Connection::handshake() {
    const int r = SSL_connect(ssl_);
    if (r == 1) return on_connected();
    const int saved_errno = errno;
    const int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ) {
        return receive_tls([this](const error_code& ec) {
            if (timed_out_)
                return fail(ErrorKind::timeout, "tls handshake " + peer_.authority + ": timed out after " + timeout_text());
            if (ec) return fail(ErrorKind::connect, "tls handshake " + peer_.authority + ": " + ec.message());
            handshake();
        });
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        return socket_.async_wait(tcp::socket::wait_write, [this](const error_code& ec) {
            if (timed_out_)
                return fail(ErrorKind::timeout, "tls handshake " + peer_.authority + ": timed out after " + timeout_text());
            if (ec) return fail(ErrorKind::connect, "tls handshake " + peer_.authority + ": " + ec.message());
            handshake();
        });
    }
    const std::string why = tls_error_text(e, saved_errno);
    const std::string verify = peer_.target.verify_tls ? tls_verify_failure(ssl_) : "";
    fail(ErrorKind::connect, "tls handshake " + peer_.authority + ": " + why + (verify.empty() ? "" : ": " + verify));
}

// Reads what the socket has into the TLS input, then calls `then`: ec is eof when the peer
// closed the TCP connection.
template <class Then>
void Connection::receive_tls(Then then) {
    socket_.async_read_some(net::buffer(buf_), [this, then](const error_code& ec, std::size_t n) {
        if (!ec) BIO_write(SSL_get_rbio(ssl_), buf_.data(), static_cast<int>(n));
        then(ec);
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

// The request is written at once: it fits the socket's send buffer, and an asynchronous write
// that completes at once still posts its completion, which costs a zero-timeout epoll_wait and
// a trip through the scheduler per request. Only a full buffer waits for the socket. A failure
// is posted, never reported from here: start() runs inside the shard's own bookkeeping, which
// must not be re-entered through ready().
void Connection::write() {
    request_sent_ = Clock::now();
    written_ = 0;
    send();
}

void Connection::send() {
    auto retry_when = [this](tcp::socket::wait_type what) {
        socket_.async_wait(what, [this](const error_code& ec) {
            if (timed_out_) return fail(ErrorKind::timeout, "write: timed out after " + timeout_text());
            if (ec) return fail(ErrorKind::read, "write " + peer_.authority + ": " + ec.message());
            send();
        });
    };
    auto failed = [this](std::string why) {
        net::post(ioc_, [this, why = std::move(why)] { fail(ErrorKind::read, "write " + peer_.authority + ": " + why); });
    };
    if (ssl_) {
        // Whole records, so written_ only ever becomes the size (no SSL_MODE_ENABLE_PARTIAL_WRITE);
        // a retry after WANT_WRITE repeats the same call, as OpenSSL requires.
        const int r = SSL_write(ssl_, out_->data(), static_cast<int>(std::min<std::size_t>(out_->size(), INT_MAX)));
        if (r > 0) {
            written_ = static_cast<std::size_t>(r);
        } else {
            const int saved_errno = errno;
            const int e = SSL_get_error(ssl_, r);
            if (e == SSL_ERROR_WANT_WRITE) return retry_when(tcp::socket::wait_write);
            if (e == SSL_ERROR_WANT_READ) {  // a post-handshake message to read first
                return receive_tls([this](const error_code& ec) {
                    if (timed_out_) return fail(ErrorKind::timeout, "write: timed out after " + timeout_text());
                    if (ec) return fail(ErrorKind::read, "write " + peer_.authority + ": " + ec.message());
                    send();
                });
            }
            return failed(tls_error_text(e, saved_errno));
        }
    } else {
        error_code ec;
        std::size_t n = socket_.write_some(net::buffer(*out_) + written_, ec);  // the socket is non-blocking
        if (ec == net::error::would_block || ec == net::error::try_again) ec = {}, n = 0;
        if (ec) return failed(ec.message());
        written_ += n;
    }
    if (written_ < out_->size()) return retry_when(tcp::socket::wait_write);
    read();
}

void Connection::read() {
    socket_.async_read_some(net::buffer(buf_), [this](const error_code& ec, std::size_t n) { on_read(ec, n); });
}

void Connection::on_read(const error_code& ec, std::size_t n) {
    if (timed_out_) return fail(ErrorKind::timeout, "read: no complete response within " + timeout_text());
    if (ec == net::error::eof) return on_eof();
    if (ec) return fail(ErrorKind::read, "read " + peer_.authority + ": " + ec.message());
    if (!ssl_) {
        on_bytes(buf_.data(), n, false);
        return;
    }
    // The records read are decrypted into buf_ (BIO_write copied them out of it): one at a
    // time, until the response is whole or OpenSSL needs more from the socket.
    BIO_write(SSL_get_rbio(ssl_), buf_.data(), static_cast<int>(n));
    for (;;) {
        const int r = SSL_read(ssl_, buf_.data(), static_cast<int>(buf_.size()));
        if (r > 0) {
            if (!on_bytes(buf_.data(), static_cast<std::size_t>(r), /*more_may_follow=*/true)) return;
            continue;
        }
        const int saved_errno = errno;
        const int e = SSL_get_error(ssl_, r);
        if (e == SSL_ERROR_WANT_READ) return read();
        if (tls_peer_closed(e)) return on_eof();
        return fail(ErrorKind::read, "read " + peer_.authority + ": " + tls_error_text(e, saved_errno));
    }
}

// Feeds the response parser. Returns true when it needs more bytes and more_may_follow (the
// caller then reads on); otherwise it has ended the request or asked for the next read.
bool Connection::on_bytes(const char* data, std::size_t n, bool more_may_follow) {
    std::size_t consumed = 0;
    switch (parser_.feed(data, n, &consumed)) {
        case ResponseParser::Result::need_more:
            if (more_may_follow) return true;
            read();
            return false;
        case ResponseParser::Result::error:
            fail(ErrorKind::read, "read " + peer_.authority + ": " + parser_.error());
            return false;
        case ResponseParser::Result::done:
            leftover_ = consumed < n;
            succeed();
            return false;
    }
    return false;
}

// The peer closed: complete only when the body was delimited by the close.
void Connection::on_eof() {
    const bool started = parser_.started();
    if (parser_.finish_eof() == ResponseParser::Result::done) {
        open_ = false;
        return succeed();
    }
    fail(ErrorKind::read,
         "read " + peer_.authority + ": connection closed " + (started ? "mid-response" : "before any response"));
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
        x.tls = ssl_ != nullptr;
        x.tls_resumed = ssl_ && SSL_session_reused(ssl_) == 1;
        x.connected = connected_;
        x.secured = secured_;
        x.request_sent = request_sent_;
    }
    if (ssl_ && options_.tls_resume) keep_tls_session();
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
    SSL_SESSION* current = SSL_get_session(ssl_);
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
// Bytes that come meanwhile are ignored; under TLS they are decrypted all the same, because
// the server's close_notify must end the wait: a TLS server may hold its FIN until ours.
//
// The response is acknowledged at once (TCP_QUICKACK): a server without TCP_NODELAY holds its
// close_notify or FIN behind Nagle until the response is acknowledged, and Linux delays that
// ACK up to 40 ms, which capped this mode at ~22 connections/s against such a server (this
// lifts it about threefold; the server's own TCP_NODELAY is what removes the stall).
void Connection::drain_until_close() {
    constexpr auto kDrainLimit = std::chrono::milliseconds(100);
    auto over = [this] {
        close();
        busy_ = false;
        events_.ready(*this);
    };
    // The close_notify may have come in the response's read, and wait in OpenSSL's buffer.
    if (ssl_ && !tls_open_after(0)) return over();
    const int on = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
    deadline_ = std::min(deadline_, Clock::now() + kDrainLimit);
    socket_.async_read_some(net::buffer(buf_), [this, over](const error_code& ec, std::size_t n) {
        if (!ec && !timed_out_ && (!ssl_ || tls_open_after(n))) return drain_until_close();
        over();
    });
}

// Takes the n bytes read into buf_ as TLS records; false once the peer has ended the stream
// (its close_notify) or broken it.
bool Connection::tls_open_after(std::size_t n) {
    if (n > 0) BIO_write(SSL_get_rbio(ssl_), buf_.data(), static_cast<int>(n));
    for (;;) {
        const int r = SSL_read(ssl_, buf_.data(), static_cast<int>(buf_.size()));
        if (r > 0) continue;  // data after the response: ignored
        if (SSL_get_error(ssl_, r) == SSL_ERROR_WANT_READ) return true;
        ERR_clear_error();
        return false;
    }
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
