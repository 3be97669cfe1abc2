// POST /v2/kms-key/{id}/replicate, GET /v2/operation/{id} and GET /v2/kms-key/{id} in the
// revision ServiceOptions::revision names, as the real service behaves: every replicate error is
// a 400 problem whose detail starts with the latest spec's error case name ("Invalid Argument",
// "Key Not Found", "Conflict", ...).
//
// Routes (the query string never matters for routing):
//   POST     /v2/kms-key/{id}/replicate   replicate a key: 200 operation (2026-03-31) or
//                                         success-response (2026-07-20), or 400 problem
//   GET|HEAD /v2/kms-key/{id}             the key: 200 get-kms-key-response; unknown key 404
//                                         problem (2026-03-31) or 400 (2026-07-20, no 404 declared)
//   GET|HEAD /v2/operation/{id}           the operation: pending until operation_settle, then success
//   POST     /_reference/reset            admin, never signed: forget replicas and operations, 204
//            (also under the base URL, /v2/_reference/reset, for clients that only know that)
// A known path with another method: 405 + Allow. Anything else: 404 problem.
#include "server/replicate_service.hpp"

#include "server/json_responses.hpp"
#include "server/request_body.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <set>

namespace kms::server {

namespace {

constexpr std::string_view kKeyPrefix = "/v2/kms-key/";
constexpr std::string_view kReplicateSuffix = "/replicate";
constexpr std::string_view kOperationPrefix = "/v2/operation/";
constexpr std::string_view kResetPath = "/_reference/reset";
constexpr std::string_view kResetPathV2 = "/v2/_reference/reset";
// Operations are kept for GET /v2/operation; beyond this many the oldest are forgotten, so
// that a long benchmark (e.g. with the accept-malformed fault) cannot grow memory forever.
constexpr std::size_t kMaxOperations = 10000;
// The pending-deletion fixture was scheduled for deletion this long after it was created.
constexpr std::int64_t kScheduledAfterSeconds = 24 * 3600;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Another fixture key than `key_id`, for Fault::wrong_reference.
std::string other_key(const std::string& key_id) {
    return key_id == kSingleZoneKeyId ? std::string(kDefaultKeyId) : std::string(kSingleZoneKeyId);
}

const char* title_for(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 413: return "Payload Too Large";
        case 422: return "Unprocessable Content";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 503: return "Service Unavailable";
        default: return "Internal Server Error";
    }
}

}  // namespace

struct ReplicateService::State {
    struct Operation {
        std::string key_id;
        std::string zone;  // empty under Fault::accept_malformed
        std::chrono::steady_clock::time_point created;
    };
    // A key's revision stamp: how many replicas were added, and when the last one was.
    struct Changes {
        std::int64_t seq = 0;
        std::int64_t at = 0;  // UNIX seconds; 0: never changed (the key read shows created-at)
    };

    explicit State(ServiceOptions o) : options(std::move(o)) {
        if (!options.unix_now) options.unix_now = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
        if (!options.steady_now) options.steady_now = [] { return std::chrono::steady_clock::now(); };
        load_fixtures();
    }

    // Callers hold `mutex`, except the constructor.
    void load_fixtures() {
        keys.clear();
        for (auto& k : default_key_fixtures()) keys[k.id] = k;
        replicas.clear();
        changes.clear();
        operations.clear();
        operation_order.clear();
    }

    void add_operation(const std::string& op_id, const std::string& key_id, const std::string& zone) {
        if (operation_order.size() >= kMaxOperations) {
            operations.erase(operation_order.front());
            operation_order.pop_front();
        }
        operations[op_id] = Operation{key_id, zone, options.steady_now()};
        operation_order.push_back(op_id);
    }

    // The replica is listed by the key read from here on (at accept, not when its operation
    // settles: the Conflict / already-applied answer and the key read agree at every moment).
    void add_replica(const std::string& key_id, const std::string& zone) {
        if (replicas.count({key_id, zone})) return;
        Changes& c = changes[key_id];
        c.seq += 1;
        c.at = options.unix_now();
        replicas[{key_id, zone}] = c.seq;
    }

    // True the first time it is asked for `f`, for the "-once" faults.
    bool first_time(Fault f) {
        return served_once.insert(f).second;
    }

