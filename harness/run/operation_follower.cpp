#include "harness/run/operation_follower.hpp"
#include "harness/run/run_suites.hpp"

#include "harness/checks/cache_evidence.hpp"
#include "harness/checks/state_checks.hpp"
#include "harness/contract/json_text.hpp"
#include "harness/run/key_reader.hpp"
#include "harness/run/retry_after.hpp"

#include <algorithm>
#include <thread>

namespace kms {

std::chrono::milliseconds poll_interval(std::chrono::milliseconds elapsed, double scale) {
    const double t = static_cast<double>(elapsed.count()) / 1000.0 / scale;  // in client seconds
    double seconds = 3;
    if (t >= 900) seconds = 60;
    else if (t > 30) seconds = 3 + (t - 30) * 57.0 / 870.0;
    return std::chrono::milliseconds(static_cast<long long>(seconds * scale * 1000.0));
}

struct OperationFollower::Tracked {
    const FollowedOperation* op;
    FollowResult out;
    std::chrono::steady_clock::time_point due;
    int consecutive_errors = 0;
    bool done = false;
    std::string cached;  // what showed a cache answered the latest poll that came from one
};

OperationFollower::OperationFollower(const Contract& get_operation, HttpClient& client, BaseUrl base, Signer signer,
                                     PollSettings settings)
    : contract_(get_operation), client_(client), base_(std::move(base)), signer_(std::move(signer)),
      settings_(settings) {}

void OperationFollower::poll(Tracked& t) {
    using clock = std::chrono::steady_clock;
    auto& findings = t.out.result.findings;
    const auto since = [&](clock::time_point now) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(now - t.op->returned);
    };
    Variables vars;
    vars.key = t.op->op_id;  // ${key} in the poll case's path is the operation's id
    HttpRequest request = build_request(t.out.c, vars, base_, signer_);
    Exchange exchange = client_.send(request);
    const auto now = clock::now();
    const bool past_deadline = since(now) >= settings_.timeout;
    t.due = now + poll_interval(since(now), settings_.scale);

    auto keep = [&] {
        t.out.result.requests.push_back(std::move(request));
        t.out.result.exchanges.push_back(std::move(exchange));
    };
    // A cache in front that kept the first poll's `pending` makes every operation "never
    // settle": the finding names it, not the origin.
    if (exchange.response)
        if (auto cached = served_from_cache(*exchange.response)) t.cached = *cached;
    auto stop_at_deadline = [&](const std::string& what) {
        if (!past_deadline) return;
        findings.push_back({CheckId::operation_settles, Level::must,
                            what + " " + std::to_string(since(now).count()) +
                                " ms after the replicate returned it, past --operation-timeout-ms " +
                                std::to_string(settings_.timeout.count()) +
                                (t.cached.empty() ? std::string()
                                                  : "; " + cached_answer_note("a poll", t.cached, "state",
                                                                              "GET /v2/operation/{id}"))});
        t.done = true;
    };

