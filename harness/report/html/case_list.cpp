#include "harness/report/html/case_list.hpp"

#include "harness/report/html/case_details.hpp"

namespace kms::html {

const char* verdict_heading(Verdict v) {
    switch (v) {
        case Verdict::fail: return "Failed";
        case Verdict::non_strict: return "Non-strict (SHOULD findings)";
        case Verdict::informational: return "Passed with informational findings";
        case Verdict::skipped: return "Skipped";
        case Verdict::pass: return "Passed";
    }
    return "";
}

void case_list(Element parent, const RunTally& tally, const RunInfo& info, const std::string& rerun_flags) {
    Element main = parent.add("main");
    main.attr("id", "cases");
    for (Verdict v : kVerdictOrder) {
        const int n = tally.count(v);
        if (n == 0) continue;
        Element section = main.add("section");
        section.attr("class", "verdict-group").attr("data-verdict", to_string(v)).attr("id", std::string("verdict-") + to_string(v));
        std::string heading = std::string(verdict_heading(v)) + " (" + std::to_string(n) + ")";
        if (v == Verdict::non_strict && info.strict) heading += ": failed under --strict";
        section.add("h2", heading);
        for (const auto& e : tally.entries())
            if (e.result.verdict == v) case_details(section, e, info, rerun_flags);
    }
}

}  // namespace kms::html
