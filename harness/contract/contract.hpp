// One revision of the replicate contract, loaded from schemas/<revision>/contract.json and the
// schemas it names: which statuses the operation declares, the content type and schema of each.
#pragma once

#include "harness/contract/schema_validator.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kms {

struct ResponseSpec {
    int status = 0;
    std::string content_type;  // media type, e.g. "application/json"
    std::string kind;          // "operation", "problem", "success" (what the body means)
    std::shared_ptr<const SchemaValidator> schema;
};

class Contract {
public:
    // `dir` is schemas/<revision>. Throws std::runtime_error naming the file on any problem.
    static Contract load(const std::filesystem::path& dir);
    // One of the read operations the revision's contract.json declares under `readOperations` (by
    // operationId: "get-kms-key", "get-operation"), as a Contract of its own, so that the
    // response checks judge its answers as they judge the replicate's. nullopt when the file
    // declares no such operation; throws as load() does on a malformed declaration.
    static std::optional<Contract> load_read(const std::filesystem::path& dir, const std::string& operation_id);

    const std::string& revision() const { return revision_; }
    const std::string& method() const { return method_; }
    const std::string& path_template() const { return path_; }  // "/kms-key/{id}/replicate"
    // The path with `id` in its {id} parameter: "/kms-key/<id>/replicate", relative to the base
    // URL's path. Throws std::runtime_error when the template has no {id}.
    std::string operation_path(const std::string& id) const;
    const ResponseSpec* response(int status) const;              // nullptr: not declared
    std::vector<int> declared_statuses() const;
    const SchemaValidator& request_schema() const { return *request_schema_; }  // not for reads

private:
    std::string revision_, method_, path_;
    std::map<int, ResponseSpec> responses_;
    std::shared_ptr<const SchemaValidator> request_schema_;
};

// The revision `kmsconf run` and `kmsconf bench` use unless told otherwise (the seed's).
inline constexpr const char* kDefaultContractRevision = "2026-03-31";

// The read operations a run asks beside the replicate (get-kms-key, get-operation), each
// nullopt when the revision's contract.json does not declare it.
struct ReadContracts {
    std::optional<Contract> get_kms_key, get_operation;
};
ReadContracts load_reads(const std::filesystem::path& dir);

}  // namespace kms
