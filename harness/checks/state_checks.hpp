// The checks on replicate's effects (docs/contract.md §3, §6, §8): what a polled operation says
// about itself, how it ends, and what the key read shows afterwards. Pure functions of parsed
// bodies, like checks.hpp's: each breach is a Finding, a conforming body yields none.
#pragma once

#include "harness/checks/checks.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

namespace kms {

// What GET /v2/kms-key/{id} says about the key, as far as replicate is concerned.
struct KeyState {
    std::string id;
    std::string origin_zone;
    std::vector<std::string> replicas;
    bool lists(const std::string& zone) const;
};

// The key state in a get-kms-key-response body; nullopt, with *why, when the body has no
// `origin-zone` string or a `replicas` member that is not an array of strings (a missing
// `replicas`, optional in 2026-07-20, is an empty list).
std::optional<KeyState> key_state_from(const rapidjson::Value& body, std::string* why);

// One poll's body (GET /v2/operation/{polled_id}, a 200): it names the polled id (operation_id),
// its reference is the replicated key `key_id` and, when it has a link, base_path + /kms-key/<id>
// (operation_reference), and its state is one of the enum's (operation_state).
std::vector<Finding> check_polled_operation(const rapidjson::Value& body, const std::string& polled_id,
                                            const std::string& key_id, const std::string& base_path);

// An operation's state member, "" when absent or not a string.
std::string operation_state_of(const rapidjson::Value& body);
bool is_terminal_state(const std::string& state);  // success, failure, timeout

// The end of a followed operation that reached a terminal state: anything but success is a
// SHOULD finding (the replicate did not take effect), and a failure without a reason another
// (operation_failure_reason).
std::vector<Finding> check_end_state(const rapidjson::Value& body);

// After an operation to `zone` ended in success, the key read lists `zone` among its replicas.
// `cached`: what shows a cache answered the read (cache_evidence.hpp). A cached read that lacks
// the zone is still a MUST finding, since every client reading the key through that front end
// gets the stale answer, but it names the cache, not the origin; one that lists it is no
// evidence either way, an informational "not judged".
std::vector<Finding> check_replica_listed(const KeyState& after, const std::string& zone,
                                          const std::optional<std::string>& cached = std::nullopt);

// The words a finding resting on a cached key read opens with.
std::string cached_key_read_note(const std::string& cached);

// After `rejected` cases aimed at `zone`, a zone no replica before them, the key read still
// does not list it.
std::vector<Finding> check_rejections_replicated_nothing(const KeyState& after, const std::string& zone,
                                                         const std::vector<std::string>& rejected);

}  // namespace kms
