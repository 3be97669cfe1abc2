// The run plan on its own, no server: how connections, the request cap and the open-loop
// schedule are divided over shards, and how the shards' results merge into one window.
#include "harness/bench/engine/run_plan.hpp"

#include <gtest/gtest.h>

namespace kms::bench {
namespace {

using namespace std::chrono_literals;

LoadSpec spec_of(unsigned connections, unsigned threads, std::uint64_t max_requests = 0) {
    LoadSpec s;
    s.connections = connections;
    s.threads = threads;
    s.max_requests = max_requests;
    return s;
}

TEST(RunPlan, ConnectionsAndCapSplitEvenlyTheFirstShardsTakingTheRemainder) {
    const RunPlan p = plan_run(spec_of(10, 3, 10));
    ASSERT_EQ(p.shards.size(), 3u);
    EXPECT_EQ(p.shards[0].connections, 4u);
    EXPECT_EQ(p.shards[1].connections, 3u);
    EXPECT_EQ(p.shards[2].connections, 3u);
    EXPECT_EQ(p.shards[0].cap, 4u);
    EXPECT_EQ(p.shards[1].cap, 3u);
    EXPECT_EQ(p.shards[2].cap, 3u);
    for (unsigned i = 0; i < 3; ++i) {
        EXPECT_EQ(p.shards[i].index, i) << "shard i sends open-loop requests i, i+3, ...";
        EXPECT_EQ(p.shards[i].stride, 3u);
    }
}

TEST(RunPlan, ASmallCapNeverRoundsToUnbounded) {
    const RunPlan p = plan_run(spec_of(4, 4, 2));
    ASSERT_EQ(p.shards.size(), 4u);
    for (const auto& s : p.shards) EXPECT_EQ(s.cap, 1u);
    for (const auto& s : plan_run(spec_of(4, 4, 0)).shards) EXPECT_EQ(s.cap, 0u) << "no cap stays no cap";
}

TEST(RunPlan, ThreadsAreClampedToTheConnections) {
    EXPECT_EQ(plan_run(spec_of(2, 5)).shards.size(), 2u);
    EXPECT_EQ(plan_run(spec_of(0, 0)).spec.connections, 1u);
    EXPECT_EQ(plan_run(spec_of(0, 0)).shards.size(), 1u);
    EXPECT_EQ(plan_run(spec_of(0, 0)).shards[0].connections, 1u);
}

TEST(RunPlan, WatchdogTickIsATenthOfTheTimeoutWithin1To20Ms) {
    LoadSpec s;
    s.timeout = 10000ms;
    EXPECT_EQ(plan_run(s).tick, 20ms);
    s.timeout = 50ms;
    EXPECT_EQ(plan_run(s).tick, 5ms);
    s.timeout = 3ms;
    EXPECT_EQ(plan_run(s).tick, 1ms);
}

LoadSpec open_spec(double rate, std::chrono::milliseconds warmup, std::chrono::milliseconds duration,
                   std::uint64_t max_requests = 0) {
    LoadSpec s;
    s.mode = LoadMode::open;
    s.rate = rate;
    s.warmup = warmup;
    s.duration = duration;
    s.max_requests = max_requests;
    return s;
}

TEST(RunPlan, OpenScheduleMeasuresTheRequestsDueInTheWindow) {
    RunPlan p = plan_run(open_spec(100, 500ms, 1000ms));
    const auto t0 = Clock::now();
    start_schedule(p, t0);
    const Schedule& s = p.schedule;
    EXPECT_EQ(s.window_start, t0 + 500ms);
    EXPECT_EQ(s.end, t0 + 1500ms);
    EXPECT_EQ(s.k_first, 50u) << "due at 500 ms: the first measured";
    EXPECT_EQ(s.k_end, 150u) << "due at 1500 ms: already outside";
    EXPECT_FALSE(s.capped);
    EXPECT_EQ(s.intended(3), t0 + 30ms);
}

// Segment 2 of 4 of a 400/s run (--segment): 100/s, its first request due one whole-run interval
// (2.5 ms) after t0, every fourth of the whole schedule's after that.
TEST(RunPlan, ASegmentsScheduleIsItsShareOfTheWholeRunsInterleaved) {
    LoadSpec spec = open_spec(100, 500ms, 1000ms);
    spec.schedule_offset = std::chrono::microseconds(2500);
    RunPlan p = plan_run(spec);
    const auto t0 = Clock::now();
    start_schedule(p, t0);
    const Schedule& s = p.schedule;
    EXPECT_EQ(s.intended(0), t0 + std::chrono::microseconds(2500));
    EXPECT_EQ(s.intended(3), t0 + std::chrono::microseconds(32500));
    EXPECT_EQ(s.k_first, 50u) << "due at 502.5 ms: the first in the window";
    EXPECT_EQ(s.k_end, 150u) << "due at 1502.5 ms: outside";
    spec.schedule_offset = std::chrono::microseconds(12500);  // more than one of its own intervals
    RunPlan later = plan_run(spec);
    start_schedule(later, t0);
    EXPECT_EQ(later.schedule.k_first, 49u) << "due at 502.5 ms";
}

// --segment: the N shares of a whole open loop, each on its own schedule from one t0, send
// between them the whole schedule's measured requests, each once, at its time.
TEST(RunPlan, SegmentSharesInterleaveIntoTheWholeSchedule) {
    LoadSpec whole = open_spec(900, 500ms, 1000ms);
    whole.connections = 4;
    const auto t0 = Clock::now();
    const auto due = [&](const LoadSpec& spec) {
        RunPlan p = plan_run(spec);
        start_schedule(p, t0);
        std::vector<Clock::time_point> out;
        for (std::uint64_t k = p.schedule.k_first; k < p.schedule.k_end; ++k) out.push_back(p.schedule.intended(k));
        return out;
    };
    const auto expected = due(whole);
    std::vector<Clock::time_point> merged;
    unsigned connections = 0;
    for (std::uint32_t k = 1; k <= 3; ++k) {
        const LoadSpec share = segment_share(whole, *ExecutionSegment::of(k, 3));
        EXPECT_EQ(share.rate, 300);
        connections += share.connections;
        for (auto at : due(share)) merged.push_back(at);
    }
    EXPECT_EQ(connections, 4u);
    std::sort(merged.begin(), merged.end());
    ASSERT_EQ(merged.size(), expected.size());
    for (std::size_t i = 0; i < merged.size(); ++i)
        ASSERT_LE(std::chrono::abs(merged[i] - expected[i]), std::chrono::nanoseconds(1)) << "request " << i;
    EXPECT_EQ(segment_share(whole, ExecutionSegment()).schedule_offset, std::chrono::nanoseconds(0));
}

TEST(RunPlan, OpenScheduleEndsAtTheCapWhenItComesFirst) {
    RunPlan p = plan_run(open_spec(100, 500ms, 1000ms, 20));
    start_schedule(p, Clock::now());
    EXPECT_EQ(p.schedule.k_end, 70u);
    EXPECT_TRUE(p.schedule.capped);

    RunPlan loose = plan_run(open_spec(100, 500ms, 1000ms, 200));
    start_schedule(loose, Clock::now());
    EXPECT_EQ(loose.schedule.k_end, 150u) << "a cap above what the duration allows changes nothing";
    EXPECT_FALSE(loose.schedule.capped);
}

TEST(RunPlan, ClosedLoopsHaveAWindowButNoSchedule) {
    LoadSpec spec;
    spec.warmup = 1s;
    spec.duration = 2s;
    RunPlan p = plan_run(spec);
    const auto t0 = Clock::now();
    start_schedule(p, t0);
    EXPECT_EQ(p.schedule.end, t0 + 3s);
    EXPECT_EQ(p.schedule.k_end, 0u);
    EXPECT_EQ(p.schedule.interval_ns, 0.0);
}

ShardOutcome outcome(std::uint64_t completed, bool cap_reached, Clock::time_point last_done) {
    ShardOutcome o;
    o.result.completed_in_window = completed;
    o.result.sent = completed;
    o.result.latency.record(100);
    o.result.statuses[200] = completed;
    o.cap_reached = cap_reached;
    o.last_measured_done = last_done;
    return o;
}

TEST(RunPlan, MergeSumsTheShardsAndKeepsTheFirstErrorExample) {
    RunPlan p = plan_run(spec_of(2, 2));
    start_schedule(p, Clock::now());
    std::vector<ShardOutcome> shards{outcome(10, false, {}), outcome(30, false, {})};
    shards[0].result.errors[1] = 2;
    shards[1].result.errors[1] = 1;
    shards[1].result.error_examples[1] = "second";
    shards[0].result.connections_opened = 1;
    shards[1].result.connections_opened = 1;
    const LoadResult r = merge_outcomes(p, shards);
    EXPECT_EQ(r.sent, 40u);
    EXPECT_EQ(r.latency.count(), 2u);
    EXPECT_EQ(r.statuses.at(200), 40u);
    EXPECT_EQ(r.errors[1], 3u);
    EXPECT_EQ(r.error_examples[1], "second") << "the first non-empty example";
    EXPECT_EQ(r.connections_opened, 2u);
}

TEST(RunPlan, WindowIsTheDurationUnlessTheCapEndedEveryShard) {
    LoadSpec spec = spec_of(2, 2, 100);
    spec.warmup = 0ms;
    spec.duration = 2s;
    RunPlan p = plan_run(spec);
    const auto t0 = Clock::now();
    start_schedule(p, t0);

    const LoadResult both = merge_outcomes(p, {outcome(50, true, t0 + 400ms), outcome(50, true, t0 + 500ms)});
    EXPECT_NEAR(both.window_seconds, 0.5, 1e-9) << "up to the last measured response";
    EXPECT_NEAR(both.requests_per_second, 200.0, 1e-6);

    const LoadResult one = merge_outcomes(p, {outcome(50, true, t0 + 400ms), outcome(20, false, t0 + 2s)});
    EXPECT_NEAR(one.window_seconds, 2.0, 1e-9) << "a shard ran to the end: the whole duration";
    EXPECT_NEAR(one.requests_per_second, 35.0, 1e-6);

    const LoadResult late = merge_outcomes(p, {outcome(50, true, t0 + 3s), outcome(50, true, t0 + 1s)});
    EXPECT_NEAR(late.window_seconds, 2.0, 1e-9) << "never past the end";
}

}  // namespace
}  // namespace kms::bench
