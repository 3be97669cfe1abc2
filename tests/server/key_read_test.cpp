// GET /v2/kms-key/{id}: each fixture key read from the service's state, in both revisions; the
// zones replicated so far listed; unknown keys and other methods refused as each revision says.
#include "server/replicate_service.hpp"
#include "tests/server/test_support.hpp"
#include "common/bench_key_pool.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

namespace kms::server {
namespace {

using test::IsProblem;
using test::key_request;
using test::parse_json;
using test::replicas_of;
using test::zone_request;

ReplicateService service(Revision revision = Revision::r2026_03_31) {
    ServiceOptions o;
    o.revision = revision;
    o.unix_now = [] { return std::int64_t{1'900'000'000}; };  // 2030-03-17T17:46:40Z
    return ReplicateService(std::move(o));
}

TEST(KeyReadTest, EachFixtureKeyIsReadFromItsFixture) {
    auto s = service();
    for (const auto& k : default_key_fixtures()) {
        auto res = s.handle(key_request(k.id));
        ASSERT_EQ(res.status, 200) << res.body;
        EXPECT_EQ(res.header("Content-Type").value_or(""), "application/json");
        auto doc = parse_json(res.body);
        ASSERT_TRUE(doc.IsObject()) << res.body;
        EXPECT_EQ(std::string(doc["id"].GetString()), k.id);
        EXPECT_EQ(std::string(doc["origin-zone"].GetString()), k.origin_zone);
        EXPECT_EQ(std::string(doc["zone"].GetString()), k.origin_zone);
        EXPECT_EQ(doc["multi-zone"].GetBool(), k.multi_zone);
        EXPECT_EQ(std::string(doc["status"].GetString()), k.pending_deletion ? "pending-deletion" : "enabled") << k.id;
        EXPECT_EQ(std::string(doc["created-at"].GetString()), "2026-03-02T09:00:00Z");
        EXPECT_TRUE(doc["replicas"].IsArray() && doc["replicas"].Empty());
        EXPECT_TRUE(doc["replicas-status"].IsArray() && doc["replicas-status"].Empty());
        EXPECT_EQ(doc["revision"]["seq"].GetInt(), 0);
        EXPECT_FALSE(doc.HasMember("delete-at")) << "not a 2026-03-31 member";
    }
}

TEST(KeyReadTest, AcceptedZoneIsListedAtOnceWithItsStatus) {
    auto s = service();
    ASSERT_EQ(s.handle(zone_request(kDefaultKeyId, "de-fra-1")).status, 200);
    ASSERT_EQ(s.handle(zone_request(kDefaultKeyId, "at-vie-1")).status, 200);
    auto res = s.handle(key_request(kDefaultKeyId));
    EXPECT_EQ(replicas_of(res), (std::vector<std::string>{"at-vie-1", "de-fra-1"}));
    auto doc = parse_json(res.body);
    ASSERT_EQ(doc["replicas-status"].Size(), 2u) << res.body;
    EXPECT_EQ(std::string(doc["replicas-status"][0]["zone"].GetString()), "at-vie-1");
    EXPECT_EQ(doc["replicas-status"][0]["last-applied-watermark"].GetInt(), 2);
    EXPECT_EQ(doc["replicas-status"][1]["last-applied-watermark"].GetInt(), 1);
    EXPECT_EQ(doc["revision"]["seq"].GetInt(), 2);
    EXPECT_EQ(std::string(doc["revision"]["at"].GetString()), "2030-03-17T17:46:40Z");
    EXPECT_TRUE(replicas_of(s.handle(key_request(kSingleZoneKeyId))).empty()) << "other keys untouched";
}

TEST(KeyReadTest, RejectedReplicatesListNothing) {
    auto s = service();
    EXPECT_EQ(s.handle(zone_request(kDefaultKeyId, "ch-gva-2")).status, 400);  // the origin
    EXPECT_EQ(s.handle(test::replicate_request(kDefaultKeyId, R"({"zone":"de-fra-1"})", "text/plain")).status, 400);
    EXPECT_EQ(s.handle(zone_request(kDefaultKeyId, "mars-1")).status, 400);
    EXPECT_TRUE(replicas_of(s.handle(key_request(kDefaultKeyId))).empty());
}

TEST(KeyReadTest, ResetForgetsReplicas) {
    auto s = service();
    ASSERT_EQ(s.handle(zone_request(kDefaultKeyId, "de-fra-1")).status, 200);
    s.reset();
    auto res = s.handle(key_request(kDefaultKeyId));
    EXPECT_TRUE(replicas_of(res).empty()) << res.body;
    EXPECT_EQ(parse_json(res.body)["revision"]["seq"].GetInt(), 0);
}

// The bench key pool (ServiceOptions::bench_key_pool): off, its ids are unknown keys, as any
// other; on, each is a multi-zone key of the pool's origin, made when first named, replicated
// once per zone like a fixture, and forgotten by a reset.
TEST(KeyReadTest, BenchPoolKeysExistOnlyWhenThePoolIsOn) {
    const std::string id = bench_pool_key_id(41);
    auto off = service();
    EXPECT_TRUE(IsProblem(off.handle(zone_request(id, "de-fra-1")), 400, "Key Not Found: "));
    EXPECT_TRUE(IsProblem(off.handle(key_request(id)), 404, "Key Not Found: "));

    ServiceOptions o;
    o.bench_key_pool = true;
    ReplicateService on(std::move(o));
    auto read = on.handle(key_request(id));
    ASSERT_EQ(read.status, 200) << read.body;
    auto doc = parse_json(read.body);
    EXPECT_EQ(std::string(doc["origin-zone"].GetString()), kBenchPoolOriginZone);
    EXPECT_TRUE(doc["multi-zone"].GetBool());
    EXPECT_EQ(on.handle(zone_request(id, "de-fra-1")).status, 200);
    EXPECT_TRUE(IsProblem(on.handle(zone_request(id, "de-fra-1")), 400, "Conflict: ")) << "a pool key replicates once per zone";
    EXPECT_TRUE(IsProblem(on.handle(zone_request(id, kBenchPoolOriginZone)), 400, "Conflict: "));
    EXPECT_EQ(replicas_of(on.handle(key_request(id))), std::vector<std::string>{"de-fra-1"});
    EXPECT_EQ(on.handle(zone_request(to_upper(id), "at-vie-1")).status, 200) << "ids are read case-blind, as the fixtures'";
    on.reset();
    EXPECT_TRUE(replicas_of(on.handle(key_request(id))).empty());
    EXPECT_TRUE(IsProblem(on.handle(key_request("b3c0b3c0-0000-4000-8000-00000000000")), 400, "Invalid Argument: "));
}

// A long benchmark's pool state stays bounded: beyond the limit the oldest pool key is forgotten
// with its replicas (a replicate to it is a first one again), the newer ones are kept.
TEST(KeyReadTest, BenchPoolKeysBeyondTheLimitForgetTheOldest) {
    ServiceOptions o;
    o.bench_key_pool = true;
    o.bench_key_pool_limit = 3;
    ReplicateService s(std::move(o));
    for (std::uint64_t i = 0; i < 3; ++i) ASSERT_EQ(s.handle(zone_request(bench_pool_key_id(i), "de-fra-1")).status, 200);
    EXPECT_EQ(s.handle(zone_request(bench_pool_key_id(0), "de-fra-1")).status, 400) << "within the limit: remembered";
    ASSERT_EQ(s.handle(zone_request(bench_pool_key_id(3), "de-fra-1")).status, 200);  // the 4th key: key 0 goes
    EXPECT_TRUE(replicas_of(s.handle(key_request(bench_pool_key_id(1)))) == std::vector<std::string>{"de-fra-1"});
    EXPECT_EQ(s.handle(zone_request(bench_pool_key_id(2), "de-fra-1")).status, 400);
    EXPECT_EQ(s.handle(zone_request(bench_pool_key_id(0), "de-fra-1")).status, 200) << "forgotten, so a first replicate again";
    EXPECT_TRUE(replicas_of(s.handle(key_request(bench_pool_key_id(1)))).empty()) << "key 0's return pushed key 1 out";
}

TEST(KeyReadTest, UnknownKeyIs404UnderTheSeedAnd400UnderTheLatest) {
    const char* unknown = "00000000-0000-4000-8000-000000000000";
    EXPECT_TRUE(IsProblem(service().handle(key_request(unknown)), 404, "Key Not Found: "));
    EXPECT_TRUE(IsProblem(service(Revision::r2026_07_20).handle(key_request(unknown)), 400, "Key Not Found: "));
}

TEST(KeyReadTest, UpperCaseIdReadsTheSameKey) {
    auto s = service();
    std::string upper = kDefaultKeyId;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto res = s.handle(key_request(upper));
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(std::string(parse_json(res.body)["id"].GetString()), kDefaultKeyId);
}

TEST(KeyReadTest, NonUuidIdIs400InvalidArgument) {
    EXPECT_TRUE(IsProblem(service().handle(key_request("not-a-uuid")), 400, "Invalid Argument: "));
}

TEST(KeyReadTest, OtherMethodsAre405WithAllow) {
    auto s = service();
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
        auto req = key_request(kDefaultKeyId);
        req.method = method;
        auto res = s.handle(req);
        EXPECT_TRUE(IsProblem(res, 405)) << method;
        EXPECT_EQ(res.header("Allow").value_or("(none)"), "GET, HEAD");
    }
    auto head = key_request(kDefaultKeyId);
    head.method = "HEAD";
    EXPECT_EQ(s.handle(head).status, 200);
}

TEST(KeyReadTest, LatestRevisionDropsPolicyAndZoneAndDatesTheDeletion) {
    auto s = service(Revision::r2026_07_20);
    auto doc = parse_json(s.handle(key_request(kDefaultKeyId)).body);
    ASSERT_TRUE(doc.IsObject());
    EXPECT_FALSE(doc.HasMember("policy"));
    EXPECT_FALSE(doc.HasMember("zone"));
    EXPECT_FALSE(doc.HasMember("delete-at"));
    auto pending = parse_json(s.handle(key_request(kPendingDeletionKeyId)).body);
    EXPECT_EQ(std::string(pending["status"].GetString()), "pending-deletion");
    EXPECT_EQ(std::string(pending["status-since"].GetString()), "2026-03-03T09:00:00Z");
    EXPECT_EQ(std::string(pending["delete-at"].GetString()), "2026-03-10T09:00:00Z");
}

TEST(KeyReadTest, NeedsASignatureLikeReplicate) {
    const Exo2Credentials creds{"EXOtestkey0000000000000000", "s3cr3t"};
    ServiceOptions o;
    o.credentials = creds;
    o.unix_now = [] { return std::int64_t{1'900'000'000}; };
    ReplicateService s(std::move(o));
    auto req = key_request(kDefaultKeyId);
    EXPECT_TRUE(IsProblem(s.handle(req), 403, "EXO2-HMAC-SHA256 authentication failed: missing"));
    req.headers.push_back({"Authorization", exo2_authorization(creds, "GET", req.target, "", 1'900'000'600)});
    EXPECT_EQ(s.handle(req).status, 200);
}

}  // namespace
}  // namespace kms::server
