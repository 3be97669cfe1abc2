#include "harness/checks/state_checks.hpp"

#include "common/text.hpp"
#include "harness/checks/cache_evidence.hpp"
#include "harness/contract/json_text.hpp"

#include <algorithm>

namespace kms {

namespace {

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
    if (!obj.IsObject()) return nullptr;
    auto it = obj.FindMember(name);
    return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string string_member(const rapidjson::Value& obj, const char* name) {
    const rapidjson::Value* v = member(obj, name);
    return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

// At most `most` items named, then how many more: a message stays one readable line.
std::string joined(const std::vector<std::string>& items, std::size_t most = 12) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < most; ++i) out += (i ? ", " : "") + items[i];
    if (items.size() > most) out += " and " + std::to_string(items.size() - most) + " more";
    return out.empty() ? "none" : out;
}

}  // namespace

bool KeyState::lists(const std::string& zone) const {
    return std::find(replicas.begin(), replicas.end(), zone) != replicas.end();
}

std::optional<KeyState> key_state_from(const rapidjson::Value& body, std::string* why) {
    const rapidjson::Value* origin = member(body, "origin-zone");
    if (!origin || !origin->IsString()) {
        *why = "the key read has no origin-zone string";
        return std::nullopt;
    }
    KeyState state;
    state.id = string_member(body, "id");
    state.origin_zone = origin->GetString();
    if (const rapidjson::Value* replicas = member(body, "replicas")) {
        if (!replicas->IsArray()) {
            *why = "the key read's replicas is not an array";
            return std::nullopt;
        }
        for (const auto& z : replicas->GetArray()) {
            if (!z.IsString()) {
                *why = "the key read's replicas holds " + render_short(z) + ", not a zone name";
                return std::nullopt;
            }
            state.replicas.emplace_back(z.GetString(), z.GetStringLength());
        }
    }
    return state;
}

std::string operation_state_of(const rapidjson::Value& body) { return string_member(body, "state"); }

bool is_terminal_state(const std::string& state) {
    return state == "success" || state == "failure" || state == "timeout";
}

std::vector<Finding> check_polled_operation(const rapidjson::Value& body, const std::string& polled_id,
                                            const std::string& key_id, const std::string& base_path) {
    std::vector<Finding> out;
    auto must = [&](CheckId id, std::string message) { out.push_back({id, Level::must, std::move(message)}); };
    if (!body.IsObject()) {
        must(CheckId::operation_id, "the polled operation is not a JSON object: " + render_short(body));
        return out;
    }
    const std::string id = string_member(body, "id");
    if (!iequals(id, polled_id))
        must(CheckId::operation_id, "polled operation " + polled_id + " answers with id " +
                                        (member(body, "id") ? render_short(*member(body, "id")) : "(none)"));

    // The schema makes every member optional: a missing reference leaves a client's error
    // message without the key (SHOULD), a wrong one points it at another resource (MUST).
    auto should = [&](std::string message) {
        out.push_back({CheckId::operation_reference, Level::should, std::move(message)});
    };
    const rapidjson::Value* reference = member(body, "reference");
    if (!reference) {
        should("the operation has no reference; expected reference.id " + key_id + ", the replicated key");
    } else if (!reference->IsObject()) {
        must(CheckId::operation_reference, "reference is " + render_short(*reference) + ", not an object");
    } else {
        const rapidjson::Value* ref_id = member(*reference, "id");
        if (!ref_id)
            should("the operation's reference has no id; expected " + key_id + ", the replicated key");
        else if (!ref_id->IsString() || !iequals(ref_id->GetString(), key_id))
            must(CheckId::operation_reference, "reference.id is " + render_short(*ref_id) +
                                                   ", expected the replicated key " + key_id);
        if (const rapidjson::Value* link = member(*reference, "link")) {
            const std::string wanted = base_path + "/kms-key/" + key_id;
            if (!link->IsString() || !iequals(link->GetString(), wanted))
                must(CheckId::operation_reference, "reference.link is " + render_short(*link) + ", expected " + wanted);
        }
    }
    const std::string state = operation_state_of(body);
    if (state != "pending" && !is_terminal_state(state))
        must(CheckId::operation_state,
             "state is " + (member(body, "state") ? render_short(*member(body, "state")) : std::string("(none)")) +
                 ", not one of pending, success, failure, timeout");
    return out;
}

std::vector<Finding> check_end_state(const rapidjson::Value& body) {
    std::vector<Finding> out;
    const std::string state = operation_state_of(body);
    if (!is_terminal_state(state) || state == "success") return out;
    const std::string reason = string_member(body, "reason");
    const std::string message = string_member(body, "message");
    out.push_back({CheckId::operation_state, Level::should,
                   "the operation ended in " + state + (reason.empty() ? "" : " (reason " + reason + ")") +
                       (message.empty() ? "" : ": " + printable(message, 160)) +
                       "; a conforming end, but the replicate did not take effect"});
    if (state == "failure" && reason.empty())
        out.push_back({CheckId::operation_failure_reason, Level::should,
                       "the operation ended in failure without a reason (one of the schema's enum: incorrect, "
                       "unknown, unavailable, ...), which clients report as \"Operation error: failure, <reason>\""});
    return out;
}

std::string cached_key_read_note(const std::string& cached) {
    return cached_answer_note("the key read", cached, "replicas", "GET /v2/kms-key/{id}");
}

std::vector<Finding> check_replica_listed(const KeyState& after, const std::string& zone,
                                          const std::optional<std::string>& cached) {
    if (after.lists(zone)) {
        if (!cached) return {};
        return {{CheckId::replica_listed, Level::informational,
                 "not judged: " + cached_key_read_note(*cached) + " (it lists " + zone + ")"}};
    }
    if (cached)
        return {{CheckId::replica_listed, Level::must,
                 cached_key_read_note(*cached) + ", not the origin's: the operation ended in success, yet the cached "
                     "read lists replicas [" + joined(after.replicas) + "], without " + zone +
                     ", as every client reading the key through it after a replicate sees (have the origin send "
                     "Cache-Control: no-store on key reads, or let the cache pass them)"}};
    return {{CheckId::replica_listed, Level::must,
             "the operation ended in success, but the key read lists replicas [" + joined(after.replicas) +
                 "], without " + zone}};
}

std::vector<Finding> check_rejections_replicated_nothing(const KeyState& after, const std::string& zone,
                                                         const std::vector<std::string>& rejected) {
    if (!after.lists(zone)) return {};
    return {{CheckId::rejection_replicated_nothing, Level::must,
             "no replica in " + zone + " before, and only rejected requests named it (" + joined(rejected, 6) +
                 "), yet the key read now lists it among its replicas [" + joined(after.replicas) + "]"}};
}

}  // namespace kms
