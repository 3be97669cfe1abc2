// The inside of ReplicateService, shared by its translation units (replicate_service.cpp:
// routing, auth, the once-faults; replicate_route.cpp: the replicate checks and state change;
// read_routes.cpp: the key read and the operation poll). Internal to server/.
#pragma once

#include "server/replicate_service.hpp"

#include "common/bench_key_pool.hpp"

#include <algorithm>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <set>

namespace kms::server {

namespace detail {
// Operations are kept for GET /v2/operation; beyond this many the oldest are forgotten, so
// that a long benchmark (e.g. with the accept-malformed fault) cannot grow memory forever.
constexpr std::size_t kMaxOperations = 10000;
// The pending-deletion fixture was scheduled for deletion this long after it was created.
constexpr std::int64_t kScheduledAfterSeconds = 24 * 3600;

// Another fixture key than `key_id`, for Fault::wrong_reference.
std::string other_key(const std::string& key_id);
}  // namespace detail

// (key id, zone) pairs ordered as std::pair orders them, and looked up by views of the two, so
// that asking whether a pair is replicated copies neither string (it is asked on every replicate).
struct ReplicaKeyLess {
    using is_transparent = void;
    using View = std::pair<std::string_view, std::string_view>;
    static View view(const std::pair<std::string, std::string>& k) { return {k.first, k.second}; }
    static View view(const View& k) { return k; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const { return view(a) < view(b); }
};

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
        pool_order.clear();
    }

    void add_operation(const std::string& op_id, const std::string& key_id, const std::string& zone) {
        if (operation_order.size() >= detail::kMaxOperations) {
            operations.erase(operation_order.front());
            operation_order.pop_front();
        }
        operations[op_id] = Operation{key_id, zone, options.steady_now()};
        operation_order.push_back(op_id);
    }

    // The replica is listed by the key read from here on (at accept, not when its operation
    // settles: the Conflict / already-applied answer and the key read agree at every moment).
    void add_replica(const std::string& key_id, const std::string& zone) {
        if (replicas.count(ReplicaKeyLess::View(key_id, zone))) return;
        Changes& c = changes[key_id];
        c.seq += 1;
        c.at = options.unix_now();
        replicas[{key_id, zone}] = c.seq;
    }

    // The key `key_id` (lower-case), or nullptr. A bench pool id (options.bench_key_pool) is
    // made into its key here, the first time it is named, and then kept until a reset, so that
    // a key read after a replicate sees the same key.
    const KeyFixture* find_key(const std::string& key_id) {
        auto key = keys.find(key_id);
        if (key != keys.end()) return &key->second;
        if (!options.bench_key_pool || !bench_pool_index(key_id)) return nullptr;
        pool_order.push_back(key_id);
        if (pool_order.size() > std::max<std::size_t>(options.bench_key_pool_limit, 1)) forget_oldest_pool_key();
        return &keys.emplace(key_id, bench_pool_key(key_id)).first->second;
    }

    void forget_oldest_pool_key() {
        const std::string id = std::move(pool_order.front());
        pool_order.pop_front();
        keys.erase(id);
        changes.erase(id);
        auto it = replicas.lower_bound(ReplicaKeyLess::View(id, ""));
        while (it != replicas.end() && it->first.first == id) it = replicas.erase(it);
    }

    // True the first time it is asked for `f`, for the "-once" faults.
    bool first_time(Fault f) {
        return served_once.insert(f).second;
    }

    ServiceOptions options;
    std::mutex mutex;
    std::map<std::string, KeyFixture> keys;
    std::map<std::pair<std::string, std::string>, std::int64_t, ReplicaKeyLess> replicas;  // (key id, zone) -> watermark
    std::map<std::string, Changes> changes;                                 // by key id
    std::map<std::string, Operation> operations;
    std::deque<std::string> operation_order;  // oldest first
    std::deque<std::string> pool_order;       // bench pool keys made so far, oldest first
    std::set<Fault> served_once;               // "-once" faults already served (not reset)
};

// The request-dependent part of the service; one instance per request, so that the checks
// read top to bottom in the order docs/contract.md §2 lists them.
class ReplicateService::Handler {
public:
    Handler(ReplicateService& svc, State& st, std::chrono::milliseconds* delay)
        : svc_(svc), st_(st), delay_(delay) {}

    HttpResponse route(const HttpRequest& req);

private:
    HttpResponse fail(int status, std::string detail) const {
        return svc_.transport_problem(status, std::move(detail));
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

}  // namespace kms::server