    ServiceOptions options;
    std::mutex mutex;
    std::map<std::string, KeyFixture> keys;
    std::map<std::pair<std::string, std::string>, std::int64_t> replicas;  // (key id, zone) -> watermark
    std::map<std::string, Changes> changes;                                 // by key id
    std::map<std::string, Operation> operations;
    std::deque<std::string> operation_order;  // oldest first
    std::set<Fault> served_once;               // "-once" faults already served (not reset)
};

ReplicateService::ReplicateService(ServiceOptions options)
    : state_(std::make_unique<State>(std::move(options))) {}

ReplicateService::~ReplicateService() = default;

void ReplicateService::reset() {
    std::lock_guard lock(state_->mutex);
    state_->load_fixtures();
}

bool ReplicateService::has_fault(Fault f) const {
    const auto& faults = state_->options.faults;
    return f != Fault::none && std::find(faults.begin(), faults.end(), f) != faults.end();
}

HttpResponse ReplicateService::problem(int status, std::string title, std::string detail) {
    return detail::make_problem(status, title, detail);
}

HttpResponse ReplicateService::transport_problem(int status, std::string title, std::string detail) const {
    detail::ProblemStyle style;
    style.bad_type = has_fault(Fault::bad_uri_reference);
    style.status_mismatch = has_fault(Fault::problem_status_mismatch);
    style.missing_title = has_fault(Fault::problem_missing_title);
    HttpResponse res = detail::make_problem(status, title, detail, style);
    if (has_fault(Fault::wrong_content_type))
        for (auto& h : res.headers)
            if (iequals(h.name, "Content-Type")) h.value = "text/plain";
    return res;
}

// The request-dependent part of the service; one instance per request, so that the checks
// read top to bottom in the order the contract digest lists them.
class ReplicateService::Handler {
public:
    Handler(ReplicateService& svc, State& st, std::chrono::milliseconds* delay)
        : svc_(svc), st_(st), delay_(delay) {}

    HttpResponse route(const HttpRequest& req);

private:
    HttpResponse fail(int status, std::string detail) const {
        return svc_.transport_problem(status, title_for(status), std::move(detail));
    }
    HttpResponse method_not_allowed(const HttpRequest& req, const char* allow) const;
    std::optional<HttpResponse> check_auth(const HttpRequest& req) const;
    std::optional<HttpResponse> busy_once();
    HttpResponse replicate(std::string_view raw_id, const HttpRequest& req);
    HttpResponse accept(const std::string& key_id, const std::optional<std::string>& zone);
    HttpResponse accepted(const std::string& key_id, const std::optional<std::string>& zone,
                          const std::string& op_id, bool already);
    void replicate_anyway(std::string_view raw_id, const HttpRequest& req);
    HttpResponse get_operation(std::string_view raw_id);
    HttpResponse get_key(std::string_view raw_id);
    HttpResponse json(int status, std::string body) const;
    bool latest() const { return st_.options.revision == Revision::r2026_07_20; }

    ReplicateService& svc_;
    State& st_;
    std::chrono::milliseconds* delay_;
};

HttpResponse ReplicateService::Handler::json(int status, std::string body) const {
    HttpResponse res;
    res.status = status;
    res.headers.push_back({"Content-Type", svc_.has_fault(Fault::wrong_content_type) ? "text/plain" : "application/json"});
    res.body = std::move(body);
    return res;
}

HttpResponse ReplicateService::Handler::method_not_allowed(const HttpRequest& req, const char* allow) const {
    HttpResponse res = fail(405, "method " + printable(req.method, 20) +
                                     " is not allowed on this resource; allowed: " + allow);
    if (!svc_.has_fault(Fault::no_allow_header)) res.headers.push_back({"Allow", allow});
    return res;
}

std::optional<HttpResponse> ReplicateService::Handler::check_auth(const HttpRequest& req) const {
    const auto& creds = st_.options.credentials;
    if (!creds || svc_.has_fault(Fault::ignore_auth)) return std::nullopt;
    auto header = find_header(req.headers, "Authorization");
    auto verdict = verify_exo2(*creds, header ? std::optional<std::string_view>(*header) : std::nullopt,
                               req.method, req.target, req.body, st_.options.unix_now());
    if (verdict == Exo2Verdict::ok) return std::nullopt;
    return fail(403, std::string("EXO2-HMAC-SHA256 authentication failed: ") + to_string(verdict));
}

