// run_load: plans the run, starts one thread per shard, releases them together, reports
// progress and merges their results. Plain C++: the Asio side is in shard.cpp and
// connection.cpp.
#include "harness/bench/engine/load_engine.hpp"

#include "harness/bench/engine/run_plan.hpp"
#include "harness/bench/engine/shard.hpp"
#include "harness/bench/engine/start_gate.hpp"

#include <sys/prctl.h>

#include <memory>
#include <thread>

namespace kms::bench {

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

void LoadResult::add(const LoadResult& r) {
    latency.merge(r.latency);
    uncorrected.merge(r.uncorrected);
    connect.merge(r.connect);
    tls_handshake.merge(r.tls_handshake);
    request.merge(r.request);
    tls_resumed += r.tls_resumed;
    send_lag.merge(r.send_lag);
    queued_for_connection += r.queued_for_connection;
    for (std::size_t k = 0; k < kErrorKinds; ++k) {
        errors[k] += r.errors[k];
        if (error_examples[k].empty()) error_examples[k] = r.error_examples[k];
    }
    for (auto [status, n] : r.statuses) statuses[status] += n;
    sent += r.sent;
    backlog_at_end += r.backlog_at_end;
    completed_in_window += r.completed_in_window;
    connections_opened += r.connections_opened;
    client_cpu_seconds += r.client_cpu_seconds;
    source_exhausted = source_exhausted || r.source_exhausted;
}

std::uint64_t LoadResult::error_total() const {
    std::uint64_t n = 0;
    for (auto e : errors) n += e;
    return n;
}

namespace {

LoadProgress progress_of(const RunPlan& plan, const std::vector<std::unique_ptr<Shard>>& shards) {
    const auto now = Clock::now();
    LoadProgress p;
    p.elapsed_seconds = std::chrono::duration<double>(now - plan.schedule.t0).count();
    p.warming_up = now < plan.schedule.window_start;
    for (const auto& s : shards) {
        const ShardProgress sp = s->progress();
        p.responses += sp.responses;
        p.errors += sp.errors;
    }
    return p;
}

// Runs every shard on a thread of its own: set-up, then, once all are connected, the load
// under one schedule; reports progress from this thread until they have finished.
void run_shards(RunPlan& plan, const std::vector<std::unique_ptr<Shard>>& shards,
                const std::function<void(const LoadProgress&)>& progress) {
    StartGate gate;
    std::vector<std::thread> threads;
    const auto count = static_cast<unsigned>(shards.size());
    for (auto& s : shards) {
        threads.emplace_back([&gate, shard = s.get(), open = plan.spec.mode == LoadMode::open] {
            // Linux delays timer wake-ups by up to 50 us by default: too coarse for a schedule.
            if (open) prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
            shard->preconnect();
            gate.arrive();
            gate.wait_open();
            shard->run();
            gate.done();
        });
    }
    gate.wait_all(count);
    if (plan.spec.start_at) {
        // Wall-clock time, for processes on other machines; waited out on the steady clock.
        const auto left = *plan.spec.start_at - std::chrono::system_clock::now();
        if (left > left.zero()) std::this_thread::sleep_for(left);
    }
    start_schedule(plan, Clock::now());
    gate.open();
    while (!gate.wait_done(count, std::chrono::milliseconds(1000)))
        if (progress) progress(progress_of(plan, shards));
    for (auto& t : threads) t.join();
}

}  // namespace

LoadResult run_load(const LoadTarget& target, const RequestSource& source, const LoadSpec& spec,
                    const std::function<void(const LoadProgress&)>& progress) {
    RunPlan plan = plan_run(spec);
    std::string error;
    PeerPtr peer = resolve_peer(target, &error);
    if (!peer) {
        LoadResult out;
        out.setup_error = error;
        return out;
    }
    std::vector<std::unique_ptr<Shard>> shards;
    for (const ShardShare& share : plan.shards) shards.push_back(std::make_unique<Shard>(*peer, plan, share, source));
    run_shards(plan, shards, progress);

    std::vector<ShardOutcome> outcomes;
    for (const auto& s : shards) outcomes.push_back(s->outcome());
    return merge_outcomes(plan, outcomes);
}

}  // namespace kms::bench
