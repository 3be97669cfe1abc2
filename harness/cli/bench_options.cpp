#include "harness/cli/bench_options.hpp"

#include "common/command_line.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/version_option.hpp"

#include "harness/transport/base_url.hpp"
#include "common/bounded_number.hpp"
#include "common/text.hpp"

#include <boost/program_options.hpp>

#include <regex>

namespace po = boost::program_options;

namespace kms::bench {

namespace {

constexpr const char* kUsage = R"(Usage: kmsconf bench [options]
Latency benchmark of POST /v2/kms-key/{id}/replicate.

Every request is timed into a histogram (microsecond resolution, 3 significant digits).
Reports: <report-dir>/bench.json (Google Benchmark JSON: compare.py reads it),
<report-dir>/bench-histograms.json (the histograms, mergeable), bench-junit.xml (each SLO a
testcase), bench-summary.json (the SLOs as k6 reports thresholds) and bench-NAME.hgrm (HdrHistogram's
percentile distribution, per benchmark). Without --base-url the
embedded reference server is started and measured.

Exit codes: 0 every SLO held; 1 an SLO was breached or no request succeeded;
2 usage error; 3 target unreachable.

Options)";

// Numbers arrive as text and are read strictly by bounded_number.hpp: lexical_cast would take
// "--requests -5" as 2^64-5 and "--duration nan" as a number. Defaults as --help shows them.
struct NumberTexts {
    std::string connections = "1";
    std::string threads = "1";
    std::string duration = "5";
    std::string warmup = "1";
    std::string requests = "0";
    std::string rate;  // open loop only
    std::string timeout_ms = "10000";
};

bool read_numbers(const NumberTexts& t, const po::variables_map& vm, BenchOptions& o, std::string* error) {
    auto connections = parse_bounded_integer("--connections", t.connections, 1, kMaxConnections, error);
    if (!connections) return false;
    auto threads = parse_bounded_integer("--threads", t.threads, 1, kMaxThreads, error);
    if (!threads) return false;
    auto duration = parse_bounded_real("--duration", t.duration, 0, kMaxDurationSeconds, true, error);
    if (!duration) return false;
    auto warmup = parse_bounded_real("--warmup", t.warmup, 0, kMaxWarmupSeconds, false, error);
    if (!warmup) return false;
    auto requests = parse_bounded_integer("--requests", t.requests, 0, kMaxRequests, error);
    if (!requests) return false;
    auto timeout = parse_bounded_integer("--timeout-ms", t.timeout_ms, 1, kMaxTimeoutMs, error);
    if (!timeout) return false;
    if (vm.count("rate")) {
        auto rate = parse_bounded_real("--rate", t.rate, 0, kMaxRate, true, error);
        if (!rate) return false;
        o.rate = *rate;
    }
    o.connections = static_cast<unsigned>(*connections);
    o.threads = static_cast<unsigned>(*threads);
    o.duration_seconds = *duration;
    o.warmup_seconds = *warmup;
    o.max_requests = static_cast<std::uint64_t>(*requests);
    o.timeout_ms = static_cast<int>(*timeout);
    return true;
}

std::optional<LoadMode> parse_mode(const std::string& s) {
    if (s == "closed") return LoadMode::closed;
    if (s == "closed-new-conn") return LoadMode::closed_new_connection;
    if (s == "open") return LoadMode::open;
    return std::nullopt;
}

// The flags read as text, checked by check_flags.
struct FlagTexts {
    NumberTexts n;
    std::string mode = "closed";
    std::vector<std::string> slos;
};

// The flags, bound to `o` and `t`.
po::options_description describe(BenchOptions& o, FlagTexts& t) {
    NumberTexts& n = t.n;
    po::options_description desc(kUsage);
    // clang-format off
    desc.add_options()
        ("help,h", "print this help")
        ("base-url", po::value(&o.base_url), "target, http:// or https://, e.g. https://api-ch-gva-2.exoscale.com/v2 (default: the embedded reference server)")
        ("key-id", po::value(&o.key_id), "key to replicate, a uuid (default: the reference server's documented key)")
        ("zone", po::value(&o.zone)->default_value(o.zone), "zone in the replicate body")
        ("mode", po::value(&t.mode)->default_value(t.mode),
         "closed: keep-alive connections, next request when the response is in;\n"
         "closed-new-conn: a new TCP (and TLS) connection per request;\n"
         "open: a fixed --rate, latency from the intended send time (coordinated omission corrected)")
        ("connections,c", po::value(&n.connections)->default_value(n.connections), "concurrent connections, 1 to 10000")
        ("threads,t", po::value(&n.threads)->default_value(n.threads), "event-loop threads, 1 to 256 and at most --connections")
        ("duration,d", po::value(&n.duration)->default_value(n.duration), "measured seconds per benchmark, above 0 up to 86400")
        ("warmup", po::value(&n.warmup)->default_value(n.warmup), "seconds of load before measuring (not recorded), 0 to 3600")
        ("requests,n", po::value(&n.requests)->default_value(n.requests), "cap on measured requests per benchmark, 0 to 1000000000 (0: none)")
        ("rate,r", po::value(&n.rate), "open loop: requests per second over all connections, above 0 up to 1000000")
        ("timeout-ms", po::value(&n.timeout_ms)->default_value(n.timeout_ms), "deadline per request (connect when needed, write, response), 1 to 600000")
        ("slo", po::value(&t.slos)->composing(),
         "threshold that fails the run (repeatable), e.g. p99<=50ms, p99.9<1s, max<=2s, mean<=5ms, errors<=0.1%, errors<=0, rps>=100")
        ("report-dir", po::value(&o.report_dir)->default_value(o.report_dir), "where bench.json, bench-histograms.json, bench-junit.xml and bench-summary.json go")
        ("junit-prefix", po::value(&o.junit_prefix), "prefix bench-junit.xml's suite names with NAME. (two targets in one pipeline)")
        ("allow-mutations", po::bool_switch(&o.allow_mutations),
         "against --base-url, also benchmark the valid replicate (it schedules a replica once, then answers 400 Conflict)")
        ("ca-file", po::value(&o.ca_file), "extra trust anchors (PEM) for https")
        ("insecure", po::bool_switch(&o.insecure), "do not verify the server's certificate")
        ("tls-resume", po::bool_switch(&o.tls_resume),
         "https: each new connection resumes the previous one's TLS session (default: a full handshake every time)")
        ("api-key", po::value(&o.api_key), "EXO2 API key (default: $EXOSCALE_API_KEY)")
        ("api-secret-file", po::value(&o.api_secret_file), "file holding the API secret (default: $EXOSCALE_API_SECRET)")
        ("progress", "print a progress line every second (default when stderr is a terminal or --duration >= 10)")
        ("no-progress", "never print progress lines")
        ("filter", po::value(&o.filter), "only benchmarks whose name matches this regex")
        ("schemas-dir", po::value(&o.schemas_dir),
         "the schemas folder (default: $KMSCONF_SCHEMAS_DIR, else ../share/kmsconf/schemas beside the binary)");
    // clang-format on
    cli::add_version_option(desc);
    return desc;
}

// Empty when the flags hold together and every value is within its bounds; else why not.
std::string check_flags(const po::variables_map& vm, const FlagTexts& t, BenchOptions& o) {
    auto m = parse_mode(t.mode);
    if (!m) return "--mode must be closed, closed-new-conn or open, not '" + t.mode + "'";
    o.mode = *m;
    std::string error;
    if (!read_numbers(t.n, vm, o, &error)) return error;
    if (o.threads > o.connections) return "--threads must be at most --connections (" + std::to_string(o.connections) + ")";
    if (vm.count("base-url")) {
        // An unset CI variable gives `--base-url ""`: measuring the embedded server instead
        // would report figures for a server nobody asked about.
        if (trim(o.base_url).empty())
            return "--base-url is empty (an unset variable?); omit the flag to measure the embedded reference server";
        std::string why;
        auto url = parse_base_url(o.base_url, &why);
        if (!url) return "--base-url '" + o.base_url + "': " + why;
        if (o.tls_resume && !url->tls) return "--tls-resume applies to an https:// --base-url only";
    } else if (o.tls_resume) {
        return "--tls-resume applies to an https:// --base-url only (the embedded reference server speaks http)";
    }
    if (vm.count("key-id") && !is_uuid(o.key_id))
        return "--key-id '" + o.key_id + "' is not a uuid (8-4-4-4-12 hex digits, as the API's key ids are)";
    for (const char* name : {"report-dir", "ca-file", "api-secret-file", "zone", "junit-prefix", "schemas-dir"})
        if (vm.count(name) && vm[name].as<std::string>().empty()) return std::string("--") + name + " is empty";
    if (o.mode == LoadMode::open) {
        if (!vm.count("rate")) return "--mode open needs --rate (requests per second)";
    } else if (vm.count("rate")) {
        return "--rate applies to --mode open only (a closed loop sends as fast as responses come)";
    }
    if (vm.count("progress") && vm.count("no-progress")) return "--progress and --no-progress contradict";
    if (vm.count("progress")) o.progress = true;
    if (vm.count("no-progress")) o.progress = false;
    if (!o.filter.empty()) {
        try {
            std::regex check(o.filter);
        } catch (const std::regex_error& e) {
            return "--filter '" + o.filter + "' is not a valid regex: " + e.what();
        }
    }
    for (const auto& text : t.slos) {
        auto slo = parse_slo(text, &error);
        if (!slo) return error;
        o.slos.push_back(std::move(*slo));
    }
    return {};
}

}  // namespace

std::optional<BenchOptions> parse_bench_options(int argc, char** argv, int* exit_code, std::ostream& out,
                                                std::ostream& err) {
    BenchOptions o;
    FlagTexts t;
    const po::options_description desc = describe(o, t);
    po::variables_map vm;
    try {
        CommandLine line = parse_command_line(argc, argv, desc);
        vm = std::move(line.values);
        po::notify(vm);
        if (!line.stray.empty()) throw po::error("unexpected argument '" + line.stray.front() + "'");
    } catch (const std::exception& e) {
        err << "kmsconf bench: " << e.what() << " (see kmsconf bench --help)\n";
        *exit_code = cli::kExitUsage;
        return std::nullopt;
    }
    if (vm.count("help")) {
        out << desc << "\n";
        *exit_code = cli::kExitOk;
        return std::nullopt;
    }
    if (cli::print_version_if_asked(vm, out)) {
        *exit_code = cli::kExitOk;
        return std::nullopt;
    }
    if (const std::string why = check_flags(vm, t, o); !why.empty()) {
        err << "kmsconf bench: " << why << "\n";
        *exit_code = cli::kExitUsage;
        return std::nullopt;
    }

    return o;
}

}  // namespace kms::bench
