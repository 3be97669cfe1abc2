// replicate_accepted's requests: each replicates a key to a zone it was never replicated to, so
// that every request the benchmark times can be a first replicate (200 `operation`) instead of
// the Conflict (400) every repeat is. A (key, zone) pair is used once in the whole run: the
// shards of a process take the next pair from one shared counter, and the N segments of a run
// split over processes (--segment K/N) take the pairs K-1, K-1+N, ... of the run's list.
// Each request is serialised, and signed, when it is sent.
#pragma once

#include "harness/bench/engine/execution_segment.hpp"
#include "harness/bench/request_source.hpp"
#include "harness/bench/wire_request.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kms::bench {

struct ReplicatePair {
    std::string key;   // a uuid, as the path holds it
    std::string zone;
};

// The pairs to replicate, in the order they are sent.
class ReplicatePairs {
public:
    // The reference server's bench key pool (common/bench_key_pool.hpp), without end: pool key
    // i / Z to the (i mod Z)-th of the Z zones that are not the pool's origin.
    static ReplicatePairs bench_pool(const std::vector<std::string>& zones);
    // These pairs, as listed: the caller orders them (first_replicate_pairs spreads them over
    // the keys).
    static ReplicatePairs listed(std::vector<ReplicatePair> pairs);

    // The i-th pair, or nullopt past the end.
    std::optional<ReplicatePair> at(std::uint64_t i) const;
    // nullopt: without end.
    std::optional<std::uint64_t> size() const;

private:
    std::vector<std::string> pool_zones_;  // bench_pool: the zones a pool key replicates to
    std::vector<ReplicatePair> listed_;
    bool pool_ = false;
};

// Keys with the zones each may still replicate to (its origin and its replicas left out),
// ordered key by key within each round of zones, so that consecutive requests replicate
// different keys and no key is hit in a burst. Keys with no zone left add nothing.
struct KeyZones {
    std::string key;
    std::vector<std::string> zones;
};
std::vector<ReplicatePair> first_replicate_pairs(const std::vector<KeyZones>& keys);

// A RequestSource of first replicates: `prototype`'s method, Content-Type and headers, its
// target with "{id}" replaced by the pair's key and the body {"zone":"<zone>"}.
class FirstReplicates : public RequestSource {
public:
    FirstReplicates(RequestSpec prototype, std::shared_ptr<const ReplicatePairs> pairs, const BaseUrl& base,
                    std::optional<Exo2Credentials> credentials, bool connection_close, ExecutionSegment segment);
    std::unique_ptr<RequestFeed> feed() const override;

    struct Shared;  // what the feeds share (first_replicates.cpp)

private:
    std::shared_ptr<Shared> shared_;
};

}  // namespace kms::bench
