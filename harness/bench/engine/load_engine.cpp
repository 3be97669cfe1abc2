// The benchmark's only Asio translation unit. Design, and why:
//  - One io_context per thread ("shard"), each owning its connections, its part of the
//    schedule and its own histograms; nothing is shared while loading, so there are no locks
//    on the hot path, and the shards' results are merged at the end (as wrk's threads are).
//  - Raw Asio sockets and the plain-C++ ResponseParser instead of Beast's message types: the
//    request bytes are serialised once (WireRequest) and the response body is framed but not
//    stored, so a request costs no allocation once the connection is warm.
//  - Deadlines are enforced by one watchdog timer per shard that closes overdue sockets,
//    instead of a timer per operation: re-arming a timer per request would add a timerfd
//    system call to every request.
//  - Connection objects live until the shard's io_context has stopped, so handlers capture
//    `this`. Each connection has at most one operation outstanding; closing the socket (on a
//    deadline) makes that operation complete with an error, which ends the request.
#include "harness/bench/engine/load_engine.hpp"

#include "common/http_types.hpp"
#include "harness/bench/response_parser.hpp"
#include "harness/transport/tls_context.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace kms::bench {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

const char* to_string(LoadMode mode) {
    switch (mode) {
        case LoadMode::closed: return "closed";
        case LoadMode::closed_new_connection: return "closed-new-conn";
        case LoadMode::open: return "open";
    }
    return "unknown";
}

const char* to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::connect: return "connect";
        case ErrorKind::timeout: return "timeout";
        case ErrorKind::read: return "read";
        case ErrorKind::status: return "status";
    }
    return "unknown";
}

std::uint64_t LoadResult::error_total() const {
    std::uint64_t n = 0;
    for (auto e : errors) n += e;
    return n;
}

namespace {

// A keep-alive connection idle for longer than this is checked before reuse (the server may
// have closed it); a POST written into a dead connection could not be retried safely.
constexpr auto kIdleCheckAfter = std::chrono::seconds(1);
constexpr int kMaxStatus = 600;

std::uint64_t to_us(Clock::duration d) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    return ns <= 0 ? 0 : static_cast<std::uint64_t>((ns + 500) / 1000);
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// What every shard reads; written only before the shards are released.
struct Plan {
    const LoadTarget* target = nullptr;
    const LoadSpec* spec = nullptr;
    tcp::resolver::results_type endpoints;
    std::string authority;  // "host:port", for messages
    ssl::context* tls = nullptr;
    std::chrono::milliseconds tick{10};
    Clock::time_point t0, window_start, end;
    // Open loop: request k is due at t0 + k * interval; k in [k_first, k_end) is measured.
    double interval_ns = 0;
    std::uint64_t k_first = 0, k_end = 0;
    bool capped = false;  // k_end comes from max_requests, not from the duration

    Clock::time_point intended(std::uint64_t k) const {
        return t0 + std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(static_cast<double>(k) * interval_ns)));
    }
};

class Shard;

class Connection {
public:
    explicit Connection(Shard& shard);

    bool busy() const { return busy_; }
    // Set-up, untimed: opens the connection before the load starts.
    void preconnect();
    // One request, due at `intended` (the actual send time in closed loops).
    void start(Clock::time_point intended, bool measured);
    // Watchdog: ends the request if its deadline has passed.
    void check_deadline(Clock::time_point now);
    void close();

private:
    void connect();
    void on_connected();
    void write();
    void read();
    void on_read(const error_code& ec, std::size_t n);
    void succeed();
    void drain_until_close();
    void fail(ErrorKind kind, std::string detail);
    bool idle_socket_usable();
    tcp::socket& lowest() { return tls_ ? tls_->next_layer() : socket_; }

    Shard& shard_;
    tcp::socket socket_;                           // plain http
    std::optional<ssl::stream<tcp::socket>> tls_;  // https: made anew for every connection
    bool open_ = false, busy_ = false, timed_out_ = false, measured_ = false, preconnecting_ = false;
    bool leftover_ = false;  // bytes after a response: never reuse such a connection
    Clock::time_point intended_, started_, deadline_, last_used_;
    std::shared_ptr<const std::string> out_;
    ResponseParser parser_;
    std::array<char, 16384> buf_;
};

