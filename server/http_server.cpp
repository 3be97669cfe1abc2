// ReferenceServer: ReplicateService behind an async HTTP/1.1 listener (Asio sockets, Beast's
// request parser). Hostile input ends in a 4xx and a close, never a crash; with a certificate
// the same Session runs over TLS: a handshake under header_timeout first, a close_notify
// exchange (bounded) at a graceful close.
//
// Built for a cost per request near nginx's (issue 27), with nothing it checks given up:
// - One io_context per I/O thread (--threads), each run by its thread alone, as nginx's
//   workers are: a connection's handlers never run concurrently, so no strand, and the sockets
//   use the io_context's own executor type instead of a type-erased one (whose every copy
//   allocated).
// - Deadlines are times kept in the connection and enforced by one sweep per thread
//   (deadline_list.hpp) instead of a timer armed before every operation.
// - A request is read by one loop that feeds Beast's parser (its header and body limits, its
//   framing errors) whatever has arrived, instead of three composed reads that each re-parsed the
//   buffer and posted a completion.
// - A response is formatted into one reused string (response_wire.hpp) and sent in one write.
#include "server/reference_server.hpp"

#include "common/http_types.hpp"
#include "common/text.hpp"
#include "server/deadline_list.hpp"
#include "server/request_parser.hpp"
#include "server/response_wire.hpp"
#include "server/tls_server_context.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
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
using error_code = boost::system::error_code;

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
// The most one read asks for, as Beast's own reads did.
constexpr std::size_t kReadLimit = 65536;

using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using PlainStream = Socket;
using TlsStream = ssl::stream<Socket>;

// One I/O thread: its io_context (run by that thread alone, hence the concurrency hint 1), the
// deadlines of its connections and the sweep that enforces them. The list outlives the
// io_context: destroying the io_context destroys the connections its handlers hold, and they
// unlink from the list (ReferenceServer::stop() frees the timer, then the io_context).
struct Worker {
    explicit Worker(milliseconds sweep_tick)
        : ioc(std::make_unique<net::io_context>(1)), sweep_timer(std::make_unique<net::steady_timer>(*ioc)), tick(sweep_tick) {}

    void sweep() {
        sweep_timer->expires_after(tick);
        sweep_timer->async_wait([this](const error_code& ec) {
            if (ec) return;
            deadlines.sweep(std::chrono::steady_clock::now());
            sweep();
        });
    }

    DeadlineList deadlines;
    std::unique_ptr<net::io_context> ioc;
    std::unique_ptr<net::steady_timer> sweep_timer;
    milliseconds tick;
    std::thread thread;
};

struct Context {
    const ServerOptions& options;
    ReplicateService& service;
    ssl::context* tls = nullptr;  // set: every connection is HTTPS
};

std::string host_for_url(const std::string& address) {
    return authority_host(address);
}

// The sweep's period: a fraction of the shortest time limit, so that a timeout fires late by at
// most an eighth of it (and 100 ms), and an idle server wakes a few times a second at most.
milliseconds sweep_tick(const ServerOptions& o) {
    const milliseconds shortest = std::min({o.header_timeout, o.idle_timeout, kLingerTime, kTlsShutdownTime});
    return std::clamp(shortest / 8, milliseconds(1), milliseconds(100));
}

// One connection. `Stream` is PlainStream or TlsStream; everything that differs between the two
// (handshake, graceful close, lingering close) is an `if constexpr (kTls)` below, so that the HTTP
// handling is written once. Every handler runs on the connection's Worker thread.
template <class Stream>
class Session final : public std::enable_shared_from_this<Session<Stream>>, public Deadlined {
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
    using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

public:
    // `stream_args`: the accepted socket, then (TLS) the ssl::context.
    template <class... StreamArgs>
    Session(Context& ctx, Worker& worker, StreamArgs&&... stream_args)
        : stream_(std::forward<StreamArgs>(stream_args)...), ctx_(ctx), worker_(worker) {}

    void run() {
        // The socket was accepted onto this connection's worker; start on its thread.
        net::dispatch(*worker_.ioc, [self = shared_from_this()] { self->start(); });
    }

private:
    Socket& socket() {
        if constexpr (kTls) return stream_.next_layer();
        else return stream_;
    }

    // Where the request being read stands, for its time limits.
    enum class Phase { idle, header, body };

