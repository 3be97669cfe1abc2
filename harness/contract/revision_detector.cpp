#include "harness/contract/revision_detector.hpp"

#include <algorithm>

namespace kms {

namespace {

std::shared_ptr<const SchemaValidator> schema_of(const std::optional<Contract>& contract, int status) {
    if (!contract) return nullptr;
    const ResponseSpec* spec = contract->response(status);
    return spec ? spec->schema : nullptr;
}

// "operation.json" -> "operation": the component's name as the spec has it.
std::string component(const SchemaValidator& schema) {
    std::string name = schema.name();
    const std::string ext = ".json";
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
        name.resize(name.size() - ext.size());
    return name;
}

bool declares(const SchemaValidator& schema, const char* member) {
    const auto& doc = schema.document();
    auto props = doc.FindMember("properties");
    return props != doc.MemberEnd() && props->value.IsObject() && props->value.HasMember(member);
}

std::vector<std::string> required_members(const SchemaValidator& schema) {
    std::vector<std::string> out;
    const auto& doc = schema.document();
    auto req = doc.FindMember("required");
    if (req != doc.MemberEnd() && req->value.IsArray())
        for (const auto& r : req->value.GetArray())
            if (r.IsString()) out.emplace_back(r.GetString());
    return out;
}

bool required_by(const SchemaValidator& schema, const std::string& member) {
    const auto all = required_members(schema);
    return std::find(all.begin(), all.end(), member) != all.end();
}

bool valid(const SchemaValidator* schema, const rapidjson::Value& body) {
    return schema && schema->validate(body).empty();
}

// Valid, and every member one the schema declares.
bool fits_exactly(const SchemaValidator* schema, const rapidjson::Value& body) {
    if (!valid(schema, body) || !body.IsObject()) return false;
    for (auto m = body.MemberBegin(); m != body.MemberEnd(); ++m)
        if (!declares(*schema, m->name.GetString())) return false;
    return true;
}

std::string fits_text(const std::string& what, const RevisionSchemas& yes, const SchemaValidator& yes_schema,
                      const RevisionSchemas& no, const SchemaValidator* no_schema) {
    return what + " fits " + yes.revision + "'s " + component(yes_schema) + ", not " + no.revision + "'s " +
           (no_schema ? component(*no_schema) : std::string("(none declared)"));
}

}  // namespace

RevisionSchemas revision_schemas(const Contract& replicate, const ReadContracts& reads) {
    RevisionSchemas out;
    out.revision = replicate.revision();
    if (const ResponseSpec* ok = replicate.response(200)) out.replicate_200 = ok->schema;
    if (const ResponseSpec* bad = replicate.response(400)) out.problem = bad->schema;
    out.key_read_200 = schema_of(reads.get_kms_key, 200);
    return out;
}

std::optional<RevisionEvidence> revision_evidence(const RevisionSchemas& a, const RevisionSchemas& b, Answered what,
                                                  int status, const rapidjson::Value& body) {
    if (!body.IsObject()) return std::nullopt;
    if (what == Answered::replicate && status == 200) {
        const bool fa = fits_exactly(a.replicate_200.get(), body), fb = fits_exactly(b.replicate_200.get(), body);
        if (fa == fb) return std::nullopt;
        const auto& yes = fa ? a : b;
        const auto& no = fa ? b : a;
        return RevisionEvidence{yes.revision, no.revision,
                                fits_text("the replicate 200 body", yes, *yes.replicate_200, no, no.replicate_200.get()),
                                valid(no.replicate_200.get(), body) ? EvidenceStrength::shape
                                                                    : EvidenceStrength::breaks_other};
    }
    if (status >= 400 && status <= 499 && a.problem && b.problem) {
        for (const char* member : {"instance", "errors"}) {
            if (!body.HasMember(member)) continue;
            const bool da = declares(*a.problem, member), db = declares(*b.problem, member);
            if (da == db) continue;
            const auto& yes = da ? a : b;
            const auto& no = da ? b : a;
            return RevisionEvidence{yes.revision, no.revision,
                                    "the " + std::to_string(status) + " problem carries `" + member + "`, which only " +
                                        yes.revision + "'s " + component(*yes.problem) + " declares (" + no.revision +
                                        " dropped it)",
                                    EvidenceStrength::extension};
        }
        return std::nullopt;
    }
    if (what == Answered::key_read && status == 200 && a.key_read_200 && b.key_read_200) {
        // A member the other revision requires and this body lacks: its schema refuses it.
        for (const auto* side : {&a, &b}) {
            const auto& no = *side;
            const auto& yes = side == &a ? b : a;
            for (const auto& member : required_members(*no.key_read_200)) {
                if (body.HasMember(member.c_str()) || !declares(*no.key_read_200, member.c_str()) ||
                    required_by(*yes.key_read_200, member))
                    continue;
                return RevisionEvidence{yes.revision, no.revision,
                                        "the key read has no `" + member + "`, which " + no.revision + "'s " +
                                            component(*no.key_read_200) + " requires and " + yes.revision + "'s does not",
                                        EvidenceStrength::breaks_other};
            }
        }
        // By members, not by validation: the 2026-03-31 spec requires `zone` without declaring
        // it, so a mock of that spec (Prism) omits it and would otherwise read as 2026-07-20.
        for (auto m = body.MemberBegin(); m != body.MemberEnd(); ++m) {
            const char* member = m->name.GetString();
            const bool da = declares(*a.key_read_200, member), db = declares(*b.key_read_200, member);
            if (da == db) continue;
            const auto& yes = da ? a : b;
            const auto& no = da ? b : a;
            return RevisionEvidence{yes.revision, no.revision,
                                    "the key read carries `" + std::string(member) + "`, which only " + yes.revision +
                                        "'s " + component(*yes.key_read_200) + " declares",
                                    EvidenceStrength::extension};
        }
    }
    return std::nullopt;
}

}  // namespace kms
