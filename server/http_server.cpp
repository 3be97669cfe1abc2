// ReferenceServer: ReplicateService behind a Boost.Beast async HTTP/1.1 listener, in the style
// of Beast's example/advanced/server(_flex): one Session per connection on its own strand, a
// deadline (expires_after() on the beast::tcp_stream) before every async operation, and an
// error_code checked at every I/O boundary. Hostile input ends in a 4xx and a close, never a
// crash. With a certificate the same Session runs over a beast::ssl_stream: a TLS handshake under
// header_timeout first, a close_notify exchange (bounded) at a graceful close.
#include "server/reference_server.hpp"

#include "common/http_types.hpp"
#include "server/json_responses.hpp"
#include "common/text.hpp"
#include "server/tls_server_context.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>

namespace kms::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using std::chrono::milliseconds;

constexpr const char* kServerName = "kms-reference-server/0.1";
// After an error response the server closes, but first drains what the client is still
// sending (bounded), so that closing does not reset the connection before the client has
// read the response (RFC 9112 §9.6, "lingering close").
constexpr std::size_t kLingerMaxBytes = 1024 * 1024;
constexpr milliseconds kLingerTime{500};
constexpr std::size_t kDrainChunk = 16 * 1024;
constexpr milliseconds kAcceptRetry{50};
// A graceful TLS close sends close_notify and waits this long for the peer's: a courtesy that a
// silent or vanished client must not turn into a held connection.
constexpr milliseconds kTlsShutdownTime{1000};

struct Context {
    const ServerOptions& options;
    ReplicateService& service;
    ssl::context* tls = nullptr;  // set: every connection is HTTPS
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

std::string host_for_url(const std::string& address) {
    return authority_host(address);
}

// One connection. `Stream` is PlainStream or TlsStream; everything that differs between the two
// (handshake, graceful close, lingering close) is an `if constexpr (kTls)` below, so that the HTTP
// handling is written once.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
    using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

public:
    // `stream_args`: the accepted socket, then (TLS) the ssl::context.
    template <class... StreamArgs>
    explicit Session(Context& ctx, StreamArgs&&... stream_args)
        : stream_(std::forward<StreamArgs>(stream_args)...), ctx_(ctx), delay_timer_(stream_.get_executor()) {}

    void run() {
        // Start on the session's strand: the socket was accepted onto it.
        net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::start, shared_from_this()));
    }

