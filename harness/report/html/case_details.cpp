#include "harness/report/html/case_details.hpp"

#include "harness/report/case_description.hpp"
#include "harness/cases/curl_command.hpp"
#include "harness/cases/redaction.hpp"
#include "harness/report/junit_document.hpp"
#include "harness/report/rerun_command.hpp"
#include "harness/report/sent_request.hpp"

#include <chrono>
#include <cstdio>
#include <set>

namespace kms::html {

namespace {

std::string statuses(const CaseResult& r) {
    std::string out;
    for (const auto& x : r.exchanges) {
        if (!out.empty()) out += ", ";
        out += x.response ? std::to_string(x.response->status) : std::string("no response");
    }
    return out;
}

// The finding that decided the verdict: the first at the level that failed (or made it
// non-strict, informational), else the first of all.
const Finding* deciding_finding(const CaseResult& r) {
    const Level wanted = r.verdict == Verdict::fail         ? Level::must
                         : r.verdict == Verdict::non_strict ? Level::should
                                                            : Level::informational;
    for (const auto& f : r.findings)
        if (f.level == wanted) return &f;
    return r.findings.empty() ? nullptr : &r.findings.front();
}

std::string checks_of(const CaseResult& r) {
    std::set<std::string> names;
    for (const auto& f : r.findings) names.insert(name_of(f.check));
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
    return out;
}

void summary_line(Element details, const RunTally::Entry& e) {
    Element summary = details.add("summary");
    const char* verdict = to_string(e.result.verdict);
    summary.add("span", verdict).attr("class", std::string("verdict ") + verdict);
    summary.add("code", e.c.full_name()).attr("class", "name");
    summary.add("span", to_string(e.c.level)).attr("class", "level");
    if (!e.result.exchanges.empty()) summary.add("span", statuses(e.result)).attr("class", "status");
    if (e.result.verdict != Verdict::skipped)
        summary.add("span", millis_text(std::chrono::duration<double, std::milli>(e.result.response_time()).count()))
            .attr("class", "ms");
    if (const Finding* f = deciding_finding(e.result))
        summary.add("span", std::string(name_of(f->check)) + ": " + one_line(f->message, 160)).attr("class", "headline");
    else if (!e.result.skip_reason.empty())
        summary.add("span", one_line(e.result.skip_reason, 160)).attr("class", "headline");
}

void findings(Element body, const CaseResult& r) {
    if (r.findings.empty()) return;
    body.add("h4", "Findings");
    Element list = body.add("ul");
    list.attr("class", "findings");
    for (const auto& f : r.findings) {
        Element item = list.add("li");
        item.attr("class", to_string(f.level));
        item.add("b", to_string(f.level));
        item.text(" ");
        item.add("code", name_of(f.check));
        item.add("div", f.message).attr("class", "message");
    }
}

void body_block(Element pre, std::string_view body, Element note_parent) {
    if (body.empty()) return;
    const ShownBody shown = shown_body(body);
    pre.text("\n" + shown.text);
    if (!shown.note.empty()) note_parent.add("p", shown.note).attr("class", "note");
}

void request_block(Element body, const HttpRequest& request, const BaseUrl& base, const std::string& heading) {
    body.add("h4", heading);
    Element pre = body.add("pre");
    pre.attr("class", "http request");
    std::string head = request.method + " " + request.target + " HTTP/1.1\n";
    for (const auto& h : sent_request(request, base).headers) head += h.name + ": " + shown_value(h) + "\n";
    pre.text(head);
    body_block(pre, request.body, body);
}

void response_block(Element body, const Exchange& x, const std::string& heading) {
    body.add("h4", heading);
    if (!x.response) {
        body.add("p", std::string("no response: ") + to_string(x.error) + (x.error_detail.empty() ? "" : ": " + x.error_detail))
            .attr("class", "no-response");
        return;
    }
    const HttpResponse& r = *x.response;
    Element pre = body.add("pre");
    pre.attr("class", "http response");
    std::string head = std::string(x.response_version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ") + std::to_string(r.status) + "\n";
    for (const auto& h : r.headers) head += h.name + ": " + h.value + "\n";
    pre.text(head);
    body_block(pre, r.body, body);
    if (!x.framing_violation.empty())
        body.add("p", "framing: " + one_line(x.framing_violation, 300)).attr("class", "note");
}

void exchanges(Element body, const CaseResult& r, const BaseUrl& base) {
    const std::size_t n = std::min(r.requests.size(), r.exchanges.size());
    for (std::size_t i = 0; i < n; ++i) {
        const std::string of = n > 1 ? " (send " + std::to_string(i + 1) + " of " + std::to_string(n) + ")" : "";
        request_block(body, r.requests[i], base, "Request" + of);
        response_block(body, r.exchanges[i], "Response" + of);
    }
}

}  // namespace

std::string case_anchor(const Case& c) { return "case-" + c.full_name(); }

std::string millis_text(double ms) {
    char buf[32];
    if (ms >= 1000) std::snprintf(buf, sizeof buf, "%.2f s", ms / 1000);
    else if (ms >= 10) std::snprintf(buf, sizeof buf, "%.0f ms", ms);
    else if (ms >= 1) std::snprintf(buf, sizeof buf, "%.1f ms", ms);
    else std::snprintf(buf, sizeof buf, "%.2f ms", ms);
    return buf;
}

ShownBody shown_body(std::string_view body, std::size_t cap) {
    ShownBody out;
    const std::string whole(body);
    if (xml_safe_text(whole) != whole) {  // not UTF-8, or control characters: show the bytes
        out.text = printable(body, cap);
        out.note = "not UTF-8 text: " + std::to_string(body.size()) + " bytes shown escaped (\\xNN)";
        return out;
    }
    std::size_t keep = std::min(cap, body.size());
    while (keep < body.size() && keep > 0 && (static_cast<unsigned char>(body[keep]) & 0xc0) == 0x80) --keep;
    out.text = whole.substr(0, keep);
    if (keep < body.size())
        out.note = "body cut to " + std::to_string(keep) + " of " + std::to_string(body.size()) + " bytes";
    return out;
}

void case_details(Element parent, const RunTally::Entry& e, const RunInfo& info, const std::string& rerun_flags) {
    Element details = parent.add("details");
    details.attr("class", "case")
        .attr("id", case_anchor(e.c))
        .attr("data-verdict", to_string(e.result.verdict))
        .attr("data-suite", e.c.suite)
        .attr("data-checks", checks_of(e.result));
    summary_line(details, e);
    Element body = details.add("div");
    body.attr("class", "detail");
    body.add("p", e.c.requirement).attr("class", "requirement");
    body.add("p", "expected: " + expectation_text(e.c.expect)).attr("class", "expected");
    if (!e.result.contract_revision.empty())
        body.add("p", "judged under contract " + e.result.contract_revision).attr("class", "revision");
    if (!e.result.skip_reason.empty()) body.add("p", "skipped: " + e.result.skip_reason).attr("class", "skip-reason");
    findings(body, e.result);
    exchanges(body, e.result, info.base);
    body.add("h4", "Rerun this case");
    body.add("pre", rerun_command(e.c, rerun_flags)).attr("class", "cmd rerun");
    if (!e.result.requests.empty()) {
        body.add("h4", "Resend its last request");
        body.add("pre", curl_command(info.base, e.result.requests.back())).attr("class", "cmd curl");
    }
}

}  // namespace kms::html