namespace {
// The {id} of /v2/kms-key/{id}/replicate, or nullopt for another path.
std::optional<std::string_view> replicate_id(std::string_view path) {
    if (!starts_with(path, kKeyPrefix) || path.size() < kKeyPrefix.size() + kReplicateSuffix.size() ||
        path.substr(path.size() - kReplicateSuffix.size()) != kReplicateSuffix)
        return std::nullopt;
    auto id = path.substr(kKeyPrefix.size(), path.size() - kKeyPrefix.size() - kReplicateSuffix.size());
    if (id.find('/') != std::string_view::npos) return std::nullopt;
    return id;
}

// The {id} of <prefix>{id} (one non-empty segment), or nullopt.
std::optional<std::string_view> single_id(std::string_view path, std::string_view prefix) {
    if (!starts_with(path, prefix) || path.size() == prefix.size()) return std::nullopt;
    auto id = path.substr(prefix.size());
    if (id.find('/') != std::string_view::npos) return std::nullopt;
    return id;
}
}  // namespace

HttpResponse ReplicateService::Handler::route(const HttpRequest& req) {
    std::string_view path = target_path(req.target);
    if (path == kResetPath || path == kResetPathV2) {
        if (req.method != "POST") return method_not_allowed(req, "POST");
        svc_.reset();
        HttpResponse res;
        res.status = 204;
        return res;
    }
    const auto replicate_target = replicate_id(path);
    if (auto denied = check_auth(req)) {
        if (replicate_target && req.method == "POST") replicate_anyway(*replicate_target, req);
        return *denied;
    }

    if (replicate_target) {
        if (req.method != "POST") return method_not_allowed(req, "POST");
        if (auto busy = busy_once()) return *busy;
        HttpResponse res = replicate(*replicate_target, req);
        if (res.status >= 400) replicate_anyway(*replicate_target, req);
        return res;
    }
    if (auto id = single_id(path, kKeyPrefix)) {
        if (svc_.has_fault(Fault::no_key_read)) return fail(404, "no resource at " + printable(path, 100));
        // HEAD is answered as GET; the transport drops the body (RFC 9110 §9.3.2).
        if (req.method != "GET" && req.method != "HEAD") return method_not_allowed(req, "GET, HEAD");
        return get_key(*id);
    }
    if (auto id = single_id(path, kOperationPrefix)) {
        if (req.method != "GET" && req.method != "HEAD") return method_not_allowed(req, "GET, HEAD");
        return get_operation(*id);
    }
    return fail(404, "no resource at " + printable(path, 100));
}

// The "-once" faults: the first replicate answered 429 or 503 with Retry-After: 1. Neither
// breaks the contract; the harness must wait and resend.
std::optional<HttpResponse> ReplicateService::Handler::busy_once() {
    struct Once {
        Fault fault;
        int status;
        const char* detail;
    };
    for (const Once& once : {Once{Fault::rate_limit_once, 429, "Too Many Requests: retry after 1 s"},
                             Once{Fault::unavailable_once, 503, "Service Unavailable: retry after 1 s"}}) {
        if (!svc_.has_fault(once.fault)) continue;
        std::lock_guard lock(st_.mutex);
        if (!st_.first_time(once.fault)) continue;
        HttpResponse res = fail(once.status, once.detail);
        res.headers.push_back({"Retry-After", "1"});
        return res;
    }
    return std::nullopt;
}

// Fault::rejection_replicates: the side effect of a request that was refused.
void ReplicateService::Handler::replicate_anyway(std::string_view raw_id, const HttpRequest& req) {
    if (!svc_.has_fault(Fault::rejection_replicates) || !is_uuid(raw_id)) return;
    auto body = detail::check_replicate_body(req.body);
    if (body.error != detail::BodyError::none) return;
    const auto& zones = known_zones();
    if (std::find(zones.begin(), zones.end(), body.zone) == zones.end()) return;
    std::lock_guard lock(st_.mutex);
    auto key = st_.keys.find(to_lower(raw_id));
    if (key == st_.keys.end() || key->second.origin_zone == body.zone) return;
    st_.add_replica(key->first, body.zone);
}

