// Every fault of the reference server, as traffic (issue 25): a run through `kmsconf proxy`, the
// proxy's verdict on that traffic and `kmsconf judge` of the run's exchanges.har exit as the run
// does, except where the traffic cannot show the fault. Those exceptions are listed here, each
// with why, so that a new divergence fails and a closed one is noticed.
#include "tests/cli/proxy_support.hpp"

#include <cctype>

namespace kms::cli_test {
namespace {

struct TrafficFault {
    const char* fault;
    int run = 1;  // the run's exit code
    int proxy = 1;
    int judge = 1;
    const char* why = "";  // when the proxy or the judge differs from the run
};

const std::vector<TrafficFault>& traffic_faults() {
    static const std::vector<TrafficFault> faults = {
        {"none", 0, 0, 0},
        {"slow-response", 0, 0, 0},  // 3 s answers, within every deadline
        {"undeclared-status"}, {"wrong-content-type"}, {"bad-enum"}, {"bad-uuid-format"}, {"bad-uri-reference"},
        {"problem-status-mismatch"}, {"problem-missing-title"}, {"server-error-on-garbage"}, {"accept-malformed"},
        {"reject-valid", 1, 0, 0,
         "a 400 problem to a valid replicate is what an unknown key or zone gives: the account's state, which the "
         "run is told (--key-id, --zones) and traffic does not hold"},
        {"ignore-auth", 0, 0, 0},  // shows only when signatures are required: cli_faults_test signs
        {"no-allow-header"}, {"status-out-of-range"}, {"forget-replicas"}, {"unprocessable-entity"},
        {"rate-limit-once", 0, 0, 0},  // a 429 honoured is no failure
        {"unsolicited-response", 1, 1, 0,
         "the stray bytes come between exchanges: the proxy sees them on the wire, a HAR has no place for them"},
        {"operation-never-settles"}, {"forget-operation"},
        {"operation-failure", 0, 0, 0}, {"operation-failure-no-reason", 0, 0, 0},  // SHOULD findings
        {"wrong-operation-id"}, {"wrong-reference"}, {"replica-not-listed"},
        {"rejection-replicates", 1, 0, 0,
         "the zone a rejected request named shows up among the replicas; only the run knows no other client "
         "replicated it meanwhile (the proxy may carry many clients, and a recording holds one)"},
        {"no-key-read", 0, 0, 0},  // the run falls back; traffic's key reads are judged as answered
        {"unavailable-once", 0, 0, 0},  // a 503 with Retry-After honoured is no failure
    };
    return faults;
}

class TrafficFaultTest : public testing::TestWithParam<TrafficFault> {};

TEST_P(TrafficFaultTest, TheProxyAndTheJudgeExitAsTheRunUnlessTheTrafficCannotShowIt) {
    const TrafficFault& f = GetParam();
    const std::string name = std::string("traffic-") + f.fault;
    ServerProcess server(std::string(f.fault) == "none" ? "" : std::string("--fault ") + f.fault);
    ASSERT_FALSE(server.url().empty()) << server.line();
    const fs::path run_dir = temp_dir(name + "-run"), proxy_dir = temp_dir(name + "-proxy"), judge_dir = temp_dir(name + "-judge");
    // The run follows an operation for 3 s; the traffic's judges hold 2 s as the bound, which
    // recorded whole seconds surely exceed.
    ProxyProcess proxy("--upstream " + origin_of(server.url()) + " --operation-timeout-ms 2000 -q --report-dir " +
                           proxy_dir.string(),
                       name);
    ASSERT_FALSE(proxy.url().empty());
    const Result run = kmsconf("--base-url " + proxy.url() + "/v2 --operation-timeout-ms 3000 -q --report-dir " + run_dir.string(), 120);
    const Result proxied = proxy.stop();
    const Result judged = kmsconf("judge " + (run_dir / "exchanges.har").string() + " --operation-timeout-ms 2000 -q --report-dir " +
                                  judge_dir.string());
    EXPECT_EQ(run.code, f.run) << run.output;
    EXPECT_EQ(proxied.code, f.proxy) << f.why << "\n" << proxied.output;
    EXPECT_EQ(judged.code, f.judge) << f.why << "\n" << judged.output;
}

std::string fault_name(const testing::TestParamInfo<TrafficFault>& info) {
    std::string name = info.param.fault;
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(EveryFault, TrafficFaultTest, testing::ValuesIn(traffic_faults()), fault_name);

TEST(TrafficFaults, EveryFaultOfTheServerIsListed) {
    const Result listed = kmsconf("serve --fault list");
    std::set<std::string> served;
    std::istringstream words(listed.output);
    for (std::string w; words >> w;) served.insert(w);
    std::set<std::string> here;
    for (const auto& f : traffic_faults())
        if (std::string(f.fault) != "none") here.insert(f.fault);
    EXPECT_EQ(here, served) << "a new fault: add it to traffic_faults(), with why if the traffic cannot show it";
}

}  // namespace
}  // namespace kms::cli_test
