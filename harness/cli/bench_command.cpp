// Orchestration of `kmsconf bench`: options, target (embedded reference server or --base-url,
// probed first so that an unreachable target exits 3 before any benchmark), one Google
// Benchmark per request kind, then reports and the SLO gate.
//
// How a load run maps onto Google Benchmark: the run happens once, before the benchmark loop;
// the loop then declares one iteration per successful request (KeepRunningBatch) and a manual
// time equal to the sum of their request/response spans, so GB's real_time is the mean latency
// per request and compare.py compares latency between runs. The spans exclude set-up (server
// start, connecting the keep-alive connections) and the warm-up. cpu_time is GB's measure of
// the benchmark thread, which only waits: the client's own CPU cost is the counter
// client_cpu_us_per_request. Every other figure is a counter (latencies in microseconds).
#include "harness/cli/bench_command.hpp"

#include "harness/transport/base_url.hpp"
#include "harness/bench/bench_options.hpp"
#include "harness/bench/bench_report.hpp"
#include "harness/transport/ca_file_check.hpp"
#include "common/credentials.hpp"
#include "common/fixture_ids.hpp"
#include "harness/transport/http_client.hpp"
#include "harness/bench/engine/load_engine.hpp"
#include "server/reference_server.hpp"
#include "harness/report/report_files.hpp"
#include "harness/bench/slo.hpp"
#include "harness/bench/wire_request.hpp"

#include <benchmark/benchmark.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>

namespace fs = std::filesystem;

