// Twenty runs against the embedded reference server, each a fresh process with a fresh server,
// must give every case the same verdict, the same statuses and the same finding checks: a
// verdict that flips between identical runs is one a release gate cannot trust. Runs go four
// at a time (a run spends its ~3 s waiting out the client's grace after each response, not
// computing), each bounded by 60 s.
#include "tests/cli/cli_support.hpp"

namespace kms::cli_test {
namespace {

TEST(CliRepeat, TwentyRunsAgainstTheEmbeddedServerGiveIdenticalVerdicts) {
    constexpr int kRuns = 20, kAtOnce = 4;
    const auto dir = temp_dir("repeat");
    std::map<std::string, CaseOutcome> first;
    for (int batch = 0; batch < kRuns / kAtOnce; ++batch) {
        std::string script;
        for (int i = 0; i < kAtOnce; ++i) {
            const std::string n = std::to_string(batch * kAtOnce + i);
            script += "( timeout 60 " KMSCONF_BINARY " --report-dir " + (dir / ("r" + n)).string() + " >" +
                      (dir / ("out" + n)).string() + " 2>&1; echo $? >" + (dir / ("rc" + n)).string() + " ) &\n";
        }
        std::ofstream(dir / "batch.sh") << script << "wait\n";
        ASSERT_EQ(std::system(("sh " + (dir / "batch.sh").string()).c_str()), 0);
        for (int i = 0; i < kAtOnce; ++i) {
            const std::string n = std::to_string(batch * kAtOnce + i);
            SCOPED_TRACE("run " + n);
            EXPECT_EQ(read_file(dir / ("rc" + n)), "0\n") << read_file(dir / ("out" + n));
            auto got = read_case_outcomes(dir / ("r" + n) / "summary.json");
            ASSERT_GT(got.size(), 100u) << read_file(dir / ("out" + n));
            if (first.empty()) {
                first = got;
                continue;
            }
            for (const auto& [id, outcome] : first) {
                EXPECT_EQ(got[id].verdict, outcome.verdict) << id;
                EXPECT_EQ(got[id].statuses, outcome.statuses) << id;
                EXPECT_EQ(got[id].checks, outcome.checks) << id;
            }
            EXPECT_EQ(got.size(), first.size());
        }
    }
}

}  // namespace
}  // namespace kms::cli_test
