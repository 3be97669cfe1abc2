// kmsconf end to end against origins that behave like real servers on the wire: one that answers
// what it cannot parse as Go's net/http does (a late plain-text 400 and a close), and one that
// sends an unsolicited response after each 400. Runs go four at a time: with the 20 ms grace
// after every kept-alive response a run takes ~3 s, and the grace is spent waiting, not computing.
#include "tests/cli/cli_support.hpp"
#include "tests/support/test_origin.hpp"
#include "tests/support/wire_cases.hpp"

#include "harness/cases/request_builder.hpp"
#include "harness/transport/request_serializer.hpp"

#include <map>
#include <set>

namespace kms::test {
namespace {

namespace fs = std::filesystem;
using cli_test::CaseOutcome;
using cli_test::read_case_outcomes;
using cli_test::read_file;
using cli_test::temp_dir;

const Exo2Credentials kCredentials{"EXOwirecli", "wire-cli-secret"};

struct RunResult {
    int code = -1;
    std::string output;
    std::map<std::string, CaseOutcome> cases;  // by suite.id, from summary.json
};

// kmsconf against each origin, all at once, each run bounded by 60 s.
std::vector<RunResult> run_against(const std::vector<GoLikeOrigin*>& origins, const std::string& tag) {
    auto dir = temp_dir("wire-" + tag);
    std::ofstream(dir / "secret") << kCredentials.secret;
    std::string script;
    for (std::size_t i = 0; i < origins.size(); ++i) {
        auto n = std::to_string(i);
        script += "( timeout 60 " KMSCONF_BINARY " --base-url " + origins[i]->base_url() + " --api-key " +
                  kCredentials.key + " --api-secret-file " + (dir / "secret").string() + " --report-dir " +
                  (dir / ("r" + n)).string() + " >" + (dir / ("out" + n)).string() + " 2>&1; echo $? >" +
                  (dir / ("rc" + n)).string() + " ) &\n";
    }
    script += "wait\n";
    std::ofstream(dir / "runs.sh") << script;
    std::system(("sh " + (dir / "runs.sh").string()).c_str());
    std::vector<RunResult> runs(origins.size());
    for (std::size_t i = 0; i < origins.size(); ++i) {
        auto n = std::to_string(i);
        auto rc = read_file(dir / ("rc" + n));
        runs[i].code = rc.empty() ? -1 : std::stoi(rc);
        runs[i].output = read_file(dir / ("out" + n));
        runs[i].cases = read_case_outcomes(dir / ("r" + n) / "summary.json");
    }
    return runs;
}

std::unique_ptr<GoLikeOrigin> origin(bool extra_after_400) {
    OriginOptions o;
    o.service.credentials = kCredentials;
    o.extra_response_after_400 = extra_after_400;
    return std::make_unique<GoLikeOrigin>(o);
}

std::string unparsable_seen(GoLikeOrigin& o) {
    std::string out;
    for (const auto& s : o.unparsable_bytes().items()) out += "\n  " + s;
    return out;
}

TEST(WireCli, GoLikeOriginPassesTwentyRunsWithIdenticalVerdicts) {
    // Each run has an origin of its own: the same fresh state, so the same verdicts are due.
    constexpr int kRuns = 20, kAtOnce = 4;
    std::map<std::string, CaseOutcome> first;
    for (int batch = 0; batch < kRuns / kAtOnce; ++batch) {
        std::vector<std::unique_ptr<GoLikeOrigin>> owned;
        std::vector<GoLikeOrigin*> origins;
        for (int i = 0; i < kAtOnce; ++i) {
            owned.push_back(origin(false));
            origins.push_back(owned.back().get());
        }
        auto runs = run_against(origins, "go" + std::to_string(batch));
        for (int i = 0; i < kAtOnce; ++i) {
            SCOPED_TRACE("run " + std::to_string(batch * kAtOnce + i + 1));
            const RunResult& r = runs[static_cast<std::size_t>(i)];
            EXPECT_EQ(r.code, 0) << r.output;
            EXPECT_NE(r.output.find(" 0 failed, 0 skipped"), std::string::npos) << r.output;
            EXPECT_EQ(origins[static_cast<std::size_t>(i)]->unparsable(), 0)
                << "requests the origin could not parse:" << unparsable_seen(*origins[static_cast<std::size_t>(i)]);
            ASSERT_GE(r.cases.size(), 120u) << r.output;
            if (first.empty()) first = r.cases;
            for (const auto& [name, outcome] : r.cases) {
                EXPECT_NE(outcome.verdict, "fail") << name;
                EXPECT_EQ(outcome.verdict, first[name].verdict) << name;
            }
            EXPECT_EQ(r.cases.size(), first.size());
        }
    }
}

TEST(WireCli, ExtraResponseAfterEach400IsBlamedOnTheExchangeItFollowed) {
    auto clean = origin(false);
    auto faulty = origin(true);
    auto runs = run_against({clean.get(), faulty.get()}, "extra");
    const RunResult& c = runs[0];
    const RunResult& f = runs[1];
    ASSERT_EQ(c.code, 0) << c.output;
    ASSERT_EQ(f.code, 1) << f.output;
    EXPECT_EQ(clean->unparsable(), 0) << unparsable_seen(*clean);
    EXPECT_EQ(faulty->unparsable(), 0) << unparsable_seen(*faulty);
    ASSERT_EQ(f.cases.size(), c.cases.size());

    // The extra bytes follow every 400 at once. A case that owns its framing has a connection of
    // its own, closed after its response unread (its own framing may leave bytes for the server
    // to answer): there they are not looked for. Everywhere else they are its finding, and only
    // its finding: the other cases are judged as on the clean origin.
    std::map<std::string, bool> owns;
    BaseUrl base;
    base.host = "127.0.0.1";
    base.port = 1;
    base.path = "/v2";
    Signer signer;
    signer.credentials = kCredentials;
    for (const auto& k : all_default_cases())
        owns[k.full_name()] = owns_framing(build_request(k, {"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"}, base, signer));
    int blamed = 0;
    for (const auto& [name, outcome] : f.cases) {
        SCOPED_TRACE(name);
        if (cli_test::is_run_own_case(name)) continue;  // GETs, answered 200: no extra bytes
        ASSERT_TRUE(owns.count(name));
        const bool answered_400 =
            std::find(outcome.statuses.begin(), outcome.statuses.end(), 400) != outcome.statuses.end();
        const bool expected = answered_400 && !owns[name];
        EXPECT_EQ(outcome.checks.count("response_framing") == 1, expected);
        blamed += expected;
        auto others = outcome.checks;
        others.erase("response_framing");
        EXPECT_EQ(others, c.cases.at(name).checks);
        EXPECT_EQ(outcome.statuses, c.cases.at(name).statuses);
    }
    EXPECT_GE(blamed, 60);
    EXPECT_GE(faulty->extra_responses(), blamed);
}

}  // namespace
}  // namespace kms::test
