// junit.xml as strict CI parsers read it: valid against junit-10.xsd and, suite by suite,
// Surefire's schema, whatever the server sent; one testcase per case; the failure's message
// is the finding; non-failing findings in <system-out>; the run's properties; --junit-prefix.
#include "harness/report/junit_writer.hpp"

#include "tests/harness/test_support.hpp"
#include "tests/support/junit_schemas.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace kms {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
    return fs::temp_directory_path() / ("kmsconf-junit-" + name + "-" + std::to_string(::getpid()) + ".xml");
}

fs::path write(const std::string& name, const std::string& xml) {
    const fs::path file = temp_file(name);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << xml;
    return file;
}

Case named(const std::string& suite, const std::string& id) { return test::named_case(suite, id); }

CaseResult with(Verdict v, std::vector<Finding> findings) {
    CaseResult r;
    r.verdict = v;
    r.findings = std::move(findings);
    r.requests.push_back(test::replicate_request());
    r.elapsed = std::chrono::milliseconds(12);
    return r;
}

// A run with every verdict, and a server whose content is hostile to XML.
RunTally every_verdict() {
    RunTally tally;
    tally.add(named("valid", "a-pass"), with(Verdict::pass, {}));
    CaseResult bad = with(Verdict::fail, {{CheckId::body_schema, Level::must, "got ]]></failure><x a=\"\x01\">\nsecond line"},
                                          {CheckId::content_type, Level::must, "text/html"}});
    bad.exchanges.push_back(test::json_exchange(200, "</testcase>\xFF", "text/html"));
    tally.add(named("valid", "a-fail"), bad);
    tally.add(named("edge", "a-should"),
              with(Verdict::non_strict, {{CheckId::content_type, Level::should, "sent <b>application/problem+json</b>"}}));
    tally.add(named("edge", "an-info"), with(Verdict::informational, {{CheckId::valid_accepted, Level::informational, "Conflict"}}));
    CaseResult skipped;
    skipped.verdict = Verdict::skipped;
    skipped.skip_reason = "needs credentials";
    tally.add(named("auth", "a-skip"), skipped);
    return tally;
}

RunInfo info(bool strict) {
    RunInfo i{BaseUrl{false, "127.0.0.1", 8080, "/v2"}, "2026-03-31", strict, "embedded reference server (http://127.0.0.1:8080/v2)"};
    i.seed = 7;
    i.started = std::chrono::system_clock::from_time_t(1764645000);  // 2025-12-02T03:10:00Z
    return i;
}

// The text of one <testcase> element, up to the next testcase or the suite's end.
std::string testcase(const std::string& xml, const std::string& id) {
    const auto at = xml.find("<testcase name=\"" + id + "\"");
    if (at == std::string::npos) return {};
    const auto next = std::min(xml.find("<testcase ", at + 1), xml.find("</testsuite>", at));
    return xml.substr(at, next - at);
}

