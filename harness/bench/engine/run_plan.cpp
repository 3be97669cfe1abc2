#include "harness/bench/engine/run_plan.hpp"

#include <algorithm>
#include <cmath>

namespace kms::bench {

Clock::time_point Schedule::intended(std::uint64_t k) const {
    return t0 + offset + std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(static_cast<double>(k) * interval_ns)));
}

RunPlan plan_run(const LoadSpec& spec_in) {
    RunPlan plan;
    LoadSpec& spec = plan.spec;
    spec = spec_in;
    spec.connections = std::max(1u, spec.connections);
    spec.threads = std::clamp(spec.threads, 1u, spec.connections);
    // The watchdog's resolution: fine enough for the deadline, rare enough to cost nothing.
    plan.tick = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(spec.timeout / 10),
                           std::chrono::milliseconds(1), std::chrono::milliseconds(20));
    for (unsigned i = 0; i < spec.threads; ++i) {
        ShardShare share;
        share.index = i;
        share.stride = spec.threads;
        share.connections = spec.connections / spec.threads + (i < spec.connections % spec.threads ? 1 : 0);
        if (spec.max_requests > 0) {
            share.cap = spec.max_requests / spec.threads + (i < spec.max_requests % spec.threads ? 1 : 0);
            share.cap = std::max<std::uint64_t>(share.cap, 1);
        }
        plan.shards.push_back(share);
    }
    return plan;
}

LoadSpec segment_share(const LoadSpec& whole, const ExecutionSegment& segment) {
    LoadSpec spec = whole;
    if (segment.n() == 1) return spec;
    spec.connections = static_cast<unsigned>(segment.scale(whole.connections));
    spec.threads = std::min(spec.threads, spec.connections);
    if (whole.max_requests > 0) spec.max_requests = segment.scale(whole.max_requests);
    if (whole.mode == LoadMode::open) {
        spec.rate = segment.scale_rate(whole.rate);
        spec.schedule_offset = std::chrono::nanoseconds(
            std::llround(static_cast<double>(segment.request_index(0)) * 1e9 / whole.rate));
    }
    return spec;
}

void start_schedule(RunPlan& plan, Clock::time_point t0) {
    const LoadSpec& spec = plan.spec;
    Schedule& s = plan.schedule;
    s.t0 = t0;
    s.window_start = t0 + spec.warmup;
    s.end = s.window_start + spec.duration;
    if (spec.mode != LoadMode::open) return;
    const double rate = spec.rate > 0 ? spec.rate : 1.0;
    s.interval_ns = 1e9 / rate;
    s.offset = spec.schedule_offset;
    const auto secs = [](std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); };
    // k is measured when t0 + offset + k/rate falls in [window_start, end).
    const auto first_k = [&](std::chrono::nanoseconds at) {
        return static_cast<std::uint64_t>(std::max(0.0, std::ceil(secs(at - s.offset) * rate - 1e-9)));
    };
    s.k_first = first_k(spec.warmup);
    s.k_end = first_k(spec.warmup + spec.duration);
    if (spec.max_requests > 0 && s.k_first + spec.max_requests < s.k_end) {
        s.k_end = s.k_first + spec.max_requests;
        s.capped = true;
    }
}

LoadResult merge_outcomes(const RunPlan& plan, const std::vector<ShardOutcome>& outcomes) {
    LoadResult out;
    bool all_capped = true;
    Clock::time_point last_done{};
    for (const auto& o : outcomes) {
        out.add(o.result);
        all_capped = all_capped && o.cap_reached;
        last_done = std::max(last_done, o.last_measured_done);
    }
    const Schedule& s = plan.schedule;
    const auto window_end =
        all_capped ? std::min(last_done, s.end) : s.end;
    out.window_seconds = std::max(0.0, std::chrono::duration<double>(window_end - s.window_start).count());
    out.requests_per_second =
        out.window_seconds > 0 ? static_cast<double>(out.completed_in_window) / out.window_seconds : 0.0;
    return out;
}

}  // namespace kms::bench
