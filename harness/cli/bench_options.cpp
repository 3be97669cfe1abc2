#include "harness/cli/bench_options.hpp"

#include "common/command_line.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/version_option.hpp"
#include "harness/cli/target_flags.hpp"

#include "harness/transport/base_url.hpp"
#include "common/bounded_number.hpp"
#include "common/text.hpp"

#include <boost/program_options.hpp>

#include <chrono>
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

std::optional<LoadMode> parse_mode(const std::string& s) {
    if (s == "closed") return LoadMode::closed;
    if (s == "closed-new-conn") return LoadMode::closed_new_connection;
    if (s == "open") return LoadMode::open;
    return std::nullopt;
}

std::string store_mode(BenchOptions& o, const std::vector<std::string>& value) {
    auto m = parse_mode(value.front());
    if (!m) return "--mode must be closed, closed-new-conn or open, not '" + value.front() + "'";
    o.mode = *m;
    return "";
}

std::string regex_problem(const std::string& text) {
    try {
        std::regex check(text);
    } catch (const std::regex_error& e) {
        return "--filter '" + text + "' is not a valid regex: " + e.what();
    }
    return "";
}

std::string store_segment(BenchOptions& o, const std::vector<std::string>& value) {
    std::string error;
    auto segment = parse_segment(value.front(), &error);
    if (!segment) return error;
    o.segment = *segment;
    return "";
}

// Never read back: bench writes no rerun line.
std::vector<std::string> not_carried(const BenchOptions&) { return {}; }

// --progress and --no-progress: switches that set the one optional (check_together refuses both).
cli::Flag<BenchOptions> progress_flag(const char* name, const char* help, bool progress) {
    return cli::custom_flag<BenchOptions>(
        cli::FlagSpec(name, help), cli::FlagKind::switch_flag,
        [progress](BenchOptions& o, const std::vector<std::string>&) {
            o.progress = progress;
            return std::string();
        },
        not_carried);
}

std::vector<cli::Flag<BenchOptions>> make_bench_flags() {
    using O = BenchOptions;
    using cli::FlagSpec;
    std::vector<cli::Flag<O>> flags = cli::target_flags<O>();
    const std::vector<cli::Flag<O>> own = {
        cli::custom_flag<O>(FlagSpec("mode", "closed: keep-alive connections, next request when the response is in;\n"
                                      "closed-new-conn: a new TCP (and TLS) connection per request;\n"
                                      "open: a fixed --rate, latency from the intended send time (coordinated "
                                      "omission corrected)")
                                .defaults_to("closed"),
                            cli::FlagKind::text, store_mode, not_carried),
        cli::integer_flag<O>(FlagSpec("connections", "concurrent connections, {bounds}")
                                 .short_flag('c')
                                 .defaults_to("1")
                                 .between(1, kMaxConnections),
                             &O::connections),
        cli::integer_flag<O>(FlagSpec("threads", "event-loop threads, {bounds} and at most --connections")
                                 .short_flag('t')
                                 .defaults_to("1")
                                 .between(1, kMaxThreads),
                             &O::threads),
        cli::real_flag<O>(FlagSpec("duration", "measured seconds per benchmark, {bounds}")
                              .short_flag('d')
                              .defaults_to("5")
                              .above(0, kMaxDurationSeconds),
                          &O::duration_seconds),
        cli::real_flag<O>(FlagSpec("warmup", "seconds of load before measuring (not recorded), {bounds}")
                              .defaults_to("1")
                              .between(0, kMaxWarmupSeconds),
                          &O::warmup_seconds),
        cli::integer_flag<O>(FlagSpec("requests", "cap on measured requests per benchmark, {bounds} (0: none)")
                                 .short_flag('n')
                                 .defaults_to("0")
                                 .between(0, kMaxRequests),
                             &O::max_requests),
        cli::real_flag<O>(FlagSpec("rate", "open loop: requests per second over all connections, {bounds}")
                              .short_flag('r')
                              .above(0, kMaxRate),
                          &O::rate),
        slo_flag<O>("threshold that fails the run (repeatable), e.g. p99<=50ms, p99.9<1s, max<=2s, "
                    "mean<=5ms, errors<=0.1%, errors<=0, rps>=100"),
        cli::switch_flag<O>(FlagSpec("allow-mutations", "against --base-url, also benchmark the valid replicate (it "
                                                        "schedules a replica once, then answers 400 Conflict)"),
                            &O::allow_mutations),
        cli::text_flag<O>(FlagSpec("key-ids", "file of key ids (one uuid per line, # comments) that "
                                              "replicate_accepted replicates against --base-url, each to every zone "
                                              "it is not yet in, once; needs --allow-mutations"),
                          &O::key_ids_file),
        cli::switch_flag<O>(FlagSpec("tls-resume", "https: each new connection resumes the previous one's TLS "
                                                   "session (default: a full handshake every time)"),
                            &O::tls_resume),
        progress_flag("progress", "print a progress line every second (default when stderr is a terminal or "
                                  "--duration >= 10)",
                      true),
        progress_flag("no-progress", "never print progress lines", false),
        cli::text_flag<O>(FlagSpec("filter", "only benchmarks whose name matches this regex"), &O::filter,
                          regex_problem),
        cli::custom_flag<O>(FlagSpec("segment", "K/N: run the K-th of N shares of the run the other flags describe "
                                                "(connections, --rate and --requests split as k6's execution segments "
                                                "split them); `kmsconf bench merge` joins the N report folders"),
                            cli::FlagKind::text, store_segment, not_carried),
        cli::real_flag<O>(FlagSpec("start-at", "UTC seconds (fractions allowed) at which the load starts once "
                                               "connected, so that segments on several machines start together; each "
                                               "further benchmark starts warm-up + duration + --timeout-ms + 2 s later")
                              .between(0, kMaxStartAt),
                          &O::start_at),
    };
    flags.insert(flags.end(), own.begin(), own.end());
    return flags;
}

