#include "harness/run/stateful_run.hpp"
#include "harness/run/run_suites.hpp"

#include "harness/checks/cache_evidence.hpp"
#include "harness/checks/state_checks.hpp"
#include "harness/contract/json_text.hpp"
#include "harness/run/key_reader.hpp"

#include <cctype>
#include <iostream>

namespace kms {

namespace {

// The key id in a replicate's target (/v2/kms-key/<id>/replicate), percent-decoded.
std::string key_in_target(const std::string& target) {
    const std::string marker = "/kms-key/";
    auto from = target.find(marker);
    if (from == std::string::npos) return "";
    from += marker.size();
    auto to = target.find('/', from);
    const std::string raw = target.substr(from, to == std::string::npos ? std::string::npos : to - from);
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
            out += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += raw[i];
        }
    }
    return out;
}

// True when `id` (from a path) names `key` as a lenient uuid parser reads it: braces, urn:uuid:,
// no hyphens and any case (Python's uuid.UUID, Go's google/uuid). A server that accepted such a
// spelling replicated the key under test, and the run's state must follow it.
bool names_key(std::string id, const std::string& key) {
    auto hex_only = [](std::string s) {
        std::string out;
        for (char ch : s)
            if (ch != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return out;
    };
    id = hex_only(id);
    if (id.size() >= 2 && id.front() == '{' && id.back() == '}') id = id.substr(1, id.size() - 2);
    if (id.rfind("urn:uuid:", 0) == 0) id = id.substr(9);
    return !id.empty() && id == hex_only(key);
}

std::string body_zone(const Case& c, const Variables& vars) {
    if (c.request.body_is_raw) return zone_named(c.request.body);
    try {
        return zone_named(expand_placeholders(c.request.body, vars));
    } catch (const PlaceholderError&) {
        return "";  // the case itself reports it when it is built
    }
}

std::string list_text(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return "[" + out + "]";
}

}  // namespace

StatefulRun::StatefulRun(const Contract& replicate, ReadContracts reads, HttpClient& client, BaseUrl base,
                         Signer signer, Variables vars, RunTally& tally, StatefulOptions options)
    : replicate_(replicate), get_kms_key_(std::move(reads.get_kms_key)), get_operation_(std::move(reads.get_operation)),
      client_(client), base_(std::move(base)), signer_(std::move(signer)), vars_(std::move(vars)), tally_(tally),
      options_(std::move(options)) {
    if (options_.zones.empty()) options_.zones = exoscale_zones();
}

const Contract& StatefulRun::replicate() const { return in_force_ ? in_force_->replicate() : replicate_; }
const std::optional<Contract>& StatefulRun::key_read() const {
    return in_force_ ? in_force_->reads().get_kms_key : get_kms_key_;
}
const std::optional<Contract>& StatefulRun::operation_read() const {
    return in_force_ ? in_force_->reads().get_operation : get_operation_;
}

void StatefulRun::record(const Case& c, const CaseResult& result) {
    tally_.add(c, result);
    if (options_.listener) options_.listener->case_finished(c, result);
}

// A warning the console shows at once, besides every report.
void StatefulRun::warn_now(std::string warning) {
    warnings_.push_back(std::move(warning));
    std::cout << "kmsconf: " << warnings_.back() << "\n";
}

void StatefulRun::read_state_first() {
    std::optional<KeyState> state;
    if (!key_read()) {
        warnings_.push_back("contract " + replicate().revision() +
                            " declares no get-kms-key read: key state unknown, origin, replicas and side effects "
                            "unchecked");
    } else {
        Case c = read_case(kKeyStateSuite, "before-cases",
                           "docs/contract.md §6 get-kms-key: before the cases, GET /v2/kms-key/{id} answers the key "
                           "under test with 200 get-kms-key-response (its statuses and schema as the contract "
                           "declares that operation); its origin-zone and replicas aim the valid cases.",
                           "/kms-key/${key}");
        KeyRead read = read_key(*key_read(), c, client_, base_, signer_, vars_, in_force_);
        state = read.state;
        if (read.unavailable || !read.state) {
            const std::string status = read.result.exchanges.back().response
                                           ? std::to_string(read.result.exchanges.back().response->status)
                                           : std::string("nothing");
            warn_now("no key state (GET " + read.result.requests.back().target + " answered " + status +
                     "): the run falls back to the rules that need none; origin zone, replicas and side effects went "
                     "unchecked");
        }
        if (read.cached && read.state)
            warn_now(cached_answer_note("the key read before the cases", *read.cached, "state, which aims the cases,",
                                        "GET /v2/kms-key/{id}"));
        record(c, read.result);
    }
    plan_.emplace(state, options_.zones, vars_.zone);
    if (state) {
        const auto free = plan_->free_zones();
        std::cout << "kmsconf: key " << vars_.key << ": origin zone " << state->origin_zone << ", replicas "
                  << list_text(state->replicas) << "; not yet replicated: " << list_text(free) << "\n";
    }
}

