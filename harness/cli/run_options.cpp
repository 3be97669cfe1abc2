#include "harness/cli/run_options.hpp"

#include "harness/cli/exit_codes.hpp"
#include "harness/cli/version_option.hpp"
#include "harness/transport/base_url.hpp"
#include "common/bounded_number.hpp"
#include "common/command_line.hpp"
#include "common/text.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace kms::cli {

namespace {

// Numbers arrive as text and are read by bounded_number.hpp (see there why). The defaults
// are written here as the text --help shows.
struct NumberTexts {
    std::string rate = "0";
    std::string timeout_ms = "10000";
    std::string connect_timeout_ms = "5000";
    std::string max_response_time_ms = "0";
    std::string stray_grace_ms = "20";
    std::string operation_timeout_ms = "60000";
    std::string seed = "1";
    std::string generated = "24";
};

// Reads every number into `o`; the first error, if any, in *error.
bool read_numbers(const NumberTexts& t, RunOptions& o, std::string* error) {
    auto rate = parse_bounded_real("--rate", t.rate, 0, kMaxRate, false, error);
    if (!rate) return false;
    auto timeout = parse_bounded_integer("--timeout-ms", t.timeout_ms, 1, kMaxTimeoutMs, error);
    if (!timeout) return false;
    auto connect = parse_bounded_integer("--connect-timeout-ms", t.connect_timeout_ms, 1, kMaxTimeoutMs, error);
    if (!connect) return false;
    auto budget = parse_bounded_integer("--max-response-time-ms", t.max_response_time_ms, 0, kMaxTimeoutMs, error);
    if (!budget) return false;
    auto grace = parse_bounded_integer("--stray-grace-ms", t.stray_grace_ms, 0, kMaxStrayGraceMs, error);
    if (!grace) return false;
    auto op_timeout = parse_bounded_integer("--operation-timeout-ms", t.operation_timeout_ms, 1, kMaxTimeoutMs, error);
    if (!op_timeout) return false;
    auto seed = parse_bounded_unsigned("--seed", t.seed, UINT64_MAX, error);
    if (!seed) return false;
    auto generated = parse_bounded_integer("--generated", t.generated, 0, kMaxGenerated, error);
    if (!generated) return false;
    o.rate = *rate;
    o.timeout_ms = static_cast<int>(*timeout);
    o.connect_timeout_ms = static_cast<int>(*connect);
    o.max_response_time_ms = static_cast<int>(*budget);
    o.stray_grace_ms = static_cast<int>(*grace);
    o.operation_timeout_ms = static_cast<int>(*op_timeout);
    o.seed = *seed;
    o.generated = static_cast<std::size_t>(*generated);
    return true;
}

// What cannot be right whatever the target says; the first problem in *error.
bool check_values(const po::variables_map& vm, const RunOptions& o, std::string* error) {
    if (vm.count("base-url")) {
        // An unset CI variable gives `--base-url ""`: testing the embedded server instead
        // would pass a release gate without testing the release.
        if (trim(o.base_url).empty()) {
            *error = "--base-url is empty (an unset variable?); omit the flag to test the embedded reference server";
            return false;
        }
        std::string why;
        if (!parse_base_url(o.base_url, &why)) {
            *error = "--base-url '" + o.base_url + "': " + why;
            return false;
        }
    }
    if (vm.count("key-id") && !is_uuid(o.key_id)) {
        *error = "--key-id '" + o.key_id + "' is not a uuid (8-4-4-4-12 hex digits, as the API's key ids are)";
        return false;
    }
    for (const char* name : {"report-dir", "ca-file", "api-secret-file", "zone", "contract", "junit-prefix", "schemas-dir", "suites-dir"}) {
        if (vm.count(name) && vm[name].as<std::string>().empty()) {
            *error = std::string("--") + name + " is empty";
            return false;
        }
    }
    return true;
}

// --zones a,b,c: every name non-empty, no space around it (a zone name has none).
bool read_zones(const std::string& text, RunOptions& o, std::string* error) {
    std::size_t from = 0;
    while (true) {
        const auto comma = text.find(',', from);
        const std::string zone = text.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        if (zone.empty() || trim(zone) != zone) {
            *error = "--zones '" + text + "': expected comma-separated zone names, e.g. ch-gva-2,de-fra-1";
            return false;
        }
        o.zones.push_back(zone);
        if (comma == std::string::npos) return true;
        from = comma + 1;
    }
}

// The flags, bound to `o`, to the numbers `n` (read as text and checked by read_numbers) and
// to the --zones list as written (checked by read_zones).
po::options_description describe(RunOptions& o, NumberTexts& n, std::string& zones_text) {
    po::options_description desc(
        "Usage: kmsconf [run] [options]\n"
        "Runs the replicate conformance suites against --base-url (default: an embedded reference\n"
        "server on 127.0.0.1) and writes <report-dir>/junit.xml, summary.json, summary.md,\n"
        "report.html and exchanges.har (the previous run's are removed first).\n"
        "Exit codes: 0 every MUST held; 1 conformance failures; 2 usage, config or suite error,\n"
        "or a filter that selects nothing; 3 target unreachable.\n"
        "Other commands: kmsconf serve (the reference server), kmsconf bench (latency benchmark);\n"
        "each has its own --help.\n\nOptions");
    desc.add_options()
        ("help,h", "print this help")
        ("base-url", po::value(&o.base_url), "target, http:// or https://, e.g. https://api-ch-gva-2.exoscale.com/v2 (default: embedded server)")
        ("key-id", po::value(&o.key_id), "KMS key id (a uuid) used as ${key} (default: the reference server's a02baf5a-a3e4-49a0-857b-8a08d276c1c0)")
        ("zone", po::value(&o.zone)->default_value(o.zone), "target zone used as ${zone} while the key's state is unknown")
        ("zones", po::value(&zones_text), "the target's zones, comma-separated (default: the 8 Exoscale zones); with the key's state they aim the cases")
        ("operation-timeout-ms", po::value(&n.operation_timeout_ms)->default_value(n.operation_timeout_ms),
         "how long a replicate's operation may stay pending before it is a failure, 1 to 600000")
        ("contract", po::value(&o.contract)->default_value(o.contract), "contract revision under schemas/ (2026-03-31, 2026-07-20), auto (decided from the responses), or a directory holding contract.json")
        ("suites", po::value(&o.suites)->multitoken(), "suite files or directories (default: the suites folder, --suites-dir)")
        ("schemas-dir", po::value(&o.schemas_dir),
         "the schemas folder (default: $KMSCONF_SCHEMAS_DIR, else ../share/kmsconf/schemas beside the binary)")
        ("suites-dir", po::value(&o.suites_dir),
         "the folder of the default suites (default: $KMSCONF_SUITES_DIR, else ../share/kmsconf/suites beside the binary)")
        ("filter", po::value(&o.filter), "comma-separated globs on suite.case-id or case-id; a leading '-' excludes")
        ("list", po::bool_switch(&o.list), "list the selected cases and exit")
        ("list-checks", po::bool_switch(&o.list_checks), "list the checks applied to responses, with their requirements, and exit")
        ("dry-run", po::bool_switch(&o.dry_run), "print each request as a curl command; send nothing")
        ("rate", po::value(&n.rate)->default_value(n.rate), "cap on requests per second, 0 to 10000 (0: none)")
        ("timeout-ms", po::value(&n.timeout_ms)->default_value(n.timeout_ms), "read deadline per request, 1 to 600000")
        ("connect-timeout-ms", po::value(&n.connect_timeout_ms)->default_value(n.connect_timeout_ms), "connect + TLS handshake deadline, 1 to 600000")
        ("max-response-time-ms", po::value(&n.max_response_time_ms)->default_value(n.max_response_time_ms),
         "a slower response is a MUST finding max_response_time, 0 to 600000 (0: no budget)")
        ("stray-grace-ms", po::value(&n.stray_grace_ms)->default_value(n.stray_grace_ms),
         "how long each kept-alive connection is watched after a response for bytes nobody asked for "
         "(response_framing), 0 to 5000 (0: only bytes already received)")
        ("strict", po::bool_switch(&o.strict), "SHOULD-level (non-strict) findings fail the run too")
        ("report-dir", po::value(&o.report_dir)->default_value(o.report_dir), "where junit.xml, summary.json, summary.md and report.html are written")
        ("junit-prefix", po::value(&o.junit_prefix), "prefix junit.xml's suite names with NAME. (two targets in one pipeline)")
        ("ca-file", po::value(&o.ca_file), "PEM file of extra trust anchors for HTTPS (at least one certificate)")
        ("insecure", po::bool_switch(&o.insecure), "do not verify the server's TLS certificate")
        ("api-key", po::value(&o.api_key), "EXO2 API key (default: $EXOSCALE_API_KEY)")
        ("api-secret-file", po::value(&o.api_secret_file), "file holding the API secret on one line (default: $EXOSCALE_API_SECRET)")
        ("seed", po::value(&n.seed)->default_value(n.seed), "seed of the generated cases, 0 to 18446744073709551615 (same seed, same ids and bytes)")
        ("generated", po::value(&n.generated)->default_value(n.generated), "how many cases to generate from the request schema, 0 to 10000 (0: none)")
        ("verbose,v", po::bool_switch(&o.verbose), "print every case as it runs, and informational findings")
        ("quiet,q", po::bool_switch(&o.quiet), "print only the final count line (and errors)");
    add_version_option(desc);
    return desc;
}

// After an unknown flag: the rest read leniently, only to learn where the refused run's
// reports would have gone (empty when it would have written none).
std::string report_dir_despite_unknown_flag(int argc, char** argv) {
    try {
        RunOptions lenient;
        po::options_description dirs;
        dirs.add_options()("report-dir", po::value(&lenient.report_dir)->default_value(lenient.report_dir))(
            "list", po::bool_switch(&lenient.list))("list-checks", po::bool_switch(&lenient.list_checks))(
            "dry-run", po::bool_switch(&lenient.dry_run))("help,h", "")("version", "");
        po::variables_map lvm;
        po::store(po::command_line_parser(argc, argv).options(dirs).style(strict_command_line_style()).allow_unregistered().run(), lvm);
        po::notify(lvm);
        if (lenient.sends() && !lvm.count("help") && !lvm.count("version")) return lenient.report_dir;
    } catch (const po::error&) {
    }
    return {};
}

}  // namespace

std::optional<RunOptions> parse_run_options(int argc, char** argv, int* exit_code, std::string* report_dir) {
    RunOptions o;
    NumberTexts n;
    std::string zones_text;
    const po::options_description desc = describe(o, n, zones_text);
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
    if (o.sends()) *report_dir = o.report_dir;
    if (!stray.empty())
        return usage("unexpected argument '" + stray.front() + "' (commands: run, serve, bench; options start with --)");
    std::string error;
    if (!read_numbers(n, o, &error) || !check_values(vm, o, &error)) return usage(error);
    if (vm.count("zones") && !read_zones(zones_text, o, &error)) return usage(error);
    o.contract_given = !vm["contract"].defaulted();
    return o;
}

}  // namespace kms::cli
