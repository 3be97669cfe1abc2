// reports/exchanges.har: every exchange of a run as HAR 1.2
// (http://www.softwareishard.com/blog/har-12-spec/), so that a browser's network tab or any
// HAR viewer shows what was sent and what came back. Each entry's comment names its case.
// The Authorization value is redacted (redaction.hpp); bodies are cut to kHarBodyCap bytes
// (said in the comment); a body that is not UTF-8 is written base64 (content.encoding, and
// postData._encoding, HAR having no such member for requests).
#pragma once

#include "harness/run/run_tally.hpp"

#include <cstddef>
#include <filesystem>
#include <string>

namespace kms {

inline constexpr std::size_t kHarBodyCap = 64 * 1024;

// The HAR text of every exchange in `tally`, in the order they happened.
std::string har_text(const RunTally& tally, const RunInfo& info);

// Writes har_text() to `file`; throws std::runtime_error when it cannot.
void write_har(const std::filesystem::path& file, const RunTally& tally, const RunInfo& info);

}  // namespace kms
