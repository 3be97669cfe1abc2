#include "bench_options.hpp"

#include <boost/program_options.hpp>

#include <cmath>
#include <regex>

namespace po = boost::program_options;

namespace kms::bench {

namespace {

constexpr const char* kUsage = R"(kmsconf bench: latency benchmark of POST /v2/kms-key/{id}/replicate

Every request is timed into a histogram (microsecond resolution, 3 significant digits).
Reports: <report-dir>/bench.json (Google Benchmark JSON: compare.py reads it) and
<report-dir>/bench-histograms.json (the histograms, mergeable). Without --base-url the
embedded reference server is started and measured.

Exit codes: 0 every SLO held; 1 an SLO was breached or no request succeeded;
2 usage error; 3 target unreachable.

Options)";

std::optional<LoadMode> parse_mode(const std::string& s) {
    if (s == "closed") return LoadMode::closed;
    if (s == "closed-new-conn") return LoadMode::closed_new_connection;
    if (s == "open") return LoadMode::open;
    return std::nullopt;
}

}  // namespace

std::optional<BenchOptions> parse_bench_options(int argc, char** argv, int* exit_code, std::ostream& out,
                                                std::ostream& err) {
    BenchOptions o;
    std::string mode = "closed";
    std::vector<std::string> slos;
    po::options_description desc(kUsage);
    // clang-format off
    desc.add_options()
        ("help,h", "print this help")
        ("base-url", po::value(&o.base_url), "target, e.g. https://api-ch-gva-2.exoscale.com/v2 (default: the embedded reference server)")
        ("key-id", po::value(&o.key_id), "key to replicate (default: the reference server's documented key)")
        ("zone", po::value(&o.zone)->default_value(o.zone), "zone in the replicate body")
        ("mode", po::value(&mode)->default_value(mode),
         "closed: keep-alive connections, next request when the response is in;\n"
         "closed-new-conn: a new TCP (and TLS) connection per request;\n"
         "open: a fixed --rate, latency from the intended send time (coordinated omission corrected)")
        ("connections,c", po::value(&o.connections)->default_value(o.connections), "concurrent connections")
        ("threads,t", po::value(&o.threads)->default_value(o.threads), "event-loop threads (<= connections)")
        ("duration,d", po::value(&o.duration_seconds)->default_value(o.duration_seconds), "measured seconds per benchmark")
        ("warmup", po::value(&o.warmup_seconds)->default_value(o.warmup_seconds), "seconds of load before measuring (not recorded)")
        ("requests,n", po::value(&o.max_requests)->default_value(o.max_requests), "cap on measured requests per benchmark (0: none)")
        ("rate,r", po::value(&o.rate), "open loop: requests per second over all connections")
        ("timeout-ms", po::value(&o.timeout_ms)->default_value(o.timeout_ms), "deadline per request (connect when needed, write, response)")
        ("slo", po::value(&slos)->composing(),
         "threshold that fails the run (repeatable), e.g. p99<=50ms, p99.9<1s, max<=2s, mean<=5ms, errors<=0.1%, errors<=0, rps>=100")
        ("report-dir", po::value(&o.report_dir)->default_value(o.report_dir), "where bench.json and bench-histograms.json go")
        ("allow-mutations", po::bool_switch(&o.allow_mutations),
         "against --base-url, also benchmark the valid replicate (it schedules a replica once, then answers 400 Conflict)")
        ("ca-file", po::value(&o.ca_file), "extra trust anchors (PEM) for https")
        ("insecure", po::bool_switch(&o.insecure), "do not verify the server's certificate")
        ("api-key", po::value(&o.api_key), "EXO2 API key (default: $EXOSCALE_API_KEY)")
        ("api-secret-file", po::value(&o.api_secret_file), "file holding the API secret (default: $EXOSCALE_API_SECRET)")
        ("progress", "print a progress line every second (default when stderr is a terminal or --duration >= 10)")
        ("no-progress", "never print progress lines")
        ("filter", po::value(&o.filter), "only benchmarks whose name matches this regex");
    // clang-format on

    po::variables_map vm;
    try {
        // No positional arguments: a stray word is a mistake, not something to ignore.
        po::positional_options_description none;
        po::store(po::command_line_parser(argc, argv).options(desc).positional(none).run(), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        err << "kmsconf bench: " << e.what() << " (see kmsconf bench --help)\n";
        *exit_code = 2;
        return std::nullopt;
    }
    if (vm.count("help")) {
        out << desc << "\n";
        *exit_code = 0;
        return std::nullopt;
    }
    auto usage = [&](const std::string& why) -> std::optional<BenchOptions> {
        err << "kmsconf bench: " << why << "\n";
        *exit_code = 2;
        return std::nullopt;
    };

    auto m = parse_mode(mode);
    if (!m) return usage("--mode must be closed, closed-new-conn or open, not '" + mode + "'");
    o.mode = *m;
    if (o.connections < 1 || o.connections > 10000) return usage("--connections must be between 1 and 10000");
    if (o.threads < 1 || o.threads > o.connections) return usage("--threads must be between 1 and --connections");
    if (!(o.duration_seconds > 0 && o.duration_seconds <= 86400)) return usage("--duration must be in (0, 86400] seconds");
    if (!(o.warmup_seconds >= 0 && o.warmup_seconds <= 3600)) return usage("--warmup must be in [0, 3600] seconds");
    if (o.timeout_ms < 1 || o.timeout_ms > 3600000) return usage("--timeout-ms must be between 1 and 3600000");
    if (o.mode == LoadMode::open) {
        if (!vm.count("rate")) return usage("--mode open needs --rate (requests per second)");
        if (!(o.rate > 0 && o.rate <= 1e6)) return usage("--rate must be in (0, 1000000]");
    } else if (vm.count("rate")) {
        return usage("--rate applies to --mode open only (a closed loop sends as fast as responses come)");
    }
    if (vm.count("progress") && vm.count("no-progress")) return usage("--progress and --no-progress contradict");
    if (vm.count("progress")) o.progress = true;
    if (vm.count("no-progress")) o.progress = false;
    if (!o.filter.empty()) {
        try {
            std::regex check(o.filter);
        } catch (const std::regex_error& e) {
            return usage("--filter '" + o.filter + "' is not a valid regex: " + e.what());
        }
    }
    for (const auto& text : slos) {
        std::string error;
        auto slo = parse_slo(text, &error);
        if (!slo) return usage(error);
        o.slos.push_back(std::move(*slo));
    }
    return o;
}

}  // namespace kms::bench