HttpResponse ReplicateService::Handler::replicate(std::string_view raw_id, const HttpRequest& req) {
    if (!is_uuid(raw_id))
        return fail(400, "Invalid Argument: the key id in the path is not a UUID (8-4-4-4-12 hex digits): '" +
                             printable(raw_id, 100) + "'");
    const std::string key_id = to_lower(raw_id);

    auto content_type = find_header(req.headers, "Content-Type");
    if (!content_type) return fail(400, "Invalid Argument: Content-Type application/json is required");
    if (media_type(*content_type) != "application/json")
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
    std::string op_id = random_uuid();
    bool already = false;
    {
        std::lock_guard lock(st_.mutex);
        auto key = st_.keys.find(key_id);
        if (key == st_.keys.end()) return fail(400, "Key Not Found: key " + key_id + " does not exist");
        const KeyFixture& k = key->second;
        if (k.pending_deletion)
            return fail(400, "Key is Pending Deletion: key " + key_id + " is scheduled for deletion");
        if (k.is_default) return fail(400, "Not on Default: replication is not allowed on the default key");
        if (!k.multi_zone) return fail(400, "Not Multizone: key " + key_id + " is not a multi-zone key");
        if (zone) {
            const bool replicated = st_.replicas.count({key_id, *zone}) && !svc_.has_fault(Fault::forget_replicas);
            // The origin is never a replica: Conflict in both revisions.
            if (*zone == k.origin_zone || (replicated && !latest()))
                return fail(400, "Conflict: key " + key_id + " is already replicated to zone " + *zone);
            if (svc_.has_fault(Fault::reject_valid))
                return fail(400, "Invalid Argument: request rejected (fault reject-valid)");
            already = replicated;
            st_.add_replica(key_id, *zone);
        }
        if (!latest()) st_.add_operation(op_id, key_id, zone.value_or(""));
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
        if (svc_.has_fault(Fault::wrong_reference)) view.key_id = other_key(key_id);
        if (zone && svc_.has_fault(Fault::bad_enum)) view.state = "done";
        if (zone && svc_.has_fault(Fault::bad_uuid_format)) view.id = "op-123";
        body = detail::operation_json(view);
    }
    if (!zone) return json(200, std::move(body));
    if (svc_.has_fault(Fault::slow_response) && delay_) *delay_ = st_.options.slow_delay;
    int status = svc_.has_fault(Fault::undeclared_status) ? 201 : svc_.has_fault(Fault::status_out_of_range) ? 600 : 200;
    return json(status, std::move(body));
}

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
    if (svc_.has_fault(Fault::wrong_reference)) view.key_id = other_key(view.key_id);
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
        auto key = st_.keys.find(key_id);
        // 2026-07-20 declares no 404 for the key read: its 400 lists "Key Not Found".
        if (key == st_.keys.end())
            return fail(latest() ? 400 : 404, "Key Not Found: key " + key_id + " does not exist");
        const KeyFixture& k = key->second;
        view.id = k.id;
        view.name = k.name;
        view.origin_zone = k.origin_zone;
        view.multi_zone = k.multi_zone;
        view.pending_deletion = k.pending_deletion;
        view.created_at = k.created_at;
        view.status_since = k.pending_deletion ? k.created_at + kScheduledAfterSeconds : k.created_at;
        const State::Changes c = st_.changes.count(key_id) ? st_.changes.at(key_id) : State::Changes{};
        view.revision_seq = c.seq;
        view.revision_at = c.seq ? c.at : k.created_at;
        if (!svc_.has_fault(Fault::replica_not_listed))
            for (auto it = st_.replicas.lower_bound({key_id, ""}); it != st_.replicas.end() && it->first.first == key_id; ++it)
                view.replicas.emplace_back(it->first.second, it->second);
    }
    view.latest = latest();
    return json(200, detail::key_json(view));
}

HttpResponse ReplicateService::handle(const HttpRequest& request, std::chrono::milliseconds* delay) {
    if (delay) *delay = std::chrono::milliseconds{0};
    return Handler(*this, *state_, delay).route(request);
}

}  // namespace kms::server
