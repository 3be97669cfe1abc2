// A stateful run end to end (issue 9): the embedded run follows its operations as cases of
// suite operations and reads the key's state as suite key-state, in every report; two runs in
// a row against one `kmsconf serve` that keeps its state both pass, the second warning that
// no replicate answered 200; the new flags refuse bad values.
#include "tests/cli/cli_support.hpp"

#include <rapidjson/document.h>

#include <gtest/gtest.h>

namespace kms::cli_test {
namespace {

rapidjson::Document summary_of(const fs::path& reports) {
    rapidjson::Document d;
    d.Parse(read_file(reports / "summary.json").c_str());
    EXPECT_FALSE(d.HasParseError());
    return d;
}

int cases_of_suite(const rapidjson::Document& summary, const std::string& suite, const char* verdict = nullptr) {
    int n = 0;
    for (const auto& c : summary["cases"].GetArray())
        if (c["suite"].GetString() == suite && (!verdict || std::string(c["verdict"].GetString()) == verdict)) ++n;
    return n;
}

bool warns(const rapidjson::Document& summary, const std::string& needle) {
    for (const auto& w : summary["warnings"].GetArray())
        if (std::string(w.GetString()).find(needle) != std::string::npos) return true;
    return false;
}

TEST(CliState, EmbeddedRunFollowsEveryOperationAsACase) {
    auto reports = temp_dir("state-embedded");
    auto r = kmsconf("--report-dir " + reports.string());
    ASSERT_EQ(r.code, 0) << r.output;
    auto summary = summary_of(reports);
    const int operations = cases_of_suite(summary, "operations");
    // The 7 zones besides the origin answer 200 once each, in the valid and edge suites.
    EXPECT_GE(operations, 7) << r.output;
    EXPECT_EQ(cases_of_suite(summary, "operations", "pass"), operations);
    EXPECT_GE(cases_of_suite(summary, "key-state"), 1);
    EXPECT_FALSE(warns(summary, "went untested")) << r.output;
    const std::string xml = read_file(reports / "junit.xml");
    EXPECT_EQ(count(xml, "classname=\"operations\""), operations);
    EXPECT_NE(xml.find("<testsuite name=\"operations\""), std::string::npos);
    EXPECT_NE(read_file(reports / "report.html").find("operations.valid.replicate-to-"), std::string::npos);
}

TEST(CliState, TwoRunsAgainstOneServerBothPassTheSecondWarnsThe200WentUntested) {
    ServerProcess server("");
    ASSERT_FALSE(server.url().empty());
    const std::string args = "--base-url " + server.url() + " --generated 0 --report-dir ";
    auto first_dir = temp_dir("state-first"), second_dir = temp_dir("state-second");
    auto first = kmsconf(args + first_dir.string(), 120);
    ASSERT_EQ(first.code, 0) << first.output;
    EXPECT_EQ(first.output.find("went untested"), std::string::npos) << first.output;
    EXPECT_GE(cases_of_suite(summary_of(first_dir), "operations", "pass"), 7);

    auto second = kmsconf(args + second_dir.string(), 120);
    ASSERT_EQ(second.code, 0) << second.output;
    EXPECT_NE(second.output.find("kmsconf: warning: no replicate answered 200, so the operation.json schema"),
              std::string::npos)
        << second.output;
    auto summary = summary_of(second_dir);
    EXPECT_TRUE(warns(summary, "operation.json schema of its body went untested"));
    EXPECT_EQ(cases_of_suite(summary, "operations"), 0);
    EXPECT_NE(read_file(second_dir / "junit.xml").find("kmsconf.warning"), std::string::npos);
    EXPECT_NE(read_file(second_dir / "report.html").find("went untested"), std::string::npos);
}

TEST(CliState, ZonesOverrideTheZoneList) {
    auto reports = temp_dir("state-zones");
    auto r = kmsconf("--zones ch-gva-2,hr-zag-1 --generated 0 --report-dir " + reports.string());
    EXPECT_EQ(r.code, 0) << r.output;
}

TEST(CliState, OnlySkippedCasesReadNothingAndTestNothing) {
    // Without credentials the auth cases are skipped: no key read either, so exit 2 as before.
    ServerProcess server("");
    ASSERT_FALSE(server.url().empty());
    auto r = kmsconf("--base-url " + server.url() + " --filter 'auth.*' --report-dir " + temp_dir("state-skipped").string());
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("nothing was tested"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("key-state"), std::string::npos) << r.output;
}

TEST(CliState, NewFlagsRefuseBadValues) {
    for (const char* bad : {"--zones ''", "--zones a,,b", "--zones 'a, b'", "--operation-timeout-ms 0",
                            "--operation-timeout-ms 600001", "--operation-timeout-ms 1.5"}) {
        auto r = kmsconf(std::string(bad) + " --report-dir " + temp_dir("state-usage").string());
        EXPECT_EQ(r.code, 2) << bad << "\n" << r.output;
    }
}

}  // namespace
}  // namespace kms::cli_test
