// reports/report.html: the run as a page a person can browse (as Autobahn's reports are): one
// row per case with its verdict, requirement and statuses, and for every case that did not
// simply pass its findings, the response and a curl reproducer. Self-contained, no scripts.
#pragma once

#include "harness/run/run_tally.hpp"

#include <filesystem>

namespace kms {

void write_html_report(const std::filesystem::path& file, const RunTally& tally, const RunInfo& info);

// Text made safe for HTML element content and attribute values.
std::string html_escape(std::string_view text);

}  // namespace kms
