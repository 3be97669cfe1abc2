// The reference implementation of POST /v2/kms-key/{id}/replicate, GET /v2/operation/{id} and
// GET /v2/kms-key/{id}, in either contract revision (the seed's 2026-03-31 by default), as pure
// request -> response logic. No sockets here: server/http_server.cpp feeds it parsed requests, and the unit
// tests call it directly. Thread-safe.
#pragma once

#include "common/exo2_signature.hpp"
#include "common/fixture_ids.hpp"
#include "common/http_types.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kms::server {

// Deliberate deviations from the contract, one per harness check at least, so that the
// harness's own tests can show every check failing where it should (`serve --fault NAME`).
enum class Fault {
    none,
    slow_response,            // valid replicate (one that gets 200) answered after ServiceOptions::slow_delay
    undeclared_status,        // valid replicate answered 201 instead of 200
    wrong_content_type,       // every response that has a body sent as text/plain
    bad_enum,                 // operation state "done" (replicate and GET operation); 2026-07-20:
                              // replicate's success-response status "done"
    bad_uuid_format,          // operation id "op-123" (replicate and GET operation; nothing under 2026-07-20)
    bad_uri_reference,        // problem type "not a uri ref" (every problem)
    problem_status_mismatch,  // 400 problems whose body says status 422
    problem_missing_title,    // 400 problems without `title`
    server_error_on_garbage,  // unparsable JSON body answered 500 (not bad HTTP, not a wrong shape)
    accept_malformed,         // a body without `zone` accepted with 200 (key checks still apply)
    reject_valid,             // every valid replicate answered 400 Invalid Argument
    ignore_auth,              // signatures not checked even when credentials are set
    no_allow_header,          // 405 without Allow
    status_out_of_range,      // valid replicate answered with status 600
    forget_replicas,          // stateless: replicating again is 200, never Conflict
    unprocessable_entity,     // body errors answered 422 instead of the declared 400
    rate_limit_once,          // the first replicate answered 429 with Retry-After: 1 (not a
                              // contract break: the harness must wait and resend, not fail)
    unsolicited_response,     // every 400 on a kept-alive connection followed by a second,
                              // unsolicited 400 (bytes with no request outstanding, RFC 9112 §9.2)
    // Operations (2026-03-31 only: the 2026-07-20 replicate creates none). Each changes
    // GET /v2/operation/{id} alone unless it says otherwise.
    operation_never_settles,      // every operation stays `pending` forever
    forget_operation,             // GET of an operation the server created: 404 problem
    operation_failure,            // settles to `failure`, reason "unavailable", with a message
    operation_failure_no_reason,  // settles to `failure` with a message but no `reason` (a SHOULD)
    wrong_operation_id,           // the polled operation answers with a fresh random id, not the one polled
    wrong_reference,              // reference.id is another fixture key and reference.link that key's
                                  // path, in the replicate 200 and in every poll
    // The key read, GET /v2/kms-key/{id}.
    replica_not_listed,   // `replicas` and `replicas-status` are always empty (replicate still
                          // remembers the zones: a repeat is still Conflict / already-applied)
    rejection_replicates,  // a rejected replicate (403 unsigned/bad signature, or a 400) whose body
                           // is a valid {"zone": known zone} still adds that zone to the path key's
                           // replicas (when the key exists and the zone is not its origin)
    no_key_read,          // every request to /v2/kms-key/{id}: 404 problem, as on a target without the read
    unavailable_once,     // the first replicate answered 503 with Retry-After: 1 (not a contract
                          // break: the harness must wait and resend, like a 429)
};

// Kebab-case names as used on the command line, e.g. "bad-enum"; nullopt when unknown.
std::optional<Fault> parse_fault(std::string_view name);
std::string to_string(Fault f);
std::vector<std::string> fault_names();