private:
    beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

    void start() {
        if constexpr (kTls) {
            // A client that connects and never finishes the handshake (or sends something that is
            // not TLS) is cut off by the same deadline as one that never sends a request head.
            tcp().expires_after(ctx_.options.header_timeout);
            stream_.async_handshake(ssl::stream_base::server,
                                    beast::bind_front_handler(&Session::on_handshake, shared_from_this()));
        } else {
            next_request();
        }
    }

    void on_handshake(beast::error_code ec) {
        if (ec) return close();  // not TLS, no common protocol, timeout, reset: no one to answer
        next_request();
    }

    void next_request() {
        res_ = {};  // the last response's body and fields are not kept through an idle wait
        parser_.emplace();
        parser_->body_limit(ctx_.options.body_limit);
        parser_->header_limit(static_cast<std::uint32_t>(ctx_.options.header_limit));
        if (first_request_ || buffer_.size() > 0) {
            // A new connection owes its head within header_timeout; so does a pipelined request.
            first_request_ = false;
            read_header();
            return;
        }
        // Keep-alive: wait up to idle_timeout for the first byte, then header_timeout for the rest.
        tcp().expires_after(ctx_.options.idle_timeout);
        stream_.async_read_some(buffer_.prepare(4096),
                                beast::bind_front_handler(&Session::on_idle_read, shared_from_this()));
    }

    void on_idle_read(beast::error_code ec, std::size_t n) {
        // The peer closed (a FIN, or a TLS close_notify): answer in kind.
        if (ec == net::error::eof) return close_gracefully();
        if (ec) return close();  // idle timeout or reset: nothing to answer
        buffer_.commit(n);
        read_header();
    }

    void read_header() {
        tcp().expires_after(ctx_.options.header_timeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Session::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        if (parser_->is_done()) return respond();  // no body
        auto expect = parser_->get()[http::field::expect];
        if (iequals(trim(expect), "100-continue")) {
            // Clients that ask (curl does for large bodies) wait for this before sending the body.
            continue_ = http::response<http::empty_body>{http::status::continue_, 11};
            tcp().expires_after(ctx_.options.idle_timeout);
            http::async_write(stream_, continue_, [self = shared_from_this()](beast::error_code wec, std::size_t) {
                if (wec) return self->close();
                self->read_body();
            });
            return;
        }
        read_body();
    }

    void read_body() {
        // The body gets idle_timeout, not header_timeout: up to body_limit bytes may take longer.
        tcp().expires_after(ctx_.options.idle_timeout);
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_body, shared_from_this()));
    }

    void on_body(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        respond();
    }

    void on_read_error(beast::error_code ec) {
        if (ec == http::error::body_limit)
            return send_error(413, "the request body exceeds " + std::to_string(ctx_.options.body_limit) + " bytes");
        if (ec == http::error::header_limit)
            return send_error(431, "the request header block exceeds " +
                                       std::to_string(ctx_.options.header_limit) + " bytes");
        // end_of_stream before any byte of a request: the client is done, a clean close.
        if (ec == http::error::end_of_stream) return close_gracefully();
        if (ec.category() == http::make_error_code(http::error::bad_target).category())
            return send_error(400, "malformed HTTP request: " + ec.message());
        close();  // timeout, reset, aborted: no one to answer
    }

    void respond() {
        auto req = parser_->release();
        HttpRequest hreq;
        hreq.method = std::string(req.method_string());
        hreq.target = std::string(req.target());
        for (const auto& field : req)
            hreq.headers.push_back({std::string(field.name_string()), std::string(field.value())});
        hreq.body = std::move(req.body());

        milliseconds delay{0};
        HttpResponse out;
        bool keep_alive = req.keep_alive();
        try {
            out = ctx_.service.handle(hreq, &delay);
        } catch (const std::exception& e) {
            // A bug, not a verdict on the input: say so, and do not reuse this connection.
            out = ReplicateService::problem(500, "Internal Server Error", "unexpected error: " + std::string(e.what()));
            keep_alive = false;
        }
        log(hreq.method, hreq.target, out.status);
        build_response(out, req.version(), keep_alive, hreq.method == "HEAD");

        if (delay.count() > 0) {
            // Fault::slow_response: wait without blocking the I/O thread.
            delay_timer_.expires_after(delay);
            delay_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
                if (ec) return self->close();
                self->write(false);
            });
            return;
        }
        write(false);
    }

    // A transport-level problem (the request never reached the service), then a lingering close.
    void send_error(int status, std::string detail) {
        HttpResponse out = ctx_.service.transport_problem(status, std::move(detail));
        // The request line may have been parsed even when the header block was not.
        std::string method = parser_ ? std::string(parser_->get().method_string()) : "";
        std::string target = parser_ ? std::string(parser_->get().target()) : "";
        log(method.empty() ? "-" : method, target.empty() ? "-" : target, status);
        build_response(out, 11, false, false);
        write(true);
    }

    void build_response(const HttpResponse& out, unsigned version, bool keep_alive, bool head) {
        res_ = {};
        res_.version(version == 10 ? 10 : 11);
        res_.result(static_cast<unsigned>(out.status));
        res_.set(http::field::server, kServerName);
        for (const auto& h : out.headers) res_.insert(h.name, h.value);
        res_.keep_alive(keep_alive);
        bool no_body_status = out.status == 204 || out.status == 304 || out.status < 200;
        if (no_body_status) return;  // RFC 9110 §8.6: no Content-Length on 1xx/204
        res_.content_length(out.body.size());
        if (!head) res_.body() = out.body;  // HEAD: same headers, no body (RFC 9110 §9.3.2)
    }

    void write(bool linger_after) {
        tcp().expires_after(ctx_.options.idle_timeout);
        http::async_write(stream_, res_, [self = shared_from_this(), linger_after](beast::error_code ec, std::size_t) {
            self->on_write(ec, linger_after);
        });
    }

    void on_write(beast::error_code ec, bool linger_after) {
        if (ec) return close();
        if (linger_after) return linger();
        after_response();
    }

    void after_response() {
        if (!res_.keep_alive()) return close_gracefully();
        if (res_.result_int() == 400 && ctx_.service.has_fault(Fault::unsolicited_response)) return write_unsolicited();
        next_request();
    }

    // Fault::unsolicited_response: a second response nobody asked for, right after the real one,
    // so that a client that reads it as the next request's answer is caught desynchronised.
    void write_unsolicited() {
        static const std::string kExtra =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        tcp().expires_after(ctx_.options.idle_timeout);
        net::async_write(stream_, net::buffer(kExtra), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            self->next_request();
        });
    }

    void linger() {
        if constexpr (!kTls) {
            // The FIN tells the client that nothing more comes. Under TLS a bare FIN would read as
            // a truncation attack; the response's Connection: close says it instead.
            beast::error_code ec;
            tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
        }
        linger_deadline_ = std::chrono::steady_clock::now() + kLingerTime;
        // Allocated here, not held by every Session: thousands of held connections (slowloris,
        // idle keep-alive) would otherwise cost 16 KiB each for a buffer only a closing one uses.
        drain_buf_ = std::make_unique<std::array<char, kDrainChunk>>();
        drain();
    }

    // Reads and discards (decrypted, under TLS) what the client still sends, until it closes, the
    // linger time is over, or kLingerMaxBytes were read.
    void drain() {
        tcp().expires_at(linger_deadline_);
        stream_.async_read_some(net::buffer(*drain_buf_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->drained_ += n;
            if (ec || self->drained_ >= kLingerMaxBytes) return self->close();
            self->drain();
        });
    }

    // The end of a healthy connection. Under TLS: close_notify, and the peer's awaited for at most
    // kTlsShutdownTime (Beast's advanced_server_flex does the same), then the socket is closed.
    void close_gracefully() {
        if constexpr (kTls) {
            tcp().expires_after(kTlsShutdownTime);
            stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->close(); });
        } else {
            close();
        }
    }

    // Closes the socket now, without a TLS close_notify.
    void close() {
        beast::error_code ec;
        tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
        tcp().close();
    }

    void log(const std::string& method, const std::string& target, int status) const {
        if (!ctx_.options.access_log) return;
        ctx_.options.access_log(printable(method, 20) + " " + printable(target, 200) + " -> " +
                                std::to_string(status));
    }

    Stream stream_;
    Context& ctx_;
    net::steady_timer delay_timer_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> res_;
    http::response<http::empty_body> continue_;
    std::unique_ptr<std::array<char, kDrainChunk>> drain_buf_;  // only while lingering
    std::size_t drained_ = 0;
    std::chrono::steady_clock::time_point linger_deadline_{};
    bool first_request_ = true;
};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& ioc, tcp::acceptor&& acceptor, Context& ctx)
        : ioc_(ioc), acceptor_(std::move(acceptor)), retry_timer_(acceptor_.get_executor()), ctx_(ctx) {}

    void run() {
        net::dispatch(acceptor_.get_executor(), beast::bind_front_handler(&Listener::accept, shared_from_this()));
    }

