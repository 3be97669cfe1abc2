#include "run_options.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace kms::cli {

std::optional<RunOptions> parse_run_options(int argc, char** argv, int* exit_code) {
    RunOptions o;
    po::options_description desc(
        "Usage: kmsconf [run] [options]\n"
        "Runs the replicate conformance suites against --base-url (default: an embedded reference\n"
        "server on 127.0.0.1) and writes <report-dir>/junit.xml and summary.json.\n"
        "Exit codes: 0 every MUST held; 1 conformance failures; 2 usage, config or suite error,\n"
        "or a filter that selects nothing; 3 target unreachable.\n\nOptions");
    desc.add_options()
        ("help,h", "print this help")
        ("base-url", po::value(&o.base_url), "target, e.g. https://api-ch-gva-2.exoscale.com/v2 (default: embedded server)")
        ("key-id", po::value(&o.key_id), "KMS key id used as ${key} (default: the reference server's a02baf5a-a3e4-49a0-857b-8a08d276c1c0)")
        ("zone", po::value(&o.zone)->default_value(o.zone), "target zone used as ${zone}")
        ("contract", po::value(&o.contract)->default_value(o.contract), "contract revision under schemas/, or a directory holding contract.json")
        ("suites", po::value(&o.suites)->multitoken(), "suite files or directories (default: suites/)")
        ("filter", po::value(&o.filter), "comma-separated globs on suite.case-id or case-id; a leading '-' excludes")
        ("list", po::bool_switch(&o.list), "list the selected cases and exit")
        ("list-checks", po::bool_switch(&o.list_checks), "list the checks applied to responses, with their requirements, and exit")
        ("dry-run", po::bool_switch(&o.dry_run), "print each request as a curl command; send nothing")
        ("rate", po::value(&o.rate)->default_value(o.rate), "cap on requests per second (0: none)")
        ("timeout-ms", po::value(&o.timeout_ms)->default_value(o.timeout_ms), "read deadline per request")
        ("connect-timeout-ms", po::value(&o.connect_timeout_ms)->default_value(o.connect_timeout_ms), "connect + TLS handshake deadline")
        ("strict", po::bool_switch(&o.strict), "SHOULD-level (non-strict) findings fail the run too")
        ("report-dir", po::value(&o.report_dir)->default_value(o.report_dir), "where junit.xml and summary.json are written")
        ("ca-file", po::value(&o.ca_file), "PEM file of extra trust anchors for HTTPS")
        ("insecure", po::bool_switch(&o.insecure), "do not verify the server's TLS certificate")
        ("api-key", po::value(&o.api_key), "EXO2 API key (default: $EXOSCALE_API_KEY)")
        ("api-secret-file", po::value(&o.api_secret_file), "file holding the API secret (default: $EXOSCALE_API_SECRET)")
        ("seed", po::value(&o.seed)->default_value(o.seed), "seed of the generated cases (same seed, same ids and bytes)")
        ("generated", po::value(&o.generated)->default_value(o.generated), "how many cases to generate from the request schema (0: none)")
        ("verbose,v", po::bool_switch(&o.verbose), "print every case as it runs, and informational findings");
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        if (vm.count("help")) {
            std::cout << desc << "\n";
            *exit_code = 0;
            return std::nullopt;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "kmsconf: " << e.what() << " (see --help)\n";
        *exit_code = 2;
        return std::nullopt;
    }
    auto bad = [&](const std::string& msg) -> std::optional<RunOptions> {
        std::cerr << "kmsconf: " << msg << " (see --help)\n";
        *exit_code = 2;
        return std::nullopt;
    };
    if (o.rate < 0) return bad("--rate must be >= 0");
    if (o.timeout_ms <= 0 || o.connect_timeout_ms <= 0) return bad("timeouts must be > 0");
    return o;
}

}  // namespace kms::cli
