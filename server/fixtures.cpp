// The keys and zones the reference server knows. The ids are fixed so that suites, docs and
// the harness's tests can name them; each non-default key exists to trigger one of the
// contract's 400 error cases (latest spec's 400 description, docs/contract.md §2).
#include "server/replicate_service.hpp"

#include "common/bench_key_pool.hpp"

namespace kms::server {

namespace {
// 2026-03-02T09:00:00Z: fixed, so that a key read is the same bytes every run until a replicate.
constexpr std::int64_t kFixturesCreatedAt = 1772442000;
}  // namespace

std::vector<KeyFixture> default_key_fixtures() {
    std::vector<KeyFixture> keys;
    // Multi-zone, origin ch-gva-2: every replicate to another known zone succeeds once.
    keys.push_back({kDefaultKeyId, "ch-gva-2", true, false, false, "kmsconf-multi-zone", kFixturesCreatedAt});
    // Single-zone key: "Not Multizone".
    keys.push_back({kSingleZoneKeyId, "ch-gva-2", false, false, false, "kmsconf-single-zone", kFixturesCreatedAt});
    // Scheduled for deletion: "Key is Pending Deletion".
    keys.push_back({kPendingDeletionKeyId, "de-fra-1", true, true, false, "kmsconf-pending-deletion", kFixturesCreatedAt});
    // The account's default key: "Not on Default".
    keys.push_back({kAccountDefaultKeyId, "ch-gva-2", true, false, true, "kmsconf-account-default", kFixturesCreatedAt});
    return keys;
}

KeyFixture bench_pool_key(const std::string& id) {
    return {id, kBenchPoolOriginZone, true, false, false, "kmsconf-bench-pool", kFixturesCreatedAt};
}

const std::vector<std::string>& known_zones() {
    static const std::vector<std::string> zones{"ch-gva-2", "ch-dk-2",  "de-fra-1", "de-muc-1",
                                                "at-vie-1", "at-vie-2", "bg-sof-1", "hr-zag-1"};
    return zones;
}

}  // namespace kms::server
