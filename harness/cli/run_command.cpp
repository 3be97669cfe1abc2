#include "harness/cli/run_command.hpp"

#include "harness/cases/case_filter.hpp"
#include "harness/cases/case_generator.hpp"
#include "harness/run/case_runner.hpp"
#include "harness/contract/contract.hpp"
#include "harness/transport/ca_file_check.hpp"
#include "common/credentials.hpp"
#include "harness/report/curl_command.hpp"
#include "harness/report/gtest_cases.hpp"
#include "harness/report/gtest_isolation.hpp"
#include "harness/report/html_report.hpp"
#include "harness/report/junit_findings.hpp"
#include "server/reference_server.hpp"
#include "harness/report/report_files.hpp"
#include "harness/cli/run_options.hpp"
#include "harness/run/run_tally.hpp"
#include "harness/run/stateful_run.hpp"
#include "harness/report/junit_run_cases.hpp"
#include "harness/cases/suite.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <memory>

namespace fs = std::filesystem;

namespace kms::cli {

namespace {

constexpr int kExitOk = 0, kExitFailures = 1, kExitUsage = 2, kExitUnreachable = 3;

fs::path contract_dir(const std::string& contract) {
    fs::path p(contract);
    std::error_code ec;
    if (fs::is_directory(p, ec)) return p;
    return default_schemas_dir() / contract;
}

void print_list(const std::vector<Case>& cases) {
    for (const auto& c : cases)
        std::cout << c.full_name() << "  [" << to_string(c.level) << "]  " << c.requirement << "\n";
    std::cout << cases.size() << " cases\n";
}

int dry_run(const std::vector<Case>& cases, const BaseUrl& base, const RunSettings& settings) {
    for (const auto& c : cases) {
        std::cout << "# " << c.full_name() << " [" << to_string(c.level) << "]: " << c.requirement << "\n";
        if (!auth_mode_runnable(c.request.auth, settings.signer)) {
            std::cout << "# skipped: needs credentials\n\n";
            continue;
        }
        for (int i = 0; i < c.request.times; ++i)
            std::cout << curl_command(base, build_request(c, settings.vars, base, settings.signer), SIZE_MAX) << "\n";
        std::cout << "\n";
    }
    return kExitOk;
}

}  // namespace

int run_main(int argc, char** argv) {
    int code = kExitOk;
    std::string report_dir_of_failed_run;
    auto options = parse_run_options(argc, argv, &code, &report_dir_of_failed_run);
    if (!options) {
        // Even a run refused for its flags must not leave the last green report behind.
        if (!report_dir_of_failed_run.empty()) {
            try {
                remove_previous_reports(report_dir_of_failed_run);
            } catch (const std::exception& e) {
                std::cerr << "kmsconf: " << e.what() << "\n";
            }
        }
        return code;
    }
    const RunOptions& o = *options;

    if (o.list_checks) {
        for (const auto& check : check_catalogue()) std::cout << check.name << "  " << check.requirement << "\n";
        return kExitOk;
    }
    // First of all, the previous run's reports go: whatever stops this run (exit 2 or 3),
    // CI must not find and publish the last green junit.xml.
    if (o.sends()) {
        try {
            remove_previous_reports(o.report_dir);
        } catch (const std::exception& e) {
            std::cerr << "kmsconf: " << e.what() << "\n";
            return kExitUsage;
        }
    }

    // Everything that can be wrong with the configuration is found before any request is sent.
    std::optional<Contract> contract;
    std::vector<Case> cases;
    RunSettings settings;
    ReadContracts reads;
    try {
        contract = Contract::load(contract_dir(o.contract));
        reads = load_reads(contract_dir(o.contract));
        auto suite_schema = SchemaValidator::from_file(default_schemas_dir() / "suite.schema.json");
        std::vector<fs::path> paths(o.suites.begin(), o.suites.end());
        if (paths.empty()) paths.push_back(default_suites_dir());
        auto suites = load_suites(paths, *suite_schema);
        if (o.generated > 0)
            suites.push_back(generate_cases(contract->request_schema().document(), {o.seed, o.generated, o.zone}));
        cases = select_cases(suites, o.filter);
        settings.signer.credentials = resolve_credentials(o.api_key, o.api_secret_file);
    } catch (const std::exception& e) {
        std::cerr << "kmsconf: " << e.what() << "\n";
        return kExitUsage;
    }
    if (cases.empty()) {
        std::cerr << "kmsconf: the filter '" << o.filter << "' selects no case (see --list)\n";
        return kExitUsage;
    }
    if (o.list) {
        print_list(cases);
        return kExitOk;
    }
    settings.vars.key = o.key_id.empty() ? server::kDefaultKeyId : o.key_id;
    settings.vars.zone = o.zone;
    settings.rate_per_second = o.rate;
    settings.max_response_time = std::chrono::milliseconds(o.max_response_time_ms);

    if (!o.ca_file.empty()) {
        if (auto problem = ca_file_problem(o.ca_file); !problem.empty()) {
            std::cerr << "kmsconf: --ca-file " << o.ca_file << ": " << problem << "\n";
            return kExitUsage;
        }
    }
    // Reports that cannot be written are found now, not after every request was sent.
    if (o.sends()) {
        try {
            check_reports_writable(o.report_dir);
        } catch (const std::exception& e) {
            std::cerr << "kmsconf: " << e.what() << "\n";
            return kExitUsage;
        }
    }

    // The target: the given URL, or the embedded reference server on an ephemeral port.
    std::unique_ptr<server::ReferenceServer> embedded;
    std::string url = o.base_url;
    std::string target_label = o.base_url;
    if (url.empty() && !o.dry_run) {
        // The embedded server requires signatures, like the real API, so that the auth cases
        // run too: with the user's credentials if given, else throw-away ones for this run.
        if (!settings.signer.credentials)
            settings.signer.credentials = Exo2Credentials{"EXOembedded" + random_uuid().substr(0, 8), random_uuid() + random_uuid()};
        server::ServerOptions so;
        so.service.credentials = settings.signer.credentials;
        so.service.operation_settle = std::chrono::milliseconds(100);  // its operations are followed: keep runs short
        embedded = std::make_unique<server::ReferenceServer>(so);
        try {
            embedded->start();
        } catch (const std::exception& e) {
            std::cerr << "kmsconf: cannot start the embedded reference server: " << e.what() << "\n";
            return kExitUnreachable;
        }
        url = embedded->base_url();
        target_label = "embedded reference server (" + url + ")";
    } else if (url.empty()) {
        url = "http://127.0.0.1:8080/v2";  // dry run: what `kmsconf serve --port 8080` would serve
    }
    std::string url_error;
    auto base = parse_base_url(url, &url_error);
    if (!base) {
        std::cerr << "kmsconf: --base-url " << url << ": " << url_error << "\n";
        return kExitUsage;
    }
    try {
        if (o.dry_run) return dry_run(cases, *base, settings);
    } catch (const std::exception& e) {
        std::cerr << "kmsconf: " << e.what() << "\n";
        return kExitUsage;
    }

    ClientOptions co;
    co.read_timeout = std::chrono::milliseconds(o.timeout_ms);
    co.connect_timeout = std::chrono::milliseconds(o.connect_timeout_ms);
    co.total_timeout = co.read_timeout + co.connect_timeout;
    co.verify_tls = !o.insecure;
    co.ca_file = o.ca_file;
    co.stray_bytes_grace = std::chrono::milliseconds(o.stray_grace_ms);
    HttpClient client(*base, co);
    if (auto failure = client.connect()) {
        std::cerr << "kmsconf: target unreachable: " << failure->error_detail << "\n";
        return kExitUnreachable;
    }

    // GoogleTest sees only the flags set here: neither ours nor GTEST_* from the environment.
    const fs::path junit = fs::path(o.report_dir) / "junit.xml";
    init_googletest_for_run(junit.string(), !o.verbose);

    CaseRunner runner(*contract, client, *base, settings);
    RunTally tally;
    // Polled at 1/100 of the clients' intervals against the embedded server (30 ms, not 3 s).
    StatefulRun stateful(*contract, std::move(reads), client, *base, settings.signer, settings.vars, tally,
                         {o.zones, {embedded ? 0.01 : 1.0, std::chrono::milliseconds(o.operation_timeout_ms)}, o.strict, o.verbose});
    runner.set_observer(&stateful);
    register_case_tests(cases, runner, tally, {o.strict, o.verbose});
    const int gtest_status = RUN_ALL_TESTS();
    stateful.finish();

    RunInfo info{*base, contract->revision(), o.strict, target_label, stateful.warnings()};
    bool reports_written = true;
    try {
        add_run_cases_to_junit(junit, tally, *base, o.strict, info.warnings);
        add_findings_to_junit(junit, tally, *base, o.strict);
        tally.write_json(fs::path(o.report_dir) / "summary.json", info);
        write_html_report(fs::path(o.report_dir) / "report.html", tally, info);
    } catch (const std::exception& e) {
        std::cerr << "kmsconf: " << e.what() << "\n";
        reports_written = false;
    }
    const int failed = tally.failed(o.strict);
    std::cout << "\nkmsconf: " << tally.passed(o.strict) << " passed, " << failed << " failed, "
              << tally.count(Verdict::skipped) << " skipped\n"
              << "  (" << tally.count(Verdict::non_strict) << " non-strict, " << tally.count(Verdict::informational)
              << " informational) against " << info.target_label() << ", contract " << info.contract_revision
              << "; reports in " << o.report_dir << "/\n";
    for (const auto& w : info.warnings) std::cout << "kmsconf: warning: " << w << "\n";

    const int ran = tally.total() - tally.count(Verdict::skipped);
    if (ran > 0 && tally.transport_failures() == ran) {
        std::cerr << "kmsconf: no case got a response: target unreachable\n";
        return kExitUnreachable;
    }
    if (ran == 0) {
        std::cerr << "kmsconf: every selected case was skipped: nothing was tested\n";
        return kExitUsage;
    }
    // A gate must not pass on reports it could not write (checked writable up front, but a
    // disk can fill up).
    if (!reports_written) return kExitUsage;
    // GoogleTest's own verdict is a cross-check: a test that failed without a graded failure
    // (an exception, say) still fails the run.
    return failed > 0 || gtest_status != 0 ? kExitFailures : kExitOk;
}

}  // namespace kms::cli
