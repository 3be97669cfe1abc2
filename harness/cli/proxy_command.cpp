// `kmsconf proxy --upstream URL`: real clients' traffic judged as it passes. The forwarding
// (proxy/proxy_server.hpp) runs on its own I/O thread and hands each finished exchange to a
// queue; one judging thread takes them in order (proxy/exchange_judge.hpp) and prints each
// finding as a run prints its cases; the main thread waits for SIGINT/SIGTERM, --duration or
// --max-exchanges, then stops the proxy, lets the judging finish and writes the run's reports.
#include "harness/cli/proxy_command.hpp"

#include "harness/cases/shell_quote.hpp"
#include "harness/cli/data_dirs.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/stop_signals.hpp"
#include "harness/cli/target_flags.hpp"
#include "harness/cli/target_setup.hpp"
#include "harness/proxy/exchange_judge.hpp"
#include "harness/proxy/proxy_server.hpp"
#include "harness/report/console_cases.hpp"
#include "harness/report/console_summary.hpp"
#include "harness/report/progress_line.hpp"
#include "harness/report/report_files.hpp"
#include "harness/report/run_reports.hpp"

#include <condition_variable>
#include <csignal>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

namespace kms::cli {

namespace {

constexpr double kMaxDurationSeconds = 7 * 24 * 3600.0;
// How long exchanges under way at the stop may take to finish before their connections close.
constexpr std::chrono::milliseconds kStopGrace{5000};

struct ProxyCliOptions : TrafficJudgingOptions {
    std::string upstream;
    std::int64_t port = 0;
    std::string ca_file;
    bool insecure = false;
    std::int64_t timeout_ms = 10000;
    std::uint64_t max_exchanges = 0;
    std::uint64_t max_judged = 20000;
    double duration = 0;
};

// The proxy forwards each target unchanged, so the upstream is an origin: a path would have to
// be prepended, and the bytes would no longer be the client's.
std::string upstream_problem(const std::string& text) {
    std::string why;
    auto url = parse_base_url(text, &why);
    if (!url) return "--upstream '" + text + "': " + why;
    if (!url->path.empty())
        return "--upstream '" + text + "' has a path (" + url->path +
               "): the proxy forwards each request's target unchanged, so give the origin only (" + url->origin() + ")";
    return "";
}

// How the traffic is forwarded, and for how long.
const std::vector<Flag<ProxyCliOptions>>& forwarding_flag_table() {
    using O = ProxyCliOptions;
    static const std::vector<Flag<O>> table = [] {
        std::vector<Flag<O>> flags = {
            text_flag<O>(FlagSpec("upstream", "where the traffic goes: http(s)://host[:port], an origin without a path "
                                              "(required)")
                             .refuse_empty(),
                         &O::upstream, upstream_problem),
            integer_flag<O>(FlagSpec("port", "port to listen on, on 127.0.0.1, {bounds}; 0 picks a free one (printed)")
                                .defaults_to("0")
                                .between(0, 65535),
                            &O::port),
        };
        for (auto& f : tls_flags<O>()) flags.push_back(std::move(f));
        flags.push_back(timeout_flag<O>("the upstream's silence allowed while it owes a connection or a response; "
                                        "then the client gets 504"));
        flags.push_back(unsigned_flag<O>(
            FlagSpec("max-exchanges", "stop after this many exchanges have passed (0: no limit)").defaults_to("0"),
            &O::max_exchanges));
        flags.push_back(unsigned_flag<O>(
            FlagSpec("max-judged", "judge the first this many exchanges; later ones are forwarded as ever but not "
                                   "judged, counted in a warning: each judged one is held until the reports are "
                                   "written, which bounds the memory of a long or loaded session (0: no limit)")
                .defaults_to("20000"),
            &O::max_judged));
        flags.push_back(real_flag<O>(FlagSpec("duration", "stop after this many seconds, {bounds} (0: until SIGINT or "
                                                          "SIGTERM)")
                                         .defaults_to("0")
                                         .between(0, kMaxDurationSeconds),
                                     &O::duration));
        return flags;
    }();
    return table;
}

// How it is judged: kmsconf judge's flags, so that the reports' rerun lines judge the proxy's
// exchanges.har again with them.
const std::vector<Flag<ProxyCliOptions>>& judging_flag_table() {
    static const std::vector<Flag<ProxyCliOptions>> table = traffic_judging_flags<ProxyCliOptions>();
    return table;
}

const std::vector<Flag<ProxyCliOptions>>& proxy_flag_table() {
    static const std::vector<Flag<ProxyCliOptions>> table = [] {
        auto flags = forwarding_flag_table();
        for (const auto& f : judging_flag_table()) flags.push_back(f);
        return flags;
    }();
    return table;
}

// A failing case reruns as `kmsconf judge` of the proxy's own exchanges.har (rerun_command.hpp).
std::string judge_rerun_words(const ProxyCliOptions& o) {
    const std::string flags = rerun_line(judging_flag_table(), o);
    return shell_word((std::filesystem::path(o.report_dir) / "exchanges.har").string()) + (flags.empty() ? "" : " " + flags);
}

constexpr const char* kUsage =
    "Usage: kmsconf proxy --upstream URL [options]\n"
    "A reverse proxy on 127.0.0.1 that judges real clients' traffic as it passes: point a client\n"
    "(the Exoscale CLI, an SDK, kmsconf itself) at the printed http://127.0.0.1:PORT. Each\n"
    "request's bytes go to the upstream unchanged, and the upstream's answer comes back unchanged.\n"
    "Exchanges on replicate, the key read and operation polls are judged as kmsconf judge judges a\n"
    "recording (their findings print as they happen); every other exchange passes through,\n"
    "counted. On SIGINT, SIGTERM, --duration or --max-exchanges it writes <report-dir>/junit.xml,\n"
    "summary.json, summary.md, report.html and exchanges.har.\n"
    "Exit codes: 0 every MUST held; 1 conformance failures; 2 usage error (before listening), or\n"
    "traffic that never touched the contract's operations; 3 the port cannot be bound, or the\n"
    "upstream answered none of the requests (or none came).\n\nOptions";

std::optional<ProxyCliOptions> parse(int argc, char** argv, int* exit_code) {
    ProxyCliOptions o;
    ParsedLine line = parse_flag_line(argc, argv, kUsage, proxy_flag_table(), "kmsconf proxy", o);
    std::string why;
    if (!line.exit_code && !line.stray.empty()) why = "unexpected argument '" + line.stray.front() + "'";
    else if (!line.exit_code && o.upstream.empty()) why = "--upstream is required (where the traffic goes)";
    if (!why.empty()) line.exit_code = usage_error("kmsconf proxy", why);
    if (line.exit_code) {
        *exit_code = *line.exit_code;
        return std::nullopt;
    }
    return o;
}

// Exchanges from the I/O thread to the judging thread, in the order they finished.
class ExchangeQueue {
public:
    void push(proxy::ProxiedExchange&& x) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            queue_.push_back(std::move(x));
        }
        ready_.notify_one();
    }
    // nullopt once closed and empty.
    std::optional<proxy::ProxiedExchange> pop() {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty()) return std::nullopt;
        proxy::ProxiedExchange x = std::move(queue_.front());
        queue_.pop_front();
        return x;
    }
    void close() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            closed_ = true;
        }
        ready_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<proxy::ProxiedExchange> queue_;
    bool closed_ = false;
};