    void start() {
        worker_.deadlines.add(*this);
        if constexpr (kTls) {
            // A client that connects and never finishes the handshake (or sends something that is
            // not TLS) is cut off by the same deadline as one that never sends a request head.
            set_deadline_in(ctx_.options.header_timeout);
            stream_.async_handshake(ssl::stream_base::server, [self = shared_from_this()](const error_code& ec) {
                if (ec) return self->close();  // not TLS, no common protocol, timeout, reset: no one to answer
                self->next_request();
            });
        } else {
            // Writes are tried at once (write()); Asio's own reads still wait for readiness.
            error_code ec;
            socket().non_blocking(true, ec);
            next_request();
        }
    }

    void on_deadline() override { close(); }

    void next_request() {
        response_.clear();  // the last response is not kept through an idle wait
        parser_.emplace(request_);
        parser_->body_limit(ctx_.options.body_limit);
        parser_->header_limit(static_cast<std::uint32_t>(ctx_.options.header_limit));
        if (first_request_ || buffer_.size() > 0) {
            // A new connection owes its head within header_timeout; so does a pipelined request.
            first_request_ = false;
            phase_ = Phase::header;
            set_deadline_in(ctx_.options.header_timeout);
            if (buffer_.size() == 0) return read();
            // A pipelined request: parsed from the event loop, not from inside the write of the
            // one before (a written response can call back here at once, see write()).
            return net::post(*worker_.ioc, [self = shared_from_this()] { self->parse(); });
        }
        // Keep-alive: wait up to idle_timeout for the first byte, then header_timeout for the rest.
        phase_ = Phase::idle;
        set_deadline_in(ctx_.options.idle_timeout);
        read();
    }

