// Names of the injectable faults (`kmsconf serve --fault NAME`): the enum's identifiers in
// kebab case, so that a name on the command line maps to exactly one deviation.
#include "server/replicate_service.hpp"

#include "server/name_table.hpp"

#include <utility>

namespace kms::server {

namespace {
// Sized by the compiler: a fault added to the list cannot be cut off by a stale count.
constexpr std::pair<Fault, const char*> kFaultNames[] = {
    {Fault::none, "none"},
    {Fault::slow_response, "slow-response"},
    {Fault::undeclared_status, "undeclared-status"},
    {Fault::wrong_content_type, "wrong-content-type"},
    {Fault::bad_enum, "bad-enum"},
    {Fault::bad_uuid_format, "bad-uuid-format"},
    {Fault::bad_uri_reference, "bad-uri-reference"},
    {Fault::problem_status_mismatch, "problem-status-mismatch"},
    {Fault::problem_missing_title, "problem-missing-title"},
    {Fault::server_error_on_garbage, "server-error-on-garbage"},
    {Fault::accept_malformed, "accept-malformed"},
    {Fault::reject_valid, "reject-valid"},
    {Fault::ignore_auth, "ignore-auth"},
    {Fault::no_allow_header, "no-allow-header"},
    {Fault::status_out_of_range, "status-out-of-range"},
    {Fault::forget_replicas, "forget-replicas"},
    {Fault::unprocessable_entity, "unprocessable-entity"},
    {Fault::rate_limit_once, "rate-limit-once"},
    {Fault::unsolicited_response, "unsolicited-response"},
    {Fault::operation_never_settles, "operation-never-settles"},
    {Fault::forget_operation, "forget-operation"},
    {Fault::operation_failure, "operation-failure"},
    {Fault::operation_failure_no_reason, "operation-failure-no-reason"},
    {Fault::wrong_operation_id, "wrong-operation-id"},
    {Fault::wrong_reference, "wrong-reference"},
    {Fault::replica_not_listed, "replica-not-listed"},
    {Fault::rejection_replicates, "rejection-replicates"},
    {Fault::no_key_read, "no-key-read"},
    {Fault::unavailable_once, "unavailable-once"},
};
}  // namespace

std::optional<Fault> parse_fault(std::string_view name) { return detail::value_named(kFaultNames, name); }

std::string to_string(Fault f) { return detail::name_of(kFaultNames, f); }

std::vector<std::string> fault_names() { return detail::names_in(kFaultNames); }

}  // namespace kms::server
