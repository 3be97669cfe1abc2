// Orchestration of `kmsconf run`: options, the suites and the contract (every configuration
// error found before anything is sent), the shared target set-up, the case loop
// (harness/run/case_loop.hpp) with the console watching it, then the reports and the exit code.
#include "harness/cli/run_command.hpp"

#include "common/fixture_ids.hpp"
#include "common/text.hpp"
#include "harness/cases/case_filter.hpp"
#include "harness/cases/case_generator.hpp"
#include "harness/cases/suite.hpp"
#include "harness/cli/data_dirs.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/rerun_flags.hpp"
#include "harness/cli/run_options.hpp"
#include "harness/cli/target_setup.hpp"
#include "harness/contract/contract.hpp"
#include "harness/cases/curl_command.hpp"
#include "harness/report/console_cases.hpp"
#include "harness/report/console_summary.hpp"
#include "harness/report/report_files.hpp"
#include "harness/report/run_reports.hpp"
#include "harness/run/case_loop.hpp"
#include "harness/run/case_runner.hpp"
#include "harness/run/contract_in_force.hpp"
#include "harness/run/run_tally.hpp"
#include "harness/run/stateful_run.hpp"

#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;

namespace kms::cli {

namespace {

// What a run runs: the contract in force (the revision and its read operations; --contract auto
// decides it during the run), the selected cases, and how to send them.
struct PreparedRun {
    std::shared_ptr<ContractInForce> in_force;  // shared: the runner and the stateful run observe through it
    std::vector<Case> cases;
    RunSettings settings;
};

std::vector<Case> load_cases(const RunOptions& o, const Contract& contract, const fs::path& schemas_dir) {
    auto suite_schema = SchemaValidator::from_file(schemas_dir / "suite.schema.json");
    std::vector<fs::path> paths(o.suites.begin(), o.suites.end());
    // The suites folder is looked for only when --suites does not name the suites.
    if (paths.empty()) paths.push_back(resolve_data_dir(kSuitesDir, o.suites_dir));
    auto suites = load_suites(paths, *suite_schema);
    if (o.generated > 0)
        suites.push_back(generate_cases(contract.request_schema().document(), {o.seed, o.generated, o.zone}));
    return select_cases(suites, o.filter);
}

// Everything that can be wrong with the configuration is found here, before any request is sent.
PreparedRun prepare_run(const RunOptions& o) {
    std::optional<PreparedRun> plan;
    try {
        const fs::path schemas_dir = resolve_data_dir(kSchemasDir, o.schemas_dir);
        auto in_force = std::make_shared<ContractInForce>(load_contract_in_force(o.contract, schemas_dir));
        if (!o.contract_given) in_force->mark_default();
        auto cases = load_cases(o, in_force->replicate(), schemas_dir);
        plan = PreparedRun{std::move(in_force), std::move(cases), {}};
    } catch (const std::exception& e) {
        throw CommandStop(kExitUsage, e.what());
    }
    plan->settings.signer.credentials = load_credentials(o.api_key, o.api_secret_file);
    if (plan->cases.empty()) throw CommandStop(kExitUsage, "the filter '" + o.filter + "' selects no case (see --list)");
    plan->settings.vars.key = o.key_id.empty() ? kDefaultKeyId : o.key_id;
    plan->settings.vars.zone = o.zone;
    plan->settings.rate_per_second = o.rate;
    plan->settings.max_response_time = std::chrono::milliseconds(o.max_response_time_ms);
    return std::move(*plan);
}

// Each check's name and requirement on a line, then indented what it judges, how the case's
// level bounds it and the reference-server fault that shows it failing (its catalogue row).
void print_checks() {
    for (const auto& check : check_catalogue()) {
        std::cout << check.name << "  " << check.requirement << "\n    judges " << describe(check.judges)
                  << "; bound: " << describe(check.rule) << "; ";
        if (*check.faults) std::cout << "fails under kmsconf serve --fault " << check.faults;
        if (*check.faults && *check.fault_note) std::cout << " (" << check.fault_note << ")";
        if (!*check.faults) std::cout << check.fault_note;
        std::cout << "\n";
    }
}

void print_list(const std::vector<Case>& cases) {
    for (const auto& c : cases)
        std::cout << c.full_name() << "  [" << to_string(c.level) << "]  " << c.requirement << "\n";
    std::cout << cases.size() << " cases\n";
}

// --dry-run: every request as a curl command, nothing sent. Without --base-url, the URL
// `kmsconf serve --port 8080` would serve.
int dry_run(const RunOptions& o, const PreparedRun& plan) {
    const BaseUrl base = parse_target_url(o.base_url.empty() ? "http://127.0.0.1:8080/v2" : o.base_url);
    try {
        for (const auto& c : plan.cases) {
            std::cout << "# " << c.full_name() << " [" << to_string(c.level) << "]: " << c.requirement << "\n";
            if (!auth_mode_runnable(c.request.auth, plan.settings.signer)) {
                std::cout << "# skipped: needs credentials\n\n";
                continue;
            }
            for (int i = 0; i < c.request.times; ++i)
                std::cout << curl_command(base, build_request(c, plan.settings.vars, base, plan.settings.signer), SIZE_MAX)
                          << "\n";
            std::cout << "\n";
        }
    } catch (const std::exception& e) {
        throw CommandStop(kExitUsage, e.what());
    }
    return kExitOk;
}

// The embedded server requires signatures, like the real API, so that the auth cases run too:
// with the user's credentials if given, else throw-away ones for this run.
Target open_run_target(const RunOptions& o, RunSettings& settings, const std::string& revision) {
    server::ServerOptions embedded;
    if (o.base_url.empty()) {
        // It speaks the pinned revision (auto: the default), so that a pinned run passes.
        embedded.service.revision = server::parse_revision(revision).value_or(embedded.service.revision);
        if (!settings.signer.credentials)
            settings.signer.credentials = Exo2Credentials{"EXOembedded" + random_uuid().substr(0, 8), random_uuid() + random_uuid()};
        embedded.service.credentials = settings.signer.credentials;
        embedded.service.operation_settle = std::chrono::milliseconds(100);  // its operations are followed: keep runs short
    }
    return open_target(o.base_url, std::move(embedded));
}

ClientOptions client_options(const RunOptions& o) {
    ClientOptions co;
    co.read_timeout = std::chrono::milliseconds(o.timeout_ms);
    co.connect_timeout = std::chrono::milliseconds(o.connect_timeout_ms);
    co.total_timeout = co.read_timeout + co.connect_timeout;
    co.verify_tls = !o.insecure;
    co.ca_file = o.ca_file;
    co.stray_bytes_grace = std::chrono::milliseconds(o.stray_grace_ms);
    return co;
}

// The exit code of a run that sent its cases.
int run_verdict(const RunOptions& o, const RunTally& tally, bool reports_written, std::size_t broken_cases) {
    const int ran = tally.total() - tally.count(Verdict::skipped);
    if (ran > 0 && tally.transport_failures() == ran)
        throw CommandStop(kExitUnreachable, "no case got a response: target unreachable");
    if (ran == 0) throw CommandStop(kExitUsage, "every selected case was skipped: nothing was tested");
    // A gate must not pass on reports it could not write.
    if (!reports_written) return kExitUsage;
    // A case the harness could not run to a verdict (it threw) is in no report: it fails the
    // run all the same, rather than pass it untested.
    return tally.failed(o.strict) > 0 || broken_cases > 0 ? kExitFailures : kExitOk;
}

int run_cases(const RunOptions& o, const PreparedRun& plan, const Target& target, HttpClient& client) {
    const ConsoleStyle style = ConsoleStyle::detect(stdout);
    ProgressLine progress(stdout, style.terminal && !o.quiet);
    const auto started = std::chrono::system_clock::now();
    CaseRunner runner(plan.in_force->replicate(), client, target.base, plan.settings);
    RunTally tally;
    ConsoleCases console_cases(std::cout, progress, style, target.base, {o.strict, o.verbose});
    // Polled at 1/100 of the clients' intervals against the embedded server (30 ms, not 3 s).
    const double poll_scale = o.base_url.empty() ? 0.01 : 1.0;
    StatefulRun stateful(plan.in_force->replicate(), plan.in_force->reads(), client, target.base, plan.settings.signer, plan.settings.vars, tally,
                         {o.zones, {poll_scale, std::chrono::milliseconds(o.operation_timeout_ms)}, &console_cases});
    runner.set_observer(&stateful);
    runner.set_contract_in_force(plan.in_force.get());
    stateful.set_contract_in_force(plan.in_force.get());
    CaseLoopOutcome outcome;
    {
        const ProgressGuard console(std::cout, progress, o.quiet);
        outcome = run_case_loop(plan.cases, runner, tally, console_cases);
        stateful.finish();
    }
    const auto finished = std::chrono::system_clock::now();

    const ContractInForce& in_force = *plan.in_force;
    if (!o.quiet) std::cout << "kmsconf: contract " << in_force.replicate().revision() << " (" << in_force.basis() << ")\n";
    RunInfo info{target.base, in_force.replicate().revision(), o.strict, target.label, stateful.warnings(), o.seed, started};
    info.finished = finished;
    info.contract_basis = in_force.basis();
    const bool reports_written =
        write_run_reports_or_say("kmsconf", o.report_dir, tally, info, {o.junit_prefix, &plan.cases, rerun_flags(o)});
    if (!o.quiet)
        std::cout << console_summary(tally, {o.strict, o.max_response_time_ms > 0, rerun_flags(o)}, style);
    std::cout << count_lines("kmsconf", tally, info, "against", o.report_dir);
    return run_verdict(o, tally, reports_written, outcome.broken);
}

int run(const RunOptions& o) {
    if (o.list_checks) {
        print_checks();
        return kExitOk;
    }
    // First of all, the previous run's reports go: whatever stops this run (exit 2 or 3), CI
    // must not find and publish the last green junit.xml.
    if (o.sends()) remove_stale_reports(o.report_dir, kRunReportFiles);
    PreparedRun plan = prepare_run(o);
    if (o.list) {
        print_list(plan.cases);
        return kExitOk;
    }
    check_ca_file(o.ca_file);
    if (o.sends()) check_report_folder(o.report_dir, kRunReportFiles);
    if (o.dry_run) return dry_run(o, plan);

    const Target target = open_run_target(o, plan.settings, plan.in_force->replicate().revision());
    HttpClient client(target.base, client_options(o));
    check_reachable(client);
    return run_cases(o, plan, target, client);
}

// A run refused for its flags must not leave the last green report behind either.
void remove_reports_of_refused_run(const std::string& report_dir) {
    if (report_dir.empty()) return;
    try {
        remove_previous_reports(report_dir);
    } catch (const std::exception& e) {
        std::cerr << "kmsconf: " << e.what() << "\n";
    }
}

}  // namespace

int run_main(int argc, char** argv) {
    int code = kExitOk;
    std::string report_dir_of_refused_run;
    auto options = parse_run_options(argc, argv, &code, &report_dir_of_refused_run);
    if (!options) {
        remove_reports_of_refused_run(report_dir_of_refused_run);
        return code;
    }
    return exit_code_of("kmsconf", [&] { return run(*options); });
}

}  // namespace kms::cli