    void read() {
        stream_.async_read_some(buffer_.prepare(beast::read_size(buffer_, kReadLimit)),
                                [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); });
    }

    void on_read(const error_code& ec, std::size_t n) {
        if (ec == net::error::eof) return on_eof();
        if (ec) return close();  // deadline, reset, TLS truncation: nothing to answer
        buffer_.commit(n);
        if (phase_ == Phase::idle) {
            phase_ = Phase::header;
            set_deadline_in(ctx_.options.header_timeout);
        }
        parse();
    }

    // The peer closed (a FIN, or a TLS close_notify). Before any byte of a request: the client is
    // done, answer in kind. Within one: the parser says what the message lacks (400).
    void on_eof() {
        if (!parser_->got_some()) return close_gracefully();
        error_code ec;
        parser_->put_eof(ec);
        if (!ec) return respond();
        on_read_error(ec);
    }

    // Feeds the parser what has arrived; reads more when it needs more. Beast's parser is not
    // called again after need_more until new bytes have come (its chunk parser asserts they did).
    void parse() {
        while (buffer_.size() > 0) {
            error_code ec;
            const std::size_t used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == http::error::need_more) break;
            if (ec) return on_read_error(ec);
            if (phase_ != Phase::body && parser_->is_header_done()) {
                phase_ = Phase::body;
                if (!parser_->is_done() && wants_continue()) return send_continue();
                // The body gets idle_timeout, not header_timeout: up to body_limit bytes may take longer.
                set_deadline_in(ctx_.options.idle_timeout);
            }
            if (parser_->is_done()) return respond();
            if (used == 0) break;
        }
        read();
    }

    bool wants_continue() { return iequals(trim(parser_->expect()), "100-continue"); }

    // Clients that ask (curl does for large bodies) wait for this before sending the body.
    void send_continue() {
        set_deadline_in(ctx_.options.idle_timeout);
        net::async_write(stream_, net::buffer(kContinueResponse.data(), kContinueResponse.size()),
                         [self = shared_from_this()](const error_code& ec, std::size_t) {
                             if (ec) return self->close();
                             self->set_deadline_in(self->ctx_.options.idle_timeout);
                             self->buffer_.size() > 0 ? self->parse() : self->read();
                         });
    }

    void on_read_error(const error_code& ec) {
        if (ec == http::error::body_limit)
            return send_error(413, "the request body exceeds " + std::to_string(ctx_.options.body_limit) + " bytes");
        if (ec == http::error::header_limit)
            return send_error(431, "the request header block exceeds " +
                                       std::to_string(ctx_.options.header_limit) + " bytes");
        if (ec.category() == http::make_error_code(http::error::bad_target).category())
            return send_error(400, "malformed HTTP request: " + ec.message());
        close();
    }

    void respond() {
        const HttpRequest& hreq = parser_->request();
        milliseconds delay{0};
        HttpResponse out;
        bool keep_alive = parser_->keep_alive();
        try {
            out = ctx_.service.handle(hreq, &delay);
        } catch (const std::exception& e) {
            // A bug, not a verdict on the input: say so, and do not reuse this connection.
            out = ReplicateService::problem(500, "Internal Server Error", "unexpected error: " + std::string(e.what()));
            keep_alive = false;
        }
        log(hreq.method, hreq.target, out.status);
        keep_alive_ = keep_alive;
        write_response(out, parser_->version(), keep_alive, hreq.method == "HEAD", response_);
        status_ = out.status;

        if (delay.count() > 0) {
            // Fault::slow_response: wait without blocking the I/O thread.
            delay_timer_.emplace(*worker_.ioc);
            delay_timer_->expires_after(delay);
            delay_timer_->async_wait([self = shared_from_this()](const error_code& ec) {
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
        std::string method = parser_ ? parser_->request().method : "";
        std::string target = parser_ ? parser_->request().target : "";
        log(method.empty() ? "-" : method, target.empty() ? "-" : target, status);
        keep_alive_ = false;
        status_ = status;
        write_response(out, 11, false, false, response_);
        write(true);
    }

    void write(bool linger_after) {
        std::size_t sent = 0;
        if constexpr (!kTls) {
            // Plain HTTP: try to send now. A response nearly always fits the socket's buffer, and
            // an async write's completion goes through the event loop (an epoll_wait of its own
            // per request); only what the socket does not take now is written asynchronously.
            error_code ec;
            sent = socket().write_some(net::buffer(response_), ec);
            if (ec == net::error::would_block || ec == net::error::try_again) sent = 0;
            else if (ec) return close();
            if (sent == response_.size()) return written(linger_after);
        }
        set_deadline_in(ctx_.options.idle_timeout);
        net::async_write(stream_, net::buffer(response_) + sent,
                         [self = shared_from_this(), linger_after](const error_code& ec, std::size_t) {
                             if (ec) return self->close();
                             self->written(linger_after);
                         });
    }

    void written(bool linger_after) {
        if (linger_after) return linger();
        after_response();
    }

    void after_response() {
        if (!keep_alive_) return close_gracefully();
        if (status_ == 400 && ctx_.service.has_fault(Fault::unsolicited_response)) return write_unsolicited();
        next_request();
    }

    // Fault::unsolicited_response: a second response nobody asked for, right after the real one,
    // so that a client that reads it as the next request's answer is caught desynchronised.
    void write_unsolicited() {
        static const std::string kExtra =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        set_deadline_in(ctx_.options.idle_timeout);
        net::async_write(stream_, net::buffer(kExtra), [self = shared_from_this()](const error_code& ec, std::size_t) {
            if (ec) return self->close();
            self->next_request();
        });
    }

    void linger() {
        if constexpr (!kTls) {
            // The FIN tells the client that nothing more comes. Under TLS a bare FIN would read as
            // a truncation attack; the response's Connection: close says it instead.
            error_code ec;
            socket().shutdown(tcp::socket::shutdown_send, ec);
        }
        set_deadline_in(kLingerTime);
        // Allocated here, not held by every Session: thousands of held connections (slowloris,
        // idle keep-alive) would otherwise cost 16 KiB each for a buffer only a closing one uses.
        drain_buf_ = std::make_unique<std::array<char, kDrainChunk>>();
        drain();
    }

    // Reads and discards (decrypted, under TLS) what the client still sends, until it closes, the
    // linger time is over (the deadline set in linger()), or kLingerMaxBytes were read.
    void drain() {
        stream_.async_read_some(net::buffer(*drain_buf_), [self = shared_from_this()](const error_code& ec, std::size_t n) {
            self->drained_ += n;
            if (ec || self->drained_ >= kLingerMaxBytes) return self->close();
            self->drain();
        });
    }

    // The end of a healthy connection. Under TLS: close_notify, and the peer's awaited for at most
    // kTlsShutdownTime (as Beast's advanced_server_flex does), then the socket is closed.
    void close_gracefully() {
        if constexpr (kTls) {
            set_deadline_in(kTlsShutdownTime);
            stream_.async_shutdown([self = shared_from_this()](const error_code&) { self->close(); });
        } else {
            close();
        }
    }

    // Closes the socket now, without a TLS close_notify; a pending operation ends with an error.
    void close() {
        clear_deadline();
        error_code ec;
        socket().shutdown(tcp::socket::shutdown_both, ec);
        socket().close(ec);
    }

    void log(const std::string& method, const std::string& target, int status) const {
        if (!ctx_.options.access_log) return;
        ctx_.options.access_log(printable(method, 20) + " " + printable(target, 200) + " -> " +
                                std::to_string(status));
    }

    Stream stream_;
    Context& ctx_;
    Worker& worker_;
    Phase phase_ = Phase::idle;
    beast::flat_buffer buffer_;
    HttpRequest request_;  // parsed into by parser_, its buffers reused by the next request
    std::optional<RequestParser> parser_;
    std::string response_;  // the response's bytes, reused from one request to the next
    int status_ = 0;
    bool keep_alive_ = true;
    std::optional<net::steady_timer> delay_timer_;              // only under Fault::slow_response
    std::unique_ptr<std::array<char, kDrainChunk>> drain_buf_;  // only while lingering
    std::size_t drained_ = 0;
    bool first_request_ = true;
};

// Accepts on the first worker and hands each connection to the workers in turn.
class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(std::vector<std::unique_ptr<Worker>>& workers, tcp::acceptor&& acceptor, Context& ctx)
        : workers_(workers), acceptor_(std::move(acceptor)), retry_timer_(*workers.front()->ioc), ctx_(ctx) {}

    void run() {
        net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->accept(); });
    }

