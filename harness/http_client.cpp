// The synchronous client is built from Beast's asynchronous operations on a private io_context:
// blocking socket calls have no timeouts, so every operation gets a deadline (expires_at on the
// stream, a timer for the resolver) and each call runs the io_context until that operation's
// handler has run.
#include "http_client.hpp"

#include "tls_context.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <poll.h>

#include <algorithm>
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

std::string endpoint_text(const tcp::endpoint& ep) {
    auto addr = ep.address();
    std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
    return host + ":" + std::to_string(ep.port());
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

}  // namespace

struct HttpClient::Impl {
    Impl(BaseUrl t, ClientOptions o) : target(std::move(t)), opt(std::move(o)) {
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

    bool connected() const { return plain || tls; }
    beast::tcp_stream& tcp_layer() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
    template <class F>
    void with_stream(F&& f) {
        if (tls) f(*tls);
        else f(*plain);
    }
    std::string authority() const {
        return (target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host) +
               ":" + std::to_string(target.port);
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

    void drop() {
        if (connected()) {
            error_code ignored;
            tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
            tcp_layer().close();
        }
        tls.reset();
        plain.reset();
        buffer.clear();
        peer.clear();
    }

    // Closes a healthy connection politely: a TLS close_notify (bounded by kShutdownGrace; errors
    // such as stream_truncated just mean the peer did not answer in kind, so they are ignored).
    void close_gracefully() {
        if (tls) {
            beast::get_lowest_layer(*tls).expires_after(kShutdownGrace);
            await([&](auto handler) { tls->async_shutdown(handler); });
        }
        drop();
    }

    std::optional<Exchange> open(Clock::time_point total_at);
    bool idle_connection_usable();
    Exchange exchange(const HttpRequest& request, Clock::time_point total_at);
    Exchange read_response(bool head, Clock::time_point total_at);
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

// A kept-alive connection may have been closed by the server while idle. Sending a POST on it
// would fail only after the bytes were written, when it can no longer be safely retried; so the
// socket is checked before sending, without waiting: readable while idle means EOF, a reset or
// unsolicited bytes, except under TLS, where it may just be post-handshake records (TLS 1.3
// session tickets) that a non-blocking read consumes without yielding application data.
bool HttpClient::Impl::idle_connection_usable() {
    if (buffer.size() != 0) return false;  // unsolicited bytes after the last response
    pollfd p{tcp_layer().socket().native_handle(), POLLIN, 0};
    int n = ::poll(&p, 1, 0);
    if (n == 0) return true;
    if (n < 0 || (p.revents & (POLLERR | POLLHUP | POLLNVAL))) return false;
    error_code ec;
    tcp_layer().socket().non_blocking(true, ec);
    if (ec) return false;
    char probe[512];
    std::size_t got = 0;
    with_stream([&](auto& s) { got = s.read_some(net::buffer(probe), ec); });
    bool usable = got == 0 && ec == net::error::would_block;
    error_code ignored;
    tcp_layer().socket().non_blocking(false, ignored);
    return usable;
}

Exchange HttpClient::Impl::exchange(const HttpRequest& request, Clock::time_point total_at) {
    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(request.target);
    req.version(11);
    // The caller's headers go out exactly as given (order, spelling, duplicates, odd values); only
    // what HTTP/1.1 framing needs is added, and only when the caller did not set it.
    if (!find_header(request.headers, "Host")) req.insert(http::field::host, target.host_header());
    for (const auto& h : request.headers) req.insert(h.name, h.value);
    if (!opt.user_agent.empty() && !find_header(request.headers, "User-Agent"))
        req.insert(http::field::user_agent, opt.user_agent);
    // Always a Content-Length, 0 included, never chunked: some servers reject a body-less POST
    // without one (411), and a fixed length is what real clients of this API send. A caller that
    // sets its own Content-Length or Transfer-Encoding owns the framing (Beast chunk-encodes the
    // body when Transfer-Encoding says chunked).
    if (!find_header(request.headers, "Content-Length") && !find_header(request.headers, "Transfer-Encoding"))
        req.insert(http::field::content_length, std::to_string(request.body.size()));
    req.body() = request.body;

    auto d = stage_deadline(opt.read_timeout, "read_timeout", total_at);
    auto write_start = Clock::now();
    tcp_layer().expires_at(d.at);
    error_code ec;
    with_stream([&](auto& s) { ec = await([&](auto handler) { http::async_write(s, req, handler); }); });
    if (ec) {
        const std::string where = peer;
        drop();
        if (ec == beast::error::timeout)
            return failure(TransportError::timeout, "write " + where + ": " + timed_out(d));
        return failure(TransportError::write, "write " + where + ": " + ec.message());
    }
    // Methods are case-sensitive (RFC 9110 §9.1): "head" is some other method, whose response has a body.
    Exchange ex = read_response(request.method == "HEAD", total_at);
    ex.elapsed = Clock::now() - write_start;
    return ex;
}

Exchange HttpClient::Impl::read_response(bool head, Clock::time_point total_at) {
    auto d = stage_deadline(opt.read_timeout, "read_timeout", total_at);
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
        tcp_layer().expires_at(d.at);
        with_stream([&](auto& s) {
            ec = await([&](auto handler) {
                http::async_read_header(s, buffer, parser, [&, handler](error_code e, std::size_t n) mutable {
                    parsed = n;
                    handler(e);
                });
            });
            if (!ec && !parser.is_done()) ec = await([&](auto handler) { http::async_read(s, buffer, parser, handler); });
        });
        if (ec) {
            // Before dropping the connection: what had arrived, for the message.
            bool header_done = parser.is_header_done();
            auto announced = header_done ? parser.content_length() : boost::none;
            std::string pending(static_cast<const char*>(buffer.data().data()), std::min<std::size_t>(buffer.size(), 5));
            drop();
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
        // The server decides whether the connection survives (Connection: close, HTTP/1.0, a body
        // delimited by EOF); so does the caller's keep_alive = false.
        if (parser.need_eof() || !res.keep_alive()) drop();
        else if (!opt.keep_alive) close_gracefully();
        return ex;
    }
}

HttpClient::HttpClient(BaseUrl target, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(target), std::move(options))) {}

HttpClient::~HttpClient() { close(); }

Exchange HttpClient::send(const HttpRequest& request) {
    auto& im = *impl_;
    auto total_at = from_now(im.opt.total_timeout);
    bool reuse = im.connected() && im.opt.keep_alive && im.idle_connection_usable();
    if (!reuse) im.drop();
    std::chrono::nanoseconds connect_time{0};
    if (!reuse) {
        auto start = Clock::now();
        auto failed = im.open(total_at);
        connect_time = Clock::now() - start;
        if (failed) {
            failed->connect_time = connect_time;
            return std::move(*failed);
        }
    }
    Exchange ex = im.exchange(request, total_at);
    ex.reused_connection = reuse;
    ex.connect_time = connect_time;
    return ex;
}

std::optional<Exchange> HttpClient::connect() {
    auto& im = *impl_;
    if (im.connected() && im.idle_connection_usable()) return std::nullopt;
    im.drop();
    return im.open(from_now(im.opt.total_timeout));
}

void HttpClient::close() {
    if (impl_ && impl_->connected()) impl_->close_gracefully();
}

}  // namespace kms
