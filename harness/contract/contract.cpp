#include "harness/contract/contract.hpp"

#include "common/file_reading.hpp"
#include "harness/contract/json_text.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kms {

namespace {

std::string read_file(const std::filesystem::path& file) {
    std::string why;
    auto text = read_whole_file(file, &why);
    if (!text) throw std::runtime_error(file.string() + ": cannot open: " + why);
    return std::move(*text);
}

std::string string_member(const rapidjson::Value& obj, const char* name, const std::filesystem::path& file,
                          const std::string& where) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || !it->value.IsString())
        throw std::runtime_error(file.string() + ": " + where + "/" + name + " must be a string");
    return it->value.GetString();
}

rapidjson::Document read_contract_file(const std::filesystem::path& file) {
    std::string error;
    auto doc = parse_json(read_file(file), &error);
    if (!doc) throw std::runtime_error(file.string() + ": not JSON: " + error);
    if (!doc->IsObject()) throw std::runtime_error(file.string() + ": must be an object");
    return std::move(*doc);
}

// The `responses` member of `op` (at JSON pointer `where`): status -> content type, kind, schema.
void read_responses(const rapidjson::Value& op, const std::filesystem::path& file, const std::filesystem::path& dir,
                    const std::string& where, std::map<int, ResponseSpec>& out) {
    auto responses = op.FindMember("responses");
    if (responses == op.MemberEnd() || !responses->value.IsObject() || responses->value.MemberCount() == 0)
        throw std::runtime_error(file.string() + ": " + where + "/responses must be a non-empty object");
    for (const auto& r : responses->value.GetObject()) {
        std::string key = r.name.GetString();
        std::string at = where + "/responses/" + key;
        int status = std::atoi(key.c_str());
        if (status < 100 || status > 599 || std::to_string(status) != key || !r.value.IsObject())
            throw std::runtime_error(file.string() + ": " + at + " is not a status code with an object");
        ResponseSpec spec;
        spec.status = status;
        spec.content_type = string_member(r.value, "contentType", file, at);
        spec.kind = string_member(r.value, "kind", file, at);
        spec.schema = SchemaValidator::from_file(dir / string_member(r.value, "schema", file, at));
        out[status] = std::move(spec);
    }
}

}  // namespace

Contract Contract::load(const std::filesystem::path& dir) {
    const auto file = dir / "contract.json";
    auto doc = read_contract_file(file);

    Contract c;
    c.revision_ = string_member(doc, "revision", file, "");
    c.method_ = string_member(doc, "method", file, "");
    c.path_ = string_member(doc, "path", file, "");

    auto body = doc.FindMember("requestBody");
    if (body == doc.MemberEnd() || !body->value.IsObject())
        throw std::runtime_error(file.string() + ": /requestBody must be an object");
    c.request_schema_ = SchemaValidator::from_file(dir / string_member(body->value, "schema", file, "/requestBody"));

    read_responses(doc, file, dir, "", c.responses_);
    return c;
}

std::optional<Contract> Contract::load_read(const std::filesystem::path& dir, const std::string& operation_id) {
    const auto file = dir / "contract.json";
    auto doc = read_contract_file(file);
    auto reads = doc.FindMember("readOperations");
    if (reads == doc.MemberEnd()) return std::nullopt;
    if (!reads->value.IsObject()) throw std::runtime_error(file.string() + ": /readOperations must be an object");
    auto op = reads->value.FindMember(operation_id.c_str());
    if (op == reads->value.MemberEnd()) return std::nullopt;
    const std::string where = "/readOperations/" + operation_id;
    if (!op->value.IsObject()) throw std::runtime_error(file.string() + ": " + where + " must be an object");
    Contract c;
    c.revision_ = string_member(doc, "revision", file, "");
    c.method_ = string_member(op->value, "method", file, where);
    c.path_ = string_member(op->value, "path", file, where);
    read_responses(op->value, file, dir, where, c.responses_);
    return c;
}

ReadContracts load_reads(const std::filesystem::path& dir) {
    return {Contract::load_read(dir, "get-kms-key"), Contract::load_read(dir, "get-operation")};
}

const ResponseSpec* Contract::response(int status) const {
    auto it = responses_.find(status);
    return it == responses_.end() ? nullptr : &it->second;
}

std::string Contract::operation_path(const std::string& id) const {
    const std::string parameter = "{id}";
    const auto at = path_.find(parameter);
    if (at == std::string::npos)
        throw std::runtime_error("contract " + revision_ + ": path " + path_ + " has no {id} parameter");
    return path_.substr(0, at) + id + path_.substr(at + parameter.size());
}

std::vector<int> Contract::declared_statuses() const {
    std::vector<int> out;
    for (const auto& [status, spec] : responses_) out.push_back(status);
    return out;
}

}  // namespace kms
