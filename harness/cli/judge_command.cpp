// `kmsconf judge`: the HAR files read (harness/recorded/har_reader.hpp), their exchanges on the
// contract's operations made cases (recorded_cases.hpp) and judged with judge_sends, exactly as
// a run judges what it sent; then the run's reports and exit codes. Nothing is sent.
#include "harness/cli/judge_command.hpp"

#include "harness/cases/shell_quote.hpp"
#include "harness/cli/data_dirs.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/target_flags.hpp"
#include "harness/cli/target_setup.hpp"
#include "harness/recorded/recorded_cases.hpp"
#include "harness/report/console_cases.hpp"
#include "harness/report/console_summary.hpp"
#include "harness/report/report_files.hpp"
#include "harness/report/run_reports.hpp"
#include "harness/run/contract_in_force.hpp"

#include <iostream>

namespace kms::cli {

namespace {

struct JudgeOptions : TrafficJudgingOptions {
    std::vector<std::string> files;
};

const std::vector<Flag<JudgeOptions>>& judge_flag_table() {
    static const std::vector<Flag<JudgeOptions>> table = traffic_judging_flags<JudgeOptions>();
    return table;
}

constexpr const char* kUsage =
    "Usage: kmsconf judge FILE.har... [options]\n"
    "Judges recorded traffic offline: every exchange of the HAR 1.2 files (kmsconf's exchanges.har,\n"
    "a browser's or Playwright's export) on replicate, the key read or an operation poll, as a run\n"
    "judges the exchanges it sends; every other exchange passes through, counted. Writes\n"
    "<report-dir>/junit.xml, summary.json, summary.md, report.html and exchanges.har.\n"
    "The recorded replicates are also judged as the client's (suite client): a request the\n"
    "contract refuses, a missing or failing EXO2 signature (verified given the client's key and\n"
    "secret, --api-key and --api-secret-file or the environment; else by its form only);\n"
    "informational unless --judge-client.\n"
    "Exit codes: 0 every MUST held; 1 conformance failures; 2 usage error, a file that is not\n"
    "HAR 1.2 (named with the JSON pointer of its first problem), or nothing to judge.\n\nOptions";

std::optional<JudgeOptions> parse(int argc, char** argv, int* exit_code) {
    JudgeOptions o;
    ParsedLine line = parse_flag_line(argc, argv, kUsage, judge_flag_table(), "kmsconf judge", o);
    if (line.exit_code) {
        *exit_code = *line.exit_code;
        return std::nullopt;
    }
    o.files = std::move(line.stray);
    if (o.files.empty()) {
        *exit_code = usage_error("kmsconf judge", "no HAR file given (kmsconf judge FILE.har...)");
        return std::nullopt;
    }
    return o;
}

// What `kmsconf judge` was given, for the reports' rerun lines: the files and the flags that
// change the verdicts.
std::string rerun_words(const JudgeOptions& o) {
    std::string out;
    for (const auto& f : o.files) out += (out.empty() ? "" : " ") + shell_word(f);
    const std::string flags = rerun_line(judge_flag_table(), o);
    return out + (flags.empty() ? "" : " " + flags);
}

// Where the recorded requests went (for the reports and the curl reproducers): the first
// judged exchange's origin and base path.
BaseUrl recorded_base(const RecordedPlan& plan) {
    const RecordedCase& first = plan.cases.front();
    const auto scheme = first.url.find("://");
    const auto path = scheme == std::string::npos ? std::string::npos : first.url.find('/', scheme + 3);
    std::string why;
    if (path != std::string::npos)
        if (auto base = parse_base_url(first.url.substr(0, path) + first.base_path, &why)) return *base;
    return BaseUrl{false, "recorded.invalid", 80, first.base_path};
}

int judge(const JudgeOptions& o) {
    remove_stale_reports(o.report_dir, kRunReportFiles);
    check_report_folder(o.report_dir, kRunReportFiles);
    std::vector<RecordedFile> files;
    std::size_t exchanges = 0;
    for (const auto& f : o.files) {
        try {
            files.push_back({f, read_har(f)});
        } catch (const HarError& e) {
            throw CommandStop(kExitUsage, e.what());
        }
        exchanges += files.back().exchanges.size();
    }
    ContractInForce in_force = load_contract_in_force(o.contract, resolve_data_dir(kSchemasDir, o.schemas_dir));
    ClientJudging client;
    client.level = o.judge_client ? Level::must : Level::informational;
    client.credentials = load_credentials(o.api_key, o.api_secret_file);
    const std::size_t file_count = files.size();
    RecordedPlan plan = plan_recorded(std::move(files), in_force.replicate(), in_force.reads(), client,
                                      std::chrono::milliseconds(o.operation_timeout_ms));
    if (plan.cases.empty())
        throw CommandStop(kExitUsage, "nothing to judge: " + std::to_string(exchanges) + " exchanges in " +
                                          std::to_string(file_count) +
                                          " file(s), none on replicate, the key read or an operation poll");

    const ConsoleStyle style = ConsoleStyle::detect(stdout);
    ProgressLine progress(stdout, style.terminal && !o.quiet);
    const BaseUrl base = recorded_base(plan);
    ConsoleCases console(std::cout, progress, style, base, {o.strict, o.verbose});
    RunTally tally;
    std::vector<Case> cases;
    const auto started = std::chrono::system_clock::now();
    {
        const ProgressGuard guard(std::cout, progress, o.quiet);
        for (std::size_t i = 0; i < plan.cases.size(); ++i) {
            RecordedCase& rc = plan.cases[i];
            console.case_started(rc.c, i + 1, plan.cases.size());
            CaseResult result = judge_recorded(rc, in_force);
            console.case_finished(rc.c, result);
            cases.push_back(rc.c);
            tally.add(rc.c, std::move(result));
        }
        // The client's own suite, after the server's: what the recorded requests say of it.
        for (const ClientCase& cc : plan.client) {
            CaseResult result = judge_client(cc);
            console.case_finished(cc.c, result);
            cases.push_back(cc.c);
            tally.add(cc.c, std::move(result));
        }
        for (const SettleCase& sc : plan.unsettled) {
            CaseResult result = judge_settle(sc);
            console.case_finished(sc.c, result);
            cases.push_back(sc.c);
            tally.add(sc.c, std::move(result));
        }
    }
    std::vector<std::string> warnings;
    if (plan.passed_through > 0)
        warnings.push_back(std::to_string(plan.passed_through) +
                           " recorded exchange(s) on no operation the contract knows passed through, not judged");
    std::string files_text;
    for (const auto& f : o.files) files_text += (files_text.empty() ? "" : ", ") + f;
    RunInfo info{base, in_force.replicate().revision(), o.strict, "recorded traffic (" + files_text + ")", warnings, 0, started};
    info.finished = std::chrono::system_clock::now();
    info.contract_basis = in_force.basis();
    const std::string rerun = rerun_words(o);
    const bool written = write_run_reports_or_say("kmsconf judge", o.report_dir, tally, info, {o.junit_prefix, &cases, rerun});
    if (!o.quiet) std::cout << console_summary(tally, {o.strict, false, rerun}, style);
    std::cout << count_lines("kmsconf judge", tally, info, "in", o.report_dir);
    if (!written) return kExitUsage;
    return tally.failed(o.strict) > 0 ? kExitFailures : kExitOk;
}

}  // namespace

int judge_main(int argc, char** argv) {
    int code = kExitOk;
    auto options = parse(argc, argv, &code);
    if (!options) return code;
    return exit_code_of("kmsconf judge", [&] { return judge(*options); });
}

}  // namespace kms::cli
