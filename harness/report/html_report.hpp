// reports/report.html: the run as one self-contained page to browse (no network, no external
// resource: inline style, inline SVG, one small inline script): a header (target, revision,
// version, start, duration, counts by verdict), the latency of every case as a plot, filters by
// verdict, suite and check (kept in the URL fragment), and every case, failures first, each
// expandable to its requests, responses, findings and reproducers. Built as a libxml2 HTML tree
// (harness/report/html/), so that what servers sent is always escaped by the library.
#pragma once

#include "harness/run/run_tally.hpp"

#include <filesystem>
#include <string>

namespace kms {

struct HtmlReportOptions {
    std::string rerun_flags;  // after `kmsconf --filter <case>` (harness/cli/rerun_flags.hpp)
};

// The page's text. std::runtime_error if libxml2 fails.
std::string html_report(const RunTally& tally, const RunInfo& info, const HtmlReportOptions& options);

// Writes html_report(...) to `file`; std::runtime_error naming the file when it cannot.
void write_html_report(const std::filesystem::path& file, const RunTally& tally, const RunInfo& info,
                       const HtmlReportOptions& options = {});

}  // namespace kms
