#include "harness/bench/first_replicates.hpp"

#include "common/bench_key_pool.hpp"

#include "harness/bench/bench_cases.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace kms::bench {

namespace {

constexpr std::string_view kIdParameter = "{id}";

}  // namespace

ReplicatePairs ReplicatePairs::bench_pool(const std::vector<std::string>& zones) {
    ReplicatePairs p;
    p.pool_ = true;
    for (const auto& z : zones)
        if (z != kBenchPoolOriginZone) p.pool_zones_.push_back(z);
    if (p.pool_zones_.empty()) throw std::invalid_argument("the bench key pool needs a zone besides its origin");
    return p;
}

ReplicatePairs ReplicatePairs::listed(std::vector<ReplicatePair> pairs) {
    ReplicatePairs p;
    p.listed_ = std::move(pairs);
    return p;
}

std::optional<ReplicatePair> ReplicatePairs::at(std::uint64_t i) const {
    if (pool_) {
        const std::uint64_t per_key = pool_zones_.size();
        if (i / per_key >= kBenchPoolSize) return std::nullopt;
        return ReplicatePair{bench_pool_key_id(i / per_key), pool_zones_[i % per_key]};
    }
    if (i >= listed_.size()) return std::nullopt;
    return listed_[i];
}

std::optional<std::uint64_t> ReplicatePairs::size() const {
    if (pool_) return std::nullopt;
    return listed_.size();
}

std::vector<ReplicatePair> first_replicate_pairs(const std::vector<KeyZones>& keys) {
    std::vector<ReplicatePair> out;
    std::size_t rounds = 0;
    for (const auto& k : keys) rounds = std::max(rounds, k.zones.size());
    for (std::size_t r = 0; r < rounds; ++r)
        for (const auto& k : keys)
            if (r < k.zones.size()) out.push_back({k.key, k.zones[r]});
    return out;
}

struct FirstReplicates::Shared {
    RequestSpec prototype;
    std::string::size_type id_at = 0;  // where "{id}" is in prototype.target
    std::shared_ptr<const ReplicatePairs> pairs;
    std::string host_header;
    std::optional<Exo2Credentials> credentials;
    bool connection_close = false;
    ExecutionSegment segment;
    // This process's next pair, counted over its shards: each fetch_add hands out a pair no
    // other shard gets. One atomic add per request, and only for this benchmark.
    std::atomic<std::uint64_t> next{0};
};

namespace {

class FirstReplicateFeed final : public RequestFeed {
public:
    explicit FirstReplicateFeed(std::shared_ptr<FirstReplicates::Shared> shared) : shared_(std::move(shared)) {}

    std::shared_ptr<const std::string> next(std::int64_t unix_now) override;

private:
    std::shared_ptr<FirstReplicates::Shared> shared_;
};

}  // namespace

FirstReplicates::FirstReplicates(RequestSpec prototype, std::shared_ptr<const ReplicatePairs> pairs, const BaseUrl& base,
                                 std::optional<Exo2Credentials> credentials, bool connection_close, ExecutionSegment segment)
    : shared_(std::make_shared<Shared>()) {
    shared_->id_at = prototype.target.find(kIdParameter);
    if (shared_->id_at == std::string::npos)
        throw std::invalid_argument("first replicates: the target " + prototype.target + " has no {id}");
    shared_->prototype = std::move(prototype);
    shared_->pairs = std::move(pairs);
    shared_->host_header = base.host_header();
    shared_->credentials = std::move(credentials);
    shared_->connection_close = connection_close;
    shared_->segment = segment;
}

std::unique_ptr<RequestFeed> FirstReplicates::feed() const { return std::make_unique<FirstReplicateFeed>(shared_); }

std::shared_ptr<const std::string> FirstReplicateFeed::next(std::int64_t unix_now) {
    FirstReplicates::Shared& s = *shared_;
    const std::uint64_t j = s.next.fetch_add(1, std::memory_order_relaxed);
    auto pair = s.pairs->at(s.segment.request_index(j));
    if (!pair) return nullptr;
    RequestSpec spec = s.prototype;
    spec.target.replace(s.id_at, kIdParameter.size(), pair->key);
    spec.body = replicate_body(pair->zone);
    return std::make_shared<const std::string>(
        wire_bytes(spec, s.host_header, s.credentials, s.connection_close, unix_now));
}

}  // namespace kms::bench