private:
    void accept() {
        acceptor_.async_accept(net::make_strand(ioc_),
                               beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }

    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) {
            // E.g. EMFILE: back off briefly instead of spinning on the failing accept.
            retry_timer_.expires_after(kAcceptRetry);
            retry_timer_.async_wait([self = shared_from_this()](beast::error_code wec) {
                if (!wec) self->accept();
            });
            return;
        }
        // As Go's net/http and nginx (tcp_nodelay on) do: a response is written in one or two
        // writes and must not wait for the client's delayed ACK (up to 40 ms on Linux).
        beast::error_code nodelay_ec;
        socket.set_option(tcp::no_delay(true), nodelay_ec);  // best effort: a refusal changes nothing else
        if (ctx_.tls)
            std::make_shared<Session<TlsStream>>(ctx_, std::move(socket), *ctx_.tls)->run();
        else
            std::make_shared<Session<PlainStream>>(ctx_, std::move(socket))->run();
        accept();
    }

    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    net::steady_timer retry_timer_;
    Context& ctx_;
};

}  // namespace

struct ReferenceServer::Impl {
    explicit Impl(ServerOptions o) : options(std::move(o)), service(options.service), ctx{options, service} {}

    ServerOptions options;
    ReplicateService service;
    std::optional<ssl::context> tls;  // outlives every session: destroyed after the io_context
    Context ctx;
    std::mutex mutex;  // start/stop
    std::unique_ptr<net::io_context> ioc;
    std::vector<std::thread> threads;
    std::uint16_t port = 0;
    bool started = false;
    bool stopped = false;
};

