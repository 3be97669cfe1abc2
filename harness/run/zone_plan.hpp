// Where the cases aim once the key's state is known (issue 9, docs/contract.md §2, §5): the
// origin zone (any 400 problem is a conforming answer to a replicate there), the zones already
// replicated (Conflict expected), and zones not yet replicated, so that the 200 path is
// exercised while one is left. Pure: the run feeds it what it reads and sees.
#pragma once

#include "harness/cases/request_builder.hpp"
#include "harness/cases/suite.hpp"
#include "harness/checks/state_checks.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kms {

// The 8 Exoscale zones (docs/contract.md §5), in the spec's server-variable order.
const std::vector<std::string>& exoscale_zones();

class ZonePlan {
public:
    // `zones`: the zones the target has (--zones, else exoscale_zones()); `fallback`: --zone,
    // used as ${zone} when the state is unknown or no zone is left free.
    ZonePlan(std::optional<KeyState> state, std::vector<std::string> zones, std::string fallback);

    bool state_known() const { return state_.has_value(); }
    const std::optional<KeyState>& state() const { return state_; }
    bool replicated(const std::string& zone) const { return replicated_.count(zone) > 0; }
    // Zones of the list neither the origin nor replicated, in list order.
    std::vector<std::string> free_zones() const;

    // ${zone} for a case, chosen once from the state read before the cases: MUST rejections aim
    // at the last zone free then, the others at the first, so that the cases replicating theirs
    // leave the rejections' zone untouched while two are free, and the valid suite's own zones
    // keep their 200s. Rejections below MUST aim at the zone before the last while three are
    // free: a conforming server may accept them (Python's json reads NaN, RFC 8259 §9), and a
    // replica they make must not be blamed on the MUST rejections watched on the last zone.
    // The fallback when the state is unknown or nothing was free.
    std::string zone_for(const Case& c) const;
    // The zone rejected cases aim at, when there is one to watch ("" otherwise).
    std::string rejection_zone() const { return reject_zone_; }
    // The zone rejections below MUST aim at: rejection_zone() while fewer than three were free.
    std::string lenient_rejection_zone() const { return lenient_zone_; }

    // Adjusts the expectation of a valid replicate of the key under test (outcome accepted, path
    // /kms-key/${key}/replicate) that names `zone`: at the origin any 400 problem is conforming,
    // at a replicated zone Conflict is expected, unless `repeat_may_succeed` (2026-07-20: a
    // repeat may be 200 already-applied). Returns a note for the requirement, "" when nothing
    // changed (state unknown, another kind of case, a zone not yet replicated).
    std::string adjust_expectation(Case& c, const std::string& zone, bool repeat_may_succeed = false) const;

    // A replicate of the key to `zone` answered 200: from now on it is a replica.
    void replicated_now(const std::string& zone) { replicated_.insert(zone); }

private:
    std::optional<KeyState> state_;
    std::vector<std::string> zones_;
    std::string fallback_;
    std::set<std::string> replicated_;
    std::string accept_zone_, reject_zone_;  // "" when none was free
    std::string lenient_zone_;               // reject_zone_ when fewer than three were free
};

// The top-level "zone" string of a request body that is a JSON object, "" otherwise.
std::string zone_named(const std::string& body);

// True for a case that replicates the key under test itself (its path is the default
// /kms-key/${key}/replicate), not another key, nor the key spelled another way.
bool replicates_key_under_test(const Case& c);

}  // namespace kms
