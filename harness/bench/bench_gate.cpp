#include "harness/bench/bench_gate.hpp"

namespace kms::bench {

namespace {

bool only_connect_errors(const LoadResult& res) {
    return res.latency.count() == 0 && res.error_total() > 0 &&
           res.errors[static_cast<std::size_t>(ErrorKind::connect)] == res.error_total();
}

}  // namespace

SloInput slo_input(const LoadResult& res) {
    return {&res.latency, res.attempts(), res.error_total(), res.requests_per_second};
}

std::string measured_nothing(const LoadResult& res) {
    if (!res.setup_error.empty()) return res.setup_error;
    if (res.latency.count() == 0) return "no successful response, nothing was measured";
    return {};
}

GateResult gate(const std::vector<BenchRecord>& records, const std::vector<Slo>& slos, std::ostream& out) {
    GateResult g;
    g.unreachable = true;
    for (const auto& r : records) {
        out << summary_text(r);
        const LoadResult& res = r.result;
        if (!res.setup_error.empty()) {
            out << "  FAILED: " << res.setup_error << "\n";
            g.failed = true;
            continue;
        }
        g.unreachable = g.unreachable && only_connect_errors(res);
        if (res.latency.count() == 0) {
            out << "  FAILED: " << measured_nothing(res) << "\n";
            g.failed = true;
        }
        const SloInput in = slo_input(res);
        for (const auto& slo : slos) {
            auto v = evaluate_slo(slo, in);
            out << "  SLO " << slo.text << ": " << (v.held ? "held" : "BREACHED") << " (" << v.measured << ")\n";
            if (!v.held) {
                g.failed = true;
                g.breaches.push_back("SLO breached: " + slo.text + " in " + r.name + ": " + v.measured);
            }
        }
    }
    return g;
}

}  // namespace kms::bench
