#include "harness/report/html/report_header.hpp"

#include "common/utc_time.hpp"
#include "harness/report/html/case_details.hpp"
#include "harness/report/html/case_list.hpp"
#include "harness/report/tool_version.hpp"

#include <chrono>

namespace kms::html {

namespace {

void fact(Element list, const char* name, const std::string& value, bool as_code = false) {
    list.add("dt", name);
    Element dd = list.add("dd");
    if (as_code) dd.add("code", value);
    else dd.text(value);
}

void facts(Element header, const RunInfo& info) {
    Element list = header.add("dl");
    list.attr("class", "run");
    fact(list, "Target", info.target_label(), true);
    list.add("dt", "Contract");
    Element contract = list.add("dd");
    contract.add("code", info.contract_revision);
    if (!info.contract_basis.empty()) contract.text(" (" + info.contract_basis + ")");
    fact(list, "Tool", tool_version());
    fact(list, "Started", utc_date_time(info.started));
    if (info.finished > info.started)
        fact(list, "Duration", millis_text(std::chrono::duration<double, std::milli>(info.finished - info.started).count()));
    fact(list, "Seed", std::to_string(info.seed));
    if (info.strict) fact(list, "Grading", "--strict: SHOULD findings fail the run");
}

void counts(Element header, const RunTally& tally, const RunInfo& info) {
    Element result = header.add("p");
    result.attr("class", "result");
    result.text(std::to_string(tally.total()) + " cases: ");
    result.add("span", std::to_string(tally.passed(info.strict)) + " passed").attr("class", "passed");
    result.text(", ");
    result.add("span", std::to_string(tally.failed(info.strict)) + " failed").attr("class", "failed");
    result.text(", ");
    result.add("span", std::to_string(tally.count(Verdict::skipped)) + " skipped").attr("class", "skipped");
    Element list = header.add("ul");
    list.attr("class", "counts");
    for (Verdict v : kVerdictOrder) {
        const char* name = to_string(v);
        Element item = list.add("li");
        item.attr("class", std::string("count ") + name).attr("data-verdict", name);
        // A link to the section when there is one.
        Element label = tally.count(v) > 0 ? item.add("a").attr("href", std::string("#verdict-") + name) : item;
        label.add("b", std::to_string(tally.count(v))).attr("class", "n");
        label.text(std::string(" ") + name);
    }
}

}  // namespace

void report_header(Element parent, const RunTally& tally, const RunInfo& info) {
    Element header = parent.add("header");
    header.add("h1", "kmsconf conformance report");
    facts(header, info);
    counts(header, tally, info);
    for (const auto& w : info.warnings) header.add("p", "warning: " + w).attr("class", "warning");
}

}  // namespace kms::html
