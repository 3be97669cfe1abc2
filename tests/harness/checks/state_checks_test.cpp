// The checks on replicate's effects (harness/checks/state_checks.hpp) and the zone plan
// (harness/run/zone_plan.hpp): each check seen failing on a body that breaks it and quiet on
// one that conforms; the plan aims cases and adjusts expectations by the key's state.
#include "harness/checks/cache_evidence.hpp"
#include "harness/checks/state_checks.hpp"
#include "harness/contract/json_text.hpp"
#include "harness/run/operation_follower.hpp"
#include "harness/run/zone_plan.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

using namespace std::chrono_literals;

const std::string kKey = "a02baf5a-a3e4-49a0-857b-8a08d276c1c0";
const std::string kOp = "4c5547c0-b870-11ef-83b3-0d8312b2c2d7";

rapidjson::Document doc(const std::string& text) {
    std::string error;
    auto d = parse_json(text, &error);
    EXPECT_TRUE(d) << error;
    return d ? std::move(*d) : rapidjson::Document();
}

std::string op_body(const std::string& id, const std::string& state, const std::string& ref_id,
                    const std::string& link_json = "", const std::string& extra = "") {
    return R"({"id":")" + id + R"(","state":")" + state + R"(","reference":{"id":")" + ref_id + "\"" +
           (link_json.empty() ? "" : ",\"link\":" + link_json) + ",\"command\":\"replicate-kms-key\"}" + extra + "}";
}

std::vector<std::string> names(const std::vector<Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) out.push_back(name_of(f.check));
    return out;
}

TEST(PolledOperation, ConformingBodyIsQuiet) {
    auto d = doc(op_body(kOp, "pending", kKey, "\"/v2/kms-key/" + kKey + "\""));
    EXPECT_TRUE(check_polled_operation(d, kOp, kKey, "/v2").empty());
    // Ids compare as uuids: case does not matter; link is optional.
    auto upper = doc(op_body(to_upper(kOp), "success", to_upper(kKey)));
    EXPECT_TRUE(check_polled_operation(upper, kOp, kKey, "/v2").empty());
}

TEST(PolledOperation, AnotherIdIsOperationId) {
    auto d = doc(op_body("00000000-0000-0000-0000-000000000001", "pending", kKey));
    auto f = check_polled_operation(d, kOp, kKey, "/v2");
    ASSERT_EQ(names(f), std::vector<std::string>{"operation_id"});
    EXPECT_EQ(f[0].level, Level::must);
    EXPECT_NE(f[0].message.find(kOp), std::string::npos) << f[0].message;
}

TEST(PolledOperation, WrongReferenceIdOrLinkIsOperationReference) {
    auto other_key = doc(op_body(kOp, "pending", "5f0c3a1e-7b2d-4c8e-9a41-6d2e8b1f0c35"));
    EXPECT_EQ(names(check_polled_operation(other_key, kOp, kKey, "/v2")), std::vector<std::string>{"operation_reference"});
    auto bad_link = doc(op_body(kOp, "pending", kKey, "\"/v2/sks-cluster/" + kKey + "\""));
    EXPECT_EQ(names(check_polled_operation(bad_link, kOp, kKey, "/v2")), std::vector<std::string>{"operation_reference"});
    // Every member of the schema is optional: no reference at all is a SHOULD, not a MUST.
    auto no_reference = doc(R"({"id":")" + kOp + R"(","state":"pending"})");
    auto f = check_polled_operation(no_reference, kOp, kKey, "/v2");
    ASSERT_EQ(names(f), std::vector<std::string>{"operation_reference"});
    EXPECT_EQ(f[0].level, Level::should);
    EXPECT_EQ(check_polled_operation(other_key, kOp, kKey, "/v2").at(0).level, Level::must);
}

TEST(PolledOperation, StateOutsideTheEnumIsOperationState) {
    auto d = doc(op_body(kOp, "done", kKey));
    auto f = check_polled_operation(d, kOp, kKey, "/v2");
    ASSERT_EQ(names(f), std::vector<std::string>{"operation_state"});
    EXPECT_EQ(f[0].level, Level::must);
    EXPECT_FALSE(is_terminal_state("done"));
    EXPECT_FALSE(is_terminal_state("pending"));
    for (const char* s : {"success", "failure", "timeout"}) EXPECT_TRUE(is_terminal_state(s)) << s;
}