void StatefulRun::before_case(Case& c, Variables& vars) {
    // A case the runner skips sends nothing: a run of only those must stay "nothing tested".
    if (!auth_mode_runnable(c.request.auth, signer_)) return;
    if (!started_) {
        started_ = true;
        read_state_first();
    }
    // Only the revision whose 200 is an operation answers every repeat Conflict.
    const ResponseSpec* ok = replicate().response(200);
    const bool repeat_may_succeed = !ok || ok->kind != "operation";
    if (c.expect.outcome == Outcome::conflict && repeat_may_succeed && !c.expect.already_applied_conforms) {
        c.expect.already_applied_conforms = true;
        c.requirement += " Under contract " + replicate().revision() + " a repeat may be 200 already-applied.";
    }
    if (!plan_->state_known()) return;
    vars.zone = plan_->zone_for(c);
    // A malformed body does not parse, but the zone it names is the one ${zone} put there.
    const bool templated = !c.request.body_is_raw && c.request.body.find("${zone}") != std::string::npos;
    const std::string zone = templated ? vars.zone : body_zone(c, vars);
    aimed_zone_ = zone;
    // A case that may replicate a watched zone comes: the rejections before it are judged now.
    // On the MUST rejections' zone that is any case but a MUST rejection (one below MUST shares
    // it only with fewer than three free zones); on the zone of those below MUST, a case not
    // meant to be rejected: each of them may be accepted, and a read before each would cost a
    // read a case, so one accepted there leaves the rejections before it unjudged instead.
    if (RejectionWatch* w = watch_for(zone); w && !w->rejected.empty()) {
        const bool may_be_accepted = c.expect.outcome != Outcome::rejected || (w == &must_watch_ && c.level != Level::must);
        if (may_be_accepted) check_rejections(*w);
    }
    c.requirement += plan_->adjust_expectation(c, zone, repeat_may_succeed);
}

void StatefulRun::after_case(const Case& c, const CaseResult& result) {
    // The state follows the answers, not the case's hopes: a request the server answered 2xx
    // was a replicate whatever its case expected (a lenient parser takes NaN, a lenient uuid
    // parser a braced id), and only requests refused or unanswered count as rejected.
    bool accepted = false;
    for (std::size_t i = 0; i < result.exchanges.size() && i < result.requests.size(); ++i) {
        const HttpRequest& request = result.requests[i];
        const Exchange& x = result.exchanges[i];
        if (!x.response || x.response->status < 200 || x.response->status > 299 ||
            !targets_operation(replicate(), request, base_.path))
            continue;
        accepted = true;
        std::string key = key_in_target(request.target);
        if (names_key(key, vars_.key)) key = vars_.key;
        // A body the strict reader refuses (NaN) names the zone ${zone} put there.
        std::string zone = zone_named(request.body);
        if (zone.empty() && key == vars_.key) zone = aimed_zone_;
        if (plan_ && key == vars_.key && !zone.empty()) plan_->replicated_now(zone);
        if (x.response->status != 200) continue;
        ++replicate_200s_;
        const ResponseSpec* spec = replicate().response(200);
        if (!operation_read() || !spec || spec->kind != "operation") continue;
        // A 200 that fits only the other revision holds no operation: its drift is the finding.
        if (in_force_) {
            auto e = in_force_->evidence(request, x, base_.path);
            if (e && e->revision != replicate().revision()) continue;
        }
        std::string error, op_id;
        if (auto doc = parse_response_json(x.response->body, &error); doc && doc->IsObject()) {
            auto id = doc->FindMember("id");
            if (id != doc->MemberEnd() && id->value.IsString()) op_id = id->value.GetString();
        }
        std::string name = c.full_name();
        if (i > 0) name += "-send-" + std::to_string(i + 1);
        operations_.push_back({name, c.file, c.line, op_id, key, zone, std::chrono::steady_clock::now()});
    }
    if (!plan_ || !plan_->state_known() || result.requests.empty()) return;
    if (accepted) {
        // It replicated the watched zone: the replica it made cannot be told from one a rejected
        // request made, so the rejections before it go unjudged, and say so.
        if (RejectionWatch* w = watch_for(aimed_zone_)) {
            if (!w->rejected.empty())
                warnings_.push_back(c.full_name() + " was answered 2xx and replicated " + w->zone + ", the zone " +
                                    std::to_string(w->rejected.size()) + " rejected request(s) before it had named (" +
                                    w->rejected.front() + (w->rejected.size() > 1 ? ", ..." : "") +
                                    "), so whether they replicated it went unchecked");
            w->rejected.clear();
            w->zone.clear();
        }
        return;
    }
    if (c.expect.outcome != Outcome::rejected || !replicates_key_under_test(c) || aimed_zone_.empty()) return;
    // Only the zones chosen for them are watched: ones the key had no replica in, nor got one since.
    RejectionWatch* w = aimed_zone_ == plan_->rejection_zone()           ? &must_watch_
                        : aimed_zone_ == plan_->lenient_rejection_zone() ? &lenient_watch_
                                                                         : nullptr;
    if (!w || w->checked) return;
    if (w->zone.empty() && !plan_->replicated(aimed_zone_)) w->zone = aimed_zone_;
    if (w->zone == aimed_zone_) w->rejected.push_back(c.full_name());
}

