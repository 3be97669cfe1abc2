// GET /v2/kms-key/{id} (get-kms-key, docs/contract.md §6), sent and judged as a case of its own:
// its response goes through the checks every response does, under the read's own declared
// statuses and schemas, and the key state is taken from a 200.
#pragma once

#include "harness/checks/state_checks.hpp"
#include "harness/contract/contract.hpp"
#include "harness/run/case_runner.hpp"

#include <optional>
#include <string>

namespace kms {

// A GET case of suite `suite` (no body, no Content-Type), signed when credentials are set. It
// asks for a fresh answer (Cache-Control: no-cache, RFC 9111 §5.2.1.4): a state read older
// than the replicate it follows tells nothing.
Case read_case(std::string suite, std::string id, std::string requirement, std::string path);

struct KeyRead {
    CaseResult result;              // graded; the exchange, findings
    std::optional<KeyState> state;  // from a 200 that holds one
    // The target has no key read (404, 405; 401/403: the read is not open to these
    // credentials): informational, the run keeps to the rules that need no key state.
    bool unavailable = false;
    // The response shows a cache answered it (cache_evidence.hpp): what shows it. Its state is
    // then no evidence of the key's state now.
    std::optional<std::string> cached;
};

class ContractInForce;

// With `in_force` the read is judged under the revision in force once it has seen the
// response (which may decide it), and drift is reported; `get_kms_key` is then unused.
KeyRead read_key(const Contract& get_kms_key, const Case& c, HttpClient& client, const BaseUrl& base,
                 const Signer& signer, const Variables& vars, ContractInForce* in_force = nullptr);

}  // namespace kms
