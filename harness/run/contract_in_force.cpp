#include "harness/run/contract_in_force.hpp"

#include "harness/contract/json_text.hpp"

#include <algorithm>

namespace kms {

ContractInForce::ContractInForce(RevisionContracts first, std::optional<RevisionContracts> other, bool automatic)
    : automatic_(automatic && other.has_value()) {
    revisions_.push_back(std::move(first));
    if (other) revisions_.push_back(std::move(*other));
    for (const auto& r : revisions_) schemas_.push_back(revision_schemas(r.replicate, r.reads));
    basis_ = automatic_ ? "--contract auto, provisional: no decisive response yet" : pinned_how();
}

void ContractInForce::mark_default() {
    if (automatic_) return;
    default_revision_ = true;
    basis_ = pinned_how();
}

const char* ContractInForce::pinned_how() const {
    return default_revision_ ? "the default revision, no --contract given" : "pinned by --contract";
}

std::optional<RevisionEvidence> ContractInForce::evidence(const HttpRequest& request, const Exchange& exchange,
                                                          const std::string& base_path) const {
    if (schemas_.size() < 2 || !exchange.response) return std::nullopt;
    const Contract& any = revisions_[0].replicate;  // both revisions have the same paths
    Answered what = Answered::other;
    if (targets_operation(any, request, base_path)) what = Answered::replicate;
    else if (revisions_[0].reads.get_kms_key && targets_operation(*revisions_[0].reads.get_kms_key, request, base_path))
        what = Answered::key_read;
    std::string error;
    auto doc = parse_response_json(exchange.response->body, &error);
    if (!doc) return std::nullopt;
    return revision_evidence(schemas_[0], schemas_[1], what, exchange.response->status, *doc);
}

std::optional<ContractInForce::Drift> ContractInForce::observe(const HttpRequest& request, const Exchange& exchange,
                                              const std::string& base_path) {
    auto e = evidence(request, exchange, base_path);
    if (!e) return std::nullopt;
    const bool contrary = e->revision != replicate().revision();
    // A decision on a hint alone (members the other revision allows) yields to proof.
    const bool hint_overruled = automatic_ && contrary && decided_by_ == EvidenceStrength::extension &&
                                e->strength > EvidenceStrength::extension;
    if (!decided() || hint_overruled) {
        in_force_ = e->revision == revisions_[0].replicate.revision() ? 0 : 1;
        basis_ = "--contract auto: " + e->reason + " (" + request.method + " " + request.target + ")" +
                 (decided_ ? "; an earlier hint had pointed to " + e->other : "");
        decided_ = true;
        decided_by_ = e->strength;
        return std::nullopt;
    }
    if (!contrary) {
        if (automatic_) decided_by_ = std::max(decided_by_, e->strength);
        return std::nullopt;
    }
    const Level level = e->strength == EvidenceStrength::breaks_other ? Level::must
                        : e->strength == EvidenceStrength::shape      ? Level::should
                                                                      : Level::informational;
    return Drift{{CheckId::contract_drift, level,
                  e->reason + ": contract drift (the run judges by " + replicate().revision() + ", " +
                      (automatic_ ? std::string("decided earlier") : pinned_how()) + "; the target speaks " +
                      e->revision + " here)"},
                 " [contract drift: the response fits " + e->revision + ", not " + e->other + "]"};
}

std::optional<std::string> ContractInForce::warning() const {
    if (decided()) return std::nullopt;
    return "--contract auto: no response told the revisions apart (no replicate 200, no problem with instance or "
           "errors, no key read that fits one only), so the run judged by the default " +
           replicate().revision();
}

}  // namespace kms

namespace kms {

void add_drift(std::vector<Finding>& findings, std::optional<ContractInForce::Drift> drift) {
    if (!drift) return;
    // A hint (an extension member) explains no failure, so it annotates none.
    if (drift->finding.level != Level::informational)
        for (auto& f : findings)
            if (f.level == Level::must) f.message += drift->note;
    findings.push_back(std::move(drift->finding));
}

}  // namespace kms

namespace kms {

const std::vector<std::string>& known_revisions() {
    static const std::vector<std::string> names{kDefaultContractRevision, "2026-07-20"};
    return names;
}

namespace {

RevisionContracts load_revision(const std::filesystem::path& dir) {
    return {Contract::load(dir), load_reads(dir)};
}

}  // namespace

ContractInForce load_contract_in_force(const std::string& flag, const std::filesystem::path& schemas_dir) {
    const auto& known = known_revisions();
    if (flag == "auto") return ContractInForce(load_revision(schemas_dir / known[0]), load_revision(schemas_dir / known[1]), true);
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::is_directory(flag, ec) ? std::filesystem::path(flag) : schemas_dir / flag;
    RevisionContracts pinned = load_revision(dir);
    std::optional<RevisionContracts> other;
    for (const auto& name : known)
        if (name != pinned.replicate.revision() &&
            std::find(known.begin(), known.end(), pinned.replicate.revision()) != known.end())
            other = load_revision(schemas_dir / name);
    return ContractInForce(std::move(pinned), std::move(other), false);
}

}  // namespace kms
