#include "harness/recorded/recorded_cases.hpp"

#include "common/lone_surrogates.hpp"
#include "common/strict_json.hpp"
#include "harness/run/retry_after.hpp"
#include "harness/run/run_suites.hpp"
#include "common/text.hpp"

#include "harness/checks/cache_evidence.hpp"
#include "harness/checks/state_checks.hpp"
#include "harness/contract/json_text.hpp"

#include <map>
#include <regex>
#include <set>
#include <utility>

namespace kms {

namespace {

struct Classified {
    RecordedOperation operation;
    std::string base_path, id;
};

// By method and path, as the contract's paths are written under some base path (/v2).
std::optional<Classified> classify(const HttpRequest& request) {
    static const std::regex replicate(R"(^(.*)/kms-key/([^/]+)/replicate$)");
    static const std::regex key(R"(^(.*)/kms-key/([^/]+)$)");
    static const std::regex operation(R"(^(.*)/operation/([^/]+)$)");
    const std::string path(target_path(request.target));
    std::smatch m;
    if (std::regex_match(path, m, replicate))
        return Classified{request.method == "POST" ? RecordedOperation::replicate : RecordedOperation::replicate_other_method,
                          m[1], m[2]};
    if (request.method == "GET" && std::regex_match(path, m, key)) return Classified{RecordedOperation::key_read, m[1], m[2]};
    if (request.method == "GET" && std::regex_match(path, m, operation))
        return Classified{RecordedOperation::operation_poll, m[1], m[2]};
    return std::nullopt;
}

// RFC 9110 §15.5.14: a server refuses content larger than it is willing to process, at a limit
// of its own choosing. A replicate body is a few dozen bytes; one beyond this was made large on
// purpose (whitespace, extra members), and 413 is as conforming an answer to it as 200 or 400.
constexpr std::size_t kPaddedBody = 1024;

// What the request schema makes of a replicate's body, and the zone it names when it accepts it.
struct BodyJudgement {
    // unknown: the recorder kept only part of the body; what the whole said is not known.
    enum class Kind { valid, invalid, unpredictable, unknown } kind;
    std::string zone;
};

BodyJudgement judge_body(const Contract& replicate, const std::string& body) {
    JsonParseError error;
    auto doc = parse_strict_json(body, 64, &error);
    // RFC 8259 §8.2: a lone surrogate escape makes "the behavior of software that receives" it
    // unpredictable; §4 says the same of a repeated member name. A server may take either way.
    if (!doc) return {lone_surrogate_escapes(body).empty() ? BodyJudgement::Kind::invalid : BodyJudgement::Kind::unpredictable, ""};
    if (doc->IsObject()) {
        int zones = 0;
        for (const auto& m : doc->GetObject()) zones += std::string_view(m.name.GetString()) == "zone";
        if (zones > 1) return {BodyJudgement::Kind::unpredictable, ""};
    }
    if (!replicate.request_schema().validate(*doc).empty()) return {BodyJudgement::Kind::invalid, ""};
    const auto zone = doc->FindMember("zone");
    if (zone == doc->MemberEnd() || !zone->value.IsString()) return {BodyJudgement::Kind::invalid, ""};
    return {BodyJudgement::Kind::valid, std::string(zone->value.GetString(), zone->value.GetStringLength())};
}

// What a recorded replicate says of its client: a request the contract refuses, and an
// Authorization header that is missing, not EXO2-HMAC-SHA256, or (given the secret) wrong.
std::vector<Finding> client_findings(const RecordedExchange& x, bool id_is_uuid, const BodyJudgement& body,
                                     const ClientJudging& client) {
    std::vector<Finding> out;
    if (!id_is_uuid)
        out.push_back({CheckId::client_request_valid, Level::must, "the key id in the path is not a uuid: " + x.request.target});
    else if (body.kind == BodyJudgement::Kind::invalid)
        out.push_back({CheckId::client_request_valid, Level::must,
                       "the body is one the request schema refuses: " + printable(x.request.body, 120)});
    else if (body.kind == BodyJudgement::Kind::unpredictable)
        out.push_back({CheckId::client_request_valid, Level::should,
                       "the body reads either way (a repeated member or a lone surrogate escape, RFC 8259 §4, §8.2): " +
                           printable(x.request.body, 120)});
    const auto header = find_header(x.request.headers, "Authorization");
    if (!header) {
        out.push_back({CheckId::client_signed, Level::must, "no Authorization header: the API wants EXO2-HMAC-SHA256"});
    } else if (header->find("REDACTED") != std::string::npos) {
        out.push_back({CheckId::client_signed, Level::informational,
                       "the Authorization header was redacted in the recording: its signature is not judged"});
    } else if (!parse_exo2_authorization(*header)) {
        out.push_back({CheckId::client_signed, Level::must, "not a well-formed EXO2-HMAC-SHA256 Authorization header"});
    } else if (client.credentials) {
        // As the server checks it, at the time the request was recorded (else at its expiry).
        const auto parsed = parse_exo2_authorization(*header);
        const std::int64_t at = x.started.value_or(parsed->expires - 1);
        const Exo2Verdict v = verify_exo2(*client.credentials, *header, x.request.method, x.request.target,
                                          x.request.body, at);
        if (v != Exo2Verdict::ok)
            out.push_back({CheckId::client_signed, Level::must,
                           std::string("the signature does not verify with the given secret: ") + to_string(v)});
    }
    return out;
}

// What the recording showed of the replicates' operations so far.
struct RecordedState {
    struct Operation {
        std::string key, zone;
        std::string source, pointer;               // where the replicate that created it was recorded
        std::optional<std::int64_t> created;       // when (Unix seconds), when the recording says
        std::optional<std::int64_t> last_polled;   // the last poll seen, and what it said
        std::string last_state;
        std::size_t polls = 0;
    };
    std::map<std::string, Operation> operations;                     // by operation id
    std::vector<std::pair<std::string, std::string>> succeeded;      // (key, zone), in order
};

std::optional<rapidjson::Document> json_body(const std::optional<HttpResponse>& response) {
    if (!response || response->status != 200) return std::nullopt;
    std::string error;
    auto doc = parse_response_json(response->body, &error);
    if (!doc || !doc->IsObject()) return std::nullopt;
    return doc;
}

// A replicate answered 200 with an operation: its id is followed in the polls that come after.
void note_operation(RecordedState& state, const RecordedExchange& x, const std::string& key, const std::string& zone,
                    const std::string& source) {
    auto doc = json_body(x.response);
    if (!doc) return;
    auto id = doc->FindMember("id");
    if (id == doc->MemberEnd() || !id->value.IsString()) return;
    RecordedState::Operation op;
    op.key = to_lower(key);
    op.zone = zone;
    op.source = source;
    op.pointer = x.pointer;
    op.created = x.started;
    op.last_state = operation_state_of(*doc);
    state.operations[id->value.GetString()] = std::move(op);
}

std::vector<Finding> poll_findings(RecordedState& state, const RecordedExchange& x, const std::string& polled,
                                   const std::string& base_path) {
    auto op = state.operations.find(polled);
    auto doc = json_body(x.response);
    if (op == state.operations.end() || !doc) return {};  // an operation the recording did not create
    std::vector<Finding> out = check_polled_operation(*doc, polled, op->second.key, base_path);
    const std::string s = operation_state_of(*doc);
    ++op->second.polls;
    op->second.last_state = s;
    if (x.started) op->second.last_polled = x.started;
    if (is_terminal_state(s))
        for (auto& f : check_end_state(*doc)) out.push_back(std::move(f));
    if (s == "success") state.succeeded.emplace_back(op->second.key, op->second.zone);
    return out;
}

std::vector<Finding> key_read_findings(const RecordedState& state, const RecordedExchange& x, const std::string& key) {
    auto doc = json_body(x.response);
    if (!doc) return {};
    std::string why;
    auto read = key_state_from(*doc, &why);
    if (!read) return {};  // the response checks judge the body's shape
    std::vector<Finding> out;
    const auto cached = served_from_cache(*x.response);
    for (const auto& [k, zone] : state.succeeded)
        if (k == to_lower(key))
            for (auto& f : check_replica_listed(*read, zone, cached)) out.push_back(std::move(f));
    return out;
}

// Takes the exchange's bytes: a recorded body is held once, by its case.
Send send_of(RecordedExchange&& x) {
    Send s;
    s.exchange.elapsed = x.time;
    s.request = std::move(x.request);
    if (x.response) s.exchange.response = std::move(*x.response);
    else s.exchange.error = TransportError::read;  // the client got no answer
    return s;
}

}  // namespace

const Contract* contract_of(RecordedOperation operation, const Contract& replicate, const ReadContracts& reads) {
    switch (operation) {
        case RecordedOperation::replicate:
        case RecordedOperation::replicate_other_method: return &replicate;
        case RecordedOperation::key_read: return reads.get_kms_key ? &*reads.get_kms_key : nullptr;
        case RecordedOperation::operation_poll: return reads.get_operation ? &*reads.get_operation : nullptr;
    }
    return nullptr;
}

struct RecordedPlanner::State {
    std::set<std::pair<std::string, std::string>> replicated;  // (key, zone) answered 2xx so far
    RecordedState seen;
};

RecordedPlanner::RecordedPlanner(const Contract& replicate, const ReadContracts& reads, ClientJudging client)
    : replicate_(replicate), reads_(reads), client_(std::move(client)), state_(std::make_unique<State>()) {}

RecordedPlanner::~RecordedPlanner() = default;

std::optional<RecordedPlanner::Planned> RecordedPlanner::plan(RecordedExchange&& x, const std::string& source,
                                                              const std::string& case_id) {
    const Contract& replicate = replicate_;
    const ClientJudging& client = client_;
    auto& replicated = state_->replicated;
    auto& state = state_->seen;
    auto op = classify(x.request);
    const Contract* contract = op ? contract_of(op->operation, replicate, reads_) : nullptr;
    if (!contract) return std::nullopt;
    Planned planned;
    RecordedCase& rc = planned.recorded;
    rc.operation = op->operation;
    rc.base_path = op->base_path;
    rc.url = x.url;
    Case& c = rc.c;
    c.suite = kRecordedSuite;
    c.id = case_id;
    c.file = source;
    c.line = 1;
    c.level = Level::must;
    const std::string where = source + " " + x.pointer + " (" + x.request.method + " " + x.url + ")";
    if (op->operation == RecordedOperation::replicate_other_method) {
        // The run's methods suite, for a client's request: refused (RFC 9110 §15.5.6: a 405
        // names the allowed methods in Allow), or 404 or 501 as other servers route it; OPTIONS
        // may be answered (a CORS preflight). Its signature is not known to hold: 401, 403.
        const bool options = x.request.method == "OPTIONS";
        c.expect.outcome = options ? Outcome::either : Outcome::rejected;
        c.expect.check = CheckId::malformed_rejected;
        c.expect.statuses = {405, 404, 501, 401, 403};
        if (options)
            for (int status : {200, 204})
                c.expect.statuses.push_back(status);
        c.requirement = "The " + x.request.method + " recorded at " + where + " is a method replicate's path does not take: " +
                        (options ? "it is answered (200, 204) or refused" : "it is refused") +
                        " (405 with Allow, or 404, 501; or 401/403).";
    } else if (op->operation == RecordedOperation::replicate) {
        // Read once: the client's findings below say why a body or id is refused.
        const BodyJudgement read_body = x.request_body_cut ? BodyJudgement{BodyJudgement::Kind::unknown, ""}
                                                           : judge_body(replicate, x.request.body);
        const bool uuid_id = is_uuid(op->id);
        const BodyJudgement body = uuid_id ? read_body : BodyJudgement{BodyJudgement::Kind::invalid, ""};
        const auto pair = std::make_pair(to_lower(op->id), body.zone);
        // The contract's requestBody is application/json; a JSON body labelled otherwise (or not
        // at all) should be refused, 400 or 415 (RFC 9110 §15.5.16), but no clause forbids a
        // server to read it anyway: either answer conforms, as a run's SHOULD case has it.
        const std::string content_type = find_header(x.request.headers, "Content-Type").value_or("");
        const bool labelled_json = media_type(content_type) == "application/json";
        // A recording cannot tell a valid signature from a wrong one (that needs the
        // secret): 401 or 403 is a conforming answer to any of its requests (RFC 9110
        // §15.5.2, §15.5.4; Exoscale answers 403), never a finding.
        if (body.kind == BodyJudgement::Kind::invalid) {
            // 4xx; the statuses HTTP gives a request refused for its size, media type or
            // an id no route matches (RFC 9110 §15.5.5, §15.5.14, §15.5.16) as allowed
            // as the contract's 400.
            c.expect.outcome = Outcome::rejected;
            c.expect.check = CheckId::malformed_rejected;
            c.expect.statuses = {400, 401, 403, 404, 413, 415};
            c.requirement = "The replicate recorded at " + where +
                            " is one the request schema (or the uuid id) refuses: it is rejected with a 4xx, "
                            "never answered Conflict.";
        } else if (body.kind == BodyJudgement::Kind::valid && labelled_json && replicated.count(pair)) {
            c.expect.outcome = Outcome::conflict;
            c.expect.check = CheckId::conflict_reported;
            c.expect.statuses = {401, 403};
            c.requirement = "The replicate recorded at " + where + " repeats zone " + body.zone +
                            " after the recording saw it answered 2xx: it is a 400 Conflict (or 401/403).";
            if (x.request.body.size() > kPaddedBody) {
                c.expect.statuses.push_back(413);
                c.requirement += " Its body is padded beyond " + std::to_string(kPaddedBody) + " bytes: 413 too.";
            }
        } else {
            // What the account holds is not in the recording: an unknown key or zone, a
            // key that is not multi-zone, is a 400 of the contract's own (its 400 lists
            // them), as much as a first replicate is a 200. The answer is judged by the
            // response checks; the expectation only keeps it among those. A body whose
            // reading is unpredictable (RFC 8259 §4, §8.2) is judged the same way.
            c.expect.outcome = Outcome::either;
            c.expect.statuses = {200, 400, 401, 403};
            c.requirement = "The replicate recorded at " + where +
                            " is valid by the request schema (or read either way): it is answered 200 "
                            "operation, or a 400 problem (Conflict, or a key or zone the account refuses), or "
                            "401/403.";
            if (!labelled_json && body.kind != BodyJudgement::Kind::unknown) {
                c.expect.statuses = {200, 400, 401, 403, 413, 415};
                c.requirement = "The replicate recorded at " + where + " has a body the request schema accepts, labelled " +
                                (content_type.empty() ? std::string("with no Content-Type") : "'" + content_type + "'") +
                                ", not application/json: it should be rejected (400, or 415 per RFC 9110 §15.5.16); a "
                                "server that reads it anyway answers as for a valid one (200 operation or a 400 problem).";
            } else if (body.kind == BodyJudgement::Kind::unknown) {
                // Valid or not, as the whole body was: any answer either branch allows.
                c.expect.statuses = {200, 400, 401, 403, 404, 413, 415};
                c.requirement = "The replicate recorded at " + where +
                                " has a body the recording did not keep whole: it is answered 200 operation or a "
                                "4xx the contract or HTTP gives a replicate.";
            } else if (x.request.body.size() > kPaddedBody) {
                c.expect.statuses.push_back(413);
                c.requirement += " Its body is padded beyond " + std::to_string(kPaddedBody) + " bytes: 413 too.";
            }
        }
        const bool zone = body.kind == BodyJudgement::Kind::valid;
        ClientCase cc;
        cc.c = c;
        cc.c.suite = kClientSuite;
        cc.c.level = client.level;
        cc.c.expect = Expectation{};
        cc.c.requirement = "The client's replicate recorded at " + where +
                           " is one the contract accepts (a uuid id, a body the request schema accepts) and "
                           "carries a valid EXO2-HMAC-SHA256 signature.";
        cc.request = x.request;
        cc.findings = client_findings(x, uuid_id, read_body, client);
        if (uuid_id && !labelled_json &&
            (read_body.kind == BodyJudgement::Kind::valid || read_body.kind == BodyJudgement::Kind::unpredictable))
            cc.findings.push_back({CheckId::client_request_valid, Level::should,
                                   "the body is labelled " +
                                       (content_type.empty() ? std::string("with no Content-Type") : "'" + content_type + "'") +
                                       ", not application/json, the contract's media type"});
        planned.client = std::move(cc);
        if (zone && x.response && x.response->status / 100 == 2) replicated.insert(pair);
        if (zone) note_operation(state, x, op->id, body.zone, source);
    } else {
        c.expect.outcome = Outcome::either;
        c.expect.statuses = contract->declared_statuses();
        // A recording cannot tell whether a read was validly signed (401, 403), nor whether an
        // id it never saw created exists (404, RFC 9110 §15.5.5): those answers conform too. An
        // operation the recording created, or a key it replicated, must be found (operation_known
        // and the state checks say so).
        bool seen = false;
        if (op->operation == RecordedOperation::operation_poll) seen = state.operations.count(op->id) > 0;
        else
            for (const auto& [id, created] : state.operations) seen = seen || created.key == to_lower(op->id);
        for (int status : {401, 403})
            c.expect.statuses.push_back(status);
        if (!seen) c.expect.statuses.push_back(404);
        c.requirement = std::string(op->operation == RecordedOperation::key_read ? "The key read" : "The operation poll") +
                        " recorded at " + where + " is answered as its operation declares" +
                        (op->operation == RecordedOperation::key_read
                             ? ", listing every zone a recorded operation replicated it to with success."
                             : ", naming the polled id and the replicated key when a recorded replicate returned it.");
        rc.state_findings = op->operation == RecordedOperation::key_read
                                ? key_read_findings(state, x, op->id)
                                : poll_findings(state, x, op->id, op->base_path);
    }
    // A response body the recorder did not keep whole (a browser keeps none of a body the
    // page never read; kmsconf cuts at 64 KiB) says nothing of the contract: its shape is
    // not judged (scope http makes those findings informational), and a Conflict, which
    // only the body can show, is not asked for.
    if (x.response_body_cut) {
        c.scope = Scope::http;
        c.requirement += " (Its response body was not recorded whole: its shape is not judged.)";
        if (c.expect.outcome == Outcome::conflict) {
            c.expect.outcome = Outcome::either;
            c.expect.statuses = {400, 401, 403};
        }
    }
    rc.send = send_of(std::move(x));  // last: everything above reads x
    return planned;
}

std::vector<SettleCase> RecordedPlanner::unsettled(std::chrono::milliseconds bound) const {
    std::vector<SettleCase> out;
    for (const auto& [id, op] : state_->seen.operations) {
        if (op.polls == 0 || is_terminal_state(op.last_state)) continue;  // not followed, or settled
        SettleCase sc;
        Case& c = sc.c;
        c.suite = kRecordedSuite;
        c.id = "operation-" + id;
        c.file = op.source;
        c.line = 1;
        c.level = Level::must;
        c.requirement = "The operation " + id + " that the replicate recorded at " + op.source + " " + op.pointer +
                        " returned leaves pending for success, failure or timeout within " +
                        std::to_string(bound.count()) + " ms (docs/contract.md §8; --operation-timeout-ms).";
        const std::string polled = std::to_string(op.polls) + " poll(s), the last saying '" + op.last_state + "'";
        if (!op.created || !op.last_polled) {
            sc.findings.push_back({CheckId::operation_settles, Level::informational,
                                   "not settled in the recording (" + polled + "), which does not say when each was made"});
        } else {
            const std::int64_t span_ms = (*op.last_polled - *op.created) * 1000;
            if (span_ms >= bound.count())
                sc.findings.push_back({CheckId::operation_settles, Level::must,
                                       "still " + op.last_state + " " + std::to_string(span_ms / 1000) +
                                           " s after the replicate (" + polled + "): a client's wait would not return"});
            else
                sc.findings.push_back({CheckId::operation_settles, Level::informational,
                                       "not settled when the client stopped polling, " + std::to_string(span_ms / 1000) +
                                           " s after the replicate (" + polled + "): not judged"});
        }
        out.push_back(std::move(sc));
    }
    return out;
}

CaseResult judge_settle(const SettleCase& sc) {
    CaseResult result;
    add_findings(sc.c, result, sc.findings);
    return result;
}

// A 429, or a 503 with Retry-After (retry_after.hpp's honoured_refusal): the server told the
// client to come back later, which a client honours. A run waits and resends, and judges what
// comes then; recorded traffic holds the refusal as an exchange of its own, conforming, that
// says nothing else of the operation.
CaseResult judge_recorded(RecordedCase& rc, ContractInForce& in_force) {
    if (const auto refusal = honoured_refusal(rc.send.exchange)) {
        CaseResult result;
        const HttpResponse& r = *rc.send.exchange.response;
        result.elapsed = rc.send.exchange.elapsed;
        const std::string what = std::to_string(r.status) + " with Retry-After: " + r.header("Retry-After").value_or("none");
        result.requests.push_back(std::move(rc.send.request));
        result.exchanges.push_back(std::move(rc.send.exchange));
        add_findings(rc.c, result,
                     {{*refusal, Level::informational,
                       "answered " + what + ": the client is told to come back later; the request was not processed, "
                       "so this exchange is not judged further"}});
        return result;
    }
    // Planned with these same reads: an exchange without its contract passed through.
    const Contract& contract = *contract_of(rc.operation, in_force.replicate(), in_force.reads());
    ContractInForce* deciding = rc.operation == RecordedOperation::replicate ? &in_force : nullptr;
    const auto elapsed = rc.send.exchange.elapsed;
    std::vector<Send> sends;
    sends.push_back(std::move(rc.send));
    CaseResult result = judge_sends(rc.c, std::move(sends), {contract, deciding, rc.base_path, std::chrono::milliseconds(0)});
    add_findings(rc.c, result, rc.state_findings);
    result.elapsed = elapsed;
    return result;
}

CaseResult judge_client(const ClientCase& cc) {
    CaseResult result;
    result.requests.push_back(cc.request);
    add_findings(cc.c, result, cc.findings);
    return result;
}

RecordedPlan plan_recorded(std::vector<RecordedFile> files, const Contract& replicate, const ReadContracts& reads,
                           const ClientJudging& client, std::chrono::milliseconds settle_bound) {
    RecordedPlan plan;
    RecordedPlanner planner(replicate, reads, client);
    for (std::size_t f = 0; f < files.size(); ++f) {
        for (auto& x : files[f].exchanges) {
            const std::string id = "file-" + std::to_string(f + 1) + "-entry-" + x.pointer.substr(x.pointer.rfind('/') + 1);
            auto planned = planner.plan(std::move(x), files[f].label, id);
            if (!planned) {
                ++plan.passed_through;
                continue;
            }
            plan.cases.push_back(std::move(planned->recorded));
            if (planned->client) plan.client.push_back(std::move(*planned->client));
        }
    }
    plan.unsettled = planner.unsettled(settle_bound);
    return plan;
}

}  // namespace kms
