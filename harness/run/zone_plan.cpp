#include "harness/run/zone_plan.hpp"

#include "harness/contract/json_text.hpp"

#include <algorithm>

namespace kms {

const std::vector<std::string>& exoscale_zones() {
    static const std::vector<std::string> zones = {"ch-gva-2", "ch-dk-2",  "de-fra-1", "de-muc-1",
                                                   "at-vie-1", "at-vie-2", "bg-sof-1", "hr-zag-1"};
    return zones;
}

ZonePlan::ZonePlan(std::optional<KeyState> state, std::vector<std::string> zones, std::string fallback)
    : state_(std::move(state)), zones_(std::move(zones)), fallback_(std::move(fallback)) {
    if (state_) replicated_.insert(state_->replicas.begin(), state_->replicas.end());
    const auto free = free_zones();
    if (!free.empty()) {
        accept_zone_ = free.front();
        reject_zone_ = free.back();
        lenient_zone_ = free.size() >= 3 ? free[free.size() - 2] : reject_zone_;
    }
}

std::vector<std::string> ZonePlan::free_zones() const {
    std::vector<std::string> out;
    if (!state_) return out;
    for (const auto& z : zones_)
        if (z != state_->origin_zone && !replicated(z)) out.push_back(z);
    return out;
}

std::string ZonePlan::zone_for(const Case& c) const {
    const bool rejected = c.expect.outcome == Outcome::rejected;
    const std::string& zone = !rejected ? accept_zone_ : c.level == Level::must ? reject_zone_ : lenient_zone_;
    return zone.empty() ? fallback_ : zone;
}

std::string ZonePlan::adjust_expectation(Case& c, const std::string& zone, bool repeat_may_succeed) const {
    if (!state_ || zone.empty() || c.expect.outcome != Outcome::accepted || !replicates_key_under_test(c)) return "";
    if (zone == state_->origin_zone) {
        // Replicating a key to the zone it lives in: the server may call it Conflict or
        // Invalid Argument (latest spec's 400 cases); any problem is conforming, a 200 is not.
        c.expect.outcome = Outcome::either;
        c.expect.statuses = {400};
        c.expect.check = CheckId::valid_accepted;
        return " Key state: " + zone + " is the key's origin zone, so any 400 problem is the conforming answer.";
    }
    if (replicated(zone) && !repeat_may_succeed) {
        c.expect.outcome = Outcome::conflict;
        c.expect.statuses.clear();
        c.expect.check = CheckId::conflict_reported;
        return " Key state: " + zone + " is already a replica of the key, so a 400 problem meaning Conflict is expected.";
    }
    return "";
}

std::string zone_named(const std::string& body) {
    std::string error;
    auto doc = parse_json(body, &error);
    if (!doc || !doc->IsObject()) return "";
    auto zone = doc->FindMember("zone");
    return zone != doc->MemberEnd() && zone->value.IsString() ? zone->value.GetString() : "";
}

bool replicates_key_under_test(const Case& c) {
    return c.request.method == "POST" && c.request.path == RequestTemplate{}.path;
}

}  // namespace kms