namespace kms::bench {

namespace {

constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitUnreachable = 3;

struct BenchCase {
    std::string id;
    RequestSpec request;
    std::vector<int> expected_statuses;
    bool mutates;  // has side effects on a real account: only with --allow-mutations
};

std::string json_string(const std::string& s) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    return buf.GetString();
}

std::vector<BenchCase> bench_cases(const BaseUrl& base, const std::string& key, const std::string& zone) {
    const std::string target = base.path + "/kms-key/" + key + "/replicate";
    return {
        // The first replicate of a key to a zone schedules a replica (200); every later one is a
        // 400 Conflict. Both are the contract's answers, so both count as success.
        {"replicate_valid", {"POST", target, "application/json", "{\"zone\":" + json_string(zone) + "}"}, {200, 400}, true},
        // Unparsable JSON: the 400 path, no side effect anywhere.
        {"replicate_malformed", {"POST", target, "application/json", "{\"zone\":"}, {400}, false},
    };
}

std::string benchmark_name(const std::string& id, const LoadSpec& spec) {
    std::string name = id + "/" + to_string(spec.mode);
    if (spec.mode == LoadMode::open) {
        char rate[32];
        std::snprintf(rate, sizeof rate, "%g", spec.rate);
        name += std::string("/rate:") + rate;
    }
    return name + "/connections:" + std::to_string(spec.connections);
}

void set_counters(benchmark::State& state, const BenchRecord& r) {
    const LoadResult& res = r.result;
    auto& c = state.counters;
    c["requests"] = static_cast<double>(res.attempts());
    c["requests_per_second"] = res.requests_per_second;
    const std::pair<const char*, double> percentiles[] = {{"p50_us", 50}, {"p90_us", 90}, {"p99_us", 99}, {"p99_9_us", 99.9}};
    for (auto [name, p] : percentiles) c[name] = static_cast<double>(res.latency.percentile(p));
    c["max_us"] = static_cast<double>(res.latency.max());
    c["mean_us"] = res.latency.mean();
    if (r.spec.mode == LoadMode::open) {
        for (auto [name, p] : percentiles) c[std::string("uncorrected_") + name] = static_cast<double>(res.uncorrected.percentile(p));
        c["uncorrected_max_us"] = static_cast<double>(res.uncorrected.max());
        c["target_rate"] = r.spec.rate;
        c["backlog_at_end"] = static_cast<double>(res.backlog_at_end);
    }
    c["errors"] = static_cast<double>(res.error_total());
    for (std::size_t k = 0; k < kErrorKinds; ++k)
        c[std::string("errors_") + to_string(static_cast<ErrorKind>(k))] = static_cast<double>(res.errors[k]);
    c["connections_opened"] = static_cast<double>(res.connections_opened);
    if (res.attempts() > 0)
        c["client_cpu_us_per_request"] = res.client_cpu_seconds * 1e6 / static_cast<double>(res.attempts());
}

// One benchmark: reset the embedded server (so the first valid replicate is a 200 again), run
// the load, and hand GB the per-request time and the counters.
void run_benchmark(benchmark::State& state, BenchRecord& record, const LoadTarget& target, const WireRequest& request,
                   bool embedded, bool progress) {
    if (embedded) {
        ClientOptions co;
        HttpClient admin(target.url, co);
        admin.send(HttpRequest{"POST", "/_reference/reset", {}, ""});
    }
    std::uint64_t last_responses = 0;
    double last_elapsed = 0;
    auto on_progress = [&](const LoadProgress& p) {
        const double dt = p.elapsed_seconds - last_elapsed;
        const double rate = dt > 0 ? static_cast<double>(p.responses - last_responses) / dt : 0;
        std::fprintf(stderr, "  [%s] %.0f s%s: %llu responses (%.0f/s), %llu errors\n", record.name.c_str(),
                     p.elapsed_seconds, p.warming_up ? " (warm-up)" : "", static_cast<unsigned long long>(p.responses),
                     rate, static_cast<unsigned long long>(p.errors));
        last_responses = p.responses;
        last_elapsed = p.elapsed_seconds;
    };
    record.result = run_load(target, request, record.spec, progress ? on_progress : std::function<void(const LoadProgress&)>{});
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

// Runs the registered benchmarks with GB's own flags only: ours are not GB's. Google
// Benchmark 1.7 takes each flag's default from the environment (BENCHMARK_FILTER,
// BENCHMARK_REPETITIONS, BENCHMARK_OUT, ...) when the program starts, so every flag that
// changes what runs or where the report goes is given here: an inherited BENCHMARK_FILTER
// would otherwise run nothing, BENCHMARK_MIN_WARMUP_TIME would run each load twice.
void run_google_benchmark(const fs::path& report_dir) {
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
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}

}  // namespace

int bench_main(int argc, char** argv) {
    int code = kExitOk;
    auto parsed = parse_bench_options(argc, argv, &code, std::cout, std::cerr);
    if (!parsed) return code;
    const BenchOptions& o = *parsed;

    std::optional<Exo2Credentials> credentials;
    try {
        credentials = resolve_credentials(o.api_key, o.api_secret_file);
    } catch (const std::exception& e) {
        std::cerr << "kmsconf bench: " << e.what() << "\n";
        return kExitUsage;
    }
    if (!o.ca_file.empty()) {
        if (auto problem = ca_file_problem(o.ca_file); !problem.empty()) {
            std::cerr << "kmsconf bench: --ca-file " << o.ca_file << ": " << problem << "\n";
            return kExitUsage;
        }
    }
    // --key-id is a uuid (bench_options.cpp), so it goes into the request line as it is.
    const std::string key = o.key_id.empty() ? kDefaultKeyId : o.key_id;

    // The cases first: a filter that selects nothing is a usage error, found before any set-up.
    const bool embedded = o.base_url.empty();
    std::string url = o.base_url;
    std::string url_error;
    auto probe_base = parse_base_url(embedded ? "http://127.0.0.1:1/v2" : url, &url_error);
    if (!probe_base) {
        std::cerr << "kmsconf bench: --base-url " << url << ": " << url_error << "\n";
        return kExitUsage;
    }
    std::vector<BenchCase> cases;
    for (auto& c : bench_cases(*probe_base, key, o.zone)) {
        if (!o.filter.empty() && !std::regex_search(c.id, std::regex(o.filter))) continue;
        if (c.mutates && !embedded && !o.allow_mutations) {
            std::cerr << "kmsconf bench: skipping " << c.id
                      << ": it changes state on the target (the first request schedules a replica); "
                         "pass --allow-mutations to include it\n";
            continue;
        }
        cases.push_back(std::move(c));
    }
    if (cases.empty()) {
        std::cerr << "kmsconf bench: no benchmark selected (benchmarks: replicate_valid, replicate_malformed)\n";
        return kExitUsage;
    }
    // The previous run's figures go, and the new ones must be writable, before any load:
    // Google Benchmark aborts on a bench.json it cannot open, after the measuring.
    try {
        remove_previous_reports(o.report_dir, kBenchReportFiles);
        check_reports_writable(o.report_dir, kBenchReportFiles);
    } catch (const std::exception& e) {
        std::cerr << "kmsconf bench: " << e.what() << "\n";
        return kExitUsage;
    }

    // The target: the embedded reference server (one I/O thread, in this process), or the URL.
    std::unique_ptr<server::ReferenceServer> server;
    if (embedded) {
        server::ServerOptions so;
        so.threads = 1;
        server = std::make_unique<server::ReferenceServer>(so);
        try {
            server->start();
        } catch (const std::exception& e) {
            std::cerr << "kmsconf bench: cannot start the embedded reference server: " << e.what() << "\n";
            return kExitUnreachable;
        }
        url = server->base_url();
    }
    LoadTarget target;
    target.url = *parse_base_url(url, &url_error);
    target.verify_tls = !o.insecure;
    target.ca_file = o.ca_file;
    {
        ClientOptions co;
        co.connect_timeout = std::chrono::milliseconds(std::min(o.timeout_ms, 5000));
        co.verify_tls = target.verify_tls;
        co.ca_file = target.ca_file;
        HttpClient probe(target.url, co);
        if (auto failure = probe.connect()) {
            std::cerr << "kmsconf bench: target unreachable: " << failure->error_detail << "\n";
            return kExitUnreachable;
        }
    }

    LoadSpec base_spec;
    base_spec.mode = o.mode;
    base_spec.connections = o.connections;
    base_spec.threads = o.threads;
    base_spec.warmup = std::chrono::nanoseconds(static_cast<std::int64_t>(o.warmup_seconds * 1e9));
    base_spec.duration = std::chrono::nanoseconds(static_cast<std::int64_t>(o.duration_seconds * 1e9));
    base_spec.max_requests = o.max_requests;
    base_spec.rate = o.rate;
    base_spec.timeout = std::chrono::milliseconds(o.timeout_ms);
    const bool progress = o.progress.value_or(isatty(STDERR_FILENO) || o.duration_seconds >= 10);

    // Records and requests live until the end: the registered lambdas point into them.
    std::vector<BenchRecord> records(cases.size());
    std::vector<WireRequest> requests;
    requests.reserve(cases.size());
    benchmark::ClearRegisteredBenchmarks();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        records[i].spec = base_spec;
        records[i].spec.expected_statuses = cases[i].expected_statuses;
        const std::string name = benchmark_name(cases[i].id, records[i].spec);
        // The name Google Benchmark reports for it (it appends the explicit iteration count and
        // the time type), so that bench-histograms.json and messages join with bench.json.
        records[i].name = name + "/iterations:1/manual_time";
        requests.emplace_back(cases[i].request, target.url, credentials, o.mode == LoadMode::closed_new_connection);
        benchmark::RegisterBenchmark(name.c_str(),
                                     [&record = records[i], &request = requests[i], &target, embedded,
                                      progress](benchmark::State& state) {
                                         run_benchmark(state, record, target, request, embedded, progress);
                                     })
            ->Iterations(1)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
    }
    std::cerr << "kmsconf bench: " << cases.size() << " benchmark(s) against "
              << (embedded ? "embedded reference server (" + target.url.to_string() + ")" : target.url.to_string()) << ", mode "
              << to_string(o.mode) << ", " << o.connections << " connection(s), " << o.warmup_seconds << " s warm-up + "
              << o.duration_seconds << " s each" << (credentials ? ", signed (EXO2-HMAC-SHA256)" : "") << "\n";
    run_google_benchmark(o.report_dir);

