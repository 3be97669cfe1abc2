#include "harness/run/case_runner.hpp"

#include "harness/contract/json_text.hpp"
#include "harness/run/contract_in_force.hpp"
#include "harness/run/retry_after.hpp"

#include <algorithm>
#include <iterator>
#include <thread>

namespace kms {

const char* to_string(Verdict v) {
    switch (v) {
        case Verdict::pass: return "pass";
        case Verdict::fail: return "fail";
        case Verdict::non_strict: return "non-strict";
        case Verdict::informational: return "informational";
        case Verdict::skipped: return "skipped";
    }
    return "?";
}

Verdict grade(const std::vector<Finding>& findings) {
    Verdict v = Verdict::pass;
    for (const auto& f : findings) {
        if (f.level == Level::must) return Verdict::fail;
        if (f.level == Level::should) v = Verdict::non_strict;
        else if (v == Verdict::pass) v = Verdict::informational;
    }
    return v;
}

namespace {

// Level is ordered from most to least severe: the milder of two is the later one.
Level milder(Level a, Level b) { return static_cast<int>(a) > static_cast<int>(b) ? a : b; }

}  // namespace

Level level_ceiling(const Case& c, CheckId check) {
    switch (check_info(check).rule) {
        case LevelRule::uncapped: return Level::must;
        case LevelRule::body_shape:
            // A request outside the operation may be answered by whatever stands in front of it
            // (nginx's own HTML 400, Apache's 404 page): its body says nothing about the contract.
            return c.scope == Scope::http ? Level::informational : c.level;
        case LevelRule::case_level: return c.level;
    }
    return c.level;
}

void cap_to_case_level(const Case& c, std::vector<Finding>& findings) {
    for (auto& f : findings) f.level = milder(f.level, level_ceiling(c, f.check));
}

void add_findings(const Case& c, CaseResult& result, std::vector<Finding> findings) {
    cap_to_case_level(c, findings);
    for (auto& f : findings) result.findings.push_back(std::move(f));
    result.verdict = grade(result.findings);
}

std::vector<Finding> judge_exchange(const Contract& contract, const Case& c, const HttpRequest& request,
                                    const Exchange& exchange, const std::string& base_path,
                                    std::chrono::milliseconds max_response_time, bool last, int resent_429) {
    std::vector<Finding> out;
    if (exchange.response && exchange.response->status == 429) {
        // Still refused after the retries: the request was never processed (RFC 6585 §4), so
        // the case tested nothing. A visible failure, not a silent pass, nor an "undeclared
        // status" blamed on the operation.
        out = check_framing(exchange);
        out.push_back({CheckId::rate_limited, Level::must,
                       "429 Too Many Requests still there after " + std::to_string(resent_429) +
                           " resend(s) (Retry-After: " + exchange.response->header("Retry-After").value_or("none") +
                           "): the request was not processed, so this case was not tested; lower --rate or retry later"});
        return out;
    }
    out = check_response(contract, c, request, exchange, base_path);
    for (auto& f : check_response_time(exchange, max_response_time)) out.push_back(std::move(f));
    if (last && exchange.response)
        for (auto& f : check_expectation(c, *exchange.response)) out.push_back(std::move(f));
    return out;
}

CaseRunner::CaseRunner(const Contract& contract, HttpClient& client, BaseUrl base, RunSettings settings)
    : contract_(contract), client_(client), base_(std::move(base)), settings_(std::move(settings)) {}

void CaseRunner::pace() {
    if (settings_.rate_per_second <= 0) return;
    auto now = std::chrono::steady_clock::now();
    if (next_send_ > now) std::this_thread::sleep_until(next_send_);
    auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / settings_.rate_per_second));
    next_send_ = std::max(now, next_send_) + interval;
}

CaseResult CaseRunner::run(const Case& c) {
    if (!observer_) return run_prepared(c, settings_.vars);
    Case adjusted = c;
    Variables vars = settings_.vars;
    observer_->before_case(adjusted, vars);
    CaseResult result = run_prepared(adjusted, vars);
    observer_->after_case(adjusted, result);
    return result;
}

