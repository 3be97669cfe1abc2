// The faults of the key read and the replicate side effects it shows (replica-not-listed,
// rejection-replicates, no-key-read), and unavailable-once: each deviates exactly as its comment
// in replicate_service.hpp says.
#include "server/replicate_service.hpp"
#include "tests/server/test_support.hpp"

#include <gtest/gtest.h>

namespace kms::server {
namespace {

using test::IsOperation;
using test::IsProblem;
using test::key_request;
using test::replicas_of;
using test::zone_request;

ReplicateService with(std::vector<Fault> faults, std::optional<Exo2Credentials> credentials = std::nullopt) {
    ServiceOptions o;
    o.faults = std::move(faults);
    o.credentials = std::move(credentials);
    o.unix_now = [] { return std::int64_t{1'900'000'000}; };
    return ReplicateService(std::move(o));
}

TEST(KeyFaultTest, ReplicaNotListedOmitsTheZoneButReplicateRemembersIt) {
    auto s = with({Fault::replica_not_listed});
    ASSERT_TRUE(IsOperation(s.handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending"));
    auto res = s.handle(key_request(kDefaultKeyId));
    EXPECT_EQ(res.status, 200);
    EXPECT_TRUE(replicas_of(res).empty()) << res.body;
    EXPECT_TRUE(test::parse_json(res.body)["replicas-status"].Empty());
    EXPECT_TRUE(IsProblem(s.handle(zone_request(kDefaultKeyId, "de-fra-1")), 400, "Conflict: "));
}

TEST(KeyFaultTest, RejectionReplicatesAddsTheZoneOfARejectedBody) {
    auto s = with({Fault::rejection_replicates});
    auto wrong_type = test::replicate_request(kDefaultKeyId, R"({"zone":"de-fra-1"})", "text/plain");
    EXPECT_TRUE(IsProblem(s.handle(wrong_type), 400));
    EXPECT_EQ(replicas_of(s.handle(key_request(kDefaultKeyId))), (std::vector<std::string>{"de-fra-1"}));
    // Bodies with no usable zone, and the origin, still add nothing.
    EXPECT_TRUE(IsProblem(s.handle(test::replicate_request(kDefaultKeyId, R"({"zone":1})")), 400));
    EXPECT_TRUE(IsProblem(s.handle(zone_request(kDefaultKeyId, "ch-gva-2")), 400));
    EXPECT_EQ(replicas_of(s.handle(key_request(kDefaultKeyId))), (std::vector<std::string>{"de-fra-1"}));
}

TEST(KeyFaultTest, RejectionReplicatesAddsTheZoneOfAnUnsignedRequest) {
    const Exo2Credentials creds{"EXOtestkey0000000000000000", "s3cr3t"};
    auto s = with({Fault::rejection_replicates}, creds);
    EXPECT_TRUE(IsProblem(s.handle(zone_request(kDefaultKeyId, "at-vie-2")), 403));
    auto read = key_request(kDefaultKeyId);
    read.headers.push_back({"Authorization", exo2_authorization(creds, "GET", read.target, "", 1'900'000'600)});
    EXPECT_EQ(replicas_of(s.handle(read)), (std::vector<std::string>{"at-vie-2"}));
}

TEST(KeyFaultTest, WithoutTheFaultRejectionsReplicateNothing) {
    const Exo2Credentials creds{"EXOtestkey0000000000000000", "s3cr3t"};
    auto s = with({}, creds);
    EXPECT_TRUE(IsProblem(s.handle(zone_request(kDefaultKeyId, "at-vie-2")), 403));
    auto read = key_request(kDefaultKeyId);
    read.headers.push_back({"Authorization", exo2_authorization(creds, "GET", read.target, "", 1'900'000'600)});
    EXPECT_TRUE(replicas_of(s.handle(read)).empty());
}

TEST(KeyFaultTest, NoKeyReadAnswers404ForEveryKeyAndMethod) {
    auto s = with({Fault::no_key_read});
    for (const auto& k : default_key_fixtures()) EXPECT_TRUE(IsProblem(s.handle(key_request(k.id)), 404)) << k.id;
    auto post = key_request(kDefaultKeyId);
    post.method = "POST";
    EXPECT_TRUE(IsProblem(s.handle(post), 404)) << "not 405: the route does not exist";
    EXPECT_TRUE(IsOperation(s.handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending"))
        << "replicate unchanged";
}

TEST(KeyFaultTest, UnavailableOnceAnswers503WithRetryAfterThenNormally) {
    auto s = with({Fault::unavailable_once});
    auto first = s.handle(zone_request(kDefaultKeyId, "de-fra-1"));
    EXPECT_TRUE(IsProblem(first, 503));
    EXPECT_EQ(first.header("Retry-After").value_or("(none)"), "1");
    EXPECT_TRUE(replicas_of(s.handle(key_request(kDefaultKeyId))).empty()) << "the 503 replicated nothing";
    EXPECT_TRUE(IsOperation(s.handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending"));
}

TEST(KeyFaultTest, RateLimitAndUnavailableOnceAreServedOneAfterTheOther) {
    auto s = with({Fault::rate_limit_once, Fault::unavailable_once});
    EXPECT_EQ(s.handle(zone_request(kDefaultKeyId, "de-fra-1")).status, 429);
    EXPECT_EQ(s.handle(zone_request(kDefaultKeyId, "de-fra-1")).status, 503);
    EXPECT_EQ(s.handle(zone_request(kDefaultKeyId, "de-fra-1")).status, 200);
}

}  // namespace
}  // namespace kms::server
