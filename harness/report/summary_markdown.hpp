// reports/summary.md: the run in Markdown, for a CI job page (`cat reports/summary.md >>
// "$GITHUB_STEP_SUMMARY"`, a GitLab job's markdown artifact): the target and revision, counts
// by verdict and by check, each failed case with a command that reruns it, and the slowest
// cases. Every text that did not come from kmsconf itself (what servers sent, suite data, the
// target's URL) is escaped, so that it cannot open a table cell, a link or an HTML tag.
#pragma once

#include "harness/run/run_tally.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace kms {

struct SummaryMarkdownOptions {
    std::string rerun_flags;         // after `kmsconf --filter <case>` (harness/cli/rerun_flags.hpp)
    std::size_t slowest = 5;         // how many of the slowest cases are listed
    std::size_t max_failed = 50;     // failed cases listed (GitHub caps a step summary at 1 MiB)
};

std::string summary_markdown(const RunTally& tally, const RunInfo& info, const SummaryMarkdownOptions& options);

// Writes summary_markdown(...) to `file`; throws std::runtime_error when it cannot.
void write_summary_markdown(const std::filesystem::path& file, const RunTally& tally, const RunInfo& info,
                            const SummaryMarkdownOptions& options);

// `text` as literal Markdown inline text, never at the start of a line, safe in a table cell:
// each punctuation character that could open markup backslash-escaped (CommonMark §2.4: no
// emphasis, link, autolink, HTML, entity, math or cell break survives), line breaks and tabs
// as spaces, what UTF-8 cannot carry as U+FFFD.
std::string markdown_escape(std::string_view text);

// A fenced code block holding `code` verbatim: its fence is longer than any run of backticks
// in it, so nothing in it can close the block.
std::string markdown_code_block(const std::string& code, const char* info_string = "sh");

}  // namespace kms
