// The synchronous client is built from Beast's asynchronous operations on a private io_context:
// blocking socket calls have no timeouts, so every operation gets a deadline (expires_at on the
// stream, a timer for the resolver) and each call runs the io_context until that operation's
// handler has run. The request's write is the exception: it runs alongside the response's reads
// (one read and one write may be outstanding on a TCP or TLS stream), so that an early response
// is read (RFC 9112 §9.5).
#include "harness/transport/http_client.hpp"

#include "harness/transport/request_serializer.hpp"
#include "common/text.hpp"
#include "harness/transport/tls_context.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>

namespace kms {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

const char* to_string(TransportError e) {
    switch (e) {
        case TransportError::none: return "none";
        case TransportError::resolve: return "resolve";
        case TransportError::connect: return "connect";
        case TransportError::tls_handshake: return "tls_handshake";
        case TransportError::write: return "write";
        case TransportError::timeout: return "timeout";
        case TransportError::read: return "read";
        case TransportError::body_too_large: return "body_too_large";
        case TransportError::protocol: return "protocol";
    }
    return "unknown";
}

namespace {

// Interim 1xx responses (100 Continue, 103 Early Hints) precede the real one; a server that sends
// them without end must not keep the client reading forever.
constexpr int kMaxInterimResponses = 8;
// A TLS close_notify exchange is a courtesy: it must not add noticeable time to a run.
constexpr std::chrono::milliseconds kShutdownGrace{250};
// A response complete while its request is still being written: the server may be reading the
// rest of the body, or may have stopped reading (RFC 9112 §9.5). How long the write may go on.
constexpr std::chrono::milliseconds kEarlyWriteGrace{500};
// How much of the bytes a server sent unasked a message shows.
constexpr std::size_t kStrayShownBytes = 120;

std::string endpoint_text(const tcp::endpoint& ep) {
    auto addr = ep.address();
    return host_and_port(addr.to_string(), ep.port());
}

// The deadline of one stage: its own limit or the send()'s overall one, whichever comes first.
// `why` says which, so a timeout message can name the option to raise.
struct Deadline {
    Clock::time_point at;
    std::chrono::milliseconds budget;
    const char* why;
};

// now + d, with absurd option values clamped so that the time point cannot overflow.
Clock::time_point from_now(std::chrono::milliseconds d) {
    constexpr std::chrono::milliseconds kYear = std::chrono::hours(24 * 365);
    return Clock::now() + std::clamp(d, std::chrono::milliseconds{0}, kYear);
}

Deadline stage_deadline(std::chrono::milliseconds limit, const char* limit_name,
                        Clock::time_point total_at) {
    auto at = from_now(limit);
    if (at <= total_at) return {at, limit, limit_name};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(total_at - Clock::now());
    return {total_at, std::max(left, std::chrono::milliseconds{0}), "total_timeout"};
}

std::string timed_out(const Deadline& d) {
    return "timed out after " + std::to_string(d.budget.count()) + " ms (" + d.why + ")";
}

bool is_http_error(const error_code& ec) {
    return ec.category() == make_error_code(http::error::bad_version).category();
}

Exchange failure(TransportError e, std::string detail) {
    Exchange ex;
    ex.error = e;
    ex.error_detail = std::move(detail);
    return ex;
}

// Bytes a server sent with no request outstanding (RFC 9112 §9.2), as found on the connection.
struct Unsolicited {
    std::string head;        // the first kStrayShownBytes of them, for the message
    std::size_t count = 0;   // how many were read (a peer that keeps sending is not read to the end)
    bool closed = false;     // the peer closed the connection (EOF, reset)
};

std::string describe(const Unsolicited& u) {
    return std::to_string(u.count) + " bytes (\"" + printable(u.head, kStrayShownBytes) + "\")";
}

}  // namespace

struct HttpClient::Impl {
    Impl(BaseUrl t, ClientOptions o) : target(std::move(t)), opt(std::move(o)), read_timer(ioc) {
        if (!target.tls) return;
        // Built once per client: loading the system trust store is far too slow per connection.
        if (SSL_CTX* native = make_client_tls_context(opt.verify_tls, opt.ca_file, &tls_setup_error))
            tls_ctx.emplace(native);
    }

