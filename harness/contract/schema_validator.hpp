// A draft-07 JSON Schema loaded from a file and applied with valijson. Reports every violation
// with its RFC 6901 pointer and the offending value, not just the first. valijson stays in
// schema_validator.cpp.
#pragma once

#include <rapidjson/document.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace kms {

struct SchemaViolation {
    std::string pointer;  // "" is the root, "/reference/id" a member
    std::string message;  // valijson's description, with the actual value appended
};

class SchemaValidator {
public:
    // Throws std::runtime_error naming the file on a missing, unparsable or invalid schema.
    static std::shared_ptr<const SchemaValidator> from_file(const std::filesystem::path& file);
    ~SchemaValidator();

    std::vector<SchemaViolation> validate(const rapidjson::Value& instance) const;
    const rapidjson::Document& document() const;  // the schema itself (formats walk it)
    const std::string& name() const;               // file name, e.g. "operation.json"

private:
    SchemaValidator();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kms
