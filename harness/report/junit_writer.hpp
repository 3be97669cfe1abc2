// GoogleTest's XML writer records a failure, but not what a passing test printed: a SHOULD
// (non-strict) finding without --strict, or an informational one, would be invisible in
// junit.xml, which is all most CI systems show. So after the run each such <testcase> gets a
// <system-out> (JUnit's element for a test's output, which CI parsers display) with the
// case's description and findings. libxml2 reads and rewrites the file, so what servers sent
// stays well-formed XML.
#pragma once

#include "harness/transport/base_url.hpp"
#include "harness/run/run_tally.hpp"

#include <filesystem>

namespace kms {

// Adds the <system-out> elements to `junit_xml`. Throws std::runtime_error when the file cannot
// be read, parsed or written back.
void add_findings_to_junit(const std::filesystem::path& junit_xml, const RunTally& tally, const BaseUrl& base,
                           bool strict);

// `text` with every byte sequence XML 1.0 cannot carry (invalid UTF-8, control characters)
// replaced by U+FFFD.
std::string xml_safe_text(const std::string& text);

}  // namespace kms