TEST(EndState, SuccessIsQuietFailureWithReasonIsOneShould) {
    EXPECT_TRUE(check_end_state(doc(op_body(kOp, "success", kKey))).empty());
    auto with_reason = check_end_state(doc(op_body(kOp, "failure", kKey, "", R"(,"reason":"unavailable")")));
    ASSERT_EQ(names(with_reason), std::vector<std::string>{"operation_state"});
    EXPECT_EQ(with_reason[0].level, Level::should);
    EXPECT_NE(with_reason[0].message.find("unavailable"), std::string::npos);
    EXPECT_EQ(names(check_end_state(doc(op_body(kOp, "timeout", kKey)))), std::vector<std::string>{"operation_state"});
}

TEST(EndState, FailureWithoutReasonIsOperationFailureReason) {
    auto f = check_end_state(doc(op_body(kOp, "failure", kKey)));
    ASSERT_EQ(names(f), (std::vector<std::string>{"operation_state", "operation_failure_reason"}));
    EXPECT_EQ(f[1].level, Level::should);
}

TEST(KeyStateBody, ReadsOriginAndReplicas) {
    std::string why;
    auto s = key_state_from(doc(R"({"id":")" + kKey + R"(","origin-zone":"ch-gva-2","replicas":["de-fra-1"]})"), &why);
    ASSERT_TRUE(s) << why;
    EXPECT_EQ(s->origin_zone, "ch-gva-2");
    EXPECT_TRUE(s->lists("de-fra-1"));
    EXPECT_FALSE(s->lists("at-vie-1"));
    // 2026-07-20 does not require replicas: none listed is none.
    auto bare = key_state_from(doc(R"({"origin-zone":"ch-gva-2"})"), &why);
    ASSERT_TRUE(bare) << why;
    EXPECT_TRUE(bare->replicas.empty());
    EXPECT_FALSE(key_state_from(doc(R"({"replicas":[]})"), &why));
    EXPECT_FALSE(key_state_from(doc(R"({"origin-zone":"ch-gva-2","replicas":[1]})"), &why));
}

TEST(ReplicaListed, ZoneMissingAfterSuccessIsAFinding) {
    KeyState after{kKey, "ch-gva-2", {"de-fra-1"}};
    EXPECT_TRUE(check_replica_listed(after, "de-fra-1").empty());
    auto f = check_replica_listed(after, "at-vie-1");
    ASSERT_EQ(names(f), std::vector<std::string>{"replica_listed"});
    EXPECT_EQ(f[0].level, Level::must);
}

TEST(RejectionsReplicatedNothing, ZoneListedAfterRejectionsIsAFinding) {
    KeyState after{kKey, "ch-gva-2", {"de-fra-1"}};
    EXPECT_TRUE(check_rejections_replicated_nothing(after, "hr-zag-1", {"malformed.x"}).empty());
    auto f = check_rejections_replicated_nothing(after, "de-fra-1", {"malformed.x", "auth.auth-unsigned"});
    ASSERT_EQ(names(f), std::vector<std::string>{"rejection_replicated_nothing"});
    EXPECT_NE(f[0].message.find("auth.auth-unsigned"), std::string::npos) << f[0].message;
}

// The egoscale test bounds of pollInterval (docs/contract.md §8), and the scaled intervals.
TEST(PollInterval, FollowsTheClientsBackOff) {
    EXPECT_EQ(poll_interval(10s, 1.0), 3s);
    EXPECT_EQ(poll_interval(30s, 1.0), 3s);
    EXPECT_GE(poll_interval(60s, 1.0), 3s);
    EXPECT_LE(poll_interval(60s, 1.0), 7s);
    EXPECT_LE(poll_interval(300s, 1.0), 24s);
    EXPECT_EQ(poll_interval(900s, 1.0), 60s);
    EXPECT_EQ(poll_interval(1200s, 1.0), 60s);
    EXPECT_EQ(poll_interval(0ms, 0.01), 30ms);
    EXPECT_EQ(poll_interval(9000ms, 0.01), 600ms);
}

Case valid_case(const std::string& zone) {
    Case c;
    c.suite = "valid";
    c.id = "replicate-to-" + zone;
    c.expect.outcome = Outcome::accepted;
    c.request.body = R"({"zone":")" + zone + "\"}";
    return c;
}

TEST(ZonePlanRules, UnknownStateChangesNothing) {
    ZonePlan plan(std::nullopt, exoscale_zones(), "de-fra-1");
    Case c = valid_case("ch-gva-2");
    EXPECT_EQ(plan.adjust_expectation(c, "ch-gva-2"), "");
    EXPECT_EQ(c.expect.outcome, Outcome::accepted);
    EXPECT_EQ(plan.zone_for(c), "de-fra-1");
    EXPECT_EQ(plan.rejection_zone(), "");
}

