// The run's own cases (key reads, followed operations) appended to the junit.xml GoogleTest
// wrote: one <testcase> each in a <testsuite> per suite, a failure with its description, the
// totals raised, the warnings as properties, and the cases GoogleTest ran left alone.
#include "harness/report/junit_run_cases.hpp"

#include "common/file_reading.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

namespace kms {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
    std::string why;
    return read_whole_file(p, &why).value_or("");
}

int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

Case named(const std::string& suite, const std::string& id) {
    Case c;
    c.suite = suite;
    c.id = id;
    c.requirement = "r";
    return c;
}

TEST(JunitRunCases, AppendsTheRunsOwnCasesAndRaisesTheTotals) {
    const fs::path file = fs::temp_directory_path() / ("kmsconf-junit-own-" + std::to_string(::getpid()) + ".xml");
    std::ofstream(file) << R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="1" failures="0" disabled="0" errors="0" name="AllTests"><testsuite name="valid" tests="1" failures="0">
<testcase name="replicate-to-de-fra-1" classname="valid"/></testsuite></testsuites>
)";
    RunTally tally;
    tally.add(named("valid", "replicate-to-de-fra-1"), CaseResult{});
    tally.add(named("key-state", "before-cases"), CaseResult{});
    CaseResult failed;
    failed.verdict = Verdict::fail;
    failed.findings.push_back({CheckId::operation_settles, Level::must, "still pending <after> 60000 ms"});
    tally.add(named("operations", "valid.replicate-to-de-fra-1"), failed);
    const BaseUrl base{false, "127.0.0.1", 8080, "/v2"};
    add_run_cases_to_junit(file, tally, base, false, {"no replicate answered 200 & so on"});

    const std::string xml = read(file);
    EXPECT_EQ(count(xml, "<testcase "), 3) << xml;
    EXPECT_EQ(count(xml, "name=\"replicate-to-de-fra-1\""), 1) << "the GoogleTest case is not added again";
    EXPECT_NE(xml.find("<testsuites tests=\"3\" failures=\"1\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<testsuite name=\"operations\" tests=\"1\" failures=\"1\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<testsuite name=\"key-state\" tests=\"1\" failures=\"0\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("classname=\"operations\""), std::string::npos);
    EXPECT_NE(xml.find("still pending &lt;after&gt; 60000 ms"), std::string::npos) << "escaped, in the failure";
    EXPECT_NE(xml.find("<property name=\"kmsconf.warning\" value=\"no replicate answered 200 &amp; so on\"/>"),
              std::string::npos)
        << xml;
    fs::remove(file);
}

TEST(JunitRunCases, NonStrictFailsOnlyUnderStrict) {
    const fs::path file = fs::temp_directory_path() / ("kmsconf-junit-strict-" + std::to_string(::getpid()) + ".xml");
    RunTally tally;
    CaseResult should;
    should.verdict = Verdict::non_strict;
    should.findings.push_back({CheckId::operation_failure_reason, Level::should, "no reason"});
    tally.add(named("operations", "valid.x"), should);
    const BaseUrl base{false, "127.0.0.1", 8080, "/v2"};
    for (bool strict : {false, true}) {
        std::ofstream(file) << R"(<?xml version="1.0"?><testsuites tests="0" failures="0"></testsuites>)";
        add_run_cases_to_junit(file, tally, base, strict, {});
        const std::string xml = read(file);
        EXPECT_EQ(count(xml, "<failure"), strict ? 1 : 0) << xml;
        EXPECT_EQ(xml.find("<properties"), std::string::npos) << "no warnings, no properties";
    }
    fs::remove(file);
}

}  // namespace
}  // namespace kms
