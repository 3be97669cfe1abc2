// The two reads: GET /v2/operation/{id} (the poll: pending until operation_settle, then
// success, with the operation faults) and GET /v2/kms-key/{id} (the key as the state has it).
#include "server/json_responses.hpp"
#include "server/service_internals.hpp"
#include "common/text.hpp"

namespace kms::server {

HttpResponse ReplicateService::Handler::get_operation(std::string_view raw_id) {
    if (!is_uuid(raw_id))
        return fail(400, "Invalid Argument: the operation id in the path is not a UUID (8-4-4-4-12 hex digits): '" +
                             printable(raw_id, 100) + "'");
    const std::string op_id = to_lower(raw_id);
    detail::OperationView view{op_id, "pending", "", std::nullopt, std::nullopt};
    std::string zone;
    {
        std::lock_guard lock(st_.mutex);
        auto op = st_.operations.find(op_id);
        if (op == st_.operations.end() || svc_.has_fault(Fault::forget_operation))
            return fail(404, "operation " + op_id + " does not exist");
        view.key_id = op->second.key_id;
        zone = op->second.zone;
        if (st_.options.steady_now() - op->second.created >= st_.options.operation_settle &&
            !svc_.has_fault(Fault::operation_never_settles))
            view.state = "success";
    }
    if (view.state == "success" &&
        (svc_.has_fault(Fault::operation_failure) || svc_.has_fault(Fault::operation_failure_no_reason))) {
        view.state = "failure";
        view.message = "replication of key " + view.key_id + " to zone " + zone + " failed";
        if (!svc_.has_fault(Fault::operation_failure_no_reason)) view.reason = "unavailable";
    }
    if (svc_.has_fault(Fault::wrong_reference)) view.key_id = detail::other_key(view.key_id);
    if (svc_.has_fault(Fault::wrong_operation_id)) view.id = random_uuid();
    if (svc_.has_fault(Fault::bad_enum)) view.state = "done";
    if (svc_.has_fault(Fault::bad_uuid_format)) view.id = "op-123";
    return json(200, detail::operation_json(view));
}

HttpResponse ReplicateService::Handler::get_key(std::string_view raw_id) {
    if (!is_uuid(raw_id))
        return fail(400, "Invalid Argument: the key id in the path is not a UUID (8-4-4-4-12 hex digits): '" +
                             printable(raw_id, 100) + "'");
    const std::string key_id = to_lower(raw_id);
    detail::KeyView view;
    {
        std::lock_guard lock(st_.mutex);
        const KeyFixture* key = st_.find_key(key_id);
        // 2026-07-20 declares no 404 for the key read: its 400 lists "Key Not Found".
        if (!key) return fail(latest() ? 400 : 404, "Key Not Found: key " + key_id + " does not exist");
        const KeyFixture& k = *key;
        view.id = k.id;
        view.name = k.name;
        view.origin_zone = k.origin_zone;
        view.multi_zone = k.multi_zone;
        view.pending_deletion = k.pending_deletion;
        view.created_at = k.created_at;
        view.status_since = k.pending_deletion ? k.created_at + detail::kScheduledAfterSeconds : k.created_at;
        const State::Changes c = st_.changes.count(key_id) ? st_.changes.at(key_id) : State::Changes{};
        view.revision_seq = c.seq;
        view.revision_at = c.seq ? c.at : k.created_at;
        if (!svc_.has_fault(Fault::replica_not_listed))
            for (auto it = st_.replicas.lower_bound(ReplicaKeyLess::View(key_id, "")); it != st_.replicas.end() && it->first.first == key_id; ++it)
                view.replicas.emplace_back(it->first.second, it->second);
    }
    view.latest = latest();
    return json(200, detail::key_json(view));
}

}  // namespace kms::server