class Shard {
public:
    Shard(const Plan& plan, const WireRequest& request, unsigned index, unsigned connections, std::uint64_t cap)
        : plan_(plan),
          spec_(*plan.spec),
          request_(request),
          cap_(cap),
          next_k_(index),
          watchdog_(ioc),
          dispatch_timer_(ioc) {
        for (unsigned i = 0; i < connections; ++i) conns_.push_back(std::make_unique<Connection>(*this));
    }

    net::io_context ioc{1};

    const Plan& plan() const { return plan_; }
    const LoadSpec& spec() const { return spec_; }
    WireRequest& request() { return request_; }

    // Phase 1: open the keep-alive connections (no-op for a new connection per request).
    void preconnect() {
        if (spec_.mode == LoadMode::closed_new_connection) return;
        preconnect_pending_ = static_cast<unsigned>(conns_.size());
        for (auto& c : conns_) c->preconnect();
        arm_watchdog();
        ioc.run();  // ends when every connection is open or has failed (within the timeout)
    }

    // Phase 2: the load itself, until the time or count bound and the drain are over.
    void run() {
        running_ = true;
        ioc.restart();
        const double cpu_start = thread_cpu_seconds();
        if (spec_.mode == LoadMode::open) {
            for (auto& c : conns_) idle_.push_back(c.get());
            net::post(ioc, [this] { dispatch(); });
        } else {
            for (auto& c : conns_) net::post(ioc, [this, conn = c.get()] { next_closed(*conn); });
        }
        arm_watchdog();
        ioc.run();
        result.client_cpu_seconds = thread_cpu_seconds() - cpu_start;
        for (int s = 0; s < kMaxStatus; ++s)
            if (status_counts_[s]) result.statuses[s] = status_counts_[s];
        if (spec_.mode != LoadMode::open) result.uncorrected = result.latency;
    }

    // From connections.
    void on_preconnected() {
        if (--preconnect_pending_ == 0) watchdog_.cancel();
    }
    void on_connection_opened() { ++result.connections_opened; }
    // A complete response; the connection reports request_done() once it is ready for more.
    void record_response(int status, Clock::time_point intended, Clock::time_point started, Clock::time_point done,
                         bool measured) {
        if (done >= plan_.window_start && done <= plan_.end) ++result.completed_in_window;
        if (measured) {
            last_measured_done_ = std::max(last_measured_done_, done);
            ++status_counts_[std::clamp(status, 0, kMaxStatus - 1)];
            ++responses_;
            const auto& ok = spec_.expected_statuses;
            if (ok.empty() || std::find(ok.begin(), ok.end(), status) != ok.end()) {
                result.latency.record(to_us(done - intended));
                if (spec_.mode == LoadMode::open) result.uncorrected.record(to_us(done - started));
            } else {
                std::string expected;
                for (int s : ok) expected += (expected.empty() ? "" : ", ") + std::to_string(s);
                count_error(ErrorKind::status, "unexpected status " + std::to_string(status) + " (expected " + expected + ")");
            }
        }
    }
    void on_error(ErrorKind kind, std::string detail, Connection& conn, bool measured) {
        if (measured) {
            last_measured_done_ = std::max(last_measured_done_, Clock::now());
            count_error(kind, std::move(detail));
        }
        request_done(conn);
    }

    // The connection is free: its next request (closed loops) or back to the pool (open).
    void request_done(Connection& c) {
        --busy_;
        if (spec_.mode == LoadMode::open) {
            idle_.push_back(&c);
            if (!stopping_) dispatch();
        } else {
            next_closed(c);
        }
        if (stopping_ && busy_ == 0) finish();
    }

    bool cap_reached() const { return cap_reached_; }
    Clock::time_point last_measured_done() const { return last_measured_done_; }