po::options_description describe() {
    po::options_description desc(kUsage);
    desc.add_options()("help,h", "print this help");
    cli::describe_flags(desc, cli::specs_of(bench_flag_table()));
    cli::add_version_option(desc);
    return desc;
}

// What holds the flags together, once each is within its bounds; empty when they do.
std::string check_together(const po::variables_map& vm, const BenchOptions& o) {
    if (o.threads > o.connections) return "--threads must be at most --connections (" + std::to_string(o.connections) + ")";
    if (o.tls_resume) {
        if (o.base_url.empty())
            return "--tls-resume applies to an https:// --base-url only (the embedded reference server speaks http)";
        std::string ignored;  // the URL was checked when stored
        if (!parse_base_url(o.base_url, &ignored)->tls) return "--tls-resume applies to an https:// --base-url only";
    }
    if (o.mode == LoadMode::open) {
        if (!vm.count("rate")) return "--mode open needs --rate (requests per second)";
    } else if (vm.count("rate")) {
        return "--rate applies to --mode open only (a closed loop sends as fast as responses come)";
    }
    if (vm["progress"].as<bool>() && vm["no-progress"].as<bool>()) return "--progress and --no-progress contradict";
    if (!o.key_ids_file.empty()) {
        if (o.base_url.empty())
            return "--key-ids applies to a --base-url: against the embedded reference server replicate_accepted "
                   "uses the server's bench key pool";
        if (!o.allow_mutations)
            return "--key-ids needs --allow-mutations: replicate_accepted replicates every listed key for real";
    }
    if (!o.segment.runnable_with(o.connections)) return o.segment.unrunnable_message(o.connections);
    if (o.max_requests > 0 && o.segment.scale(o.max_requests) == 0)
        return "--segment " + o.segment.text() + " of --requests " + std::to_string(o.max_requests) +
               " gets none: use at most " + std::to_string(o.max_requests) + " segments, or more requests";
    if (o.start_at > 0) {
        const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
        if (o.start_at > now + kMaxStartAhead)
            return "--start-at " + decimal_text(o.start_at) + " is more than a day ahead: it takes UTC seconds, e.g. "
                   "$(( $(date +%s) + 60 ))";
    }
    return {};
}

}  // namespace

std::optional<BenchOptions> parse_bench_options(int argc, char** argv, int* exit_code, std::ostream& out,
                                                std::ostream& err) {
    BenchOptions o;
    const po::options_description desc = describe();
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
    std::string why;
    if (!cli::store_flags(vm, bench_flag_table(), o, &why) || !(why = check_together(vm, o)).empty()) {
        err << "kmsconf bench: " << why << "\n";
        *exit_code = cli::kExitUsage;
        return std::nullopt;
    }

    return o;
}

const std::vector<cli::Flag<BenchOptions>>& bench_flag_table() {
    static const std::vector<cli::Flag<BenchOptions>> table = make_bench_flags();
    return table;
}

}  // namespace kms::bench