int count_of(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

TEST(JunitWriter, XmlSafeTextReplacesWhatXmlCannotCarry) {
    EXPECT_EQ(xml_safe_text("plain <&> text\n\t"), "plain <&> text\n\t");
    EXPECT_EQ(xml_safe_text("caf\xC3\xA9"), "caf\xC3\xA9");
    EXPECT_EQ(xml_safe_text(std::string("a\x01" "b", 3)), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(xml_safe_text("bad \xFF utf-8"), "bad \xEF\xBF\xBD utf-8");
    EXPECT_EQ(xml_safe_text("\xED\xA0\x80"), "\xEF\xBF\xBD") << "a lone surrogate";
}

// The schema checks can fail: GoogleTest's own JUnit (as kmsconf wrote it before) is refused
// by both, and a suite without its required counts by Surefire.
TEST(JunitWriter, TheSchemaChecksRejectGoogleTestsJUnit) {
    const fs::path gtest = write("gtest", R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="1" failures="1" disabled="0" errors="0" time="0.1" timestamp="2026-12-02T03:10:00.000" name="AllTests">
  <testsuite name="valid" tests="1" failures="1" disabled="0" skipped="0" errors="0" time="0.1" timestamp="2026-12-02T03:10:00.000">
    <testcase name="a-fail" file="/home/build/suites/valid.json" line="12" status="run" result="completed" time="0.1" timestamp="2026-12-02T03:10:00.000" classname="valid">
      <failure message="/home/build/suites/valid.json:12&#x0A;Failed" type=""/>
    </testcase>
  </testsuite>
</testsuites>
)");
    const std::string errors = test::junit10_errors(gtest);
    EXPECT_NE(errors.find("attribute 'status' is not allowed"), std::string::npos) << errors;
    EXPECT_NE(test::surefire_errors(gtest), "") << "disabled= is not Surefire's";
    const fs::path no_skipped = write("no-skipped", R"(<testsuites><testsuite name="s" tests="0" failures="0" errors="0"/></testsuites>)");
    EXPECT_EQ(test::junit10_errors(no_skipped), "");
    EXPECT_NE(test::surefire_errors(no_skipped).find("skipped"), std::string::npos) << "Surefire requires skipped=";
    fs::remove(gtest);
    fs::remove(no_skipped);
}

TEST(JunitWriter, ARunWithEveryVerdictIsValidAgainstBothSchemas) {
    for (bool strict : {false, true}) {
        SCOPED_TRACE(strict ? "--strict" : "not strict");
        const fs::path file = temp_file(strict ? "strict" : "lenient");
        write_run_junit(file, every_verdict(), info(strict), {});
        EXPECT_EQ(test::junit10_errors(file), "");
        EXPECT_EQ(test::surefire_errors(file), "");
        fs::remove(file);
    }
}

TEST(JunitWriter, OneTestcasePerCaseInASuitePerSuiteWithTheRunsProperties) {
    const RunTally tally = every_verdict();
    const JunitDocument doc = run_junit(tally, info(false), {});
    ASSERT_EQ(doc.suites.size(), 3u);
    EXPECT_EQ(doc.suites[0].name, "valid");
    EXPECT_EQ(doc.suites[1].name, "edge");
    EXPECT_EQ(doc.suites[2].name, "auth");
    EXPECT_EQ(doc.suites[0].cases.size() + doc.suites[1].cases.size() + doc.suites[2].cases.size(), 5u);
    const std::string xml = junit_xml(doc);
    EXPECT_NE(xml.find("<testsuites name=\"kmsconf\" tests=\"5\" failures=\"1\" errors=\"0\" time=\"0.048\">"),
              std::string::npos) << xml;
    EXPECT_NE(xml.find("<testsuite name=\"auth\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\" time=\"0.000\" "
                       "timestamp=\"2025-12-02T03:10:00Z\">"),
              std::string::npos) << xml;
    for (const char* property : {"name=\"target\" value=\"embedded reference server (http://127.0.0.1:8080/v2)\"",
                                 "name=\"contract\" value=\"2026-03-31\"", "name=\"seed\" value=\"7\"",
                                 "name=\"tool\" value=\"kmsconf ", "name=\"start_time\" value=\"2025-12-02T03:10:00Z\""})
        EXPECT_EQ(count_of(xml, std::string("<property ") + property), 3) << property << " in every suite";
    EXPECT_EQ(xml.find("file="), std::string::npos) << "no build-machine path";
    EXPECT_EQ(xml.find("status="), std::string::npos);
    EXPECT_NE(testcase(xml, "a-skip").find("<skipped message=\"needs credentials\"/>"), std::string::npos) << xml;
    EXPECT_NE(testcase(xml, "a-pass").find("classname=\"valid\" time=\"0.012\"/>"), std::string::npos) << xml;
}

TEST(JunitWriter, AFailuresMessageIsTheFindingItsTextTheWholeStory) {
    const std::string xml = junit_xml(run_junit(every_verdict(), info(false), {}));
    const std::string fail = testcase(xml, "a-fail");
    // The first line of the first MUST finding, the check as type, and how many more.
    EXPECT_NE(fail.find("<failure message=\"body_schema: got ]]&gt;&lt;/failure&gt;&lt;x a=&quot;\xEF\xBF\xBD&quot;&gt; (+1 more)\" "
                        "type=\"body_schema\">"),
              std::string::npos) << fail;
    for (const char* part : {"requirement: requirement of a-fail", "expected: outcome either", "MUST content_type: text/html",
                             "actual: HTTP 200", "&lt;/testcase&gt;\\xff", "reproduce:", "curl -sS -i"})
        EXPECT_NE(fail.find(part), std::string::npos) << part << "\n" << fail;
    EXPECT_EQ(fail.find("system-out"), std::string::npos);
}

TEST(JunitWriter, ShouldFindingsAreSystemOutUnlessStrict) {
    const std::string lenient = junit_xml(run_junit(every_verdict(), info(false), {}));
    EXPECT_NE(testcase(lenient, "a-should").find("<system-out>[non-strict] edge.a-should"), std::string::npos) << lenient;
    EXPECT_NE(testcase(lenient, "a-should").find("&lt;b&gt;application/problem+json"), std::string::npos);
    EXPECT_NE(testcase(lenient, "an-info").find("<system-out>[informational]"), std::string::npos);
    EXPECT_EQ(testcase(lenient, "a-should").find("<failure"), std::string::npos);

    const std::string strict = junit_xml(run_junit(every_verdict(), info(true), {}));
    EXPECT_NE(testcase(strict, "a-should").find("<failure message=\"(--strict) content_type: sent"), std::string::npos) << strict;
    EXPECT_EQ(testcase(strict, "a-should").find("system-out"), std::string::npos) << "the failure carries it";
    EXPECT_NE(strict.find("<testsuites name=\"kmsconf\" tests=\"5\" failures=\"2\""), std::string::npos);
}

TEST(JunitWriter, APrefixNamesEverySuiteAndClass) {
    const std::string xml = junit_xml(run_junit(every_verdict(), info(false), {"staging"}));
    EXPECT_NE(xml.find("<testsuites name=\"staging\""), std::string::npos);
    EXPECT_NE(xml.find("<testsuite name=\"staging.valid\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<testcase name=\"a-fail\" classname=\"staging.valid\""), std::string::npos);
    EXPECT_EQ(xml.find("<testsuite name=\"valid\""), std::string::npos);
}

TEST(JunitWriter, ACaseThatNeverRecordedItsResultIsAnError) {
    RunTally tally;
    tally.add(named("valid", "a-pass"), with(Verdict::pass, {}));
    const std::vector<Case> selected = {named("valid", "a-pass"), named("valid", "threw")};
    const fs::path file = temp_file("error");
    write_run_junit(file, tally, info(false), {"", &selected});
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_NE(testcase(s.str(), "threw").find("<error message=\"the case stopped"), std::string::npos) << s.str();
    EXPECT_NE(s.str().find("tests=\"2\" failures=\"0\" errors=\"1\""), std::string::npos);
    EXPECT_EQ(test::junit10_errors(file), "");
    EXPECT_EQ(test::surefire_errors(file), "");
    fs::remove(file);
}

// The stateful run's own cases (key reads, followed operations) are tally entries like any:
// testcases of suites of their own, counted in every total, the run's warnings as properties.
TEST(JunitWriter, TheRunsOwnCasesAreTestcasesAndItsWarningsProperties) {
    RunTally tally;
    tally.add(named("key-state", "before-cases"), with(Verdict::pass, {}));
    tally.add(named("valid", "replicate-to-de-fra-1"), with(Verdict::pass, {}));
    tally.add(named("operations", "valid.replicate-to-de-fra-1"),
              with(Verdict::fail, {{CheckId::operation_settles, Level::must, "still pending <after> 60000 ms"}}));
    RunInfo i = info(false);
    i.warnings = {"no replicate answered 200 & so on"};
    const std::vector<Case> selected = {named("valid", "replicate-to-de-fra-1")};
    const fs::path file = temp_file("own");
    write_run_junit(file, tally, i, {"", &selected});
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    const std::string xml = s.str();
    EXPECT_EQ(count_of(xml, "<testcase "), 3) << xml;
    EXPECT_NE(xml.find("<testsuites name=\"kmsconf\" tests=\"3\" failures=\"1\" errors=\"0\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<testsuite name=\"operations\" tests=\"1\" failures=\"1\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<testsuite name=\"key-state\" tests=\"1\" failures=\"0\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<failure message=\"operation_settles: still pending &lt;after&gt; 60000 ms\""), std::string::npos);
    EXPECT_EQ(count_of(xml, "<property name=\"kmsconf.warning\" value=\"no replicate answered 200 &amp; so on\"/>"), 3)
        << xml;
    EXPECT_EQ(test::junit10_errors(file), "");
    EXPECT_EQ(test::surefire_errors(file), "");
    fs::remove(file);
}

TEST(JunitWriter, ARunsOwnNonStrictCaseFailsOnlyUnderStrict) {
    RunTally tally;
    tally.add(named("operations", "valid.x"),
              with(Verdict::non_strict, {{CheckId::operation_failure_reason, Level::should, "no reason"}}));
    for (bool strict : {false, true}) {
        const std::string xml = junit_xml(run_junit(tally, info(strict), {}));
        EXPECT_EQ(count_of(xml, "<failure"), strict ? 1 : 0) << xml;
        EXPECT_EQ(count_of(xml, "kmsconf.warning"), 0) << "no warnings, no warning properties";
    }
}

}  // namespace
}  // namespace kms
