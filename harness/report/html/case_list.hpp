// report.html's cases, failures first: a <section> per verdict in the order a reader acts on
// them (fail, non-strict, informational, skipped, pass), each case within it in run order
// (case_details.hpp). Sections with no case are left out.
#pragma once

#include "harness/report/html/html_tree.hpp"
#include "harness/run/run_tally.hpp"

#include <array>
#include <string>

namespace kms::html {

inline constexpr std::array<Verdict, 5> kVerdictOrder = {Verdict::fail, Verdict::non_strict, Verdict::informational,
                                                         Verdict::skipped, Verdict::pass};

// "Failed", "Non-strict (SHOULD findings)", ...: a section's heading.
const char* verdict_heading(Verdict v);

void case_list(Element parent, const RunTally& tally, const RunInfo& info, const std::string& rerun_flags);

}  // namespace kms::html
