// Where the load engine's requests come from. Most benchmarks send one request over and over
// (WireRequest: serialised once, re-signed once a second); replicate_accepted sends a request
// that is never the same twice (first_replicates.hpp). The engine asks each of its shards'
// feeds for the next request's bytes and stops that shard when a feed has none left.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace kms::bench {

// One shard's supply of request bytes; used by that shard's thread only.
class RequestFeed {
public:
    virtual ~RequestFeed() = default;
    // The bytes of the next request sent at `unix_now` (seconds, for a signature's expiry);
    // nullptr when the source has nothing left to send. Shared so that a write still in flight
    // keeps its bytes alive whatever the feed does next.
    virtual std::shared_ptr<const std::string> next(std::int64_t unix_now) = 0;
};

// Shared by every shard of a run, which each take their own feed before the load starts.
class RequestSource {
public:
    virtual ~RequestSource() = default;
    virtual std::unique_ptr<RequestFeed> feed() const = 0;
};

}  // namespace kms::bench