    LoadResult result;
    std::atomic<std::uint64_t> progress_responses{0}, progress_errors{0};

private:
    void count_error(ErrorKind kind, std::string detail) {
        auto k = static_cast<std::size_t>(kind);
        ++result.errors[k];
        ++errors_;
        if (result.error_examples[k].empty()) result.error_examples[k] = std::move(detail);
    }

    void begin(Connection& c, Clock::time_point intended, bool measured) {
        ++busy_;
        if (measured) ++result.sent;
        c.start(intended, measured);
    }

    // Closed loops: the connection's next request, unless a bound has been reached.
    void next_closed(Connection& c) {
        if (stopping_) return;
        const auto now = Clock::now();
        if (now >= plan_.end) return stop();
        const bool measured = now >= plan_.window_start;
        if (measured && cap_ && measured_started_ >= cap_) {
            cap_reached_ = true;
            return stop();
        }
        if (measured) ++measured_started_;
        begin(c, now, measured);
    }

    // Open loop: sends every request that is due, as long as a connection is free; what is due
    // while all are busy waits (and its corrected latency grows) until one frees up.
    void dispatch() {
        if (stopping_) return;
        const auto now = Clock::now();
        if (now >= plan_.end) {
            // Due within the window but never sent: the target or this client fell behind.
            for (std::uint64_t k = next_k_; k < plan_.k_end && plan_.intended(k) < plan_.end; k += spec_.threads)
                ++result.backlog_at_end;
            return stop();
        }
        while (next_k_ < plan_.k_end && plan_.intended(next_k_) <= now) {
            if (idle_.empty()) return;  // request_done() resumes here
            Connection* c = idle_.back();
            idle_.pop_back();
            const bool measured = next_k_ >= plan_.k_first;
            begin(*c, plan_.intended(next_k_), measured);
            next_k_ += spec_.threads;
        }
        if (next_k_ >= plan_.k_end) {
            cap_reached_ = plan_.capped;
            return stop();
        }
        if (timer_armed_) return;
        timer_armed_ = true;
        dispatch_timer_.expires_at(plan_.intended(next_k_));
        dispatch_timer_.async_wait([this](const error_code& ec) {
            timer_armed_ = false;
            if (!ec) dispatch();
        });
    }

    void stop() {
        if (stopping_) return;
        stopping_ = true;
        dispatch_timer_.cancel();
        if (busy_ == 0) finish();
    }

    void finish() {
        if (finished_) return;
        finished_ = true;
        watchdog_.cancel();
        dispatch_timer_.cancel();
        for (auto& c : conns_) c->close();
        publish_progress();
    }

    void publish_progress() {
        progress_responses.store(responses_, std::memory_order_relaxed);
        progress_errors.store(errors_, std::memory_order_relaxed);
    }

    void arm_watchdog() {
        watchdog_.expires_after(plan_.tick);
        watchdog_.async_wait([this](const error_code& ec) {
            if (ec) return;  // cancelled: the phase is over
            const auto now = Clock::now();
            for (auto& c : conns_) c->check_deadline(now);
            publish_progress();
            if (preconnect_pending_ == 0 && !running_) return;  // phase 1 is over
            // A stalled target may keep every connection busy past the end: stop dispatching.
            if (spec_.mode == LoadMode::open && !stopping_ && now >= plan_.end) dispatch();
            if (!finished_) arm_watchdog();
        });
    }

    const Plan& plan_;
    const LoadSpec& spec_;
    WireRequest request_;
    std::uint64_t cap_;
    std::uint64_t next_k_;
    net::steady_timer watchdog_, dispatch_timer_;
    std::vector<std::unique_ptr<Connection>> conns_;
    std::vector<Connection*> idle_;
    std::array<std::uint64_t, kMaxStatus> status_counts_{};
    unsigned preconnect_pending_ = 0;
    unsigned busy_ = 0;
    bool running_ = false, stopping_ = false, finished_ = false, timer_armed_ = false, cap_reached_ = false;
    std::uint64_t measured_started_ = 0, responses_ = 0, errors_ = 0;
    Clock::time_point last_measured_done_{};
};

Connection::Connection(Shard& shard) : shard_(shard), socket_(shard.ioc) {}

