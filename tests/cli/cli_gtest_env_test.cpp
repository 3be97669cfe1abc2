// kmsconf registers each case as a GoogleTest test; GoogleTest's environment variables, which
// a CI job running other GoogleTest programs may well export, must not change what runs.
#include "tests/cli/cli_support.hpp"

#include <vector>

namespace kms::cli_test {
namespace {

struct GtestRun {
    int code = -1;
    std::string counts;                 // the console's "N passed, N failed, N skipped" line
    std::vector<std::string> testcases;  // junit.xml's testcase names, in order, the run's own (key-state, operations) left out
    std::string output;
};

GtestRun run_with(const std::string& env, const fs::path& suite, const fs::path& reports) {
    auto r = kmsconf("--generated 0 --suites " + suite.string() + " " KMSCONF_SOURCE_DIR "/suites/malformed.json" +
                         " --filter 'malformed.zone-*,fails.*' --report-dir " + reports.string(),
                     60, env);
    GtestRun run{r.code, "", {}, r.output};
    std::smatch m;
    if (std::regex_search(r.output, m, std::regex("kmsconf: \\d+ passed, \\d+ failed, \\d+ skipped"))) run.counts = m[0];
    const std::string xml = read_file(reports / "junit.xml");
    const std::regex name("<testcase name=\"([^\"]+)\" classname=\"([^\"]+)\"");
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), name); it != std::sregex_iterator(); ++it)
        if ((*it)[2] != "key-state" && (*it)[2] != "operations") run.testcases.push_back((*it)[1]);
    return run;
}

TEST(CliGtestEnv, GoogleTestVariablesChangeNothing) {
    auto dir = temp_dir("gtest-env");
    // A failing case first: fail-fast or break-on-failure would show on the cases after it.
    const auto suite = dir / "fails.json";
    std::ofstream(suite) << R"({"suite":"fails","description":"d","cases":[
        {"id":"unknown-zone-accepted","requirement":"a MUST the reference server does not meet","level":"MUST",
         "request":{"bodyJson":{"zone":"nowhere-1"}},"expect":{"outcome":"accepted"}}]})";
    const auto flagfile = dir / "flags.txt";
    std::ofstream(flagfile) << "--gtest_filter=nothing\n--gtest_repeat=2\n";
    const auto elsewhere = dir / "elsewhere.xml";
    const auto shard_status = dir / "shard-status";

    const GtestRun baseline = run_with("", suite, dir / "baseline");
    ASSERT_EQ(baseline.code, 1) << baseline.output;
    ASSERT_FALSE(baseline.counts.empty()) << baseline.output;
    ASSERT_GE(baseline.testcases.size(), 4u);
    EXPECT_EQ(baseline.testcases.front(), "unknown-zone-accepted");

    const std::string settings[] = {
        "GTEST_FILTER=nothing",
        "GTEST_FILTER=-*",
        "GTEST_REPEAT=3",
        "GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=1 GTEST_SHARD_STATUS_FILE=" + shard_status.string(),
        "GTEST_SHUFFLE=1 GTEST_RANDOM_SEED=7",
        "GTEST_FAIL_FAST=1",
        "GTEST_BREAK_ON_FAILURE=1",
        "GTEST_THROW_ON_FAILURE=1",
        "GTEST_OUTPUT=xml:" + elsewhere.string(),
        "GTEST_FLAGFILE=" + flagfile.string(),
        "GTEST_ALSO_RUN_DISABLED_TESTS=1 GTEST_BRIEF=0 GTEST_LIST_TESTS=1",
        "TESTBRIDGE_TEST_ONLY=nothing TESTBRIDGE_TEST_RUNNER_FAIL_FAST=1",
    };
    int i = 0;
    for (const auto& env : settings) {
        const GtestRun run = run_with(env, suite, dir / ("run-" + std::to_string(i++)));
        EXPECT_EQ(run.code, baseline.code) << env << "\n" << run.output;
        EXPECT_EQ(run.counts, baseline.counts) << env << "\n" << run.output;
        EXPECT_EQ(run.testcases, baseline.testcases) << env << ": every case once, in order";
    }
    EXPECT_FALSE(fs::exists(elsewhere)) << "GTEST_OUTPUT moved the report";
    EXPECT_FALSE(fs::exists(shard_status)) << "the run took part in sharding";
}

}  // namespace
}  // namespace kms::cli_test
