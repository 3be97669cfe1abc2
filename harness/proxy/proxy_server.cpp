// One I/O thread, one Connection per client connection, each with its own upstream connection:
// a close on either side is the close of both, as if the client spoke to the upstream itself.
// Bytes are forwarded as soon as Beast has read them as part of a message (a header is held
// until it is whole, so that the exchange is known); nothing is rewritten, added or reordered.
#include "harness/proxy/proxy_server.hpp"

#include "harness/proxy/message_reader.hpp"
#include "harness/transport/tls_context.hpp"
#include "common/text.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cstdio>
#include <deque>
#include <set>
#include <thread>

namespace kms::proxy {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
// Unwritten bytes queued for one side before reading from the other pauses: a fast sender
// cannot make the proxy hold more than this per direction.
constexpr std::size_t kMaxQueued = 256 * 1024;
// After an accept fails (out of descriptors), before the next try.
constexpr std::chrono::milliseconds kAcceptRetry{50};

// The proxy's own answer, for a request the upstream never answered: a problem document
// (RFC 9457), then the connection closes as the upstream's has.
std::string proxy_answer(int status, const std::string& detail) {
    const std::string title = status == 504 ? "Gateway Timeout" : "Bad Gateway";
    std::string text = printable(detail, 300);
    for (char& ch : text)
        if (ch == '"' || ch == '\\') ch = '\'';
    const std::string body = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + std::to_string(status) +
                             ",\"detail\":\"kmsconf proxy: " + text + "\"}";
    return "HTTP/1.1 " + std::to_string(status) + " " + title +
           "\r\nContent-Type: application/problem+json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

class Connection;

struct Shared {
    ProxyOptions opt;
    ProxyServer::Sink sink;
    std::optional<ssl::context> tls;
    std::set<std::shared_ptr<Connection>> live;  // I/O thread only
    std::atomic<std::size_t> live_count{0};
    bool draining = false;                      // I/O thread only
    std::uint64_t next_number = 0;              // I/O thread only
    std::atomic<std::uint64_t> connections{0}, exchanges{0}, upstream_answered{0}, blind{0}, refused{0};
};

// A request whose head has arrived, until its final response has been forwarded.
struct Pending {
    HttpRequest request;  // its head at first; whole (body up to keep_body) when complete
    bool done = false, cut = false, keep_alive = true;
    std::chrono::system_clock::time_point started;
    Clock::time_point head_at;
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(Shared& shared, tcp::socket client)
        : s_(shared), client_(std::move(client)), resolver_(client_.get_executor()), timer_(client_.get_executor()) {}

    void start() {
        s_.live.insert(shared_from_this());
        s_.live_count = s_.live.size();
        ++s_.connections;
        last_client_ = Clock::now();
        watch();
        read_client();
    }

    // The proxy is stopping: an idle connection closes now, a busy one after its exchanges.
    void drain() {
        if (in_flight_.empty() && client_in_.empty() && !req_) close_all();
    }

    void close_all() {
        if (closed_) return;
        closed_ = true;
        error_code ignored;
        timer_.cancel();
        resolver_.cancel();
        client_.shutdown(tcp::socket::shutdown_both, ignored);
        client_.close(ignored);
        if (upstream_open_or_connecting()) up_socket().close(ignored);
        s_.live.erase(shared_from_this());
        s_.live_count = s_.live.size();
    }

private:
    enum class Up { none, connecting, open, failed, closed };

    // --- the upstream stream, plain or TLS ---------------------------------------------------
    bool upstream_open_or_connecting() const { return up_plain_ || up_tls_; }
    tcp::socket& up_socket() { return up_tls_ ? up_tls_->next_layer() : *up_plain_; }

    void connect_upstream() {
        up_ = Up::connecting;
        last_upstream_ = Clock::now();
        rewatch();
        const BaseUrl& u = s_.opt.upstream;
        resolver_.async_resolve(u.host, std::to_string(u.port),
                                [self = shared_from_this()](error_code ec, tcp::resolver::results_type found) {
                                    self->on_resolved(ec, std::move(found));
                                });
    }

    void on_resolved(error_code ec, tcp::resolver::results_type found) {
        if (closed_ || up_ != Up::connecting) return;
        const BaseUrl& u = s_.opt.upstream;
        if (ec) return upstream_failed("resolve " + u.host + ": " + ec.message(), 502);
        if (u.tls) up_tls_.emplace(client_.get_executor(), *s_.tls);
        else up_plain_.emplace(client_.get_executor());
        net::async_connect(up_socket(), found, [self = shared_from_this()](error_code e, const tcp::endpoint&) {
            self->on_connected(e);
        });
    }

    void on_connected(error_code ec) {
        if (closed_ || up_ != Up::connecting) return;
        const BaseUrl& u = s_.opt.upstream;
        if (ec) return upstream_failed("connect " + host_and_port(u.host, u.port) + ": " + ec.message(), 502);
        error_code ignored;
        up_socket().set_option(tcp::no_delay(true), ignored);
        if (!up_tls_) return upstream_open();
        std::string why;
        if (!prepare_tls_connection(up_tls_->native_handle(), u.host, s_.opt.verify_tls, &why))
            return upstream_failed("TLS set-up for " + u.host + ": " + why, 502);
        up_tls_->async_handshake(ssl::stream_base::client, [self = shared_from_this()](error_code e) {
            if (self->closed_ || self->up_ != Up::connecting) return;
            if (!e) return self->upstream_open();
            const std::string cert = tls_verify_failure(self->up_tls_->native_handle());
            self->upstream_failed("TLS handshake with " + self->s_.opt.upstream.host + ": " + (cert.empty() ? e.message() : cert), 502);
        });
    }

    void upstream_open() {
        up_ = Up::open;
        flush_up();
        read_upstream();
    }

    void upstream_failed(std::string why, int status) {
        up_ = Up::failed;
        up_error_ = std::move(why);
        up_status_ = status;
        error_code ignored;
        if (upstream_open_or_connecting()) up_socket().close(ignored);
        to_upstream_.clear();
        answer_unreachable();
    }

    // The first request, once whole, gets the proxy's 502/504; the connection then closes.
    void answer_unreachable() {
        if (up_ != Up::failed || in_flight_.empty() || !in_flight_.front()->done) return;
        forward_client(proxy_answer(up_status_, up_error_));
        fail_front(up_error_, up_status_);
        close_after_flush();
    }

    template <class Handler>
    void up_read(Handler&& h) {
        auto buffer = net::buffer(up_buf_);
        if (up_tls_) up_tls_->async_read_some(buffer, std::forward<Handler>(h));
        else up_plain_->async_read_some(buffer, std::forward<Handler>(h));
    }

    template <class Handler>
    void up_write(Handler&& h) {
        auto buffer = net::buffer(up_writing_bytes_);
        if (up_tls_) net::async_write(*up_tls_, buffer, std::forward<Handler>(h));
        else net::async_write(*up_plain_, buffer, std::forward<Handler>(h));
    }

    // --- client -> upstream -------------------------------------------------------------------
    void read_client() {
        if (closed_ || client_reading_ || client_stopped_ || to_upstream_.size() >= kMaxQueued) return;
        client_reading_ = true;
        client_.async_read_some(net::buffer(client_buf_), [self = shared_from_this()](error_code ec, std::size_t n) {
            self->client_reading_ = false;
            self->on_client_read(ec, n);
        });
    }

    void on_client_read(error_code ec, std::size_t n) {
        if (closed_) return;
        if (ec) return on_client_gone();
        last_client_ = Clock::now();
        const std::string_view bytes(client_buf_.data(), n);
        if (blind_ || requests_unframed_) forward_up(bytes);
        else {
            client_in_.append(bytes);
            read_requests();
        }
        read_client();
    }

    // The client closed (or reset) its connection: the upstream's is closed too, once the
    // responses still due have been forwarded (a client may half-close after its request).
    void on_client_gone() {
        client_stopped_ = true;
        if (in_flight_.empty() || blind_) close_all();
    }

    void read_requests() {
        while (!client_in_.empty() && !blind_ && !requests_unframed_ && !client_stopped_) {
            if (!req_) req_ = std::make_unique<MessageReader>(MessageReader::Kind::request, s_.opt.header_limit, s_.opt.keep_body);
            const auto fed = req_->feed(client_in_);
            if (!fed.error.empty()) return stop_framing_requests();
            forward_up(std::string_view(client_in_).substr(0, fed.consumed));
            client_in_.erase(0, fed.consumed);
            if (req_->header_done() && !current_) request_head_arrived();
            if (!req_->done()) break;
            request_complete();
        }
    }

    void request_head_arrived() {
        current_ = std::make_shared<Pending>();
        current_->request = req_->request_head();
        current_->started = std::chrono::system_clock::now();
        current_->head_at = Clock::now();
        in_flight_.push_back(current_);
        if (up_ == Up::none) connect_upstream();
    }

    void request_complete() {
        current_->request = req_->take_request();
        current_->cut = req_->body_cut();
        current_->keep_alive = req_->keep_alive();
        current_->done = true;
        // RFC 9112 §9.6: after a request that closes, nothing more is read from the client.
        if (!current_->keep_alive) client_stopped_ = true;
        current_.reset();
        req_.reset();
        last_upstream_ = Clock::now();  // the response is due from now
        rewatch();
        answer_unreachable();
    }

    void forward_up(std::string_view bytes) {
        if (bytes.empty() || up_ == Up::failed || up_ == Up::closed) return;
        to_upstream_.append(bytes);
        flush_up();
    }

    void flush_up() {
        if (closed_ || up_ != Up::open || up_writing_ || to_upstream_.empty()) return;
        up_writing_ = true;
        up_writing_bytes_.swap(to_upstream_);
        to_upstream_.clear();
        up_write([self = shared_from_this()](error_code ec, std::size_t) {
            self->up_writing_ = false;
            self->up_writing_bytes_.clear();
            if (self->closed_ || ec) return;  // a write refused: the read side sees the close
            self->flush_up();
            self->read_client();
        });
    }

    // --- upstream -> client -------------------------------------------------------------------
    void read_upstream() {
        if (closed_ || up_reading_ || up_ != Up::open || to_client_.size() >= kMaxQueued) return;
        up_reading_ = true;
        up_read([self = shared_from_this()](error_code ec, std::size_t n) {
            self->up_reading_ = false;
            self->on_upstream_read(ec, n);
        });
    }

    void on_upstream_read(error_code ec, std::size_t n) {
        if (closed_ || up_ != Up::open) return;
        if (ec) return on_upstream_gone();
        last_upstream_ = Clock::now();
        const std::string_view bytes(up_buf_.data(), n);
        if (blind_) forward_client(bytes);
        else {
            up_in_.append(bytes);
            read_responses();
        }
        read_upstream();
    }

    void read_responses() {
        while (!up_in_.empty() && !blind_) {
            // Bytes with no request outstanding (RFC 9112 §9.2): not an answer to anything the
            // proxy can name. They pass on as sent, and are a framing fault of the exchange
            // they followed.
            if (in_flight_.empty()) {
                report_stray();
                return go_blind();
            }
            if (!resp_) {
                resp_ = std::make_unique<MessageReader>(MessageReader::Kind::response, s_.opt.header_limit, s_.opt.keep_body);
                if (in_flight_.front()->request.method == "HEAD") resp_->expect_no_body();
            }
            const auto fed = resp_->feed(up_in_);
            if (!fed.error.empty()) {
                fail_front("the upstream's response cannot be framed as HTTP/1.1 (" + fed.error + "); relayed as sent", 0);
                return go_blind();
            }
            forward_client(std::string_view(up_in_).substr(0, fed.consumed));
            up_in_.erase(0, fed.consumed);
            if (!resp_->done()) break;
            response_complete();
        }
    }

    void response_complete() {
        const int status = resp_->status();
        if (status >= 100 && status < 200 && status != 101) {  // interim: the final one follows
            resp_.reset();
            return;
        }
        std::shared_ptr<Pending> p = in_flight_.front();
        in_flight_.pop_front();
        ProxiedExchange x;
        x.response_version = resp_->version();
        x.response_cut = resp_->body_cut();
        const bool keep = resp_->keep_alive() && p->keep_alive && status != 101;
        x.response = resp_->take_response();
        resp_.reset();
        emit(*p, std::move(x));
        last_upstream_ = Clock::now();
        // A protocol switch: what follows is not HTTP/1.1, and passes blind; so does what
        // follows a request that could not be framed, once the responses before it are through.
        if (status == 101 || (requests_unframed_ && in_flight_.empty())) return go_blind();
        if (!keep || s_.draining || (client_stopped_ && in_flight_.empty())) {
            client_stopped_ = true;
            if (in_flight_.empty()) close_after_flush();
        }
    }

    // The upstream closed its connection (or reset it).
    void on_upstream_gone() {
        up_ = Up::closed;
        if (!blind_ && resp_ && resp_->header_done() && resp_->feed_eof().empty() && resp_->done()) {
            response_complete();  // a body delimited by the close (RFC 9112 §6.3)
        }
        if (!up_in_.empty()) forward_client(up_in_);  // a head cut short passes as sent
        up_in_.clear();
        while (!in_flight_.empty() && !blind_)
            fail_front(resp_ && resp_->started() ? "the upstream closed the connection before its response was complete"
                                                 : "the upstream closed the connection without answering",
                       0);
        client_stopped_ = true;
        close_after_flush();
    }

    void forward_client(std::string_view bytes) {
        if (bytes.empty()) return;
        to_client_.append(bytes);
        flush_client();
    }

    void flush_client() {
        if (closed_ || client_writing_) return;
        if (to_client_.empty()) {
            if (close_when_flushed_) close_all();
            return;
        }
        client_writing_ = true;
        client_writing_bytes_.swap(to_client_);
        to_client_.clear();
        net::async_write(client_, net::buffer(client_writing_bytes_), [self = shared_from_this()](error_code ec, std::size_t) {
            self->client_writing_ = false;
            self->client_writing_bytes_.clear();
            if (self->closed_) return;
            if (ec) return self->close_all();  // the client is gone
            self->flush_client();
            self->read_upstream();
        });
    }

    void close_after_flush() {
        close_when_flushed_ = true;
        flush_client();
    }

    // A request Beast cannot read: from it on, the client's bytes pass as they come. The requests
    // before it were whole, and their responses come first (RFC 9112 §9.3): they are still
    // framed and judged; then the connection goes blind.
    void stop_framing_requests() {
        requests_unframed_ = true;
        ++s_.blind;
        if (current_) {  // its head was read, its body cannot be: not an exchange the proxy can name
            in_flight_.pop_back();
            current_.reset();
        }
        req_.reset();
        forward_up(client_in_);
        client_in_.clear();
        if (in_flight_.empty()) go_blind();
        else read_client();
    }

    // From here on the connection's bytes are relayed as they come, unframed: a request or
    // response Beast cannot read, bytes nobody asked for, or a protocol switch.
    void go_blind() {
        if (blind_) return;
        blind_ = true;
        if (!requests_unframed_) ++s_.blind;
        forward_up(client_in_);
        client_in_.clear();
        forward_client(up_in_);
        up_in_.clear();
        req_.reset();
        resp_.reset();
        // What was under way is no longer framed: its exchanges are not judged.
        current_.reset();
        in_flight_.clear();
        read_client();
        if (up_ == Up::none) connect_upstream();
    }

    // --- exchanges ------------------------------------------------------------------------------
    void emit(Pending& p, ProxiedExchange&& x) {
        x.number = ++s_.next_number;
        if (p.done) {
            x.request = std::move(p.request);
            x.request_cut = p.cut;
        } else {
            // Answered before the request was whole (RFC 9112 §9.5): its head and the body so far.
            x.request = current_.get() == &p && req_ ? req_->request_so_far() : std::move(p.request);
            x.request_cut = true;
        }
        x.started = p.started;
        x.elapsed = Clock::now() - p.head_at;
        last_number_ = x.number;
        ++s_.exchanges;
        if (x.response) ++s_.upstream_answered;
        if (s_.sink) s_.sink(std::move(x));
    }

    void report_stray() {
        if (last_number_ == 0 || !s_.sink) return;  // before any exchange: nothing to name them by
        ProxiedExchange x;
        x.number = last_number_;
        x.stray_bytes = printable(up_in_, 120);
        x.stray_count = up_in_.size();
        s_.sink(std::move(x));
    }

    void fail_front(const std::string& why, int proxy_status) {
        if (in_flight_.empty()) return;
        std::shared_ptr<Pending> p = in_flight_.front();
        in_flight_.pop_front();
        ProxiedExchange x;
        x.upstream_error = why;
        x.proxy_status = proxy_status;
        emit(*p, std::move(x));
    }

    // --- deadlines --------------------------------------------------------------------------------
    // While the upstream owes something (a connection, a response), its silence is bounded by
    // the timeout; otherwise the client's idleness by the idle timeout.
    bool upstream_owes() const { return up_ == Up::connecting || (!in_flight_.empty() && in_flight_.front()->done); }
    Clock::time_point deadline() const {
        return upstream_owes() ? last_upstream_ + s_.opt.timeout : last_client_ + s_.opt.idle_timeout;
    }

    void watch() {
        timer_.expires_at(deadline());
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (ec || self->closed_) return;
            if (Clock::now() < self->deadline()) return self->watch();
            self->on_deadline();
        });
    }