void Connection::preconnect() {
    preconnecting_ = busy_ = true;
    timed_out_ = false;
    deadline_ = Clock::now() + shard_.spec().timeout;
    connect();
}

void Connection::start(Clock::time_point intended, bool measured) {
    busy_ = true;
    timed_out_ = false;
    measured_ = measured;
    intended_ = intended;
    started_ = Clock::now();
    deadline_ = started_ + shard_.spec().timeout;
    out_ = shard_.request().bytes(std::time(nullptr));
    parser_.reset();
    if (open_ && started_ - last_used_ > kIdleCheckAfter && !idle_socket_usable()) close();
    if (open_) return write();
    // A fresh handler, so that a TLS stream is never replaced inside its own completion handler.
    net::post(shard_.ioc, [this] { connect(); });
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
    const Plan& plan = shard_.plan();
    if (plan.tls) {
        tls_.emplace(shard_.ioc, *plan.tls);
        std::string error;
        if (!prepare_tls_connection(tls_->native_handle(), plan.target->url.host, plan.target->verify_tls, &error))
            return fail(ErrorKind::connect, "tls setup: " + error);
    }
    net::async_connect(lowest(), plan.endpoints, [this](const error_code& ec, const tcp::endpoint&) {
        if (timed_out_)
            return fail(ErrorKind::timeout, "connect " + shard_.plan().authority + ": timed out after " +
                                                std::to_string(shard_.spec().timeout.count()) + " ms");
        if (ec) return fail(ErrorKind::connect, "connect " + shard_.plan().authority + ": " + ec.message());
        error_code ignored;
        lowest().set_option(tcp::no_delay(true), ignored);  // whole requests, then a wait: Nagle only delays
        shard_.on_connection_opened();
        if (!tls_) return on_connected();
        tls_->async_handshake(ssl::stream_base::client, [this](const error_code& hec) {
            if (timed_out_)
                return fail(ErrorKind::timeout, "tls handshake " + shard_.plan().authority + ": timed out after " +
                                                    std::to_string(shard_.spec().timeout.count()) + " ms");
            if (hec) {
                std::string why = shard_.plan().target->verify_tls ? tls_verify_failure(tls_->native_handle()) : "";
                return fail(ErrorKind::connect, "tls handshake " + shard_.plan().authority + ": " + hec.message() +
                                                    (why.empty() ? "" : ": " + why));
            }
            on_connected();
        });
    });
}

void Connection::on_connected() {
    open_ = true;
    leftover_ = false;
    if (preconnecting_) {
        preconnecting_ = busy_ = false;
        last_used_ = Clock::now();
        shard_.on_preconnected();
        return;
    }
    write();
}

void Connection::write() {
    auto done = [this](const error_code& ec, std::size_t) {
        if (timed_out_)
            return fail(ErrorKind::timeout,
                        "write: timed out after " + std::to_string(shard_.spec().timeout.count()) + " ms");
        if (ec) return fail(ErrorKind::read, "write " + shard_.plan().authority + ": " + ec.message());
        read();
    };
    if (tls_) net::async_write(*tls_, net::buffer(*out_), done);
    else net::async_write(socket_, net::buffer(*out_), done);
}

void Connection::read() {
    auto done = [this](const error_code& ec, std::size_t n) { on_read(ec, n); };
    if (tls_) tls_->async_read_some(net::buffer(buf_), done);
    else socket_.async_read_some(net::buffer(buf_), done);
}

void Connection::on_read(const error_code& ec, std::size_t n) {
    if (timed_out_)
        return fail(ErrorKind::timeout, "read: no complete response within " +
                                            std::to_string(shard_.spec().timeout.count()) + " ms");
    if (ec == net::error::eof || ec == ssl::error::stream_truncated) {
        // The peer closed: complete only when the body was delimited by the close.
        const bool started = parser_.started();
        if (parser_.finish_eof() == ResponseParser::Result::done) {
            open_ = false;
            return succeed();
        }
        return fail(ErrorKind::read, std::string("read ") + shard_.plan().authority + ": connection closed " +
                                         (started ? "mid-response" : "before any response"));
    }
    if (ec) return fail(ErrorKind::read, "read " + shard_.plan().authority + ": " + ec.message());
    std::size_t consumed = 0;
    switch (parser_.feed(buf_.data(), n, &consumed)) {
        case ResponseParser::Result::need_more: return read();
        case ResponseParser::Result::error:
            return fail(ErrorKind::read, "read " + shard_.plan().authority + ": " + parser_.error());
        case ResponseParser::Result::done:
            leftover_ = consumed < n;
            return succeed();
    }
}

