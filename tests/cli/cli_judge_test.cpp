// `kmsconf judge FILE.har...` end to end (issue 25 item 4): recorded traffic of a conforming
// server passes, a faulty server's fails on the checks a run fails it on, its reports are the
// run's (JUnit valid), and what is not HAR 1.2, or holds nothing to judge, is exit 2.
#include "tests/cli/cli_support.hpp"
#include "tests/support/junit_schemas.hpp"

namespace kms::cli_test {
namespace {

// A run against `server_args` (a fresh `kmsconf serve`), leaving its exchanges.har in `dir`.
fs::path recorded_run(const std::string& server_args, const std::string& name) {
    ServerProcess server(server_args);
    EXPECT_FALSE(server.url().empty());
    const fs::path dir = temp_dir(name);
    kmsconf("--base-url " + server.url() + " --report-dir " + dir.string(), 120);
    EXPECT_TRUE(fs::exists(dir / "exchanges.har")) << name;
    return dir / "exchanges.har";
}

TEST(CliJudge, AConformingServersTrafficPassesAndTheReportsAreTheRuns) {
    const fs::path har = recorded_run("", "judge-clean");
    const fs::path out = temp_dir("judge-clean-out");
    auto r = kmsconf("judge " + har.string() + " --report-dir " + out.string());
    EXPECT_EQ(r.code, 0) << r.output;
    const auto cases = read_case_outcomes(out / "summary.json");
    EXPECT_GT(cases.size(), 100u) << "the run's replicates, key reads and polls, each judged";
    for (const auto& [id, o] : cases) EXPECT_NE(o.verdict, "fail") << id;
    EXPECT_NE(r.output.find("passed through, not judged"), std::string::npos) << "the other exchanges are counted";
    EXPECT_EQ(kms::test::junit10_errors(out / "junit.xml"), "");
    for (const char* f : {"summary.md", "report.html", "exchanges.har"}) EXPECT_TRUE(fs::exists(out / f)) << f;

    // kmsconf as a client sends what the contract refuses, on purpose: its requests are judged
    // as the client's (suite client), informational unless --judge-client makes them count.
    const fs::path strict_client = temp_dir("judge-clean-client");
    auto rc = kmsconf("judge " + har.string() + " --judge-client --report-dir " + strict_client.string());
    EXPECT_EQ(rc.code, 1) << rc.output;
    const auto client_checks = failing_checks(strict_client / "summary.json");
    EXPECT_TRUE(client_checks.count("client_request_valid")) << rc.output;
    for (const auto& c : client_checks) EXPECT_EQ(c.rfind("client_", 0), 0u) << c << ": the server's verdicts stay";

    // Its own exchanges.har is recorded traffic too: judged again, the same verdicts.
    const fs::path again = temp_dir("judge-clean-again");
    auto r2 = kmsconf("judge " + (out / "exchanges.har").string() + " --report-dir " + again.string());
    EXPECT_EQ(r2.code, 0) << r2.output;
    EXPECT_EQ(read_case_outcomes(again / "summary.json").size(), cases.size());
}

TEST(CliJudge, AFaultyServersTrafficFailsOnTheChecksARunFailsItOn) {
    for (const auto& [fault, checks] : std::vector<std::pair<std::string, std::set<std::string>>>{
             {"bad-enum", {"body_schema", "operation_state"}}, {"forget-replicas", {"conflict_reported"}}, {"problem-status-mismatch", {"problem_status"}},
             // Across the recording: polls of the operations recorded replicates returned, and
             // the key reads after they ended in success.
             {"wrong-reference", {"operation_reference"}}, {"wrong-operation-id", {"operation_id"}},
             {"replica-not-listed", {"replica_listed"}},
             // Another method on replicate's path: a 405 names what is allowed (RFC 9110 §15.5.6).
             {"no-allow-header", {"allow_header"}}}) {
        SCOPED_TRACE(fault);
        const fs::path har = recorded_run("--fault " + fault, "judge-" + fault);
        const fs::path out = temp_dir("judge-" + fault + "-out");
        auto r = kmsconf("judge " + har.string() + " --report-dir " + out.string());
        EXPECT_EQ(r.code, 1) << r.output;
        EXPECT_EQ(failing_checks(out / "summary.json"), checks) << r.output;
    }
}

TEST(CliJudge, AnOperationPolledPendingPastTheBoundFails) {
    // The run follows its operation for 3 s; its recording shows the polls still pending then.
    ServerProcess server("--fault operation-never-settles");
    const fs::path dir = temp_dir("judge-never-settles");
    const Result run = kmsconf("--base-url " + server.url() + " --operation-timeout-ms 3000 --report-dir " + dir.string(), 120);
    EXPECT_EQ(run.code, 1) << run.output;
    const fs::path out = temp_dir("judge-never-settles-out");
    // Recorded times are whole seconds: a 2 s bound is surely exceeded by 3 s of polling.
    const Result judged = kmsconf("judge " + (dir / "exchanges.har").string() + " --operation-timeout-ms 2000 --report-dir " + out.string());
    EXPECT_EQ(judged.code, 1) << judged.output;
    EXPECT_TRUE(failing_checks(out / "summary.json").count("operation_settles")) << judged.output;
    // Under the default minute the client merely stopped looking: nothing is known, nothing fails.
    const Result lenient = kmsconf("judge " + (dir / "exchanges.har").string() + " -v --report-dir " + out.string());
    EXPECT_EQ(lenient.code, 0) << lenient.output;
    EXPECT_NE(lenient.output.find("not settled when the client stopped polling"), std::string::npos) << lenient.output;
}

TEST(CliJudge, WhatIsNotHarOrHoldsNothingToJudgeIsExit2) {
    const fs::path dir = temp_dir("judge-bad");
    std::ofstream(dir / "entry.har") << R"({"log":{"version":"1.2","entries":[{"time":1}]}})";
    std::ofstream(dir / "empty.har") << R"({"log":{"version":"1.2","entries":[]}})";
    std::ofstream(dir / "old.har") << R"({"log":{"version":"1.1","entries":[]}})";
    const std::pair<std::string, std::string> refused[] = {
        {(dir / "entry.har").string(), "entry.har: at /log/entries/0: no member 'request'"},
        {(dir / "old.har").string(), "old.har: at /log/version: HAR version '1.1', not 1.2"},
        {(dir / "empty.har").string(), "nothing to judge: 0 exchanges in 1 file(s)"},
        {(dir / "missing.har").string(), "missing.har: cannot read"},
        {"", "no HAR file given"},
    };
    for (const auto& [file, message] : refused) {
        auto r = kmsconf("judge " + file + " --report-dir " + (dir / "out").string());
        EXPECT_EQ(r.code, 2) << file << "\n" << r.output;
        EXPECT_NE(r.output.find(message), std::string::npos) << file << "\n" << r.output;
        EXPECT_FALSE(fs::exists(dir / "out" / "junit.xml")) << "no report for a refused judge";
    }
}

}  // namespace
}  // namespace kms::cli_test