ReferenceServer::ReferenceServer(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

ReferenceServer::~ReferenceServer() { stop(); }

void ReferenceServer::start() {
    std::lock_guard lock(impl_->mutex);
    if (impl_->started) throw std::logic_error("ReferenceServer::start called twice");
    const auto& o = impl_->options;
    const std::string where = host_for_url(o.address) + ":" + std::to_string(o.port);
    auto fail = [&](const char* stage, const beast::error_code& ec) {
        throw std::runtime_error(std::string(stage) + " " + where + ": " + ec.message());
    };

    // TLS first: a bad certificate must not leave the port bound, nor start half a server.
    if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
        if (o.tls_cert_file.empty() || o.tls_key_file.empty())
            throw TlsSetupError("tls: a certificate file and a key file are both needed, got only the " +
                                std::string(o.tls_cert_file.empty() ? "key " + o.tls_key_file
                                                                    : "certificate " + o.tls_cert_file));
        impl_->tls.emplace(make_server_tls_context(o.tls_cert_file, o.tls_key_file));
        impl_->ctx.tls = &*impl_->tls;
    }

    beast::error_code ec;
    auto address = net::ip::make_address(o.address, ec);
    if (ec) fail("address", ec);
    auto ioc = std::make_unique<net::io_context>(static_cast<int>(std::max(1u, o.threads)));
    tcp::acceptor acceptor(net::make_strand(*ioc));
    tcp::endpoint endpoint(address, o.port);
    acceptor.open(endpoint.protocol(), ec);
    if (ec) fail("open", ec);
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) fail("set_option", ec);
    acceptor.bind(endpoint, ec);
    if (ec) fail("bind", ec);
    acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail("listen", ec);
    impl_->port = acceptor.local_endpoint(ec).port();
    if (ec) fail("local_endpoint", ec);

    std::make_shared<Listener>(*ioc, std::move(acceptor), impl_->ctx)->run();
    impl_->ioc = std::move(ioc);
    impl_->started = true;
    net::io_context& ctx = *impl_->ioc;
    for (unsigned i = 0; i < std::max(1u, o.threads); ++i) {
        impl_->threads.emplace_back([&ctx] {
            auto guard = net::make_work_guard(ctx);
            // A handler that throws must not take the server down; run() resumes until stop().
            while (!ctx.stopped()) {
                try {
                    ctx.run();
                } catch (const std::exception&) {
                }
            }
        });
    }
}

void ReferenceServer::stop() {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->started || impl_->stopped) return;
    impl_->stopped = true;
    impl_->ioc->stop();
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
    // Destroying the io_context destroys every pending handler, hence every Session and the
    // Listener they keep alive: all sockets close now, not at destruction of the server.
    impl_->ioc.reset();
}

std::uint16_t ReferenceServer::port() const { return impl_->port; }

std::string ReferenceServer::base_url() const {
    const char* scheme = impl_->tls ? "https://" : "http://";
    return scheme + host_for_url(impl_->options.address) + ":" + std::to_string(impl_->port) + "/v2";
}

ReplicateService& ReferenceServer::service() { return impl_->service; }

}  // namespace kms::server