// The contract revision the service speaks (schemas/<revision>/). The difference is replicate's
// 200: 2026-03-31 answers `operation` (pending, then polled), 2026-07-20 answers
// success-response {"status":"target-registered"}, creates no operation, and answers a repeat to
// an already replicated zone 200 {"status":"already-applied"} instead of a 400 Conflict. The key
// read differs too (read_routes.cpp): an unknown key is 400, not 404, and the body follows that
// revision's get-kms-key-response (no `policy` or `zone`; `delete-at` when pending deletion). Problems are the same in both: type, title,
// status, detail, never `instance` or `errors`.
enum class Revision { r2026_03_31, r2026_07_20 };
// "2026-03-31", "2026-07-20"; nullopt when unknown.
std::optional<Revision> parse_revision(std::string_view name);
std::string to_string(Revision r);
std::vector<std::string> revision_names();

// Keys the reference server knows at start (and again after reset). Documented in server/README.md.
struct KeyFixture {
    std::string id;
    std::string origin_zone;
    bool multi_zone = true;
    bool pending_deletion = false;
    bool is_default = false;  // the account's default key: replication not allowed
    std::string name;            // the key read's `name`
    std::int64_t created_at = 0;  // UNIX seconds; `created-at`, and `status-since` of an unchanged key
};

// Their ids (kDefaultKeyId, ...) are in common/fixture_ids.hpp: the harness names them too.
std::vector<KeyFixture> default_key_fixtures();
// The key of a bench pool id (common/bench_key_pool.hpp): multi-zone, of the pool's origin.
KeyFixture bench_pool_key(const std::string& id);
// The 8 Exoscale zones.
const std::vector<std::string>& known_zones();

struct ServiceOptions {
    Revision revision = Revision::r2026_03_31;
    std::optional<Exo2Credentials> credentials;  // when set, every request must be signed
    std::chrono::milliseconds operation_settle{2000};  // pending -> success after this long
    std::chrono::milliseconds slow_delay{3000};        // for Fault::slow_response
    std::vector<Fault> faults;
    // Also know the bench key pool (common/bench_key_pool.hpp): every pool id is a multi-zone key
    // of origin kBenchPoolOriginZone, made when first named. Off for `kmsconf serve` unless
    // asked (--bench-key-pool): a conformance run must meet only the documented fixtures.
    bool bench_key_pool = false;
    // Beyond this many pool keys the oldest is forgotten with its replicas (a replicate to it is
    // then a first one again, its read shows none), so that a long benchmark's state stays
    // bounded (~250 bytes a replica: 100,000 keys of 7 replicas are ~175 MB), as operations are.
    std::size_t bench_key_pool_limit = 100000;
    // Clock, injectable for tests (UNIX seconds for signature expiry; steady for operations).
    // Empty: time(nullptr) and std::chrono::steady_clock::now().
    std::function<std::int64_t()> unix_now;
    std::function<std::chrono::steady_clock::time_point()> steady_now;
};

class ReplicateService {
public:
    explicit ReplicateService(ServiceOptions options);
    ~ReplicateService();

    // Handles one request (the routes are listed in replicate_service.cpp and server/README.md).
    // `delay` receives how long the transport should wait before
    // sending the response (only Fault::slow_response sets it).
    HttpResponse handle(const HttpRequest& request, std::chrono::milliseconds* delay = nullptr);

    // Forgets replicas and operations: back to the fixtures.
    void reset();

    // A problem-details response (RFC 9457) as this server writes them; used by the
    // transport too, for parse errors, 413 and timeouts.
    static HttpResponse problem(int status, std::string title, std::string detail);

    // The same, with this service's faults applied (bad-uri-reference, problem-status-mismatch,
    // problem-missing-title, wrong-content-type), so that the transport's own problems (400
    // on unparsable HTTP, 413, 431) deviate exactly as the service's do.
    // The title is the status's reason phrase (json_responses.hpp's problem_title_for).
    HttpResponse transport_problem(int status, std::string detail) const;

    bool has_fault(Fault f) const;

private:
    struct State;
    class Handler;  // one request's checks, see replicate_service.cpp
    std::unique_ptr<State> state_;
};

}  // namespace kms::server
