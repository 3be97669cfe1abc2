// The reference server's bench key pool: keys that exist only for `kmsconf bench`'s
// replicate_accepted, which needs a first replicate (200) for every request it times and so a
// (key, zone) pair never used before. A key replicates once to each zone but its origin, so a
// 5 s benchmark at 70,000/s would need 50,000 keys: the pool is a numbered range of ids that
// the server creates when it first meets one (ServiceOptions::bench_key_pool), instead of a
// list made up front whose size would have to guess the run's rate. Both sides name the ids,
// hence common/, as fixture_ids.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kms {

// Every pool key is multi-zone, enabled, not the account's default, and lives in this zone.
inline constexpr const char* kBenchPoolOriginZone = "ch-gva-2";
// The pool's ids: a version-4 uuid whose last 12 hex digits are the index.
inline constexpr std::uint64_t kBenchPoolSize = std::uint64_t{1} << 48;

// "b3c0b3c0-0000-4000-8000-" + 12 lower-case hex digits; index < kBenchPoolSize.
std::string bench_pool_key_id(std::uint64_t index);
// The index of a pool id (exactly as bench_pool_key_id writes it), else nullopt.
std::optional<std::uint64_t> bench_pool_index(std::string_view id);

}  // namespace kms
