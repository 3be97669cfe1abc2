// Non-failing findings reach junit.xml as <system-out>, which stays well-formed whatever the
// server sent.
#include "harness/report/junit_writer.hpp"

#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace kms {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(JunitFindings, XmlSafeTextReplacesWhatXmlCannotCarry) {
    EXPECT_EQ(xml_safe_text("plain <&> text\n\t"), "plain <&> text\n\t");
    EXPECT_EQ(xml_safe_text("caf\xC3\xA9"), "caf\xC3\xA9");
    EXPECT_EQ(xml_safe_text(std::string("a\x01" "b", 3)), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(xml_safe_text("bad \xFF utf-8"), "bad \xEF\xBF\xBD utf-8");
    EXPECT_EQ(xml_safe_text("\xED\xA0\x80"), "\xEF\xBF\xBD") << "a lone surrogate";
}

TEST(JunitFindings, ShouldFindingBecomesSystemOutOnlyWhenItDidNotFail) {
    const fs::path file = fs::temp_directory_path() / ("kmsconf-junit-" + std::to_string(::getpid()) + ".xml");
    const std::string junit =
        R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="2" failures="0"><testsuite name="test" tests="2">
<testcase name="a-should-case" classname="test"/>
<testcase name="a-passing-case" classname="test"/>
</testsuite></testsuites>
)";
    RunTally tally;
    Case should = test::any_case();
    should.id = "a-should-case";
    CaseResult soft;
    soft.verdict = Verdict::non_strict;
    soft.findings.push_back({CheckId::content_type, Level::should, std::string("sent \x02 <b>application/problem+json</b>")});
    tally.add(should, soft);
    Case passing = test::any_case();
    passing.id = "a-passing-case";
    tally.add(passing, CaseResult{});
    const BaseUrl base{false, "127.0.0.1", 8080, "/v2"};

    std::ofstream(file) << junit;
    add_findings_to_junit(file, tally, base, false);
    std::string lenient = read(file);
    EXPECT_EQ(std::system(("xmllint --noout '" + file.string() + "'").c_str()), 0) << lenient;
    EXPECT_NE(lenient.find("<testcase name=\"a-should-case\" classname=\"test\"><system-out>[non-strict]"),
              std::string::npos)
        << lenient;
    EXPECT_NE(lenient.find("content_type"), std::string::npos);
    EXPECT_NE(lenient.find("&lt;b&gt;application/problem+json"), std::string::npos) << lenient;
    EXPECT_EQ(lenient.find("system-out", lenient.find("a-passing-case")), std::string::npos) << "nothing to show";

    std::ofstream(file, std::ios::trunc) << junit;
    add_findings_to_junit(file, tally, base, true);
    EXPECT_EQ(read(file).find("system-out"), std::string::npos) << "under --strict the failure message carries it";
    fs::remove(file);
}

}  // namespace
}  // namespace kms