    BaseUrl target;
    ClientOptions opt;
    net::io_context ioc;
    std::optional<ssl::context> tls_ctx;
    std::string tls_setup_error;
    // At most one of the two is set: the open connection.
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;  // bytes read past the end of the previous response
    std::string peer;           // "127.0.0.1:8443", for error messages

    // The request being written. The response is read while it is written (RFC 9112 §9.5: a
    // server may answer before it has read the whole body, then close), so the write outlives
    // the await of any one read and its state lives here. Beast's write timer bounds it.
    struct Write {
        std::string bytes;
        bool pending = false;
        bool cancelled = false;  // ended by drop(), not by the peer
        error_code ec;
    } write;
    // The read deadline (read_timeout, counted from the request written, as the option says).
    // Beast's read timer cannot be moved while a read is pending, and the first read starts
    // before the write ends; so the reads run without it, under this timer, armed when the
    // write completes. Expiry cancels the read.
    net::steady_timer read_timer;
    bool read_timed_out = false;
    Deadline read_deadline{};
    Clock::time_point send_deadline{};  // the send()'s overall deadline (total_timeout)
    unsigned exchange_id = 0;      // a late read_timer handler of an earlier exchange does nothing
    bool reading = false;          // the response of exchange_id is being read

    bool connected() const { return plain || tls; }
    beast::tcp_stream& tcp_layer() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
    template <class F>
    void with_stream(F&& f) {
        if (tls) f(*tls);
        else f(*plain);
    }
    std::string authority() const {
        return host_and_port(target.host, target.port);
    }

    // Starts one asynchronous operation and runs handlers until its own has run; the operation's
    // deadline guarantees that it does. Not until the io_context is idle: a resolve abandoned at
    // its deadline keeps getaddrinfo busy on Asio's resolver thread, which would hold run() past
    // the deadline.
    template <class Start>
    error_code await(Start&& start) {
        error_code result = net::error::operation_aborted;
        bool done = false;
        start([&](error_code e, auto&&...) {
            result = e;
            done = true;
        });
        ioc.restart();
        while (!done && ioc.run_one() != 0) {}
        return result;
    }

    // Runs handlers until the write has completed or `at` has passed.
    void await_write(Clock::time_point at) {
        if (!write.pending) return;
        net::steady_timer timer(ioc);
        bool fired = false;
        timer.expires_at(at);
        timer.async_wait([&](error_code) { fired = true; });
        ioc.restart();
        while (write.pending && !fired && ioc.run_one() != 0) {}
        timer.cancel();
        while (!fired && ioc.run_one() != 0) {}  // its handler refers to this frame
    }

    void drop() {
        if (connected()) {
            error_code ignored;
            tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
            tcp_layer().close();
        }
        // Closing aborts a write still in flight; its handler must run before the stream it
        // writes to is destroyed.
        if (write.pending) {
            write.cancelled = true;
            ioc.restart();
            while (write.pending && ioc.run_one() != 0) {}
        }
        tls.reset();
        plain.reset();
        buffer.clear();
        peer.clear();
    }

    // Closes a healthy connection politely: a TLS close_notify (bounded by kShutdownGrace; errors
    // such as stream_truncated just mean the peer did not answer in kind, so they are ignored).
    void close_gracefully() {
        if (tls && !write.pending) {
            beast::get_lowest_layer(*tls).expires_after(kShutdownGrace);
            await([&](auto handler) { tls->async_shutdown(handler); });
        }
        drop();
    }