std::string stop_reason(int sig) { return sig == SIGINT ? "SIGINT" : "SIGTERM"; }

int proxy(const ProxyCliOptions& o) {
    check_ca_file(o.ca_file);
    remove_stale_reports(o.report_dir, kRunReportFiles);
    check_report_folder(o.report_dir, kRunReportFiles);
    ContractInForce in_force = load_contract_in_force(o.contract, resolve_data_dir(kSchemasDir, o.schemas_dir));
    ClientJudging client;
    client.level = o.judge_client ? Level::must : Level::informational;
    client.credentials = load_credentials(o.api_key, o.api_secret_file);
    std::string why;
    const BaseUrl upstream = *parse_base_url(o.upstream, &why);

    const ConsoleStyle style = ConsoleStyle::detect(stdout);
    ProgressLine progress(stdout, false);  // no progress line: the traffic decides what comes
    ConsoleCases console(std::cout, progress, style, upstream, {o.strict, o.verbose});
    proxy::ExchangeJudge judge(in_force, client, upstream);

    ExchangeQueue queue;
    proxy::ProxyOptions options;
    options.upstream = upstream;
    options.port = static_cast<std::uint16_t>(o.port);
    options.verify_tls = !o.insecure;
    options.ca_file = o.ca_file;
    options.timeout = std::chrono::milliseconds(o.timeout_ms);

    const StopSignals signals;  // before the threads start: they inherit the mask
    proxy::ProxyServer server(options, [&](proxy::ProxiedExchange&& x) {
        // Exchanges are numbered as they complete: the first --max-judged are judged. Stray
        // bytes carry the number of the exchange they followed, and are a finding.
        if (x.stray_bytes.empty() && o.max_judged > 0 && x.number > o.max_judged) return;
        queue.push(std::move(x));
    });
    std::signal(SIGPIPE, SIG_IGN);  // a client gone mid-write is that connection's end, not the proxy's
    if (!server.start(&why)) throw CommandStop(kExitUnreachable, why);
    const auto started = std::chrono::system_clock::now();
    std::cout << "kmsconf proxy: listening on http://127.0.0.1:" << server.port() << ", forwarding to "
              << upstream.origin() << std::endl;  // endl: flushed for scripts waiting on it, even under -q
    // From here --quiet drops the cases' lines, as it does for run and judge; the count line comes after.
    std::optional<ProgressGuard> quiet(std::in_place, std::cout, progress, o.quiet);
    std::size_t broken = 0;  // exchanges the judging threw on: a fault of kmsconf, which fails the run as a run's does
    std::thread judging([&] {
        while (auto x = queue.pop()) {
            const auto number = x->number;
            try {
                judge.judge(std::move(*x), console);
            } catch (const std::exception& e) {
                ++broken;
                std::cerr << "kmsconf proxy: internal error judging exchange " << number << ": " << e.what() << "\n";
            }
        }
        judge.finish(std::chrono::milliseconds(o.operation_timeout_ms), console);
    });

    std::string reason;
    const auto until = o.duration > 0 ? std::chrono::steady_clock::now() +
                                            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                std::chrono::duration<double>(o.duration))
                                      : std::chrono::steady_clock::time_point::max();
    while (reason.empty()) {
        if (int sig = signals.wait_for(std::chrono::milliseconds(50))) reason = stop_reason(sig);
        else if (o.max_exchanges > 0 && server.counts().exchanges >= o.max_exchanges) reason = std::to_string(o.max_exchanges) + " exchange(s) (--max-exchanges)";
        else if (std::chrono::steady_clock::now() >= until) reason = decimal_text(o.duration) + " s (--duration)";
    }
    server.stop(kStopGrace);
    queue.close();
    judging.join();
    quiet.reset();
    const proxy::ProxyCounts counts = server.counts();
    const std::uint64_t unjudged = o.max_judged > 0 && counts.exchanges > o.max_judged ? counts.exchanges - o.max_judged : 0;
    if (!o.quiet)
        std::cout << "kmsconf proxy: stopped after " << reason << ": " << counts.exchanges << " exchange(s) on "
                  << counts.connections << " connection(s), " << counts.upstream_answered << " answered by the upstream\n";

    std::vector<std::string> warnings;
    if (judge.passed_through() > 0)
        warnings.push_back(std::to_string(judge.passed_through()) +
                           " exchange(s) on no operation the contract knows passed through, not judged");
    if (unjudged > 0)
        warnings.push_back(std::to_string(unjudged) + " exchange(s) after the first " + std::to_string(o.max_judged) +
                           " (--max-judged) were forwarded but not judged");
    if (judge.not_origin_form() > 0)
        warnings.push_back(std::to_string(judge.not_origin_form()) +
                           " of them with an absolute URL as target: the proxy was used as a forward proxy (HTTP_PROXY, "
                           "curl -x); point the client's base URL at it instead");
    if (counts.blind_connections > 0)
        warnings.push_back(std::to_string(counts.blind_connections) +
                           " connection(s) relayed unframed (a message not HTTP/1.1, or a protocol switch): their "
                           "exchanges from then on were not judged");
    if (counts.refused_connections > 0)
        warnings.push_back(std::to_string(counts.refused_connections) + " connection(s) refused: too many at once");
    RunInfo info{upstream, in_force.replicate().revision(), o.strict, "the traffic kmsconf proxy forwarded to " + upstream.origin(),
                 warnings, 0, started};
    info.finished = std::chrono::system_clock::now();
    info.contract_basis = in_force.basis();
    const std::string rerun = judge_rerun_words(o);
    const bool written =
        write_run_reports_or_say("kmsconf proxy", o.report_dir, judge.tally(), info, {o.junit_prefix, &judge.cases(), rerun});
    if (!o.quiet && judge.tally().total() > 0)
        std::cout << console_summary(judge.tally(), {o.strict, false, rerun}, style);
    std::cout << count_lines("kmsconf proxy", judge.tally(), info, "in", o.report_dir);
    // Never 0 for traffic that tested nothing: no answer from the upstream, or none on the contract's operations.
    if (counts.upstream_answered == 0)
        throw CommandStop(kExitUnreachable, counts.exchanges == 0
                                                ? std::string("no request came through the proxy: nothing was tested")
                                                : "the upstream answered none of the " + std::to_string(counts.exchanges) +
                                                      " request(s) (see the findings above)");
    if (judge.tally().total() == 0)
        throw CommandStop(kExitUsage, "nothing to judge: " + std::to_string(counts.exchanges) +
                                          " exchange(s) passed, none on replicate, the key read or an operation poll");
    if (!written) return kExitUsage;
    return judge.tally().failed(o.strict) > 0 || broken > 0 ? kExitFailures : kExitOk;
}

}  // namespace

int proxy_main(int argc, char** argv) {
    int code = kExitOk;
    auto options = parse(argc, argv, &code);
    if (!options) return code;
    return exit_code_of("kmsconf proxy", [&] { return proxy(*options); });
}

}  // namespace kms::cli