    // A deadline moved earlier than the timer's: the timer follows (the old wait is cancelled).
    void rewatch() {
        if (!closed_ && deadline() < timer_.expiry()) watch();
    }

    void on_deadline() {
        const std::string waited = "no answer within " + std::to_string(s_.opt.timeout.count()) + " ms (--timeout-ms)";
        if (up_ == Up::connecting) {
            resolver_.cancel();
            return upstream_failed("connecting to " + s_.opt.upstream.origin() + ": " + waited, 504);
        }
        if (upstream_owes()) {
            error_code ignored;
            const bool began = resp_ && resp_->started();
            if (upstream_open_or_connecting()) up_socket().close(ignored);
            up_ = Up::closed;
            if (!began) forward_client(proxy_answer(504, "the upstream gave " + waited));
            fail_front("the upstream gave " + waited, began ? 0 : 504);
            while (!in_flight_.empty()) fail_front("not answered: an earlier request on its connection timed out", 0);
            client_stopped_ = true;
            return close_after_flush();
        }
        close_all();  // idle too long
    }

    Shared& s_;
    tcp::socket client_;
    tcp::resolver resolver_;
    net::steady_timer timer_;
    std::optional<tcp::socket> up_plain_;
    std::optional<ssl::stream<tcp::socket>> up_tls_;
    Up up_ = Up::none;
    std::string up_error_;
    int up_status_ = 502;

