// POST /v2/kms-key/{id}/replicate: the checks in the order docs/contract.md §2 lists them
// (path id, Content-Type, body, zone, key), then the state change and the 200 of the revision.
#include "server/json_responses.hpp"
#include "server/request_body.hpp"
#include "server/service_internals.hpp"
#include "common/text.hpp"

#include <algorithm>

namespace kms::server {

HttpResponse ReplicateService::Handler::replicate(std::string_view raw_id, const HttpRequest& req) {
    if (!is_uuid(raw_id))
        return fail(400, "Invalid Argument: the key id in the path is not a UUID (8-4-4-4-12 hex digits): '" +
                             printable(raw_id, 100) + "'");
    const std::string key_id = to_lower(raw_id);

    const std::string* content_type = find_header_value(req.headers, "Content-Type");
    if (!content_type) return fail(400, "Invalid Argument: Content-Type application/json is required");
    if (!media_type_is(*content_type, "application/json"))
        return fail(400, "Invalid Argument: Content-Type must be application/json, got '" +
                             printable(*content_type, 100) + "'");

    auto body = detail::check_replicate_body(req.body);
    if (body.error == detail::BodyError::unparsable && svc_.has_fault(Fault::server_error_on_garbage))
        return fail(500, "unexpected error while decoding the request body");
    if (body.error == detail::BodyError::zone_missing && svc_.has_fault(Fault::accept_malformed))
        return accept(key_id, std::nullopt);
    if (body.error != detail::BodyError::none)
        return fail(svc_.has_fault(Fault::unprocessable_entity) ? 422 : 400, body.detail);

    const auto& zones = known_zones();
    if (std::find(zones.begin(), zones.end(), body.zone) == zones.end())
        return fail(400, "Invalid Argument: the target zone is invalid: '" + printable(body.zone, 100) + "'");
    return accept(key_id, body.zone);
}

// Key checks, then the state change. No zone only under Fault::accept_malformed.
HttpResponse ReplicateService::Handler::accept(const std::string& key_id, const std::optional<std::string>& zone) {
    std::string op_id;  // made once the checks have passed: a refusal needs none
    bool already = false;
    {
        std::lock_guard lock(st_.mutex);
        const KeyFixture* key = st_.find_key(key_id);
        if (!key) return fail(400, "Key Not Found: key " + key_id + " does not exist");
        const KeyFixture& k = *key;
        if (k.pending_deletion)
            return fail(400, "Key is Pending Deletion: key " + key_id + " is scheduled for deletion");
        if (k.is_default) return fail(400, "Not on Default: replication is not allowed on the default key");
        if (!k.multi_zone) return fail(400, "Not Multizone: key " + key_id + " is not a multi-zone key");
        if (zone) {
            const bool replicated = st_.replicas.count(ReplicaKeyLess::View(key_id, *zone)) && !svc_.has_fault(Fault::forget_replicas);
            // The origin is never a replica: Conflict in both revisions.
            if (*zone == k.origin_zone || (replicated && !latest()))
                return fail(400, "Conflict: key " + key_id + " is already replicated to zone " + *zone);
            if (svc_.has_fault(Fault::reject_valid))
                return fail(400, "Invalid Argument: request rejected (fault reject-valid)");
            already = replicated;
            st_.add_replica(key_id, *zone);
        }
        if (!latest()) {
            op_id = random_uuid();
            st_.add_operation(op_id, key_id, zone.value_or(""));
        }
    }
    return accepted(key_id, zone, op_id, already);
}

// The 200 body of an accepted replicate, with the faults that deviate from it. `already`: a
// repeat to a zone already replicated (2026-07-20 only; 2026-03-31 answered Conflict).
HttpResponse ReplicateService::Handler::accepted(const std::string& key_id, const std::optional<std::string>& zone,
                                                  const std::string& op_id, bool already) {
    std::string body;
    if (latest()) {
        body = detail::success_json(svc_.has_fault(Fault::bad_enum) ? "done" : already ? "already-applied" : "target-registered");
    } else {
        detail::OperationView view{op_id, "pending", key_id, std::nullopt, std::nullopt};
        if (svc_.has_fault(Fault::wrong_reference)) view.key_id = detail::other_key(key_id);
        if (zone && svc_.has_fault(Fault::bad_enum)) view.state = "done";
        if (zone && svc_.has_fault(Fault::bad_uuid_format)) view.id = "op-123";
        body = detail::operation_json(view);
    }
    if (!zone) return json(200, std::move(body));
    if (svc_.has_fault(Fault::slow_response) && delay_) *delay_ = st_.options.slow_delay;
    int status = svc_.has_fault(Fault::undeclared_status) ? 201 : svc_.has_fault(Fault::status_out_of_range) ? 600 : 200;
    return json(status, std::move(body));
}

// Fault::rejection_replicates: the side effect of a request that was refused.
void ReplicateService::Handler::replicate_anyway(std::string_view raw_id, const HttpRequest& req) {
    if (!svc_.has_fault(Fault::rejection_replicates) || !is_uuid(raw_id)) return;
    auto body = detail::check_replicate_body(req.body);
    if (body.error != detail::BodyError::none) return;
    const auto& zones = known_zones();
    if (std::find(zones.begin(), zones.end(), body.zone) == zones.end()) return;
    std::lock_guard lock(st_.mutex);
    const KeyFixture* key = st_.find_key(to_lower(raw_id));
    if (!key || key->origin_zone == body.zone) return;
    st_.add_replica(key->id, body.zone);
}

}  // namespace kms::server