TEST(ZonePlanRules, OriginAcceptsAny400AndReplicasExpectConflict) {
    ZonePlan plan(KeyState{kKey, "ch-gva-2", {"de-fra-1"}}, exoscale_zones(), "de-fra-1");
    Case origin = valid_case("ch-gva-2");
    EXPECT_NE(plan.adjust_expectation(origin, "ch-gva-2"), "");
    EXPECT_EQ(origin.expect.outcome, Outcome::either);
    EXPECT_EQ(origin.expect.statuses, std::vector<int>{400});
    Case replica = valid_case("de-fra-1");
    EXPECT_NE(plan.adjust_expectation(replica, "de-fra-1"), "");
    EXPECT_EQ(replica.expect.outcome, Outcome::conflict);
    // 2026-07-20: a repeat may be 200 already-applied, so a replica expects no Conflict.
    Case latest = valid_case("de-fra-1");
    EXPECT_EQ(plan.adjust_expectation(latest, "de-fra-1", true), "");
    EXPECT_EQ(latest.expect.outcome, Outcome::accepted);
    Case fresh = valid_case("at-vie-1");
    EXPECT_EQ(plan.adjust_expectation(fresh, "at-vie-1"), "");
    EXPECT_EQ(fresh.expect.outcome, Outcome::accepted);
    // A 200 seen in the run makes the zone a replica.
    plan.replicated_now("at-vie-1");
    EXPECT_NE(plan.adjust_expectation(fresh, "at-vie-1"), "");
    EXPECT_EQ(fresh.expect.outcome, Outcome::conflict);
    // Another key's path is not the key under test.
    Case other = valid_case("de-fra-1");
    other.request.path = "/kms-key/${random-uuid}/replicate";
    EXPECT_EQ(plan.adjust_expectation(other, "de-fra-1"), "");
}

TEST(ZonePlanRules, CasesAimAtTheFirstFreeZoneRejectionsAtTheLastChosenOnce) {
    ZonePlan plan(KeyState{kKey, "ch-gva-2", {"ch-dk-2"}}, {"ch-gva-2", "ch-dk-2", "de-fra-1", "at-vie-1"}, "x");
    EXPECT_EQ(plan.free_zones(), (std::vector<std::string>{"de-fra-1", "at-vie-1"}));
    Case valid = valid_case("${zone}");
    Case rejected = valid;
    rejected.expect.outcome = Outcome::rejected;
    EXPECT_EQ(plan.zone_for(valid), "de-fra-1");
    EXPECT_EQ(plan.zone_for(rejected), "at-vie-1");
    EXPECT_EQ(plan.rejection_zone(), "at-vie-1");
    // Chosen once: the run's own 200s do not move the cases on to other zones.
    plan.replicated_now("de-fra-1");
    plan.replicated_now("at-vie-1");
    EXPECT_TRUE(plan.free_zones().empty());
    EXPECT_EQ(plan.zone_for(valid), "de-fra-1");
    EXPECT_EQ(plan.rejection_zone(), "at-vie-1");
    // Nothing free from the start: --zone.
    ZonePlan full(KeyState{kKey, "ch-gva-2", {"de-fra-1"}}, {"ch-gva-2", "de-fra-1"}, "x");
    EXPECT_EQ(full.zone_for(valid), "x");
    EXPECT_EQ(full.rejection_zone(), "");
}

TEST(ZoneNamed, TopLevelZoneOfAJsonObject) {
    EXPECT_EQ(zone_named(R"({"zone":"de-fra-1"})"), "de-fra-1");
    EXPECT_EQ(zone_named(R"({"nested":{"zone":"x"}})"), "");
    EXPECT_EQ(zone_named(R"(["de-fra-1"])"), "");
    EXPECT_EQ(zone_named("not json"), "");
}


