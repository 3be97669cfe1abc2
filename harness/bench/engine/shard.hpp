// One shard: an event-loop thread's worth of the load. It owns its connections and its part of
// the schedule, sends (closed loop: a connection's next request when its response is in; open
// loop: every request when it is due), counts responses and errors into its own LoadResult,
// enforces the per-request deadlines and publishes progress. Nothing is shared with the other
// shards while loading, so there are no locks on the hot path; the run merges the results at
// the end, as wrk merges its threads'. Plain C++ here: the Asio side is in shard.cpp.
#pragma once

#include "harness/bench/engine/peer.hpp"
#include "harness/bench/engine/run_plan.hpp"
#include "harness/bench/request_source.hpp"

#include <cstdint>
#include <memory>

namespace kms::bench {

struct ShardProgress {
    std::uint64_t responses = 0;  // measured, any status
    std::uint64_t errors = 0;     // measured
};

class Shard {
public:
    // `plan` outlives the shard; its schedule is read from run() on. The shard takes its own
    // feed of `source` here.
    Shard(const Peer& peer, const RunPlan& plan, const ShardShare& share, const RequestSource& source);
    ~Shard();
    Shard(const Shard&) = delete;
    Shard& operator=(const Shard&) = delete;

    // Phase 1, untimed: opens the keep-alive connections (nothing for a new connection per
    // request). Returns when every one is open or has failed, within the timeout.
    void preconnect();
    // Phase 2: the load itself, until the time or count bound and the drain are over.
    void run();

    // From any thread, about every watchdog tick while loading.
    ShardProgress progress() const;
    // After run().
    ShardOutcome outcome() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kms::bench
