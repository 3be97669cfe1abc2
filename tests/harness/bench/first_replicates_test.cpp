// replicate_accepted's requests: the pool's ids, the order of the pairs, one pair per request
// across the shards' feeds and the segments of a run, and each request's own signature.
#include "harness/bench/first_replicates.hpp"

#include "common/bench_key_pool.hpp"
#include "common/fixture_ids.hpp"

#include <gtest/gtest.h>

#include <set>

namespace kms::bench {
namespace {

BaseUrl base() {
    std::string error;
    return *parse_base_url("http://127.0.0.1:8080/v2", &error);
}

const std::vector<std::string> kZones = {"ch-gva-2", "ch-dk-2", "de-fra-1"};

RequestSpec prototype() { return {"POST", "/v2/kms-key/{id}/replicate", "application/json", ""}; }

std::string header(const std::string& wire, const std::string& name) {
    auto p = wire.find("\r\n" + name + ": ");
    if (p == std::string::npos) return "";
    p += name.size() + 4;
    return wire.substr(p, wire.find("\r\n", p) - p);
}

std::string target_of(const std::string& wire) {
    const auto sp = wire.find(' ');
    return wire.substr(sp + 1, wire.find(' ', sp + 1) - sp - 1);
}

std::string body_of(const std::string& wire) { return wire.substr(wire.find("\r\n\r\n") + 4); }

ReplicatePairs listed(std::size_t n) {
    std::vector<ReplicatePair> pairs;
    for (std::size_t i = 0; i < n; ++i) pairs.push_back({bench_pool_key_id(i), "de-fra-1"});
    return ReplicatePairs::listed(pairs);
}

TEST(BenchKeyPool, IdsRoundTripAndNothingElseIsOne) {
    EXPECT_EQ(bench_pool_key_id(0), "b3c0b3c0-0000-4000-8000-000000000000");
    EXPECT_EQ(bench_pool_key_id(0xabc123), "b3c0b3c0-0000-4000-8000-000000abc123");
    EXPECT_EQ(bench_pool_index(bench_pool_key_id(0xabc123)), 0xabc123u);
    EXPECT_EQ(bench_pool_index(bench_pool_key_id(kBenchPoolSize - 1)), kBenchPoolSize - 1);
    EXPECT_FALSE(bench_pool_index("B3C0B3C0-0000-4000-8000-000000000000")) << "one spelling per key";
    EXPECT_FALSE(bench_pool_index("b3c0b3c0-0000-4000-8000-00000000000g"));
    EXPECT_FALSE(bench_pool_index("b3c0b3c0-0000-4000-8000-0000000000000"));
    EXPECT_FALSE(bench_pool_index(kDefaultKeyId));
}

TEST(ReplicatePairs, ThePoolGivesEachKeyEveryZoneButItsOrigin) {
    const auto pool = ReplicatePairs::bench_pool(kZones);
    EXPECT_FALSE(pool.size());
    ASSERT_TRUE(pool.at(0));
    EXPECT_EQ(pool.at(0)->key, bench_pool_key_id(0));
    EXPECT_EQ(pool.at(0)->zone, "ch-dk-2");
    EXPECT_EQ(pool.at(1)->key, bench_pool_key_id(0));
    EXPECT_EQ(pool.at(1)->zone, "de-fra-1");
    EXPECT_EQ(pool.at(2)->key, bench_pool_key_id(1));
    EXPECT_EQ(pool.at(2)->zone, "ch-dk-2");
    EXPECT_EQ(pool.at(2 * 1001 + 1)->key, bench_pool_key_id(1001));
    EXPECT_FALSE(pool.at(2 * kBenchPoolSize)) << "past the last pool key";
    EXPECT_THROW(ReplicatePairs::bench_pool({kBenchPoolOriginZone}), std::invalid_argument);
}

TEST(ReplicatePairs, ListedKeysTakeTurnsZoneByZone) {
    const auto pairs = first_replicate_pairs({{"a", {"z1", "z2", "z3"}}, {"b", {"y1"}}, {"c", {}}, {"d", {"x1", "x2"}}});
    std::vector<std::string> order;
    for (const auto& p : pairs) order.push_back(p.key + ":" + p.zone);
    EXPECT_EQ(order, (std::vector<std::string>{"a:z1", "b:y1", "d:x1", "a:z2", "d:x2", "a:z3"}));
    const auto l = ReplicatePairs::listed(pairs);
    EXPECT_EQ(l.size(), 6u);
    EXPECT_EQ(l.at(5)->zone, "z3");
    EXPECT_FALSE(l.at(6));
}

TEST(FirstReplicates, EachRequestIsItsPairsReplicate) {
    FirstReplicates source(prototype(), std::make_shared<const ReplicatePairs>(ReplicatePairs::bench_pool(kZones)), base(),
                           std::nullopt, false, {});
    auto feed = source.feed();
    const std::string first = *feed->next(0);
    EXPECT_EQ(first, "POST /v2/kms-key/" + bench_pool_key_id(0) + "/replicate HTTP/1.1\r\n"
                     "Host: 127.0.0.1:8080\r\nUser-Agent: kmsconf-bench/0.1\r\nAccept: application/json\r\n"
                     "Content-Type: application/json\r\nContent-Length: 18\r\n\r\n{\"zone\":\"ch-dk-2\"}");
    const std::string second = *feed->next(0);
    EXPECT_EQ(target_of(second), "/v2/kms-key/" + bench_pool_key_id(0) + "/replicate");
    EXPECT_EQ(body_of(second), R"({"zone":"de-fra-1"})");
    EXPECT_EQ(header(second, "Content-Length"), "19");
}

// Every shard takes its own feed; together they hand out each pair once, then none.
TEST(FirstReplicates, TheShardsFeedsShareOnePairSequence) {
    FirstReplicates source(prototype(), std::make_shared<const ReplicatePairs>(listed(100)), base(), std::nullopt, false, {});
    std::vector<std::unique_ptr<RequestFeed>> feeds;
    for (int i = 0; i < 3; ++i) feeds.push_back(source.feed());
    std::set<std::string> targets;
    for (int i = 0; i < 100; ++i) targets.insert(target_of(*feeds[i % 3]->next(0)));
    EXPECT_EQ(targets.size(), 100u) << "no pair twice";
    for (auto& f : feeds) EXPECT_EQ(f->next(0), nullptr) << "used up for every shard";
}

// Segment K of N takes the run's pairs K-1, K-1+N, ...: the segments' requests are the run's,
// each once.
TEST(FirstReplicates, SegmentsTakeTheirStripeOfTheRunsPairs) {
    auto pairs = std::make_shared<const ReplicatePairs>(listed(10));
    std::multiset<std::string> all;
    std::vector<std::size_t> counts;
    for (std::uint32_t k = 1; k <= 3; ++k) {
        FirstReplicates source(prototype(), pairs, base(), std::nullopt, false, *ExecutionSegment::of(k, 3));
        auto feed = source.feed();
        std::size_t n = 0;
        while (auto bytes = feed->next(0)) {
            all.insert(target_of(*bytes));
            ++n;
        }
        counts.push_back(n);
    }
    EXPECT_EQ(counts, (std::vector<std::size_t>{4, 3, 3}));
    EXPECT_EQ(all.size(), 10u);
    EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 10u) << "no pair in two segments";
    FirstReplicates second(prototype(), pairs, base(), std::nullopt, false, *ExecutionSegment::of(2, 3));
    EXPECT_EQ(target_of(*second.feed()->next(0)), "/v2/kms-key/" + bench_pool_key_id(1) + "/replicate");
}

TEST(FirstReplicates, EveryRequestIsSignedForItsOwnPathAndBody) {
    const Exo2Credentials creds{"EXOtestkey", "test-secret"};
    FirstReplicates source(prototype(), std::make_shared<const ReplicatePairs>(ReplicatePairs::bench_pool(kZones)), base(),
                           creds, true, {});
    auto feed = source.feed();
    const std::int64_t t = 1700000000;
    for (int i = 0; i < 3; ++i) {
        const std::string bytes = *feed->next(t);
        const std::string auth = header(bytes, "Authorization");
        EXPECT_EQ(verify_exo2(creds, auth, "POST", target_of(bytes), body_of(bytes), t), Exo2Verdict::ok) << bytes;
        EXPECT_NE(verify_exo2(creds, auth, "POST", "/v2/kms-key/" + bench_pool_key_id(99) + "/replicate", body_of(bytes), t),
                  Exo2Verdict::ok);
        EXPECT_EQ(header(bytes, "Connection"), "close");
    }
}

TEST(FirstReplicates, ATargetWithoutAnIdIsRefused) {
    RequestSpec p = prototype();
    p.target = "/v2/kms-key/x/replicate";
    EXPECT_THROW(FirstReplicates(p, std::make_shared<const ReplicatePairs>(listed(1)), base(), std::nullopt, false, {}),
                 std::invalid_argument);
}

}  // namespace
}  // namespace kms::bench
