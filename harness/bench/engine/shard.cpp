// Deadlines are enforced by one watchdog timer per shard that closes overdue sockets, instead
// of a timer per operation: re-arming a timer per request would add a timerfd system call to
// every request.
//
// Open loop: a timer wakes the thread tens of microseconds late (timer slack aside, the wake-up
// of an idle CPU and the scheduler), which would be charged to the target as latency. So the
// dispatch timer is set a margin early, the margin being about twice the wake-up lateness seen
// so far, and the rest is spun on the steady clock. Only while no request is in flight: a spin
// must not delay reading a response (that would inflate the latency it is meant to keep exact).
#include "harness/bench/engine/shard.hpp"

#include "harness/bench/engine/connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <ctime>
#include <vector>

namespace kms::bench {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

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

}  // namespace

class Shard::Impl final : public ConnectionEvents {
public:
    Impl(const Peer& peer, const RunPlan& plan, const ShardShare& share, const RequestSource& source)
        : plan_(plan),
          spec_(plan.spec),
          share_(share),
          feed_(source.feed()),
          next_k_(share.index),
          watchdog_(ioc_),
          dispatch_timer_(ioc_) {
        const ConnectionOptions options{spec_.timeout, spec_.mode == LoadMode::closed_new_connection,
                                        spec_.tls_resume};
        for (unsigned i = 0; i < share.connections; ++i)
            conns_.push_back(std::make_unique<Connection>(ioc_, peer, options, *this));
    }

    void preconnect() {
        if (spec_.mode == LoadMode::closed_new_connection) return;
        preconnect_pending_ = static_cast<unsigned>(conns_.size());
        for (auto& c : conns_) c->preconnect();
        arm_watchdog();
        ioc_.run();
    }

    void run() {
        running_ = true;
        ioc_.restart();
        const double cpu_start = thread_cpu_seconds();
        if (spec_.mode == LoadMode::open) {
            for (auto& c : conns_) idle_.push_back({c.get(), Clock::time_point{}});
            net::post(ioc_, [this] { dispatch(); });
        } else {
            for (auto& c : conns_) net::post(ioc_, [this, conn = c.get()] { next_closed(*conn); });
        }
        arm_watchdog();
        ioc_.run();
        result_.client_cpu_seconds = thread_cpu_seconds() - cpu_start;
        for (int s = 0; s < kMaxStatus; ++s)
            if (status_counts_[s]) result_.statuses[s] = status_counts_[s];
        if (spec_.mode != LoadMode::open) result_.uncorrected = result_.latency;
    }

    ShardProgress progress() const {
        return {progress_responses_.load(std::memory_order_relaxed), progress_errors_.load(std::memory_order_relaxed)};
    }
    ShardOutcome outcome() const { return {result_, cap_reached_, last_measured_done_}; }

    // ConnectionEvents.
    void connection_opened() override { ++result_.connections_opened; }
    void preconnect_over() override {
        if (--preconnect_pending_ == 0) watchdog_.cancel();
    }
    void response(const Exchange& x) override {
        const Schedule& s = plan_.schedule;
        if (x.done >= s.window_start && x.done <= s.end) ++result_.completed_in_window;
        if (!x.measured) return;
        last_measured_done_ = std::max(last_measured_done_, x.done);
        ++status_counts_[std::clamp(x.status, 0, kMaxStatus - 1)];
        ++responses_;
        const auto& ok = spec_.expected_statuses;
        if (ok.empty() || std::find(ok.begin(), ok.end(), x.status) != ok.end()) {
            result_.latency.record(to_us(x.done - x.intended));
            if (spec_.mode == LoadMode::open) result_.uncorrected.record(to_us(x.done - x.started));
            if (x.opened_connection) record_phases(x);
        } else {
            std::string expected;
            for (int st : ok) expected += (expected.empty() ? "" : ", ") + std::to_string(st);
            count_error(ErrorKind::status,
                        "unexpected status " + std::to_string(x.status) + " (expected " + expected + ")");
        }
    }
    void failure(ErrorKind kind, std::string detail, bool measured) override {
        if (!measured) return;
        last_measured_done_ = std::max(last_measured_done_, Clock::now());
        count_error(kind, std::move(detail));
    }
    // The connection is free: its next request (closed loops) or back to the pool (open).
    void ready(Connection& c) override {
        --busy_;
        if (spec_.mode == LoadMode::open) {
            idle_.push_back({&c, Clock::now()});
            if (!stopping_) dispatch();
        } else {
            next_closed(c);
        }
        if (stopping_ && busy_ == 0) finish();
    }

private:
    void record_phases(const Exchange& x) {
        result_.connect.record(to_us(x.connected - x.started));
        if (x.tls) {
            result_.tls_handshake.record(to_us(x.secured - x.connected));
            if (x.tls_resumed) ++result_.tls_resumed;
        }
        result_.request.record(to_us(x.done - x.request_sent));
    }

    void count_error(ErrorKind kind, std::string detail) {
        auto k = static_cast<std::size_t>(kind);
        ++result_.errors[k];
        ++errors_;
        if (result_.error_examples[k].empty()) result_.error_examples[k] = std::move(detail);
    }

    // The next request's bytes; nullptr when the source has none left, which ends this
    // shard's load as a count cap does (its window then ends with its last response).
    std::shared_ptr<const std::string> next_bytes() {
        auto bytes = feed_->next(std::time(nullptr));
        if (!bytes) {
            result_.source_exhausted = true;
            cap_reached_ = true;
            stop();
        }
        return bytes;
    }

