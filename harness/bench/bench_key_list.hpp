// `kmsconf bench --key-ids FILE`: the user's keys for replicate_accepted against a real target,
// where only keys the account owns can be replicated. The file is read strictly (a key listed
// twice would replicate a pair twice), and each key's state is read from the target before the
// load (GET /kms-key/{id}, signed as the load is), so that the pairs leave out the key's origin
// zone and the zones it is already replicated to: those would be Conflicts, not the 200 path.
#pragma once

#include "common/exo2_signature.hpp"
#include "harness/bench/first_replicates.hpp"
#include "harness/contract/contract.hpp"
#include "harness/transport/base_url.hpp"
#include "harness/transport/http_client.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kms::bench {

// The file is unusable (unreadable, a line that is not a uuid, a key twice, no key): a usage
// error, with the file and line.
struct KeyListError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// A key read failed on the wire (no answer): the target, not the list, is at fault.
struct KeyReadUnanswered : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// One uuid per line; blank lines and lines starting with '#' are skipped, spaces around an id
// are allowed. Ids are kept as written.
std::vector<std::string> read_key_ids(const std::filesystem::path& file);

// Each key's zones among `zones` but its origin, and, with `leave_out_replicas`, but the zones it
// is already replicated to. A run split into segments passes false: every segment must list the
// same pairs (each takes its stripe of them), and a segment that reads a key after another has
// begun replicating it would see replicas the first did not. A key the target does not answer
// 200 for, or whose read has no key state, is a KeyListError naming it and the answer; a key
// that is not multi-zone is left out with a line on `warnings`.
// `key_read` is the contract's get-kms-key (its path, relative to the base URL's).
std::vector<KeyZones> read_key_zones(const std::vector<std::string>& ids, const Contract& key_read, HttpClient& client,
                                     const BaseUrl& base,
                                     const std::optional<Exo2Credentials>& credentials,
                                     const std::vector<std::string>& zones, bool leave_out_replicas,
                                     std::vector<std::string>* warnings);

}  // namespace kms::bench