StatefulRun::RejectionWatch* StatefulRun::watch_for(const std::string& zone) {
    if (zone.empty()) return nullptr;
    if (must_watch_.zone == zone) return &must_watch_;
    if (lenient_watch_.zone == zone) return &lenient_watch_;
    return nullptr;
}

void StatefulRun::check_rejections(RejectionWatch& w) {
    Case c = read_case(kKeyStateSuite, w.case_id,
                       "docs/contract.md §2, §6 and §7: rejected replicates (malformed, or not validly signed) have no "
                       "effect: after " + std::to_string(w.rejected.size()) + " of them named " + w.zone +
                           ", not a replica before, the key read does not list it.",
                       "/kms-key/${key}");
    KeyRead read = read_key(*key_read(), c, client_, base_, signer_, vars_, in_force_);
    if (read.state && read.cached) {
        // A cached read says nothing of what the rejections did: not judged, never passed.
        const std::string why = "not judged: " + cached_key_read_note(*read.cached);
        read.result.findings.push_back({CheckId::rejection_replicated_nothing, Level::informational, why});
        warnings_.push_back(std::string("key-state.") + w.case_id + " " + why);
        read.result.verdict = grade(read.result.findings);
        if (read.result.verdict == Verdict::pass || read.result.verdict == Verdict::informational) {
            read.result.verdict = Verdict::skipped;
            read.result.skip_reason = why;
        }
    } else {
        if (read.state)
            for (auto& f : check_rejections_replicated_nothing(*read.state, w.zone, w.rejected))
                read.result.findings.push_back(std::move(f));
        read.result.verdict = grade(read.result.findings);
    }
    record(c, read.result);
    w.rejected.clear();
    w.zone.clear();
    w.checked = true;
}

void StatefulRun::finish() {
    if (!started_) return;  // no case ran
    for (RejectionWatch* w : {&must_watch_, &lenient_watch_})
        if (!w->zone.empty() && !w->rejected.empty()) check_rejections(*w);

    std::vector<FollowResult> followed;
    if (!operations_.empty() && operation_read()) {
        OperationFollower follower(*operation_read(), client_, base_, signer_, options_.poll);
        followed = follower.follow(operations_);
    }
    // One key read after them all shows the zones of those that succeeded.
    std::optional<KeyRead> after;
    bool any_success = false;
    for (const auto& f : followed) any_success = any_success || f.end_state == "success";
    if (any_success && plan_->state_known()) {
        Case c = read_case(kKeyStateSuite, "after-operations",
                           "docs/contract.md §6 get-kms-key: after the operations ended, GET /v2/kms-key/{id} answers "
                           "200 get-kms-key-response listing every zone an operation replicated to in replicas.",
                           "/kms-key/${key}");
        after = read_key(*key_read(), c, client_, base_, signer_, vars_, in_force_);
        for (auto& f : followed) {
            const FollowedOperation& op = operations_[static_cast<std::size_t>(&f - followed.data())];
            if (f.end_state != "success" || op.zone.empty() || !iequals(op.key_id, vars_.key) || !after->state) continue;
            for (auto& finding : check_replica_listed(*after->state, op.zone, after->cached))
                f.result.findings.push_back(std::move(finding));
            f.result.verdict = grade(f.result.findings);
        }
        for (auto& f : followed) record(f.c, f.result);
        record(c, after->result);
    } else {
        for (auto& f : followed) record(f.c, f.result);
    }

    if (replicate_200s_ == 0) {
        const ResponseSpec* spec = replicate().response(200);
        std::string w = "no replicate answered 200, so the " +
                        (spec ? spec->schema->name() : std::string("200")) + " schema of its body went untested";
        if (plan_->state_known() && plan_->free_zones().empty())
            w += " (every zone of the list is the key's origin or already a replica: try --zones, or another key "
                 "with --key-id)";
        warnings_.push_back(w);
    }
    if (in_force_)
        if (auto w = in_force_->warning()) warnings_.push_back(*w);
}

}  // namespace kms
