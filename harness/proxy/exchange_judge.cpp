#include "harness/proxy/exchange_judge.hpp"

#include "harness/run/run_suites.hpp"

#include <utility>

namespace kms::proxy {

namespace {

// What exchanges.har says of a request body the proxy kept in part, in the words har_reader
// reads back ("request body cut to").
std::string cut_note(const ProxiedExchange& x) {
    const auto length = find_header(x.request.headers, "Content-Length");
    return "request body cut to " + std::to_string(x.request.body.size()) + " of " + (length ? *length : "an unknown number of") +
           " bytes (" + (x.response ? "the proxy keeps 64 KiB, or the answer came before the body was whole" : "not whole") + ")";
}

RecordedExchange recorded_of(ProxiedExchange&& x, const BaseUrl& upstream) {
    RecordedExchange r;
    r.pointer = "exchange " + std::to_string(x.number);
    r.url = upstream.origin() + x.request.target;
    r.request = std::move(x.request);
    r.response = std::move(x.response);
    r.request_body_cut = x.request_cut;
    r.response_body_cut = x.response_cut;
    r.time = x.elapsed;
    r.started = std::chrono::duration_cast<std::chrono::seconds>(x.started.time_since_epoch()).count();
    return r;
}

}  // namespace

ExchangeJudge::ExchangeJudge(ContractInForce& in_force, ClientJudging client, BaseUrl upstream)
    : in_force_(in_force),
      upstream_(std::move(upstream)),
      planner_(in_force.replicate(), in_force.reads(), std::move(client)) {}

void ExchangeJudge::judge(ProxiedExchange&& x, CaseListener& listener) {
    const std::string id = "exchange-" + std::to_string(x.number);
    if (!x.stray_bytes.empty()) {
        // The upstream's framing fault, on the exchange the bytes followed, as a run finds it.
        Case c;
        c.suite = kRecordedSuite;
        c.id = id + "-stray";
        c.file = "the proxy";
        c.line = 1;
        c.level = Level::must;
        c.requirement = "RFC 9112 §9.2: no bytes follow the complete response of the proxy's exchange " +
                        std::to_string(x.number) + " while no request is outstanding on its connection.";
        CaseResult result;
        add_findings(c, result,
                     {{CheckId::response_framing, Level::must,
                       std::to_string(x.stray_count) + " bytes (\"" + x.stray_bytes + "\") followed exchange " +
                           std::to_string(x.number) + "'s response with no request outstanding; the connection was "
                           "relayed unframed from then on"}});
        listener.case_finished(c, result);
        cases_.push_back(c);
        tally_.add(c, std::move(result));
        return;
    }
    const auto started_at = x.started;
    const int version = x.response_version;
    const std::string upstream_error = std::move(x.upstream_error);
    const int proxy_status = x.proxy_status;
    const std::string request_cut = x.request_cut ? cut_note(x) : "";
    // An absolute-form target (RFC 9112 §3.2.2) is a client using the proxy as a forward proxy
    // (HTTP_PROXY, curl -x): the URL it meant is not the upstream's, so it is not judged.
    if (x.request.target.empty() || x.request.target.front() != '/') {
        ++passed_through_;
        ++not_origin_form_;
        return;
    }
    auto planned = planner_.plan(recorded_of(std::move(x), upstream_), "the proxy", id);
    if (!planned) {
        ++passed_through_;
        return;
    }
    RecordedCase& rc = planned->recorded;
    Exchange& exchange = rc.send.exchange;
    exchange.started_at = started_at;
    exchange.response_version = version;
    exchange.request_body_cut = request_cut;
    if (!exchange.response) {
        // What the upstream did instead of answering, as a run names a transport failure.
        exchange.error = proxy_status == 504 ? TransportError::timeout : TransportError::read;
        exchange.error_detail = upstream_error.empty() ? "no response" : upstream_error;
    }
    CaseResult result = judge_recorded(rc, in_force_);
    listener.case_finished(rc.c, result);
    cases_.push_back(rc.c);
    tally_.add(rc.c, std::move(result));
    if (planned->client) {
        const ClientCase& cc = *planned->client;
        CaseResult client_result = judge_client(cc);
        listener.case_finished(cc.c, client_result);
        cases_.push_back(cc.c);
        tally_.add(cc.c, std::move(client_result));
    }
}

void ExchangeJudge::finish(std::chrono::milliseconds settle_bound, CaseListener& listener) {
    for (const SettleCase& sc : planner_.unsettled(settle_bound)) {
        CaseResult result = judge_settle(sc);
        listener.case_finished(sc.c, result);
        cases_.push_back(sc.c);
        tally_.add(sc.c, std::move(result));
    }
}

}  // namespace kms::proxy
