#include "harness/report/run_reports.hpp"

#include <iostream>

#include "harness/report/har_writer.hpp"
#include "harness/report/html_report.hpp"
#include "harness/report/junit_writer.hpp"
#include "harness/report/summary_json.hpp"
#include "harness/report/summary_markdown.hpp"

namespace kms {

void write_run_reports(const std::filesystem::path& dir, const RunTally& tally, const RunInfo& info,
                       const RunReportOptions& options) {
    write_run_junit(dir / "junit.xml", tally, info, {options.junit_prefix, options.cases});
    write_summary_json(tally, info, dir / "summary.json");
    write_summary_markdown(dir / "summary.md", tally, info, {options.rerun_flags});
    write_html_report(dir / "report.html", tally, info, {options.rerun_flags});
    write_har(dir / "exchanges.har", tally, info);
}

std::string count_lines(const std::string& command, const RunTally& tally, const RunInfo& info,
                        const std::string& preposition, const std::string& report_dir) {
    std::string out = "\n" + command + ": " + std::to_string(tally.passed(info.strict)) + " passed, " +
                      std::to_string(tally.failed(info.strict)) + " failed, " +
                      std::to_string(tally.count(Verdict::skipped)) + " skipped\n" + "  (" +
                      std::to_string(tally.count(Verdict::non_strict)) + " non-strict, " +
                      std::to_string(tally.count(Verdict::informational)) + " informational) " + preposition + " " +
                      info.target_label() + ", contract " + info.contract_revision + "; reports in " + report_dir +
                      "/\n";
    for (const auto& w : info.warnings) out += command + ": warning: " + w + "\n";
    return out;
}

bool write_run_reports_or_say(const std::string& command, const std::filesystem::path& dir, const RunTally& tally,
                              const RunInfo& info, const RunReportOptions& options) {
    try {
        write_run_reports(dir, tally, info, options);
        return true;
    } catch (const std::exception& e) {
        std::cerr << command << ": " << e.what() << "\n";
        return false;
    }
}

}  // namespace kms
