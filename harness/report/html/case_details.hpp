// One case of report.html as a <details> element: its summary line (verdict, name, level,
// statuses, time, the finding that decided it) opens onto the requirement, the findings, each
// request as sent (Authorization redacted, as in exchanges.har) and the response that came, a
// command that reruns the case and a curl line that resends its last request. Bodies are cut
// to kShownBodyCap bytes, and said so. The element carries data-verdict, data-suite and
// data-checks for the filters (filter_form.hpp).
#pragma once

#include "harness/report/html/html_tree.hpp"
#include "harness/run/run_tally.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace kms::html {

inline constexpr std::size_t kShownBodyCap = 4096;

// The id of a case's element, for links from the plots and from elsewhere: "case-valid.x".
std::string case_anchor(const Case& c);

// "3.2 ms", "0.41 ms", "1.25 s".
std::string millis_text(double ms);

struct ShownBody {
    std::string text;
    std::string note;  // "body cut to 4096 of 10000 bytes", "not UTF-8: bytes escaped as \xNN"; "" when whole text
};
// A body as the page shows it: UTF-8 text cut (between characters) to `cap` bytes, or, when it
// is not UTF-8 text, its bytes escaped (printable()).
ShownBody shown_body(std::string_view body, std::size_t cap = kShownBodyCap);

void case_details(Element parent, const RunTally::Entry& entry, const RunInfo& info, const std::string& rerun_flags);

}  // namespace kms::html
