// kmsconf end to end, as a user runs it: exit codes, reports, and failures found on faulty
// reference servers (`kmsconf serve --fault NAME`).
#include "tests/cli/cli_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>

namespace {

using namespace kms::cli_test;

TEST(Cli, EmbeddedRunPassesAndWritesJUnit) {
    auto reports = temp_dir("reports");
    auto listed = kmsconf("--list");
    ASSERT_EQ(listed.code, 0) << listed.output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(listed.output, m, std::regex("(\\d+) cases")));
    const int cases = std::stoi(m[1]);
    EXPECT_GE(cases, 12);

    auto r = kmsconf("--report-dir " + reports.string());
    EXPECT_EQ(r.code, 0) << r.output;
    // The embedded server wants signatures (throw-away credentials), so every case runs.
    std::smatch counts;
    ASSERT_TRUE(std::regex_search(r.output, counts, std::regex("(\\d+) passed, (\\d+) failed, (\\d+) skipped"))) << r.output;
    // Besides the listed cases, the key reads and the followed operations.
    const int own = run_own_cases(reports / "summary.json");
    EXPECT_GE(own, 1);
    EXPECT_EQ(std::stoi(counts[2]), 0);
    EXPECT_EQ(std::stoi(counts[1]), cases + own);
    EXPECT_EQ(std::stoi(counts[3]), 0);
    EXPECT_GE(std::stoi(counts[1]), 100);
    std::string xml = read_file(reports / "junit.xml");
    EXPECT_EQ(count(xml, "<testcase "), cases + own) << xml.substr(0, 400);
    EXPECT_EQ(count(xml, "<failure"), 0);
    EXPECT_NE(read_file(reports / "summary.json").find("\"fail\": 0"), std::string::npos);
}

TEST(Cli, ExitCodesForUsageErrors) {
    EXPECT_EQ(kmsconf("--no-such-flag").code, 2);
    EXPECT_EQ(kmsconf("--rate -1").code, 2);
    auto none = kmsconf("--filter 'no-such-case*'");
    EXPECT_EQ(none.code, 2);
    EXPECT_NE(none.output.find("selects no case"), std::string::npos) << none.output;
    EXPECT_EQ(kmsconf("--contract 1999-01-01").code, 2);
    EXPECT_EQ(kmsconf("--base-url ftp://127.0.0.1/").code, 2);
    auto ca = kmsconf("--base-url https://127.0.0.1:1/v2 --ca-file /nonexistent/ca.pem");
    EXPECT_EQ(ca.code, 2) << ca.output;
    EXPECT_NE(ca.output.find("No such file or directory"), std::string::npos) << ca.output;
}

TEST(Cli, MalformedSuiteFileExits2NamingFileAndPointer) {
    auto dir = temp_dir("badsuite");
    std::ofstream(dir / "broken.json")
        << R"({"suite":"x","description":"d","cases":[{"id":"a","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"maybe"}}]})";
    auto r = kmsconf("--suites " + dir.string());
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("broken.json"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("/cases/0/expect/outcome"), std::string::npos) << r.output;
}

TEST(Cli, UnreachableTargetExits3) {
    auto r = kmsconf("--base-url http://127.0.0.1:1/v2 --connect-timeout-ms 2000");
    EXPECT_EQ(r.code, 3) << r.output;
    EXPECT_NE(r.output.find("unreachable"), std::string::npos) << r.output;
}

TEST(Cli, DryRunSendsNothing) {
    // Port 1 is closed: a dry run that tried to send would fail.
    auto r = kmsconf("--dry-run --base-url http://127.0.0.1:1/v2 --filter 'malformed.*'");
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("curl -sS -i -X 'POST'"), std::string::npos) << r.output;
}

TEST(Cli, SeparateServerProcessPasses) {
    ServerProcess server("");
    ASSERT_FALSE(server.url().empty());
    auto r = kmsconf("--base-url " + server.url() + " --report-dir " + temp_dir("sep").string());
    EXPECT_EQ(r.code, 0) << r.output;
}

// A SHOULD case the reference server does not meet: a non-strict finding, which fails the run
// only under --strict.
TEST(Cli, StrictTurnsShouldFindingsIntoFailures) {
    auto dir = temp_dir("strict");
    std::ofstream(dir / "should.json") << R"({"suite":"strictness","description":"d","cases":[
        {"id":"should-accept-unknown-zone","requirement":"a SHOULD the server does not meet","level":"SHOULD",
         "request":{"bodyJson":{"zone":"nowhere-1"}},"expect":{"outcome":"accepted"}}]})";
    std::string args = "--generated 0 --suites " + dir.string() + " --report-dir " + temp_dir("strict-reports").string();
    auto lenient = kmsconf(args);
    EXPECT_EQ(lenient.code, 0) << lenient.output;
    EXPECT_NE(lenient.output.find("1 non-strict"), std::string::npos) << lenient.output;
    EXPECT_NE(lenient.output.find("NONSTRICT"), std::string::npos) << lenient.output;
    auto strict = kmsconf(args + " --strict");
    EXPECT_EQ(strict.code, 1) << strict.output;
    // The one passed case is the key read before the cases (key-state.before-cases).
    EXPECT_NE(strict.output.find("1 passed, 1 failed"), std::string::npos) << "counted once:\n" << strict.output;
}

TEST(Cli, RateCapsRequestsPerSecond) {
    // 10 single-request cases at 20/s: at least 9 intervals of 50 ms. The run's own key reads
    // (suite key-state) are not paced, so they are not counted.
    auto started = std::chrono::steady_clock::now();
    const auto reports = temp_dir("rate");
    auto r = kmsconf("--generated 0 --filter 'malformed.zone-*,malformed.id-*' --rate 20 --report-dir " + reports.string());
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.code, 0) << r.output;
    rapidjson::Document summary;
    summary.Parse(read_file(reports / "summary.json").c_str());
    ASSERT_TRUE(summary.IsObject() && summary.HasMember("cases")) << r.output;
    int cases = 0;
    for (const auto& c : summary["cases"].GetArray())
        if (std::string(c["suite"].GetString()) != "key-state") ++cases;
    ASSERT_GE(cases, 10);
    EXPECT_GE(seconds, (cases - 1) / 20.0) << cases << " cases";
}

}  // namespace
