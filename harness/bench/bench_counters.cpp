#include "harness/bench/bench_counters.hpp"

#include "harness/bench/percentile_support.hpp"

#include <algorithm>
#include <cstdio>

namespace kms::bench {

namespace {

// bench.json's counter for pN: "p50_us", "p99_9_us" (a counter name holds no '.').
std::string counter_name(double percentile) {
    char name[24];
    std::snprintf(name, sizeof name, "p%g_us", percentile);
    std::string out = name;
    std::replace(out.begin(), out.end(), '.', '_');
    return out;
}

}  // namespace

std::map<std::string, double> bench_counters(const BenchRecord& r) {
    const LoadResult& res = r.result;
    std::map<std::string, double> c;
    c["requests"] = static_cast<double>(res.attempts());
    c["requests_per_second"] = res.requests_per_second;
    for (double p : kReportedPercentiles) {
        const std::string name = counter_name(p);
        c[name] = static_cast<double>(res.latency.percentile(p));
        // 0 when too few samples support it (percentile_support.hpp): it is then a max renamed.
        c[name + "_supported"] = percentile_supported(p, res.latency.count()) ? 1 : 0;
    }
    c["max_us"] = static_cast<double>(res.latency.max());
    c["mean_us"] = res.latency.mean();
    if (r.spec.mode == LoadMode::open) {
        for (double p : kReportedPercentiles) c["uncorrected_" + counter_name(p)] = static_cast<double>(res.uncorrected.percentile(p));
        c["uncorrected_max_us"] = static_cast<double>(res.uncorrected.max());
        c["target_rate"] = r.spec.rate;
        c["backlog_at_end"] = static_cast<double>(res.backlog_at_end);
        c["send_lag_p50_us"] = static_cast<double>(res.send_lag.percentile(50));
        c["send_lag_p99_us"] = static_cast<double>(res.send_lag.percentile(99));
        c["send_lag_max_us"] = static_cast<double>(res.send_lag.max());
        c["queued_for_connection"] = static_cast<double>(res.queued_for_connection);
        c["send_lag_warning"] = send_lag_warning(res).empty() ? 0 : 1;
    }
    // Responses by status ("status_200", "status_400"): how many of a benchmark's answers took
    // the path it meant to time (replicate_accepted's 200s) and how many did not.
    for (auto [status, n] : res.statuses) c["status_" + std::to_string(status)] = static_cast<double>(n);
    if (res.source_exhausted) c["pairs_exhausted"] = 1;
    c["errors"] = static_cast<double>(res.error_total());
    for (std::size_t k = 0; k < kErrorKinds; ++k)
        c[std::string("errors_") + to_string(static_cast<ErrorKind>(k))] = static_cast<double>(res.errors[k]);
    c["connections_opened"] = static_cast<double>(res.connections_opened);
    // The phases of the requests that opened a connection (curl's time_connect and
    // time_appconnect, apart): present when there were any.
    const std::pair<const char*, const LatencyHistogram*> phases[] = {
        {"connect", &res.connect}, {"tls_handshake", &res.tls_handshake}, {"request", &res.request}};
    for (auto [phase, h] : phases) {
        if (h->count() == 0) continue;
        const std::string p = phase;
        c[p + "_p50_us"] = static_cast<double>(h->percentile(50));
        c[p + "_p99_us"] = static_cast<double>(h->percentile(99));
        c[p + "_mean_us"] = h->mean();
    }
    if (res.tls_handshake.count() > 0) {
        c["tls_handshakes"] = static_cast<double>(res.tls_handshake.count());
        c["tls_resumed"] = static_cast<double>(res.tls_resumed);
        c["tls_resume"] = r.spec.tls_resume ? 1 : 0;
    }
    if (res.attempts() > 0)
        c["client_cpu_us_per_request"] = res.client_cpu_seconds * 1e6 / static_cast<double>(res.attempts());
    return c;
}

}  // namespace kms::bench