CaseResult CaseRunner::run_prepared(const Case& c, const Variables& vars) {
    CaseResult result;
    if (!auth_mode_runnable(c.request.auth, settings_.signer)) {
        result.verdict = Verdict::skipped;
        result.skip_reason = std::string("needs credentials (auth: ") + to_string(c.request.auth) +
                             "); set EXOSCALE_API_KEY and EXOSCALE_API_SECRET";
        return result;
    }
    if (settings_.max_consecutive_transport_failures > 0 &&
        consecutive_transport_failures_ >= settings_.max_consecutive_transport_failures) {
        result.findings.push_back({CheckId::response_in_time, Level::must,
                                   "not sent: the target stopped answering (" +
                                       std::to_string(consecutive_transport_failures_) +
                                       " cases in a row got no response)"});
        result.verdict = Verdict::fail;
        return result;
    }
    auto started = std::chrono::steady_clock::now();
    std::vector<Send> sends;
    for (int i = 0; i < c.request.times; ++i) {
        Send s;
        // Built anew for every send: ${random-uuid} and the signature's expiry are per request.
        s.request = build_request(c, vars, base_, settings_.signer);
        pace();
        s.exchange = client_.send(s.request);
        for (auto refusal = honoured_refusal(s.exchange); s.resent < settings_.retries_on_429 && refusal;
             ++s.resent, refusal = honoured_refusal(s.exchange)) {
            auto wait = parse_retry_after(s.exchange.response->header("Retry-After").value_or("1"),
                                          std::chrono::system_clock::now())
                            .value_or(std::chrono::seconds(1));
            if (wait > settings_.max_retry_after) break;
            const std::string what = *refusal == CheckId::rate_limited
                                         ? "429 Too Many Requests"
                                         : "503 Service Unavailable (Retry-After: " +
                                               s.exchange.response->header("Retry-After").value_or("") + ")";
            s.while_waiting.push_back({WireEvent::Kind::refused_then_resent, *refusal,
                                       what + ": resent after " + std::to_string(wait.count()) + " s"});
            // The wait is spent watching the connection: bytes arriving now followed the 429.
            const auto resend_at = std::chrono::steady_clock::now() + wait;
            std::string stray = client_.watch_idle_until(resend_at);
            if (!stray.empty()) s.while_waiting.push_back({WireEvent::Kind::stray_bytes, CheckId::response_framing, stray});
            std::this_thread::sleep_until(resend_at);
            s.request = build_request(c, vars, base_, settings_.signer);  // fresh signature
            s.exchange = client_.send(s.request);
        }
        // Under a rate cap the pause before the next request is spent watching this exchange's
        // connection, so that bytes the server sends meanwhile are blamed on this exchange
        // (RFC 9112 §9.2), not found before the next case's request and left unattributed.
        if (settings_.rate_per_second > 0) s.stray_in_pause = client_.watch_idle_until(next_send_);
        const bool stop = s.exchange.error != TransportError::none ||
                          (s.exchange.response && s.exchange.response->status == 429);
        sends.push_back(std::move(s));
        if (stop) break;  // later sends would only repeat the transport failure or the 429
    }
    result = judge_sends(c, std::move(sends), {contract_, in_force_, base_.path, settings_.max_response_time});
    result.elapsed = std::chrono::steady_clock::now() - started;
    const bool answered = !result.exchanges.empty() && result.exchanges.back().response.has_value();
    consecutive_transport_failures_ = answered ? 0 : consecutive_transport_failures_ + 1;
    return result;
}

CaseResult judge_sends(const Case& c, std::vector<Send> sends, const JudgeContext& context) {
    CaseResult result;
    for (std::size_t i = 0; i < sends.size(); ++i) {
        Send& s = sends[i];
        for (auto& event : s.while_waiting) {
            if (event.kind == WireEvent::Kind::refused_then_resent)
                result.findings.push_back({event.refusal, Level::informational, std::move(event.text)});
            else
                result.findings.push_back({CheckId::response_framing, Level::must, std::move(event.text)});
        }
        std::optional<ContractInForce::Drift> drift;
        if (context.in_force) drift = context.in_force->observe(s.request, s.exchange, context.base_path);
        const Contract& contract = context.in_force ? context.in_force->replicate() : context.contract;
        result.contract_revision = contract.revision();
        const bool last = static_cast<int>(i) + 1 == c.request.times;
        auto judged = judge_exchange(contract, c, s.request, s.exchange, context.base_path, context.max_response_time,
                                     last, s.resent);
        add_drift(judged, std::move(drift));
        for (auto& f : judged) result.findings.push_back(std::move(f));
        if (!s.stray_in_pause.empty())
            result.findings.push_back({CheckId::response_framing, Level::must, std::move(s.stray_in_pause)});
        result.requests.push_back(std::move(s.request));
        result.exchanges.push_back(std::move(s.exchange));
    }
    cap_to_case_level(c, result.findings);
    result.verdict = grade(result.findings);
    return result;
}

}  // namespace kms
