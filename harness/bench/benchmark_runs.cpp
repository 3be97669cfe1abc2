#include "harness/bench/benchmark_runs.hpp"

#include "harness/bench/bench_counters.hpp"

#include "harness/report/tool_version.hpp"
#include "harness/bench/percentile_support.hpp"
#include "harness/transport/http_client.hpp"

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <stdexcept>

namespace kms::bench {

namespace {

std::string benchmark_name(const std::string& id, const LoadSpec& spec) {
    std::string name = id + "/" + to_string(spec.mode);
    if (spec.mode == LoadMode::open) {
        char rate[32];
        std::snprintf(rate, sizeof rate, "%g", spec.rate);
        name += std::string("/rate:") + rate;
    }
    name += "/connections:" + std::to_string(spec.connections);
    // Resumed handshakes cost a fraction of full ones: such a run must not be compared as one.
    if (spec.tls_resume) name += "/tls-resume";
    return name;
}

void set_counters(benchmark::State& state, const BenchRecord& r) {
    for (const auto& [name, value] : bench_counters(r)) state.counters[name] = value;
}

// A line on stderr per progress report: where a long run stands, and its recent rate.
std::function<void(const LoadProgress&)> progress_printer(const std::string& name) {
    return [name, last_responses = std::uint64_t{0}, last_elapsed = 0.0](const LoadProgress& p) mutable {
        const double dt = p.elapsed_seconds - last_elapsed;
        const double rate = dt > 0 ? static_cast<double>(p.responses - last_responses) / dt : 0;
        std::fprintf(stderr, "  [%s] %.0f s%s: %llu responses (%.0f/s), %llu errors\n", name.c_str(),
                     p.elapsed_seconds, p.warming_up ? " (warm-up)" : "", static_cast<unsigned long long>(p.responses),
                     rate, static_cast<unsigned long long>(p.errors));
        last_responses = p.responses;
        last_elapsed = p.elapsed_seconds;
    };
}

// One benchmark: reset the embedded server (so the first valid replicate is a 200 again), run
// the load, and hand GB the per-request time and the counters.
void run_benchmark(benchmark::State& state, BenchRecord& record, const RequestSource& request,
                   const BenchmarkSetting& setting) {
    if (setting.reset_embedded) {
        ClientOptions co;
        HttpClient admin(setting.target.url, co);
        admin.send(HttpRequest{"POST", "/_reference/reset", {}, ""});
    }
    record.result = run_load(setting.target, request, record.spec,
                             setting.progress ? progress_printer(record.name) : std::function<void(const LoadProgress&)>{});
    const LoadResult& res = record.result;
    if (!res.setup_error.empty()) {
        state.SkipWithError(res.setup_error.c_str());
        return;
    }
    set_counters(state, record);
    if (res.latency.count() == 0) {
        state.SkipWithError("no successful response");
        return;
    }
    const double span_seconds = static_cast<double>(res.latency.sum()) * 1e-6;
    while (state.KeepRunningBatch(static_cast<benchmark::IterationCount>(res.latency.count())))
        state.SetIterationTime(span_seconds);
}

// What GB reports, corrected before either reporter sees it. The name loses "iterations:1": GB
// appends the count set by Iterations(1), which is how often it calls the function (once, the
// whole load), while the run reports one iteration per successful request. cpu_time becomes the
// client's CPU per request: the load threads' CPU clocks over the run (not the process's, which
// would count the embedded reference server too), spread over every request sent; GB's own
// figure is the waiting benchmark thread's, ~0, which made compare.py's CPU column noise.
template <class Reporter>
class CorrectedReporter : public Reporter {
public:
    using Run = benchmark::BenchmarkReporter::Run;
    template <class... Args>
    explicit CorrectedReporter(const std::vector<BenchRecord>& records, Args... args)
        : Reporter(args...), records_(records) {}
    void ReportRuns(const std::vector<Run>& runs) override {
        std::vector<Run> corrected = runs;
        for (Run& run : corrected) correct(run);
        Reporter::ReportRuns(corrected);
    }

private:
    void correct(Run& run) const {
        run.run_name.iterations.clear();
        for (const BenchRecord& r : records_) {
            if (r.name != run.run_name.str() || r.result.attempts() == 0 || run.iterations == 0) continue;
            const double per_request = r.result.client_cpu_seconds / static_cast<double>(r.result.attempts());
            run.cpu_accumulated_time = per_request * static_cast<double>(run.iterations);
        }
    }
    const std::vector<BenchRecord>& records_;
};

// Runs the registered benchmarks with GB's own flags only: ours are not GB's. Google
// Benchmark 1.7 takes each flag's default from the environment (BENCHMARK_FILTER,
// BENCHMARK_REPETITIONS, BENCHMARK_OUT, ...) when the program starts, so every flag that
// changes what runs or where the report goes is given here: an inherited BENCHMARK_FILTER
// would otherwise run nothing, BENCHMARK_MIN_WARMUP_TIME would run each load twice.
void run_google_benchmark(const std::filesystem::path& report_dir, const std::vector<BenchRecord>& records,
                          const std::string& segment) {
    std::vector<std::string> args = {"kmsconf-bench",
                                     "--benchmark_out=" + (report_dir / "bench.json").string(),
                                     "--benchmark_out_format=json",
                                     "--benchmark_filter=.",
                                     "--benchmark_list_tests=false",
                                     "--benchmark_repetitions=1",
                                     "--benchmark_min_warmup_time=0",
                                     "--benchmark_enable_random_interleaving=false",
                                     "--benchmark_report_aggregates_only=false",
                                     "--benchmark_display_aggregates_only=false",
                                     "--benchmark_format=console",
                                     "--benchmark_counters_tabular=false"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    int argc = static_cast<int>(argv.size());
    argv.push_back(nullptr);  // argv[argc] must be NULL: Initialize shifts it when it removes flags
    benchmark::Initialize(&argc, argv.data());
    // bench.json's "context" names the tool that measured, as every other report does; once per
    // process (Google Benchmark warns when a key is added twice).
    static const bool versioned = (benchmark::AddCustomContext("kmsconf_version", tool_version_number()), true);
    (void)versioned;
    if (!segment.empty()) benchmark::AddCustomContext("kmsconf_segment", segment);
    CorrectedReporter<benchmark::ConsoleReporter> console(
        records, isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color : benchmark::ConsoleReporter::OO_None);
    CorrectedReporter<benchmark::JSONReporter> json(records);
    benchmark::RunSpecifiedBenchmarks(&console, &json);
    benchmark::Shutdown();
}

}  // namespace

std::vector<BenchRecord> run_benchmarks(const std::vector<BenchCase>& cases, const BenchmarkSetting& setting,
                                        const std::filesystem::path& report_dir) {
    // Records and requests live until GB has run: the registered lambdas point into them.
    std::vector<BenchRecord> records(cases.size());
    std::vector<std::unique_ptr<RequestSource>> requests;
    benchmark::ClearRegisteredBenchmarks();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        records[i].spec = setting.spec;
        records[i].spec.expected_statuses = cases[i].expected_statuses;
        if (setting.start_at)
            records[i].spec.start_at = *setting.start_at + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                                               setting.start_every * static_cast<std::int64_t>(i));
        const std::string name = benchmark_name(cases[i].id, setting.whole.value_or(records[i].spec));
        // The name bench.json gives it (GB appends the time type; CorrectedReporter drops the
        // iteration count), so that bench-histograms.json and messages join with bench.json.
        records[i].name = name + "/manual_time";
        RequestSpec request = cases[i].request;
        request.target = setting.target.url.path + request.target;
        const bool close = setting.spec.mode == LoadMode::closed_new_connection;
        if (cases[i].first_replicates) {
            if (!setting.first_replicate_pairs)
                throw std::logic_error(cases[i].id + " selected without pairs to replicate");
            requests.push_back(std::make_unique<FirstReplicates>(std::move(request), setting.first_replicate_pairs,
                                                                 setting.target.url, setting.credentials, close,
                                                                 setting.segment));
        } else {
            requests.push_back(std::make_unique<WireRequest>(std::move(request), setting.target.url, setting.credentials, close));
        }
        benchmark::RegisterBenchmark(name.c_str(),
                                     [&record = records[i], &request = *requests[i], &setting](benchmark::State& state) {
                                         run_benchmark(state, record, request, setting);
                                     })
            ->Iterations(1)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
    }
    run_google_benchmark(report_dir, records, setting.segment.n() > 1 ? setting.segment.text() : "");
    return records;
}

}  // namespace kms::bench
