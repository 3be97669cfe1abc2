// A JUnit report as CI systems read it, and its one serializer (libxml2's xmlTextWriter, so
// that whatever a server sent is escaped by an XML library, never by string concatenation).
// The shape is the intersection of the two schemas CI parsers follow: the Jenkins xUnit
// plugin's junit-10.xsd for the whole file and Maven Surefire's surefire-test-report.xsd for
// each <testsuite>: only attributes both allow, <properties> first in each suite, a
// testcase's children in Surefire's order (failure, skipped, error, system-out), times as
// plain decimals with 3 places, and no attribute GoogleTest adds (status, result, file, line).
// `kmsconf run` (junit_writer.hpp) and `kmsconf bench` (bench_junit.hpp) both fill one in.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kms {

struct JunitCase {
    enum class Outcome { passed, failed, skipped, error };
    std::string name;
    std::string classname;
    double seconds = 0;
    Outcome outcome = Outcome::passed;
    // failed, error: the <failure>/<error> message (one line), type and text; skipped: the
    // <skipped> message. Empty ones are left out. (Defaulted: JunitCase{name, classname}.)
    std::string message = {};
    std::string type = {};
    std::string text = {};
    std::string system_out = {};  // empty: no <system-out>
};

struct JunitSuite {
    std::string name;
    std::vector<JunitCase> cases;
};

struct JunitDocument {
    std::string name;  // of the <testsuites> root
    std::string timestamp;  // every suite's, ISO 8601 UTC (common/utc_time.hpp)
    // Written into every <testsuite>: junit-10.xsd allows no <properties> on the root.
    std::vector<std::pair<std::string, std::string>> properties;
    std::vector<JunitSuite> suites;
};

// The document as UTF-8 XML. Text XML cannot carry (control characters, invalid UTF-8) is
// replaced by U+FFFD (xml_safe_text). Throws std::runtime_error if libxml2 fails.
std::string junit_xml(const JunitDocument& doc);

// Writes junit_xml(doc) to `file`; throws std::runtime_error naming the file when it cannot.
void write_junit_file(const std::string& file, const JunitDocument& doc);

// `text` with every byte sequence XML 1.0 cannot carry (invalid UTF-8, control characters)
// replaced by U+FFFD.
std::string xml_safe_text(const std::string& text);

// The first line of `text`, at most `max` bytes (cut on a UTF-8 boundary, "..." appended): a
// failure's message attribute is shown as one line by every CI page.
std::string one_line(const std::string& text, std::size_t max = 300);

}  // namespace kms