    std::optional<Exchange> open(Clock::time_point total_at);
    void start_write(std::string bytes, const Deadline& d);
    template <class Op>
    error_code await_read(Op&& op);
    Unsolicited read_arrived();
    Unsolicited watch_idle(std::chrono::milliseconds grace);
    Exchange exchange(const HttpRequest& request, bool own_connection, Clock::time_point total_at);
    Exchange read_response(bool head, bool* keeps_open);
};

// Resolve, connect and (for https) handshake, all under one connect deadline.
std::optional<Exchange> HttpClient::Impl::open(Clock::time_point total_at) {
    auto d = stage_deadline(opt.connect_timeout, "connect_timeout", total_at);
    if (target.tls && !tls_ctx)
        return failure(TransportError::tls_handshake, "tls setup " + authority() + ": " + tls_setup_error);

    // The resolver has no deadline of its own: a timer races it. Cancelling cannot interrupt a
    // getaddrinfo already running, so the state is shared with the handlers: a resolve that
    // completes after its deadline finds it still alive and is ignored.
    struct Resolve {
        explicit Resolve(net::io_context& io) : resolver(io), timer(io) {}
        tcp::resolver resolver;
        net::steady_timer timer;
        tcp::resolver::results_type endpoints;
        bool settled = false;  // the first of the two handlers decides; the other does nothing
        bool timed_out = false;
    };
    auto r = std::make_shared<Resolve>(ioc);
    r->timer.expires_at(d.at);
    error_code ec = await([&](auto handler) {
        r->timer.async_wait([r, handler](error_code e) mutable {
            if (e || r->settled) return;  // the resolve finished first
            r->settled = r->timed_out = true;
            r->resolver.cancel();
            handler(net::error::timed_out);
        });
        r->resolver.async_resolve(target.host, std::to_string(target.port),
                                  [r, handler](error_code e, tcp::resolver::results_type found) mutable {
                                      if (r->settled) return;  // too late: already timed out
                                      r->settled = true;
                                      r->endpoints = std::move(found);
                                      r->timer.cancel();
                                      handler(e);
                                  });
    });
    if (r->timed_out) return failure(TransportError::timeout, "resolve " + authority() + ": " + timed_out(d));
    if (ec) return failure(TransportError::resolve, "resolve " + authority() + ": " + ec.message());
    const auto endpoints = r->endpoints;

    // Name what was tried: "127.0.0.1:9", or "localhost:9 (127.0.0.1:9, [::1]:9)".
    std::string tried;
    for (const auto& entry : endpoints) tried += (tried.empty() ? "" : ", ") + endpoint_text(entry.endpoint());
    std::string where = endpoints.size() == 1 ? tried : authority() + " (" + tried + ")";

    beast::tcp_stream stream(ioc);
    stream.expires_at(d.at);
    tcp::endpoint connected_to;
    ec = await([&](auto handler) {
        stream.async_connect(endpoints, [&, handler](error_code e, const tcp::endpoint& ep) mutable {
            connected_to = ep;
            handler(e);
        });
    });
    if (ec == beast::error::timeout) return failure(TransportError::timeout, "connect " + where + ": " + timed_out(d));
    if (ec) return failure(TransportError::connect, "connect " + where + ": " + ec.message());
    // Requests are written in one go and waited on: Nagle's algorithm could only add delay.
    stream.socket().set_option(tcp::no_delay(true), ec);
    std::string remote = endpoint_text(connected_to);

    if (!target.tls) {
        plain.emplace(std::move(stream));
    } else {
        tls.emplace(std::move(stream), *tls_ctx);
        std::string error;
        if (!prepare_tls_connection(tls->native_handle(), target.host, opt.verify_tls, &error)) {
            drop();
            return failure(TransportError::tls_handshake, "tls handshake " + remote + ": " + error);
        }
        beast::get_lowest_layer(*tls).expires_at(d.at);
        ec = await([&](auto handler) { tls->async_handshake(ssl::stream_base::client, handler); });
        if (ec) {
            std::string why = opt.verify_tls ? tls_verify_failure(tls->native_handle()) : std::string{};
            drop();
            if (ec == beast::error::timeout)
                return failure(TransportError::timeout, "tls handshake " + remote + ": " + timed_out(d));
            return failure(TransportError::tls_handshake,
                           "tls handshake " + remote + ": " + ec.message() + (why.empty() ? "" : ": " + why));
        }
    }
    peer = remote;
    buffer.clear();
    return std::nullopt;
}

// Starts writing the request; completes on its own, under Beast's write timer (`d`). When it
// completes the read deadline starts: read_timeout from the request written (or failed).
void HttpClient::Impl::start_write(std::string bytes, const Deadline& d) {
    write = Write{};
    write.bytes = std::move(bytes);
    write.pending = true;
    read_timed_out = false;
    read_deadline = d;
    reading = true;
    const unsigned id = ++exchange_id;
    tcp_layer().expires_at(d.at);
    auto on_written = [this, id](error_code e, std::size_t) {
        write.pending = false;
        write.ec = e;
        if (write.cancelled) return;
        read_deadline = stage_deadline(opt.read_timeout, "read_timeout", send_deadline);
        read_timer.expires_at(read_deadline.at);
        read_timer.async_wait([this, id](error_code t) {
            if (t || id != exchange_id || !reading || !connected()) return;  // the response came in time
            read_timed_out = true;
            tcp_layer().cancel();
        });
    };
    with_stream([&](auto& s) { net::async_write(s, net::buffer(write.bytes), on_written); });
    // The reads run without Beast's timer (see read_timer); while the write is pending this
    // touches only the read side.
    tcp_layer().expires_never();
}

// One read of the response, bounded by the write's deadline while the request is still being
// written and by read_timer after it. A read cancelled by read_timer reports beast::error::timeout.
template <class Op>
error_code HttpClient::Impl::await_read(Op&& op) {
    error_code ec = await(std::forward<Op>(op));
    if (ec && read_timed_out) return beast::error::timeout;
    return ec;
}

// What has already arrived on the idle connection, read without waiting. Under TLS a readable
// socket may hold only records without application data (TLS 1.3 session tickets), which the
// read consumes: that is no stray byte.
Unsolicited HttpClient::Impl::read_arrived() {
    Unsolicited u;
    if (buffer.size() != 0) {  // read together with the response, past its end
        u.count = buffer.size();
        u.head.assign(static_cast<const char*>(buffer.data().data()), std::min(buffer.size(), kStrayShownBytes));
        buffer.clear();
    }
    error_code ec;
    tcp_layer().socket().non_blocking(true, ec);
    if (ec) {
        u.closed = true;
        return u;
    }
    char chunk[4096];
    // Bounded: a peer that streams without end is cut off; what was read is enough to name it.
    for (int reads = 0; reads < 16; ++reads) {
        std::size_t got = 0;
        with_stream([&](auto& s) { got = s.read_some(net::buffer(chunk), ec); });
        u.head.append(chunk, std::min(got, kStrayShownBytes - std::min(kStrayShownBytes, u.head.size())));
        u.count += got;
        if (ec) {
            u.closed = ec != net::error::would_block;  // EOF, a reset: the server is done with it
            break;
        }
    }
    error_code ignored;
    tcp_layer().socket().non_blocking(false, ignored);
    return u;
}

// Watches the connection, with no request outstanding, until bytes come, the peer closes, or
// `grace` passes quietly: the cost of a conforming keep-alive server is the grace.
Unsolicited HttpClient::Impl::watch_idle(std::chrono::milliseconds grace) {
    const auto until = from_now(grace);
    Unsolicited u = read_arrived();  // first: TLS may hold decrypted bytes the socket no longer shows
    for (int rounds = 0; rounds < 64 && u.count == 0 && !u.closed; ++rounds) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
        if (left.count() <= 0) break;
        pollfd p{tcp_layer().socket().native_handle(), POLLIN, 0};
        int n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n == 0) break;  // quiet for the whole grace
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            u.closed = true;
            break;
        }
        u = read_arrived();
    }
    return u;
}

