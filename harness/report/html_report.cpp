#include "harness/report/html_report.hpp"

#include "harness/report/html/filter_form.hpp"
#include "harness/report/html/case_list.hpp"
#include "harness/report/html/html_tree.hpp"
#include "harness/report/html/latency_plot.hpp"
#include "harness/report/html/report_header.hpp"
#include "harness/report/html/report_style.hpp"

namespace kms {

namespace {

html::Document build(const RunTally& tally, const RunInfo& info, const HtmlReportOptions& options) {
    html::Document doc("kmsconf: " + std::to_string(tally.failed(info.strict)) + " failed, " + info.target_label());
    html::report_style(doc.head());
    html::Element body = doc.body();
    html::report_header(body, tally, info);
    html::latency_plot(body, tally);
    html::filter_form(body, tally);
    html::case_list(body, tally, info, options.rerun_flags);
    html::filter_script(body);
    return doc;
}

}  // namespace

std::string html_report(const RunTally& tally, const RunInfo& info, const HtmlReportOptions& options) {
    return build(tally, info, options).serialize();
}

void write_html_report(const std::filesystem::path& file, const RunTally& tally, const RunInfo& info,
                       const HtmlReportOptions& options) {
    build(tally, info, options).write(file);
}

}  // namespace kms
