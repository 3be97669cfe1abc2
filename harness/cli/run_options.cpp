#include "harness/cli/run_options.hpp"

#include "harness/cli/exit_codes.hpp"
#include "harness/cli/target_flags.hpp"
#include "harness/contract/contract.hpp"
#include "harness/cli/version_option.hpp"
#include "common/command_line.hpp"
#include "common/text.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace kms::cli {

namespace {

// --zones a,b,c: every name non-empty, no space around it (a zone name has none).
std::string store_zones(RunOptions& o, const std::vector<std::string>& value) {
    const std::string& text = value.front();
    o.zones.clear();
    std::size_t from = 0;
    while (true) {
        const auto comma = text.find(',', from);
        const std::string zone = text.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        if (zone.empty() || trim(zone) != zone)
            return "--zones '" + text + "': expected comma-separated zone names, e.g. ch-gva-2,de-fra-1";
        o.zones.push_back(zone);
        if (comma == std::string::npos) return "";
        from = comma + 1;
    }
}

std::vector<std::string> zones_value(const RunOptions& o) {
    std::string list;
    for (const auto& z : o.zones) list += (list.empty() ? "" : ",") + z;
    return {list};
}

std::vector<Flag<RunOptions>> make_run_flags() {
    using O = RunOptions;
    std::vector<Flag<O>> flags = target_flags<O>();
    const std::vector<Flag<O>> own = {
        custom_flag<O>(FlagSpec("zones", "the target's zones, comma-separated (default: the 8 Exoscale zones); with "
                                         "the key's state they aim the cases")
                           .carried_by_rerun(),
                       FlagKind::text, store_zones, zones_value),
        operation_timeout_flag<O>(),
        contract_flag<O>(),
        words_flag<O>(FlagSpec("suites", "suite files or directories (default: the suites folder, --suites-dir)")
                          .several_words()
                          .carried_by_rerun(),
                      &O::suites),
        text_flag<O>(FlagSpec("suites-dir", "the folder of the default suites (default: $KMSCONF_SUITES_DIR, else "
                                            "../share/kmsconf/suites beside the binary)")
                         .refuse_empty()
                         .carried_by_rerun(),
                     &O::suites_dir),
        // Not carried: a rerun command selects its one case with a --filter of its own.
        text_flag<O>(FlagSpec("filter", "comma-separated globs on suite.case-id or case-id; a leading '-' excludes"),
                     &O::filter),
        switch_flag<O>(FlagSpec("list", "list the selected cases and exit"), &O::list),
        switch_flag<O>(FlagSpec("list-checks", "list the checks, with their requirements, what each judges and the "
                                               "reference-server fault that shows it failing, and exit"),
                       &O::list_checks),
        switch_flag<O>(FlagSpec("dry-run", "print each request as a curl command; send nothing"), &O::dry_run),
        real_flag<O>(FlagSpec("rate", "cap on requests per second, {bounds} (0: none)")
                         .defaults_to("0")
                         .between(0, kMaxRate)
                         .carried_by_rerun(),
                     &O::rate),
        integer_flag<O>(FlagSpec("connect-timeout-ms", "connect + TLS handshake deadline, {bounds}")
                            .defaults_to("5000")
                            .between(1, kMaxTimeoutMs)
                            .carried_by_rerun(),
                        &O::connect_timeout_ms),
        integer_flag<O>(FlagSpec("max-response-time-ms", "a slower response is a MUST finding max_response_time, "
                                                         "{bounds} (0: no budget)")
                            .defaults_to("0")
                            .between(0, kMaxTimeoutMs)
                            .carried_by_rerun(),
                        &O::max_response_time_ms),
        integer_flag<O>(FlagSpec("stray-grace-ms", "how long each kept-alive connection is watched after a response "
                                                   "for bytes nobody asked for (response_framing), {bounds} (0: only "
                                                   "bytes already received)")
                            .defaults_to("20")
                            .between(0, kMaxStrayGraceMs)
                            .carried_by_rerun(),
                        &O::stray_grace_ms),
        strict_flag<O>(),
        unsigned_flag<O>(FlagSpec("seed", "seed of the generated cases, {bounds} (same seed, same ids and bytes)")
                             .defaults_to("1")
                             .carried_by_rerun(),
                         &O::seed),
        integer_flag<O>(FlagSpec("generated", "how many cases to generate from the request schema, {bounds} "
                                              "(0: none)")
                            .defaults_to("24")
                            .between(0, kMaxGenerated)
                            .carried_by_rerun(),
                        &O::generated),
    };
    flags.insert(flags.end(), own.begin(), own.end());
    for (auto& f : console_flags<O>()) flags.push_back(std::move(f));
    return flags;
}

constexpr const char* kUsage =
    "Usage: kmsconf [run] [options]\n"
    "Runs the replicate conformance suites against --base-url (default: an embedded reference\n"
    "server on 127.0.0.1) and writes <report-dir>/junit.xml, summary.json, summary.md,\n"
    "report.html and exchanges.har (the previous run's are removed first).\n"
    "Exit codes: 0 every MUST held; 1 conformance failures; 2 usage, config or suite error,\n"
    "or a filter that selects nothing; 3 target unreachable.\n"
    "Other commands: kmsconf serve (the reference server), kmsconf bench (latency benchmark),\n"
    "kmsconf judge (recorded traffic, HAR 1.2), kmsconf proxy (live traffic, judged as it\n"
    "passes); each has its own --help.\n\nOptions";

po::options_description describe() {
    po::options_description desc(kUsage);
    desc.add_options()("help,h", "print this help");
    describe_flags(desc, specs_of(run_flag_table()));
    add_version_option(desc);
    return desc;
}

// Where a run would write its reports, as the parsed flags say: none for --list, --list-checks
// and --dry-run (which write none) and for --help and --version.
std::string report_dir_of(const po::variables_map& vm) {
    if (vm.count("help") || vm.count("version")) return {};
    for (const char* writes_none : {"list", "list-checks", "dry-run"})
        if (vm.count(writes_none) && vm[writes_none].as<bool>()) return {};
    return vm.count("report-dir") ? vm["report-dir"].as<std::string>() : std::string();
}

// After an unknown flag: those few flags read leniently, from their rows of the table, only to
// learn where the refused run's reports would have gone.
std::string report_dir_despite_unknown_flag(int argc, char** argv) {
    try {
        std::vector<FlagSpec> specs;
        for (const auto& f : run_flag_table())
            if (f.spec.name == "report-dir" || f.spec.name == "list" || f.spec.name == "list-checks" ||
                f.spec.name == "dry-run")
                specs.push_back(f.spec);
        po::options_description dirs;
        describe_flags(dirs, specs);
        dirs.add_options()("help,h", "")("version", "");
        po::variables_map lvm;
        po::store(po::command_line_parser(argc, argv).options(dirs).style(strict_command_line_style()).allow_unregistered().run(), lvm);
        po::notify(lvm);
        return report_dir_of(lvm);
    } catch (const po::error&) {
    }
    return {};
}

}  // namespace