void Connection::succeed() {
    const auto done = Clock::now();
    last_used_ = done;
    shard_.record_response(parser_.status(), intended_, started_, done, measured_);
    if (open_ && !leftover_ && (!parser_.keep_alive() || shard_.spec().mode == LoadMode::closed_new_connection))
        return drain_until_close();
    if (!parser_.keep_alive() || leftover_) close();
    busy_ = false;
    shard_.request_done(*this);
}

// After a response that ends the connection (we sent `Connection: close`, or the server said
// so), wait briefly for the server's FIN before closing: the side that closes first keeps the
// TIME_WAIT, and on the client that would be an ephemeral port per request, which a long
// new-connection-per-request run can exhaust. Not timed: the response was already recorded.
void Connection::drain_until_close() {
    constexpr auto kDrainLimit = std::chrono::milliseconds(100);
    deadline_ = std::min(deadline_, Clock::now() + kDrainLimit);
    auto done = [this](const error_code& ec, std::size_t) {
        if (!ec && !timed_out_) return drain_until_close();  // bytes after the response: ignored
        close();
        busy_ = false;
        shard_.request_done(*this);
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
        shard_.on_preconnected();
        return;
    }
    shard_.on_error(kind, std::move(detail), *this, measured_);
}

// Releases the shards together once every one has opened its connections, so that set-up
// time is outside the measurement and the open-loop schedule has one t0 for all.
class StartGate {
public:
    void arrive() {
        std::lock_guard<std::mutex> lock(m_);
        ++arrived_;
        cv_.notify_all();
    }
    void wait_all(unsigned n) {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return arrived_ >= n; });
    }
    void open() {
        std::lock_guard<std::mutex> lock(m_);
        open_ = true;
        cv_.notify_all();
    }
    void wait_open() {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return open_; });
    }
    // Waits up to `d` for `n` finished shards; true when they are.
    bool wait_done(unsigned n, std::chrono::milliseconds d) {
        std::unique_lock<std::mutex> lock(m_);
        return cv_.wait_for(lock, d, [&] { return done_ >= n; });
    }
    void done() {
        std::lock_guard<std::mutex> lock(m_);
        ++done_;
        cv_.notify_all();
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    unsigned arrived_ = 0, done_ = 0;
    bool open_ = false;
};

}  // namespace

