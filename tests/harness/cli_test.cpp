// kmsconf end to end, as a user runs it: exit codes, reports, and failures found on faulty
// reference servers (`kmsconf serve --fault NAME`).
#include "cli_support.hpp"

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
    EXPECT_EQ(std::stoi(counts[2]), 0);
    EXPECT_EQ(std::stoi(counts[1]), cases);
    EXPECT_EQ(std::stoi(counts[3]), 0);
    EXPECT_GE(std::stoi(counts[1]), 100);
    std::string xml = read_file(reports / "junit.xml");
    EXPECT_EQ(count(xml, "<testcase "), cases) << xml.substr(0, 400);
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

struct FaultCase {
    const char* fault;
    const char* check;  // the check that must report it
};

class CliFault : public testing::TestWithParam<FaultCase> {};

TEST_P(CliFault, FaultyServerFailsTheRunOnTheRightCheck) {
    ServerProcess server(std::string("--fault ") + GetParam().fault);
    ASSERT_FALSE(server.url().empty());
    auto reports = temp_dir(GetParam().fault);
    auto r = kmsconf("--base-url " + server.url() + " --report-dir " + reports.string() + " --timeout-ms 1500");
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find(std::string(" ") + GetParam().check + ":"), std::string::npos)
        << "no " << GetParam().check << " finding:\n" << r.output;
    EXPECT_GT(count(read_file(reports / "junit.xml"), "<failure"), 0);
}

INSTANTIATE_TEST_SUITE_P(Faults, CliFault,
                         testing::Values(FaultCase{"bad-enum", "body_schema"}, FaultCase{"bad-uuid-format", "formats"},
                                         FaultCase{"problem-status-mismatch", "problem_status"},
                                         FaultCase{"undeclared-status", "status_declared"},
                                         FaultCase{"server-error-on-garbage", "no_server_error"},
                                         FaultCase{"slow-response", "response_in_time"}),
                         [](const auto& param_info) {
                             std::string n = param_info.param.fault;
                             for (auto& ch : n)
                                 if (ch == '-') ch = '_';
                             return n;
                         });

}  // namespace
