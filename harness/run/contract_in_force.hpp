// The contract revision a run judges by (issue 9 item 4). Pinned (--contract REV): that one,
// and a response that fits only the other known revision is contract drift. Automatic
// (--contract auto): provisionally the default revision, fixed at the first decisive response
// (revision_detector.hpp; the key read and the valid cases come first, so the first replicate
// 200 at the latest); each response is graded under the revision in force when it is. Once
// fixed, a response that fits only the other revision is drift, as with a pinned one.
#pragma once

#include "harness/checks/checks.hpp"
#include "harness/contract/contract.hpp"
#include "harness/contract/revision_detector.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kms {

struct RevisionContracts {
    Contract replicate;
    ReadContracts reads;
};

class ContractInForce {
public:
    // `first`: the pinned revision, or under `automatic` the default one; `other`: the revision
    // drift is named against (nullopt: a contract directory of the user's, no drift possible).
    ContractInForce(RevisionContracts first, std::optional<RevisionContracts> other, bool automatic);

    const Contract& replicate() const { return revisions_[in_force_].replicate; }
    const ReadContracts& reads() const { return revisions_[in_force_].reads; }
    bool automatic() const { return automatic_; }
    bool decided() const { return !automatic_ || decided_; }

    // Every response, before it is graded. Automatic and not yet decided: a decisive response
    // fixes the revision (and is graded under it); decided on a hint (extension members), a
    // stronger response for the other revision decides again. Otherwise: a contract_drift
    // finding when the response fits only the other revision, naming both, at the level its
    // evidence bears (revision_detector.hpp): MUST when the revision in force refuses the
    // response, SHOULD when only its shape fits the other, informational for extension members.
    struct Drift {
        Finding finding;   // contract_drift, naming both revisions and why
        std::string note;  // "[contract drift: fits 2026-07-20, not 2026-03-31]", for the exchange's other failures
    };
    std::optional<Drift> observe(const HttpRequest& request, const Exchange& exchange, const std::string& base_path);
    // The evidence this response gives, whatever is in force (nullopt: not decisive).
    std::optional<RevisionEvidence> evidence(const HttpRequest& request, const Exchange& exchange,
                                             const std::string& base_path) const;

    // Why this revision: "pinned by --contract", or the evidence that decided it, or that
    // nothing did (then warning() says so too).
    const std::string& basis() const { return basis_; }
    // No --contract was given: the pinned revision is the default, and every report says so.
    void mark_default();
    std::optional<std::string> warning() const;

private:
    std::vector<RevisionContracts> revisions_;
    std::vector<RevisionSchemas> schemas_;
    std::size_t in_force_ = 0;
    bool automatic_ = false, decided_ = false;
    EvidenceStrength decided_by_ = EvidenceStrength::extension;  // under automatic, once decided_
    std::string basis_;
    bool default_revision_ = false;  // pinned because no --contract was given (mark_default)
    const char* pinned_how() const;
};

}  // namespace kms

namespace kms {

// The findings of an exchange with its drift findings: each MUST finding of the exchange then
// says that the response fits the other revision, so that no failure reads as a plain breach.
void add_drift(std::vector<Finding>& findings, std::optional<ContractInForce::Drift> drift);

}  // namespace kms

namespace kms {

// The revisions kmsconf knows (schemas/<name>/), the default first.
const std::vector<std::string>& known_revisions();

// --contract: "auto", a revision under `schemas_dir`, or a directory holding a contract.json.
// A known revision (or a directory of one) has the other known one to name drift against.
// Throws std::runtime_error naming the file on any problem.
ContractInForce load_contract_in_force(const std::string& flag, const std::filesystem::path& schemas_dir);

}  // namespace kms