Exchange HttpClient::Impl::exchange(const HttpRequest& request, bool own_connection, Clock::time_point total_at) {
    auto d = stage_deadline(opt.read_timeout, "read_timeout", total_at);
    const std::string where = peer;
    auto write_start = Clock::now();
    send_deadline = total_at;
    // Exactly the declared bytes (request_serializer.hpp), written while the response is read.
    start_write(serialize_request(request, target.host_header(), opt.user_agent), d);
    auto write_failure = [&] {
        if (write.ec == beast::error::timeout) return failure(TransportError::timeout, "write " + where + ": " + timed_out(d));
        return failure(TransportError::write, "write " + where + ": " + write.ec.message());
    };

    // Methods are case-sensitive (RFC 9110 §9.1): "head" is some other method, whose response has a body.
    const bool head = request.method == "HEAD";
    bool keeps_open = false;
    Exchange ex = read_response(head, &keeps_open);
    reading = false;
    read_timer.cancel();
    if (ex.error != TransportError::none) {
        // The server closed without answering: the write's own error (a reset, a timeout) says
        // more than "closed before any response" when the request never went out whole. Not
        // for a malformed or oversized response: the write is abandoned.
        if (write.pending && ex.error == TransportError::read) await_write(Clock::time_point::max());  // bounded by the write timer
        const bool write_failed = !write.cancelled && write.ec;
        drop();
        return write_failed ? write_failure() : ex;
    }
    ex.elapsed = Clock::now() - write_start;

    // The response is complete. A write still going on is given a moment (the server may be
    // reading the rest of the body); a write that fails or never ends means the server answered
    // early (RFC 9112 §9.5): the answer is judged, and the connection is not reused.
    if (write.pending) await_write(from_now(kEarlyWriteGrace));
    if (write.pending || write.ec) {
        ex.early_response = true;
        drop();
        return ex;
    }
    if (head) {
        // Its own connection: whatever follows the header before EOF or the grace is content.
        Unsolicited u = watch_idle(opt.stray_bytes_grace);
        if (u.count != 0)
            ex.framing_violation = "RFC 9110 §9.3.2: a response to HEAD carries no content: " + describe(u) + " followed";
        drop();
        return ex;
    }
    if (!keeps_open) {
        drop();
        return ex;
    }
    if (own_connection || !opt.keep_alive) {
        close_gracefully();
        return ex;
    }
    Unsolicited u = watch_idle(opt.stray_bytes_grace);
    if (u.count != 0) {
        ex.framing_violation = "RFC 9112 §9.2: " + describe(u) +
                               " followed the complete response with no request outstanding";
        drop();
    } else if (u.closed) {
        drop();  // the server closed an idle connection: its right
    }
    return ex;
}