const std::vector<Flag<RunOptions>>& run_flag_table() {
    static const std::vector<Flag<RunOptions>> table = make_run_flags();
    return table;
}

std::optional<RunOptions> parse_run_options(int argc, char** argv, int* exit_code, std::string* report_dir) {
    RunOptions o;
    const po::options_description desc = describe();
    auto usage = [&](const std::string& msg) -> std::optional<RunOptions> {
        std::cerr << "kmsconf: " << msg << " (see --help)\n";
        *exit_code = kExitUsage;
        return std::nullopt;
    };
    po::variables_map vm;
    std::vector<std::string> stray;  // refused below, once the report folder is known
    try {
        CommandLine line = parse_command_line(argc, argv, desc);
        vm = std::move(line.values);
        stray = std::move(line.stray);
        if (vm.count("help")) {
            std::cout << desc << "\n";
            *exit_code = kExitOk;
            return std::nullopt;
        }
        if (print_version_if_asked(vm, std::cout)) {
            *exit_code = kExitOk;
            return std::nullopt;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        *report_dir = report_dir_despite_unknown_flag(argc, argv);
        return usage(e.what());
    }
    // Where a run would have written its reports, read before any value is checked: a refused
    // run still removes the previous run's, so that CI never publishes a stale green report.
    *report_dir = report_dir_of(vm);
    std::string error;
    const bool stored = store_flags(vm, run_flag_table(), o, &error);
    if (!stray.empty())
        return usage("unexpected argument '" + stray.front() + "' (commands: run, serve, bench, judge, proxy; options start with --)");
    if (!stored) return usage(error);
    o.contract_given = !vm["contract"].defaulted();
    return o;
}

}  // namespace kms::cli
