// The run plan: how a LoadSpec is divided over shards (one event-loop thread each), the
// open-loop schedule they share, and how their results are merged into one LoadResult. Plain
// C++ with no I/O, so that the arithmetic (who gets which connections, which requests count)
// can be tested without a server.
#pragma once

#include "harness/bench/engine/execution_segment.hpp"
#include "harness/bench/engine/load_engine.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

namespace kms::bench {

using Clock = std::chrono::steady_clock;

// One shard's part of the load.
struct ShardShare {
    unsigned index = 0;        // its first open-loop request; it sends every `stride`-th after it
    unsigned stride = 1;       // the number of shards
    unsigned connections = 0;  // at least 1
    std::uint64_t cap = 0;     // measured requests it may start; 0: no cap
};

// When requests are due and which of them count. Fixed once every shard has connected, so that
// set-up time is outside the measurement and all shards share one t0.
struct Schedule {
    Clock::time_point t0, window_start, end;  // window_start = t0 + warm-up, end = + duration
    // Open loop: request k is due at t0 + offset + k * interval; k in [k_first, k_end) is measured.
    double interval_ns = 0;
    std::chrono::nanoseconds offset{0};
    std::uint64_t k_first = 0, k_end = 0;
    bool capped = false;  // k_end comes from max_requests, not from the duration

    Clock::time_point intended(std::uint64_t k) const;
};

struct RunPlan {
    LoadSpec spec;                  // with connections >= 1 and threads in [1, connections]
    std::vector<ShardShare> shards;  // spec.threads of them
    std::chrono::milliseconds tick{10};  // the watchdog's period
    Schedule schedule;              // set by start_schedule(), read by the shards after that
};

// Divides `spec`: connections and the request cap as evenly as they go (the first shards get
// the remainder), never a cap of 0 from rounding (that would mean "unbounded").
RunPlan plan_run(const LoadSpec& spec);

// The K-th of N shares of `whole` (--segment): connections and the request cap split by
// ExecutionSegment::scale, the rate by scale_rate, and an open loop's first request due at the
// whole run's request_index(0) / rate, so that its requests are the whole schedule's K-1,
// K-1+N, ... The whole run itself (1/1) is returned as it is.
LoadSpec segment_share(const LoadSpec& whole, const ExecutionSegment& segment);

// Fixes the schedule from `t0`, the moment the shards are released.
void start_schedule(RunPlan& plan, Clock::time_point t0);

// What a shard hands back when it has finished.
struct ShardOutcome {
    LoadResult result;  // its own counts and histograms; window fields unset
    // The count cap, or the request source running dry, ended it (never the duration): the
    // only two ways a shard ends early, so merge_outcomes needs to ask no more than this.
    bool cap_reached = false;
    Clock::time_point last_measured_done{};
};

// Sums the shards' results. The window is the duration, unless the count cap (or the request
// source running dry) ended every shard first: then it ends with the last measured response.
LoadResult merge_outcomes(const RunPlan& plan, const std::vector<ShardOutcome>& outcomes);

}  // namespace kms::bench