    try {
        std::ofstream(fs::path(o.report_dir) / "bench-histograms.json") << histograms_json(records, target.url.to_string());
    } catch (const std::exception& e) {
        std::cerr << "kmsconf bench: cannot write bench-histograms.json: " << e.what() << "\n";
    }

    // Verdicts.
    std::cout << "\n";
    int exit_code = kExitOk;
    bool every_benchmark_unreachable = true;
    std::vector<std::string> breaches;  // repeated on stderr at the end, where CI logs show them
    for (const auto& r : records) {
        std::cout << summary_text(r);
        const LoadResult& res = r.result;
        if (!res.setup_error.empty()) {
            std::cout << "  FAILED: " << res.setup_error << "\n";
            exit_code = std::max(exit_code, kExitFailed);
            continue;
        }
        const bool only_connect_errors = res.latency.count() == 0 && res.error_total() > 0 &&
                                         res.errors[static_cast<std::size_t>(ErrorKind::connect)] == res.error_total();
        every_benchmark_unreachable = every_benchmark_unreachable && only_connect_errors;
        if (res.latency.count() == 0) {
            std::cout << "  FAILED: no successful response, nothing was measured\n";
            exit_code = std::max(exit_code, kExitFailed);
        }
        SloInput in{&res.latency, res.attempts(), res.error_total(), res.requests_per_second};
        for (const auto& slo : o.slos) {
            auto v = evaluate_slo(slo, in);
            std::cout << "  SLO " << slo.text << ": " << (v.held ? "held" : "BREACHED") << " (" << v.measured << ")\n";
            if (!v.held) {
                exit_code = std::max(exit_code, kExitFailed);
                breaches.push_back("SLO breached: " + slo.text + " in " + r.name + ": " + v.measured);
            }
        }
    }
    std::cout << "\nkmsconf bench: reports in " << o.report_dir << "/ (bench.json, bench-histograms.json)\n";
    if (every_benchmark_unreachable) {
        std::cerr << "kmsconf bench: every request failed to connect: target unreachable\n";
        return kExitUnreachable;
    }
    for (const auto& b : breaches) std::cerr << "kmsconf bench: " << b << "\n";
    if (exit_code == kExitFailed && breaches.empty()) std::cerr << "kmsconf bench: FAILED (see above)\n";
    return exit_code;
}

}  // namespace kms::bench