    std::array<char, kReadChunk> client_buf_{}, up_buf_{};
    std::string client_in_, up_in_;                      // read, not yet framed
    std::string to_upstream_, up_writing_bytes_;         // queued, being written
    std::string to_client_, client_writing_bytes_;
    bool client_reading_ = false, up_reading_ = false, up_writing_ = false, client_writing_ = false;
    bool client_stopped_ = false, close_when_flushed_ = false, blind_ = false, closed_ = false;
    bool requests_unframed_ = false;  // a request could not be framed: the client's bytes pass raw

    std::unique_ptr<MessageReader> req_, resp_;
    std::shared_ptr<Pending> current_;  // the request being received
    std::deque<std::shared_ptr<Pending>> in_flight_;
    Clock::time_point last_client_, last_upstream_;
    std::uint64_t last_number_ = 0;  // of this connection's last exchange
};

}  // namespace

struct ProxyServer::Impl {
    Impl(ProxyOptions o, Sink sink) : acceptor(ioc), work(net::make_work_guard(ioc)), retry(ioc) {
        shared.opt = std::move(o);
        shared.sink = std::move(sink);
    }

    net::io_context ioc;
    tcp::acceptor acceptor;
    net::executor_work_guard<net::io_context::executor_type> work;
    net::steady_timer retry;
    Shared shared;
    std::thread thread;
    std::uint16_t bound_port = 0;
    bool stopped = false;

