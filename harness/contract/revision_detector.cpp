#include "harness/contract/revision_detector.hpp"

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
                                fits_text("the replicate 200 body", yes, *yes.replicate_200, no, no.replicate_200.get())};
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
                                        " dropped it)"};
        }
        return std::nullopt;
    }
    if (what == Answered::key_read && status == 200) {
        const bool va = valid(a.key_read_200.get(), body), vb = valid(b.key_read_200.get(), body);
        if (va == vb) return std::nullopt;
        const auto& yes = va ? a : b;
        const auto& no = va ? b : a;
        const auto violations = no.key_read_200->validate(body);
        std::string why;
        if (!violations.empty()) {
            // valijson's message without the echoed body: "Missing required property 'policy'."
            const std::string& m = violations.front().message;
            why = " (" + (violations.front().pointer.empty() ? "" : violations.front().pointer + ": ") +
                  m.substr(0, m.find(" (actual:")) + ")";
        }
        return RevisionEvidence{yes.revision, no.revision,
                                fits_text("the key read's 200 body", yes, *yes.key_read_200, no, no.key_read_200.get()) +
                                    why};
    }
    return std::nullopt;
}

}  // namespace kms