LoadResult run_load(const LoadTarget& target, const WireRequest& request, const LoadSpec& spec_in,
                    const std::function<void(const LoadProgress&)>& progress) {
    LoadSpec spec = spec_in;
    spec.connections = std::max(1u, spec.connections);
    spec.threads = std::clamp(spec.threads, 1u, spec.connections);
    LoadResult out;

    Plan plan;
    plan.target = &target;
    plan.spec = &spec;
    plan.authority = host_and_port(target.url.host, target.url.port);
    // The watchdog's resolution: fine enough for the deadline, rare enough to cost nothing.
    plan.tick = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(spec.timeout / 10),
                           std::chrono::milliseconds(1), std::chrono::milliseconds(20));
    {
        net::io_context ioc;
        tcp::resolver resolver(ioc);
        error_code ec;
        plan.endpoints = resolver.resolve(target.url.host, std::to_string(target.url.port), ec);
        if (ec) {
            out.setup_error = "resolve " + plan.authority + ": " + ec.message();
            return out;
        }
    }
    std::optional<ssl::context> tls;
    if (target.url.tls) {
        std::string error;
        SSL_CTX* native = make_client_tls_context(target.verify_tls, target.ca_file, &error);
        if (!native) {
            out.setup_error = "tls setup: " + error;
            return out;
        }
        tls.emplace(native);
        plan.tls = &*tls;
    }

    // The connections, the count cap and (open loop) the schedule's residues split over shards.
    std::vector<std::unique_ptr<Shard>> shards;
    for (unsigned i = 0; i < spec.threads; ++i) {
        unsigned conns = spec.connections / spec.threads + (i < spec.connections % spec.threads ? 1 : 0);
        std::uint64_t cap = spec.max_requests == 0 ? 0
                                                   : spec.max_requests / spec.threads +
                                                         (i < spec.max_requests % spec.threads ? 1 : 0);
        if (spec.max_requests > 0 && cap == 0) cap = 1;  // never "unbounded" by rounding
        shards.push_back(std::make_unique<Shard>(plan, request, i, conns, cap));
    }

    StartGate gate;
    std::vector<std::thread> threads;
    for (auto& s : shards) {
        threads.emplace_back([&gate, shard = s.get(), open = spec.mode == LoadMode::open] {
            // Linux delays timer wake-ups by up to 50 us by default: too coarse for a schedule.
            if (open) prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
            shard->preconnect();
            gate.arrive();
            gate.wait_open();
            shard->run();
            gate.done();
        });
    }
    gate.wait_all(spec.threads);

    plan.t0 = Clock::now();
    plan.window_start = plan.t0 + spec.warmup;
    plan.end = plan.window_start + spec.duration;
    if (spec.mode == LoadMode::open) {
        const double rate = spec.rate > 0 ? spec.rate : 1.0;
        plan.interval_ns = 1e9 / rate;
        const auto secs = [](std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); };
        // k is measured when t0 + k/rate falls in [window_start, end).
        plan.k_first = static_cast<std::uint64_t>(std::ceil(secs(spec.warmup) * rate - 1e-9));
        plan.k_end = static_cast<std::uint64_t>(std::ceil(secs(spec.warmup + spec.duration) * rate - 1e-9));
        if (spec.max_requests > 0 && plan.k_first + spec.max_requests < plan.k_end) {
            plan.k_end = plan.k_first + spec.max_requests;
            plan.capped = true;
        }
    }
    gate.open();

    while (!gate.wait_done(spec.threads, std::chrono::milliseconds(1000))) {
        if (!progress) continue;
        LoadProgress p;
        p.elapsed_seconds = std::chrono::duration<double>(Clock::now() - plan.t0).count();
        p.warming_up = Clock::now() < plan.window_start;
        for (auto& s : shards) {
            p.responses += s->progress_responses.load(std::memory_order_relaxed);
            p.errors += s->progress_errors.load(std::memory_order_relaxed);
        }
        progress(p);
    }
    for (auto& t : threads) t.join();

    // Merge. The window is the duration, unless the count bound ended every shard first.
    bool all_capped = true;
    Clock::time_point last_done{};
    for (auto& s : shards) {
        auto& r = s->result;
        out.latency.merge(r.latency);
        out.uncorrected.merge(r.uncorrected);
        for (std::size_t k = 0; k < kErrorKinds; ++k) {
            out.errors[k] += r.errors[k];
            if (out.error_examples[k].empty()) out.error_examples[k] = r.error_examples[k];
        }
        for (auto [status, n] : r.statuses) out.statuses[status] += n;
        out.sent += r.sent;
        out.backlog_at_end += r.backlog_at_end;
        out.completed_in_window += r.completed_in_window;
        out.connections_opened += r.connections_opened;
        out.client_cpu_seconds += r.client_cpu_seconds;
        all_capped = all_capped && s->cap_reached();
        last_done = std::max(last_done, s->last_measured_done());
    }
    const auto window_end = all_capped && spec.max_requests > 0 ? std::min(last_done, plan.end) : plan.end;
    out.window_seconds = std::max(0.0, std::chrono::duration<double>(window_end - plan.window_start).count());
    out.requests_per_second =
        out.window_seconds > 0 ? static_cast<double>(out.completed_in_window) / out.window_seconds : 0.0;
    return out;
}

}  // namespace kms::bench
