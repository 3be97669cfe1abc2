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
// This file routes, checks signatures and serves the "-once" faults; the routes themselves are
// in replicate_route.cpp and read_routes.cpp (service_internals.hpp: what they share).
#include "server/replicate_service.hpp"

#include "server/json_responses.hpp"
#include "server/service_internals.hpp"
#include "common/text.hpp"

#include <algorithm>

namespace kms::server {

namespace {

constexpr std::string_view kKeyPrefix = "/v2/kms-key/";
constexpr std::string_view kReplicateSuffix = "/replicate";
constexpr std::string_view kOperationPrefix = "/v2/operation/";
constexpr std::string_view kResetPath = "/_reference/reset";
constexpr std::string_view kResetPathV2 = "/v2/_reference/reset";

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

namespace detail {

// Another fixture key than `key_id`, for Fault::wrong_reference.
std::string other_key(const std::string& key_id) {
    return key_id == kSingleZoneKeyId ? std::string(kDefaultKeyId) : std::string(kSingleZoneKeyId);
}
}  // namespace detail

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

HttpResponse ReplicateService::transport_problem(int status, std::string detail) const {
    detail::ProblemStyle style;
    style.bad_type = has_fault(Fault::bad_uri_reference);
    style.status_mismatch = has_fault(Fault::problem_status_mismatch);
    style.missing_title = has_fault(Fault::problem_missing_title);
    HttpResponse res = detail::make_problem(status, detail::problem_title_for(status), detail, style);
    if (has_fault(Fault::wrong_content_type))
        for (auto& h : res.headers)
            if (iequals(h.name, "Content-Type")) h.value = "text/plain";
    return res;
}

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
    const std::string* header = find_header_value(req.headers, "Authorization");
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

HttpResponse ReplicateService::handle(const HttpRequest& request, std::chrono::milliseconds* delay) {
    if (delay) *delay = std::chrono::milliseconds{0};
    return Handler(*this, *state_, delay).route(request);
}

}  // namespace kms::server
