// Orchestration of `kmsconf bench`: options, the shared target set-up (embedded reference
// server or --base-url, probed first so that an unreachable target exits 3 before any
// benchmark), one Google Benchmark per request kind (harness/bench/benchmark_runs.hpp), then
// reports and the SLO gate.
#include "harness/cli/bench_command.hpp"

#include "common/bounded_number.hpp"
#include "common/fixture_ids.hpp"
#include "harness/bench/bench_cases.hpp"
#include "harness/bench/bench_key_list.hpp"
#include "harness/bench/bench_junit.hpp"
#include "harness/cli/bench_options.hpp"
#include "harness/cli/bench_reports.hpp"
#include "harness/bench/bench_report.hpp"
#include "harness/bench/benchmark_runs.hpp"
#include "harness/bench/engine/run_plan.hpp"
#include "harness/cli/data_dirs.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/target_setup.hpp"
#include "harness/contract/contract.hpp"
#include "harness/run/zone_plan.hpp"
#include "harness/transport/http_client.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

namespace fs = std::filesystem;

namespace kms::cli {

namespace {

using namespace kms::bench;

// The benchmarks --filter and --allow-mutations leave; none is a usage error, found before any
// set-up. The requests are the contract's operation (its default revision, as `kmsconf run`).
std::vector<BenchCase> selected_cases(const BenchOptions& o) {
    const bool embedded = o.base_url.empty();
    // --key-id is a uuid (bench_options.cpp), so it goes into the request line as it is.
    const std::string key = o.key_id.empty() ? kDefaultKeyId : o.key_id;
    std::vector<BenchCase> cases;
    try {
        cases = bench_cases(Contract::load(resolve_data_dir(kSchemasDir, o.schemas_dir) / kDefaultContractRevision), key, o.zone);
    } catch (const std::exception& e) {
        throw CommandStop(kExitUsage, e.what());
    }
    std::vector<BenchCase> selected;
    for (auto& c : cases) {
        if (!o.filter.empty() && !std::regex_search(c.id, std::regex(o.filter))) continue;
        if (c.mutates && !embedded && !o.allow_mutations) {
            std::cerr << "kmsconf bench: skipping " << c.id
                      << ": it changes state on the target (the first request schedules a replica); "
                         "pass --allow-mutations to include it\n";
            continue;
        }
        if (c.first_replicates && !embedded && o.key_ids_file.empty()) {
            std::cerr << "kmsconf bench: skipping " << c.id
                      << ": it replicates keys of the account to zones they are not in yet; "
                         "list such keys in a file and pass --key-ids FILE (with --allow-mutations)\n";
            continue;
        }
        selected.push_back(std::move(c));
    }
    if (selected.empty())
        throw CommandStop(kExitUsage,
                          "no benchmark selected (benchmarks: replicate_valid, replicate_accepted, replicate_malformed)");
    return selected;
}

// The harness client's options for the requests bench sends outside the load (the probe, the
// key reads): the load's TLS settings and deadline; a connection is given at most 5 s, whatever
// --timeout-ms, as it only asks "is anybody there".
ClientOptions setup_client_options(const LoadTarget& target, int timeout_ms) {
    ClientOptions co;
    co.connect_timeout = std::chrono::milliseconds(std::min(timeout_ms, 5000));
    co.read_timeout = std::chrono::milliseconds(timeout_ms);
    co.verify_tls = target.verify_tls;
    co.ca_file = target.ca_file;
    return co;
}

void probe(const LoadTarget& target, int timeout_ms) {
    HttpClient client(target.url, setup_client_options(target, timeout_ms));
    check_reachable(client);
}

LoadSpec load_spec(const BenchOptions& o) {
    LoadSpec spec;
    spec.mode = o.mode;
    spec.connections = o.connections;
    spec.threads = o.threads;
    spec.warmup = std::chrono::nanoseconds(static_cast<std::int64_t>(o.warmup_seconds * 1e9));
    spec.duration = std::chrono::nanoseconds(static_cast<std::int64_t>(o.duration_seconds * 1e9));
    spec.max_requests = o.max_requests;
    spec.rate = o.rate;
    spec.timeout = std::chrono::milliseconds(o.timeout_ms);
    spec.tls_resume = o.tls_resume;
    return spec;
}

// replicate_accepted's pairs: the embedded server's bench key pool, or the --key-ids keys in the
// zones each is not yet in (read from the target now, before any load).
std::shared_ptr<const ReplicatePairs> first_replicate_pairs_for(const BenchOptions& o, const Target& target,
                                                                const BenchmarkSetting& setting) {
    if (target.embedded) return std::make_shared<const ReplicatePairs>(ReplicatePairs::bench_pool(exoscale_zones()));
    std::vector<std::string> warnings;
    std::vector<KeyZones> keys;
    try {
        const auto ids = read_key_ids(o.key_ids_file);
        const auto key_read = Contract::load_read(resolve_data_dir(kSchemasDir, o.schemas_dir) / kDefaultContractRevision,
                                                  "get-kms-key");
        if (!key_read) throw CommandStop(kExitUsage, "the contract declares no get-kms-key: --key-ids cannot read the keys");
        HttpClient client(setting.target.url, setup_client_options(setting.target, o.timeout_ms));
        keys = read_key_zones(ids, *key_read, client, setting.target.url, setting.credentials, exoscale_zones(),
                              /*leave_out_replicas=*/o.segment.n() == 1, &warnings);
    } catch (const KeyListError& e) {
        throw CommandStop(kExitUsage, e.what());
    } catch (const KeyReadUnanswered& e) {
        throw CommandStop(kExitUnreachable, e.what());
    }
    for (const auto& w : warnings) std::cerr << "kmsconf bench: --key-ids: " << w << "\n";
    auto pairs = first_replicate_pairs(keys);
    if (pairs.empty()) throw CommandStop(kExitUsage, "--key-ids " + o.key_ids_file + ": no key has a zone left to replicate to");
    std::cerr << "kmsconf bench: replicate_accepted: " << pairs.size() << " (key, zone) pair(s) of " << keys.size()
              << " key(s), each replicated once"
              << (o.segment.n() > 1 ? " over the " + std::to_string(o.segment.n()) + " segments" : "") << "\n";
    return std::make_shared<const ReplicatePairs>(ReplicatePairs::listed(std::move(pairs)));
}

void announce(const BenchOptions& o, std::size_t benchmarks, const Target& target, bool signed_requests) {
    std::cerr << "kmsconf bench: " << benchmarks << " benchmark(s) against "
              << (target.embedded ? "embedded reference server (" + target.base.to_string() + ")" : target.base.to_string()) << ", mode " << to_string(o.mode) << ", "
              << o.connections << " connection(s), " << o.warmup_seconds << " s warm-up + " << o.duration_seconds
              << " s each" << (signed_requests ? ", signed (EXO2-HMAC-SHA256)" : "")
              << (o.segment.n() > 1 ? ", segment " + o.segment.text() + " of it" : "") << "\n";
}

int bench(const BenchOptions& o) {
    const auto credentials = load_credentials(o.api_key, o.api_secret_file);
    check_ca_file(o.ca_file);
    const auto cases = selected_cases(o);
    prepare_bench_report_folder(o.report_dir);

    // The embedded reference server runs one I/O thread, in this process.
    server::ServerOptions embedded;
    embedded.threads = 1;
    embedded.service.bench_key_pool = true;  // replicate_accepted's keys
    const Target target = open_target(o.base_url, embedded);
    BenchmarkSetting setting{{target.base, !o.insecure, o.ca_file}, segment_share(load_spec(o), o.segment), credentials, target.embedded != nullptr,
                             o.progress.value_or(isatty(STDERR_FILENO) || o.duration_seconds >= 10)};
    if (o.segment.n() > 1) {
        setting.whole = load_spec(o);
        setting.segment = o.segment;
    }
    if (o.start_at > 0) {
        setting.start_at = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::duration<double>(o.start_at)));
        // Long enough for a benchmark's warm-up, window and drain, so the next starts together
        // everywhere whatever each segment's last response took.
        setting.start_every = setting.spec.warmup + setting.spec.duration + std::chrono::milliseconds(o.timeout_ms) +
                              std::chrono::seconds(2);
        if (*setting.start_at < std::chrono::system_clock::now())
            std::cerr << "kmsconf bench: --start-at " << decimal_text(o.start_at) << " has passed: starting at once\n";
    }
    probe(setting.target, o.timeout_ms);
    if (std::any_of(cases.begin(), cases.end(), [](const BenchCase& c) { return c.first_replicates; }))
        setting.first_replicate_pairs = first_replicate_pairs_for(o, target, setting);

    announce(o, cases.size(), target, credentials.has_value());
    const BenchReportInfo info{target.label, o.junit_prefix, std::chrono::system_clock::now()};
    const auto records = run_benchmarks(cases, setting, o.report_dir);
    write_histograms(o.report_dir, records, target.base.to_string(), o.segment.n() > 1 ? o.segment.text() : "");
    return bench_verdict(records, o.slos, o.report_dir, write_ci_reports(o.report_dir, records, o.slos, info));
}

}  // namespace

int bench_main(int argc, char** argv) {
    if (argc > 1 && std::string(argv[1]) == "merge") return bench_merge_main(argc - 1, argv + 1);
    int code = kExitOk;
    auto options = parse_bench_options(argc, argv, &code, std::cout, std::cerr);
    if (!options) return code;
    return exit_code_of("kmsconf bench", [&] { return bench(*options); });
}

}  // namespace kms::cli