    void accept() {
        acceptor.async_accept([this](error_code ec, tcp::socket socket) {
            if (!acceptor.is_open()) return;
            if (ec) {
                retry.expires_after(kAcceptRetry);
                retry.async_wait([this](error_code e) {
                    if (!e) accept();
                });
                return;
            }
            if (shared.live.size() >= shared.opt.max_connections) {
                ++shared.refused;
                error_code ignored;
                socket.close(ignored);
            } else {
                error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
                std::make_shared<Connection>(shared, std::move(socket))->start();
            }
            accept();
        });
    }
};

ProxyServer::ProxyServer(ProxyOptions options, Sink sink) : impl_(std::make_unique<Impl>(std::move(options), std::move(sink))) {}

ProxyServer::~ProxyServer() { stop(std::chrono::milliseconds(0)); }

bool ProxyServer::start(std::string* error) {
    Impl& m = *impl_;
    if (m.shared.opt.upstream.tls) {
        SSL_CTX* native = make_client_tls_context(m.shared.opt.verify_tls, m.shared.opt.ca_file, error);
        if (!native) return false;
        m.shared.tls.emplace(native);
    }
    error_code ec;
    const tcp::endpoint at(net::ip::make_address("127.0.0.1"), m.shared.opt.port);
    m.acceptor.open(at.protocol(), ec);
    if (!ec) m.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) m.acceptor.bind(at, ec);
    if (!ec) m.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        *error = "listen on 127.0.0.1:" + std::to_string(m.shared.opt.port) + ": " + ec.message();
        return false;
    }
    m.bound_port = m.acceptor.local_endpoint().port();
    m.accept();
    m.thread = std::thread([&m] {
        // A handler that throws (out of memory) costs its connection, never the proxy: the
        // loop goes on with the others.
        for (;;) {
            try {
                m.ioc.run();
                return;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "kmsconf proxy: internal error on a connection: %s\n", e.what());
            }
        }
    });
    return true;
}

std::uint16_t ProxyServer::port() const { return impl_->bound_port; }

void ProxyServer::stop(std::chrono::milliseconds grace) {
    Impl& m = *impl_;
    if (m.stopped) return;
    m.stopped = true;
    if (!m.thread.joinable()) return;
    net::post(m.ioc, [&m] {
        error_code ignored;
        m.acceptor.close(ignored);
        m.retry.cancel();
        m.shared.draining = true;
        const auto live = m.shared.live;  // drain() may erase from the set
        for (const auto& c : live) c->drain();
    });
    const auto until = Clock::now() + grace;
    while (m.shared.live_count > 0 && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    net::post(m.ioc, [&m] {
        const auto live = m.shared.live;
        for (const auto& c : live) c->close_all();
    });
    m.work.reset();
    m.thread.join();
}

ProxyCounts ProxyServer::counts() const {
    const Shared& s = impl_->shared;
    return {s.connections, s.exchanges, s.upstream_answered, s.blind, s.refused};
}

}  // namespace kms::proxy
