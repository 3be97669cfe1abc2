// Which contract revision a response speaks (issue 9 item 4, docs/contract.md §1). The two
// revisions differ where a response can show it: replicate's 200 body (2026-03-31 `operation`,
// 2026-07-20 `success-response`), the problem members (`instance` and `errors` exist only in
// 2026-03-31) and the key read (2026-03-31 requires `policy` and `zone`). Pure: no I/O, so the
// rule is unit-tested on canned bodies.
#pragma once

#include "harness/contract/contract.hpp"

#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kms {

// The schemas of one revision that tell revisions apart (null where it declares none).
struct RevisionSchemas {
    std::string revision;
    std::shared_ptr<const SchemaValidator> replicate_200, problem, key_read_200;
};
RevisionSchemas revision_schemas(const Contract& replicate, const ReadContracts& reads);

// What a response answered: the replicate, the key read, or something else (never decisive).
enum class Answered { replicate, key_read, other };

// How far a response is from the revision it does not fit, strongest last. A server of one
// revision may conform while it sends what the other declares: both allow members they do not
// declare (no additionalProperties: false), and RFC 9457 §3.2 allows a problem any extension
// member (`instance` is even one of its own, §3.1.5). So only a response the other revision's
// schema refuses is proof; the rest is a hint.
enum class EvidenceStrength {
    extension,     // carries members only this revision declares; the other allows them
    shape,         // valid under both, but fits this one's members exactly and not the other's
    breaks_other,  // the other revision's schema refuses it
};

struct RevisionEvidence {
    std::string revision;  // the one the response fits
    std::string other;     // the one it does not
    std::string reason;    // e.g. "the replicate 200 body fits 2026-07-20's success-response, not 2026-03-31's operation"
    EvidenceStrength strength = EvidenceStrength::extension;
};

// The revision of `a` and `b` a response speaks, when it fits exactly one of them:
// - a replicate 200 body that validates against one revision's 200 schema and has no member
//   it leaves undeclared (the schemas allow extra members, so validation alone would let
//   {"status": "target-registered"} pass as an operation with every member optional);
// - a 4xx problem carrying a member (`instance`, `errors`) only one revision's error-response
//   declares;
// - a key read 200 carrying a member only one revision's get-kms-key-response declares
//   (`policy`: 2026-03-31; `delete-at`: 2026-07-20), or lacking one that only one of them
//   declares and requires (`policy`, `description`, `replicas`: 2026-03-31).
// nullopt when the response fits both or neither (a problem without those members, say).
std::optional<RevisionEvidence> revision_evidence(const RevisionSchemas& a, const RevisionSchemas& b, Answered what,
                                                  int status, const rapidjson::Value& body);

}  // namespace kms