private:
    void accept() {
        Worker& worker = *workers_[next_ % workers_.size()];
        acceptor_.async_accept(*worker.ioc, [self = shared_from_this(), &worker](const error_code& ec, Socket socket) {
            self->on_accept(ec, std::move(socket), worker);
        });
    }

    void on_accept(const error_code& ec, Socket socket, Worker& worker) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) {
            // E.g. EMFILE: back off briefly instead of spinning on the failing accept.
            retry_timer_.expires_after(kAcceptRetry);
            retry_timer_.async_wait([self = shared_from_this()](const error_code& wec) {
                if (!wec) self->accept();
            });
            return;
        }
        ++next_;
        // As Go's net/http and nginx (tcp_nodelay on) do: a response is written in one or two
        // writes and must not wait for the client's delayed ACK (up to 40 ms on Linux).
        error_code nodelay_ec;
        socket.set_option(tcp::no_delay(true), nodelay_ec);  // best effort: a refusal changes nothing else
        if (ctx_.tls)
            std::make_shared<Session<TlsStream>>(ctx_, worker, std::move(socket), *ctx_.tls)->run();
        else
            std::make_shared<Session<PlainStream>>(ctx_, worker, std::move(socket))->run();
        accept();
    }

    std::vector<std::unique_ptr<Worker>>& workers_;
    tcp::acceptor acceptor_;
    net::steady_timer retry_timer_;
    Context& ctx_;
    std::size_t next_ = 0;
};

}  // namespace

struct ReferenceServer::Impl {
    explicit Impl(ServerOptions o) : options(std::move(o)), service(options.service), ctx{options, service} {}

    ServerOptions options;
    ReplicateService service;
    std::optional<ssl::context> tls;  // outlives every session: destroyed after the workers
    Context ctx;
    std::mutex mutex;  // start/stop
    std::vector<std::unique_ptr<Worker>> workers;
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
    auto fail = [&](const char* stage, const error_code& ec) {
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

    error_code ec;
    auto address = net::ip::make_address(o.address, ec);
    if (ec) fail("address", ec);
    std::vector<std::unique_ptr<Worker>> workers;
    for (unsigned i = 0; i < std::max(1u, o.threads); ++i) workers.push_back(std::make_unique<Worker>(sweep_tick(o)));
    tcp::acceptor acceptor(*workers.front()->ioc);
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

    impl_->workers = std::move(workers);
    std::make_shared<Listener>(impl_->workers, std::move(acceptor), impl_->ctx)->run();
    impl_->started = true;
    for (auto& w : impl_->workers) {
        w->sweep();
        w->thread = std::thread([&ioc = *w->ioc] {
            auto guard = net::make_work_guard(ioc);
            // A handler that throws must not take the server down; run() resumes until stop().
            while (!ioc.stopped()) {
                try {
                    ioc.run();
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
    for (auto& w : impl_->workers) w->ioc->stop();
    for (auto& w : impl_->workers)
        if (w->thread.joinable()) w->thread.join();
    // Destroying a worker's io_context destroys every pending handler, hence every Session (and,
    // on the first, the Listener): all sockets close now, not at destruction of the server. No
    // Worker is freed before every io_context is gone: the Listener names them all.
    for (auto& w : impl_->workers) w->sweep_timer.reset();
    for (auto& w : impl_->workers) w->ioc.reset();
    impl_->workers.clear();
}

std::uint16_t ReferenceServer::port() const { return impl_->port; }

std::string ReferenceServer::base_url() const {
    const char* scheme = impl_->tls ? "https://" : "http://";
    return scheme + host_for_url(impl_->options.address) + ":" + std::to_string(impl_->port) + "/v2";
}

ReplicateService& ReferenceServer::service() { return impl_->service; }

}  // namespace kms::server