// Issue 22: a conforming server may accept a rejection below MUST (Python's json reads NaN), so
// those aim at a zone of their own while three are free, away from the watched MUST rejections.
TEST(ZonePlanRules, RejectionsBelowMustAimAwayFromTheWatchedZone) {
    ZonePlan plan(KeyState{kKey, "ch-gva-2", {}}, {"ch-gva-2", "ch-dk-2", "de-fra-1", "at-vie-1"}, "x");
    Case must = valid_case("${zone}");
    must.expect.outcome = Outcome::rejected;
    Case should = must;
    should.level = Level::should;
    EXPECT_EQ(plan.zone_for(valid_case("${zone}")), "ch-dk-2");
    EXPECT_EQ(plan.zone_for(must), "at-vie-1");
    EXPECT_EQ(plan.zone_for(should), "de-fra-1");
    EXPECT_EQ(plan.rejection_zone(), "at-vie-1");
    // Two free zones: they share the watched one (the run then judges the watched rejections
    // before such a case, stateful_run.cpp).
    ZonePlan two(KeyState{kKey, "ch-gva-2", {"ch-dk-2"}}, {"ch-gva-2", "ch-dk-2", "de-fra-1", "at-vie-1"}, "x");
    EXPECT_EQ(two.zone_for(should), "at-vie-1");
}

// --- caches in front (issue 22) --------------------------------------------------------------

HttpResponse response_with(Headers headers) {
    HttpResponse r;
    r.status = 200;
    r.headers = std::move(headers);
    return r;
}

TEST(CacheEvidence, AVarnishHitIsNamedWithItsVia) {
    auto hit = served_from_cache(response_with(
        {{"Age", "4"}, {"Via", "1.1 varnish (Varnish/7.1)"}, {"X-Varnish", "113 32771"}, {"Content-Type", "application/json"}}));
    ASSERT_TRUE(hit);
    EXPECT_EQ(*hit, "Age: 4, X-Varnish: 113 32771, Via: 1.1 varnish (Varnish/7.1)");
    // The miss that filled it: Varnish adds Age: 0 and one transaction id; the origin answered.
    EXPECT_FALSE(served_from_cache(response_with({{"Age", "0"}, {"Via", "1.1 varnish (Varnish/7.1)"}, {"X-Varnish", "32770"}})));
}

TEST(CacheEvidence, CacheStatusHeadersDecideAndViaAloneDoesNot) {
    EXPECT_TRUE(served_from_cache(response_with({{"X-Cache", "HIT from cache.example"}})));
    EXPECT_TRUE(served_from_cache(response_with({{"CF-Cache-Status", "HIT"}})));
    EXPECT_TRUE(served_from_cache(response_with({{"X-Cache-Status", "STALE"}})));
    EXPECT_TRUE(served_from_cache(response_with({{"Cache-Status", "ExampleCache; hit; ttl=30"}})));
    EXPECT_FALSE(served_from_cache(response_with({{"Cache-Status", "ExampleCache; fwd=uri-miss"}})));
    EXPECT_FALSE(served_from_cache(response_with({{"CF-Cache-Status", "DYNAMIC"}})));
    EXPECT_FALSE(served_from_cache(response_with({{"X-Cache", "MISS"}, {"Age", "0"}})));
    // Via names a proxy (HAProxy, Apache with ProxyVia), not a cache.
    EXPECT_FALSE(served_from_cache(response_with({{"Via", "1.1 haproxy"}})));
    EXPECT_FALSE(served_from_cache(response_with({{"Content-Type", "application/json"}})));
    // RFC 9111 §5.1: an Age on its own means a cache made or kept the response.
    EXPECT_TRUE(served_from_cache(response_with({{"Age", "12"}})));
}

TEST(CacheEvidence, AStaleCachedKeyReadFailsNamingTheCacheAFreshOneTheOrigin) {
    const KeyState stale{kKey, "ch-gva-2", {}};
    const std::string cached = "Age: 4, X-Varnish: 113 32771, Via: 1.1 varnish (Varnish/7.1)";
    auto f = check_replica_listed(stale, "de-fra-1", cached);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].level, Level::must);
    EXPECT_NE(f[0].message.find("served from a cache (" + cached + ")"), std::string::npos) << f[0].message;
    EXPECT_NE(f[0].message.find("GET /v2/kms-key/{id}"), std::string::npos) << f[0].message;
    auto origin = check_replica_listed(stale, "de-fra-1");
    ASSERT_EQ(origin.size(), 1u);
    EXPECT_EQ(origin[0].message.find("cache"), std::string::npos) << origin[0].message;
    // A cached read that lists the zone is no evidence: noted as not judged.
    auto listed = check_replica_listed(KeyState{kKey, "ch-gva-2", {"de-fra-1"}}, "de-fra-1", cached);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].level, Level::informational);
    EXPECT_EQ(listed[0].message.rfind("not judged", 0), 0u) << listed[0].message;
    EXPECT_TRUE(check_replica_listed(KeyState{kKey, "ch-gva-2", {"de-fra-1"}}, "de-fra-1").empty());
}

}  // namespace
}  // namespace kms
