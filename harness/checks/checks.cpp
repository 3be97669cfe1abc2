#include "harness/checks/checks.hpp"

#include "harness/contract/formats.hpp"
#include "harness/contract/json_text.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

namespace kms {

namespace {

Finding must(CheckId check, std::string message) { return {check, Level::must, std::move(message)}; }

std::string statuses_text(const std::vector<int>& statuses) {
    std::string out;
    for (std::size_t i = 0; i < statuses.size(); ++i) out += (i ? ", " : "") + std::to_string(statuses[i]);
    return out;
}

// Splits a path into segments, ignoring empty ones (a leading '/').
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty()) {
        auto slash = path.find('/');
        auto seg = path.substr(0, slash);
        if (!seg.empty() || slash != std::string_view::npos) out.push_back(seg);
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    }
    return out;
}

// application/problem+json and the like: RFC 6839 §3.1's +json suffix says the content is
// JSON, and RFC 9457 §3 registers application/problem+json for problem details.
bool is_json_suffix_of(const std::string& got, const std::string& declared) {
    const std::string prefix = "application/", suffix = "+json";
    return declared == "application/json" && got.size() > prefix.size() + suffix.size() && got.rfind(prefix, 0) == 0 &&
           got.compare(got.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void check_content_type(const ResponseSpec& spec, const HttpResponse& r, std::vector<Finding>& out) {
    auto ct = r.header("Content-Type");
    if (!ct) {
        out.push_back(must(CheckId::content_type, "expected Content-Type " + spec.content_type + ", got none"));
        return;
    }
    const std::string got = media_type(*ct);
    if (got == spec.content_type) return;
    if (is_json_suffix_of(got, spec.content_type)) {
        // Generated clients (openapi-generator's isJsonMime, oapi-codegen, egoscale) read it as
        // JSON, and its body is still validated: a SHOULD, not a MUST.
        out.push_back({CheckId::content_type, Level::should,
                       "expected Content-Type " + spec.content_type + ", got '" + printable(*ct) +
                           "': JSON by its +json suffix (RFC 6839 §3.1), but not the declared media type"});
        return;
    }
    out.push_back(must(CheckId::content_type, "expected Content-Type " + spec.content_type + ", got '" + printable(*ct) + "'"));
}

// `doc` is the body parsed once by check_response (nullopt with `error` when it is not JSON).
using ParsedBody = std::optional<rapidjson::Document>;

void check_declared_body(const ResponseSpec& spec, const HttpResponse& r, const ParsedBody& doc,
                         const std::string& error, std::vector<Finding>& out) {
    if (!doc) {
        out.push_back(must(CheckId::body_schema, "the " + std::to_string(r.status) + " body must be JSON (" +
                                              spec.schema->name() + "), but it is not: " + error +
                                              "; body: " + printable(r.body)));
        return;
    }
    for (const auto& v : spec.schema->validate(*doc))
        out.push_back(must(CheckId::body_schema, spec.schema->name() + " at '" + v.pointer + "': " + v.message));
    for (const auto& v : check_formats(spec.schema->document(), *doc))
        out.push_back(must(CheckId::formats, spec.schema->name() + " at '" + v.pointer + "': \"" + v.value +
                                          "\" is not a valid " + v.format));
}

void check_problem_status(const HttpResponse& r, const ParsedBody& doc, std::vector<Finding>& out) {
    if (r.status < 400 || !doc || !doc->IsObject()) return;
    auto status = doc->FindMember("status");
    if (status == doc->MemberEnd()) return;
    if (!status->value.IsInt() || status->value.GetInt() != r.status)
        out.push_back(must(CheckId::problem_status, "problem body status " + render_short(status->value) +
                                                 " differs from the HTTP status " + std::to_string(r.status)));
}

}  // namespace

bool targets_operation(const Contract& contract, const HttpRequest& request, const std::string& base_path) {
    if (request.method != contract.method()) return false;
    std::string_view path = target_path(request.target);
    if (path.substr(0, base_path.size()) != base_path) return false;
    auto actual = segments(path.substr(base_path.size()));
    auto wanted = segments(contract.path_template());
    if (actual.size() != wanted.size()) return false;
    for (std::size_t i = 0; i < wanted.size(); ++i)
        if (!(wanted[i].size() > 1 && wanted[i].front() == '{') && actual[i] != wanted[i]) return false;
    return true;
}

std::vector<Finding> check_framing(const Exchange& exchange) {
    std::vector<Finding> out;
    // Found after the response was complete: the server's fault on this exchange, whatever the case.
    if (!exchange.framing_violation.empty()) out.push_back(must(CheckId::response_framing, exchange.framing_violation));
    // Found before this request was written: they followed the previous exchange, so they say
    // nothing about this case; the client dropped them with the connection.
    if (!exchange.stray_before.empty())
        out.push_back({CheckId::response_framing, Level::informational,
                       "bytes arrived after the previous exchange, with no request outstanding (RFC 9112 §9.2); "
                       "they were not read as this response, and the connection was replaced: " +
                           printable(exchange.stray_before, 120)});
    return out;
}

std::vector<Finding> check_response_time(const Exchange& exchange, std::chrono::milliseconds budget) {
    if (budget.count() <= 0 || !exchange.response || exchange.elapsed <= budget) return {};
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(exchange.elapsed);
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", static_cast<double>(took.count()) / 1000.0);
    return {must(CheckId::max_response_time, std::string("the response took ") + ms + " ms, over the budget of " +
                                          std::to_string(budget.count()) + " ms (--max-response-time-ms)")};
}

std::vector<Finding> check_response(const Contract& contract, const Case& c, const HttpRequest& request,
                                    const Exchange& exchange, const std::string& base_path) {
    std::vector<Finding> out = check_framing(exchange);
    if (exchange.error != TransportError::none || !exchange.response) {
        out.push_back(must(CheckId::response_in_time, std::string("no response (") + to_string(exchange.error) +
                                                   "): " + exchange.error_detail));
        return out;
    }
    const HttpResponse& r = *exchange.response;
    if (r.status < 100 || r.status > 599) {
        out.push_back(must(CheckId::status_valid, "status " + std::to_string(r.status) + " is outside 100-599"));
        return out;
    }
    // A case may list a 5xx itself: RFC 9110 §15.6.2 recommends 501 for an unknown method.
    if (r.status >= 500 && std::find(c.expect.statuses.begin(), c.expect.statuses.end(), r.status) == c.expect.statuses.end())
        out.push_back(must(CheckId::no_server_error, "the server answered " + std::to_string(r.status) +
                                                  "; body: " + printable(r.body)));

    const ResponseSpec* spec = contract.response(r.status);
    const bool operation = targets_operation(contract, request, base_path);
    bool allowed_by_case = std::find(c.expect.statuses.begin(), c.expect.statuses.end(), r.status) != c.expect.statuses.end();
    if (operation && !spec && !allowed_by_case && r.status < 500) {
        auto declared = contract.declared_statuses();
        out.push_back(must(CheckId::status_declared, "status " + std::to_string(r.status) + " is not declared by the " +
                                                  contract.revision() + " contract (declared: " +
                                                  statuses_text(declared) + ")"));
    }
    // The declared bodies judge the operation's responses; off the operation (a GET on its
    // path, say) only problem bodies are held to the contract's problem schema.
    std::string parse_error;
    std::size_t lone_surrogates = 0;
    const ParsedBody body = parse_response_json(r.body, &parse_error, &lone_surrogates);
    if (spec && (operation || spec->kind == "problem")) {
        check_content_type(*spec, r, out);
        check_declared_body(*spec, r, body, parse_error, out);
    }
    if (body && lone_surrogates > 0)
        out.push_back({CheckId::body_schema, Level::informational,
                       "the body escapes " + std::to_string(lone_surrogates) +
                           " lone surrogate(s) (e.g. a client's \\ud800 echoed, as Python's json.dumps writes it): "
                           "grammatical JSON (RFC 8259 §7) whose string holds no valid Unicode (§8.2; I-JSON, "
                           "RFC 7493 §2.1, forbids it); read as U+FFFD"});
    check_problem_status(r, body, out);
    if (r.status == 405 && !r.header("Allow"))
        out.push_back(must(CheckId::allow_header, "405 Method Not Allowed without an Allow header"));
    return out;
}

namespace {

bool has_phrase(const std::vector<std::string>& w, const char* first, const char* second) {
    for (std::size_t i = 0; i + 1 < w.size(); ++i)
        if (w[i] == first && w[i + 1] == second) return true;
    return false;
}

}  // namespace

// The latest spec names the error case "Conflict (already replicated in the target zone)":
// a server says it as a title or type naming conflict ("Conflict", "#/http-problem-types/conflict"),
// or a detail that opens with the case's name ("Conflict: key ... already replicated to ...") or
// says "already replicated". Words, not substrings: "Key is already pending deletion" is
// another error case, and "conflicting" is not "conflict".
bool is_conflict_problem(const HttpResponse& response) {
    if (response.status != 400) return false;
    std::string error;
    auto doc = parse_response_json(response.body, &error);
    if (!doc || !doc->IsObject()) return false;
    auto text_of = [&](const char* member) -> std::string {
        auto it = doc->FindMember(member);
        return it != doc->MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
    };
    if (has_word(words(text_of("title")), {"conflict"}) || has_word(words(text_of("type")), {"conflict"})) return true;
    const auto detail = words(text_of("detail"));
    return (!detail.empty() && detail.front() == "conflict") || has_phrase(detail, "already", "replicated");
}

bool is_already_applied(const HttpResponse& response) {
    if (response.status != 200) return false;
    std::string error;
    auto doc = parse_response_json(response.body, &error);
    if (!doc || !doc->IsObject()) return false;
    auto status = doc->FindMember("status");
    return status != doc->MemberEnd() && status->value.IsString() && std::string(status->value.GetString()) == "already-applied";
}

std::vector<Finding> check_expectation(const Case& c, const HttpResponse& r) {
    std::vector<Finding> out;
    auto fail = [&](std::string message) { out.push_back({c.expect.check, c.level, std::move(message)}); };
    const auto& allowed = c.expect.statuses;
    bool listed = allowed.empty() || std::find(allowed.begin(), allowed.end(), r.status) != allowed.end();
    std::string got = "got " + std::to_string(r.status) + ": " + printable(r.body, 160);

    switch (c.expect.outcome) {
        case Outcome::accepted:
            if (r.status == 400 && is_conflict_problem(r)) {
                out.push_back({CheckId::valid_accepted, Level::informational,
                               "answered 400 Conflict (already replicated): conforming for a stateful server"});
            } else if (r.status != 200 || !listed) {
                fail("expected 200 operation (or 400 Conflict), " + got);
            }
            break;
        case Outcome::rejected:
            // A Conflict means the server took the request as a valid replicate it had done
            // before: a lenient server would otherwise pass every malformed case after its
            // first run.
            // A status the case lists is accepted as a rejection even outside 4xx: Go's
            // ServeMux answers a path it cleans (//, dot segments) with 301 (RFC 3986 §5.2.4).
            if (is_conflict_problem(r))
                fail("expected a rejection of the malformed request, but the server answered Conflict, "
                     "i.e. took it as a valid replicate; " + got);
            else if (!allowed.empty() && listed)
                break;
            else if (r.status < 400 || r.status > 499)
                fail("expected a 4xx rejection" + (allowed.empty() ? "" : " (" + statuses_text(allowed) + ")") + ", " + got);
            else if (!listed)
                fail("expected " + statuses_text(allowed) + ", " + got);
            break;
        case Outcome::conflict:
            if (c.expect.already_applied_conforms && is_already_applied(r)) break;
            // A status the case lists conforms besides the Conflict: a recorded repeat's 401/403
            // (whether its signature held is not known) or 413 (a padded body). Never 400,
            // which must be the Conflict.
            if (!allowed.empty() && listed && r.status != 400) break;
            if (!is_conflict_problem(r))
                fail(std::string("expected 400 problem meaning Conflict (already replicated)") +
                     (c.expect.already_applied_conforms ? " or 200 already-applied" : "") + ", " + got);
            break;
        case Outcome::either:
            if (!listed) fail("expected " + statuses_text(allowed) + ", " + got);
            break;
    }
    return out;
}

}  // namespace kms