// Reads the final response (skipping interim 1xx). On success *keeps_open says whether the server
// leaves the connection usable (no Connection: close, HTTP/1.1, a body not delimited by EOF). On
// failure the connection is left to the caller, which drops it.
Exchange HttpClient::Impl::read_response(bool head, bool* keeps_open) {
    const std::string stage = "read " + peer + ": ";
    for (int interim = 0;; ++interim) {
        http::response_parser<http::string_body> parser;
        // Limits are enforced while parsing: an announced Content-Length above the limit fails as
        // soon as the header is in, so a huge body is never buffered.
        parser.body_limit(static_cast<std::uint64_t>(opt.max_body_bytes));
        parser.header_limit(static_cast<std::uint32_t>(
            std::min<std::size_t>(opt.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
        // A response to HEAD carries the GET's Content-Length but no body.
        if (head) parser.skip(true);
        // The header is read on its own first. Beast 1.74's full-message read parses eagerly, and
        // when body bytes arrive in the same read as the header its body_limit error for an
        // oversized Content-Length is lost: the parser carries on and string_body reserves the
        // announced size (2 GiB). A header-only read stops at the error.
        error_code ec;
        std::size_t parsed = 0;  // bytes the parser accepted: non-zero once the status line was valid
        with_stream([&](auto& s) {
            ec = await_read([&](auto handler) {
                http::async_read_header(s, buffer, parser, [&, handler](error_code e, std::size_t n) mutable {
                    parsed = n;
                    handler(e);
                });
            });
            if (!ec && !parser.is_done())
                ec = await_read([&](auto handler) { http::async_read(s, buffer, parser, handler); });
        });
        if (ec) {
            const Deadline& d = read_deadline;
            bool header_done = parser.is_header_done();
            auto announced = header_done ? parser.content_length() : boost::none;
            std::string pending(static_cast<const char*>(buffer.data().data()), std::min<std::size_t>(buffer.size(), 5));
            if (ec == beast::error::timeout) return failure(TransportError::timeout, stage + timed_out(d));
            if (ec == http::error::body_limit)
                return failure(TransportError::body_too_large,
                               stage + "response body too large: " +
                                   (announced ? "Content-Length " + std::to_string(*announced) : std::string("body")) +
                                   " exceeds max_body_bytes " + std::to_string(opt.max_body_bytes));
            if (ec == http::error::header_limit)
                return failure(TransportError::protocol, stage + "response header exceeds max_header_bytes " +
                                                             std::to_string(opt.max_header_bytes));
            if (ec == http::error::end_of_stream)
                return failure(TransportError::read, stage + "connection closed before any response");
            if (ec == http::error::partial_message) {
                // The peer closed mid-header. Beast rejects a bad status line as soon as it can tell,
                // so only a few unparsed bytes get here: if they cannot begin "HTTP/", it was never HTTP.
                std::string_view http_prefix = "HTTP/";
                auto n = std::min(pending.size(), http_prefix.size());
                if (!header_done && parsed == 0 && std::string_view(pending).substr(0, n) != http_prefix.substr(0, n))
                    return failure(TransportError::protocol, stage + "not an HTTP response (connection closed)");
                return failure(TransportError::read, stage + "connection closed mid-response");
            }
            if (is_http_error(ec)) return failure(TransportError::protocol, stage + "malformed HTTP response: " + ec.message());
            return failure(TransportError::read, stage + ec.message());
        }
        auto& res = parser.get();
        int status = res.result_int();
        if (status >= 100 && status < 200 && status != 101 && interim < kMaxInterimResponses) continue;

        HttpResponse out;
        out.status = status;
        for (const auto& field : res)
            out.headers.push_back({std::string(field.name_string()), std::string(field.value())});
        out.body = std::move(res.body());
        Exchange ex;
        ex.response = std::move(out);
        ex.response_version = static_cast<int>(res.version());
        // The server decides whether the connection survives (Connection: close, HTTP/1.0, a body
        // delimited by EOF).
        *keeps_open = !parser.need_eof() && res.keep_alive();
        return ex;
    }
}

HttpClient::HttpClient(BaseUrl target, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(target), std::move(options))) {}

HttpClient::~HttpClient() { close(); }

Exchange HttpClient::send(const HttpRequest& request) {
    auto& im = *impl_;
    const auto started_at = std::chrono::system_clock::now();
    auto total_at = from_now(im.opt.total_timeout);
    // A request that owns its framing gets a connection of its own (request_serializer.hpp).
    const bool own_connection = owns_framing(request);
    // A kept-alive connection may have been closed by the server while idle: sending a POST on
    // it would fail only after the bytes were written, when it can no longer be safely retried;
    // so it is checked before sending, without waiting. Bytes found on it came with no request
    // outstanding, after the previous exchange's grace: they are not this request's answer.
    std::string stray_before;
    bool reuse = false;
    if (im.connected() && im.opt.keep_alive) {
        Unsolicited u = im.read_arrived();  // also before a request that will not reuse it
        if (u.count != 0)
            stray_before = "RFC 9112 §9.2: " + describe(u) +
                           " arrived on the idle connection after the previous response, with no request outstanding";
        reuse = !own_connection && u.count == 0 && !u.closed;
    }
    if (!reuse) im.drop();
    std::chrono::nanoseconds connect_time{0};
    if (!reuse) {
        auto start = Clock::now();
        auto failed = im.open(total_at);
        connect_time = Clock::now() - start;
        if (failed) {
            failed->connect_time = connect_time;
            failed->started_at = started_at;
            failed->stray_before = std::move(stray_before);
            return std::move(*failed);
        }
    }
    Exchange ex = im.exchange(request, own_connection, total_at);
    ex.reused_connection = reuse;
    ex.started_at = started_at;
    ex.connect_time = connect_time;
    ex.stray_before = std::move(stray_before);
    return ex;
}

std::string HttpClient::watch_idle_until(Clock::time_point until) {
    auto& im = *impl_;
    if (!im.connected()) return {};
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    Unsolicited u = im.watch_idle(std::max(left, std::chrono::milliseconds{0}));
    if (u.count != 0) {
        im.drop();
        return "RFC 9112 §9.2: " + describe(u) +
               " followed the complete response with no request outstanding (while the next request waited)";
    }
    if (u.closed) im.drop();  // the server closed an idle connection: its right
    return {};
}

std::optional<Exchange> HttpClient::connect() {
    auto& im = *impl_;
    if (im.connected()) {
        Unsolicited u = im.read_arrived();
        if (u.count == 0 && !u.closed) return std::nullopt;
    }
    im.drop();
    return im.open(from_now(im.opt.total_timeout));
}

void HttpClient::close() {
    if (impl_ && impl_->connected()) impl_->close_gracefully();
}

}  // namespace kms