    if (auto refusal = honoured_refusal(exchange)) {
        auto wait = parse_retry_after(exchange.response->header("Retry-After").value_or("1"),
                                      std::chrono::system_clock::now())
                        .value_or(std::chrono::seconds(1));
        wait = std::min(wait, settings_.max_retry_after);
        findings.push_back({*refusal, Level::informational,
                            std::to_string(exchange.response->status) + " while polling (Retry-After: " +
                                exchange.response->header("Retry-After").value_or("none") + "): polled again after " +
                                std::to_string(wait.count()) + " s"});
        t.due = std::max(t.due, now + std::chrono::duration_cast<clock::duration>(wait));
        for (auto& f : check_framing(exchange)) findings.push_back(std::move(f));
        keep();
        stop_at_deadline("still unanswered");
        return;
    }
    if (!exchange.response || exchange.response->status >= 500) {
        // Clients retry these (python-exoscale: up to 5 consecutive server errors).
        ++t.consecutive_errors;
        const std::string what = exchange.response ? "HTTP " + std::to_string(exchange.response->status)
                                                   : std::string("no response (") + to_string(exchange.error) + ")";
        for (auto& f : check_framing(exchange)) findings.push_back(std::move(f));
        if (t.consecutive_errors >= settings_.max_consecutive_errors) {
            findings.push_back({CheckId::operation_poll_errors, Level::must,
                                std::to_string(t.consecutive_errors) + " polls in a row failed (last: " + what +
                                    "): a client gives up on the operation here"});
            t.done = true;
        } else {
            findings.push_back({CheckId::operation_poll_errors, Level::informational,
                                what + " while polling: retried (" + std::to_string(t.consecutive_errors) + " of " +
                                    std::to_string(settings_.max_consecutive_errors) + " in a row)"});
            stop_at_deadline("still unanswered");
        }
        keep();
        return;
    }
    t.consecutive_errors = 0;
    for (auto& f : check_response(contract_, t.out.c, request, exchange, base_.path)) findings.push_back(std::move(f));
    const HttpResponse& r = *exchange.response;
    if (r.status == 404) {
        findings.push_back({CheckId::operation_known, Level::must,
                            "GET " + request.target + " answered 404 for an operation the server returned " +
                                std::to_string(since(now).count()) + " ms before: " + printable(r.body, 160)});
        t.done = true;
    } else if (r.status != 200) {
        t.done = true;  // status_declared said what is wrong; nothing more to learn by polling
    } else {
        std::string error;
        auto doc = parse_response_json(r.body, &error);
        if (!doc) {
            t.done = true;  // body_schema said it is not JSON
        } else {
            for (auto& f : check_polled_operation(*doc, t.op->op_id, t.op->key_id, base_.path))
                findings.push_back(std::move(f));
            const std::string state = operation_state_of(*doc);
            if (is_terminal_state(state)) {
                for (auto& f : check_end_state(*doc)) findings.push_back(std::move(f));
                t.out.end_state = state;
                t.done = true;
            } else if (state != "pending") {
                t.done = true;  // operation_state named the unknown state
            } else {
                stop_at_deadline("still pending");
            }
        }
    }
    keep();
}

std::vector<FollowResult> OperationFollower::follow(const std::vector<FollowedOperation>& ops) {
    using clock = std::chrono::steady_clock;
    std::vector<Tracked> tracked;
    tracked.reserve(ops.size());
    for (const auto& op : ops) {
        Tracked t{&op, {}, op.returned + poll_interval(std::chrono::milliseconds(0), settings_.scale), 0, false, {}};
        t.out.c = read_case(kOperationsSuite, op.case_name,
                            "docs/contract.md §3 and §8: the operation a replicate's 200 returned (" + op.case_name +
                                (op.zone.empty() ? "" : ", zone " + op.zone) +
                                ") is polled at GET /v2/operation/{id} until it ends: the poll answers 200 operation "
                                "with the polled id and reference.id the replicated key, and ends in success before "
                                "--operation-timeout-ms.",
                            "/operation/${key}");
        t.out.c.file = op.file;
        t.out.c.line = op.line;
        if (!is_uuid(op.op_id)) {
            t.out.result.findings.push_back(
                {CheckId::operation_id, Level::must,
                 "the replicate's 200 operation has " + (op.op_id.empty() ? std::string("no id") : "id '" + printable(op.op_id, 60) + "'") +
                     ", so no client can poll it (GET /v2/operation/{id} takes a uuid)"});
            t.done = true;
        }
        tracked.push_back(std::move(t));
    }
    // Bounded: every operation stops at its deadline, and each poll moves its due time on.
    Tracked* last = nullptr;
    while (true) {
        Tracked* next = nullptr;
        for (auto& t : tracked)
            if (!t.done && (!next || t.due < next->due)) next = &t;
        if (!next) break;
        if (next->due > clock::now()) {
            // The wait is spent watching the connection: bytes now followed the last poll.
            std::string stray = client_.watch_idle_until(next->due);
            if (!stray.empty() && last)
                last->out.result.findings.push_back({CheckId::response_framing, Level::must, stray});
            std::this_thread::sleep_until(next->due);
        }
        poll(*next);
        last = next;
    }
    std::vector<FollowResult> out;
    for (auto& t : tracked) {
        t.out.result.elapsed = clock::now() - t.op->returned;
        t.out.result.verdict = grade(t.out.result.findings);
        out.push_back(std::move(t.out));
    }
    return out;
}

}  // namespace kms