    void begin(Connection& c, Clock::time_point intended, bool measured, std::shared_ptr<const std::string> bytes) {
        ++busy_;
        if (measured) ++result_.sent;
        c.start(intended, measured, std::move(bytes));
    }

    // Closed loops: the connection's next request, unless a bound has been reached.
    void next_closed(Connection& c) {
        if (stopping_) return;
        const Schedule& s = plan_.schedule;
        const auto now = Clock::now();
        if (now >= s.end) return stop();
        const bool measured = now >= s.window_start;
        if (measured && share_.cap && measured_started_ >= share_.cap) {
            cap_reached_ = true;
            return stop();
        }
        auto bytes = next_bytes();
        if (!bytes) return;
        if (measured) ++measured_started_;
        begin(c, now, measured, std::move(bytes));
    }

    // Open loop: sends every request that is due, as long as a connection is free; what is due
    // while all are busy waits (and its corrected latency grows) until one frees up.
    void dispatch() {
        if (stopping_) return;
        const Schedule& s = plan_.schedule;
        const auto now = Clock::now();
        if (now >= s.end) {
            // Due within the window but never sent: the target or this client fell behind.
            for (std::uint64_t k = next_k_; k < s.k_end && s.intended(k) < s.end; k += share_.stride)
                ++result_.backlog_at_end;
            return stop();
        }
        while (next_k_ < s.k_end && s.intended(next_k_) <= now) {
            if (idle_.empty()) return;  // ready() resumes here
            auto bytes = next_bytes();
            if (!bytes) return;
            const auto [c, idle_since] = idle_.back();
            idle_.pop_back();
            const auto intended = s.intended(next_k_);
            const bool measured = next_k_ >= s.k_first;
            if (measured) {
                if (idle_since <= intended) result_.send_lag.record(to_us(Clock::now() - intended));
                else ++result_.queued_for_connection;
            }
            begin(*c, intended, measured, std::move(bytes));
            next_k_ += share_.stride;
        }
        if (next_k_ >= s.k_end) {
            cap_reached_ = s.capped;
            return stop();
        }
        if (timer_armed_) return;
        const auto due = s.intended(next_k_);
        arm_dispatch(due - spin_margin_, due);
    }

    // Wakes at `wake`, spins to `due` when nothing is in flight (else waits for it on the timer:
    // a spin then could hold up a response), then dispatches.
    void arm_dispatch(Clock::time_point wake, Clock::time_point due) {
        timer_armed_ = true;
        dispatch_timer_.expires_at(wake);
        dispatch_timer_.async_wait([this, wake, due](const error_code& ec) {
            timer_armed_ = false;
            if (ec) return;
            auto woke = Clock::now();
            learn_wake_lateness(woke - wake);
            if (woke < due && busy_ > 0) return arm_dispatch(due, due);
            while (woke < due) woke = Clock::now();
            dispatch();
        });
    }

    // The spin margin follows the timer's lateness: twice its moving average, within bounds.
    void learn_wake_lateness(Clock::duration late) {
        using std::chrono::nanoseconds;
        const double ns = static_cast<double>(std::chrono::duration_cast<nanoseconds>(late).count());
        wake_lateness_ns_ = 0.9 * wake_lateness_ns_ + 0.1 * std::max(0.0, ns);
        spin_margin_ = std::clamp(nanoseconds(static_cast<std::int64_t>(2 * wake_lateness_ns_)) + kMinSpin, kMinSpin, kMaxSpin);
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
        progress_responses_.store(responses_, std::memory_order_relaxed);
        progress_errors_.store(errors_, std::memory_order_relaxed);
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
            if (spec_.mode == LoadMode::open && !stopping_ && now >= plan_.schedule.end) dispatch();
            if (!finished_) arm_watchdog();
        });
    }

    // No locking: the shard's thread alone runs the context and starts every operation on it
    // (it is built and destroyed on the engine's thread, before its thread starts and after it
    // is joined); other threads only read the progress atomics. A locking context still took
    // about seven mutex pairs per request.
    net::io_context ioc_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE};
    const RunPlan& plan_;
    const LoadSpec& spec_;
    ShardShare share_;
    std::unique_ptr<RequestFeed> feed_;
    std::uint64_t next_k_;
    net::steady_timer watchdog_, dispatch_timer_;
    std::vector<std::unique_ptr<Connection>> conns_;
    std::vector<std::pair<Connection*, Clock::time_point>> idle_;  // and since when it is free
    // Open loop: how early the dispatch timer is set (see the top of the file).
    static constexpr std::chrono::nanoseconds kMinSpin{10'000}, kMaxSpin{200'000};
    double wake_lateness_ns_ = 25'000;
    std::chrono::nanoseconds spin_margin_{60'000};
    LoadResult result_;
    std::array<std::uint64_t, kMaxStatus> status_counts_{};
    unsigned preconnect_pending_ = 0;
    unsigned busy_ = 0;
    bool running_ = false, stopping_ = false, finished_ = false, timer_armed_ = false, cap_reached_ = false;
    std::uint64_t measured_started_ = 0, responses_ = 0, errors_ = 0;
    Clock::time_point last_measured_done_{};
    std::atomic<std::uint64_t> progress_responses_{0}, progress_errors_{0};
};

Shard::Shard(const Peer& peer, const RunPlan& plan, const ShardShare& share, const RequestSource& source)
    : impl_(std::make_unique<Impl>(peer, plan, share, source)) {}
Shard::~Shard() = default;
void Shard::preconnect() { impl_->preconnect(); }
void Shard::run() { impl_->run(); }
ShardProgress Shard::progress() const { return impl_->progress(); }
ShardOutcome Shard::outcome() const { return impl_->outcome(); }

}  // namespace kms::bench
