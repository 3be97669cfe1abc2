#include "harness/contract/schema_validator.hpp"

#include "common/file_reading.hpp"
#include "harness/contract/json_text.hpp"

#include <valijson/adapters/rapidjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kms {

struct SchemaValidator::Impl {
    rapidjson::Document document;
    valijson::Schema schema;
    std::string name;
};

SchemaValidator::SchemaValidator() : impl_(std::make_unique<Impl>()) {}
SchemaValidator::~SchemaValidator() = default;

namespace {

// valijson's context is {"<root>", "[member]", "[0]", ...}; turn it into a JSON pointer.
std::string to_pointer(const std::vector<std::string>& context) {
    std::string pointer;
    for (std::size_t i = 1; i < context.size(); ++i) {
        const std::string& part = context[i];
        std::string token = part.size() >= 2 && part.front() == '[' && part.back() == ']'
                                ? part.substr(1, part.size() - 2)
                                : part;
        pointer += "/" + pointer_escape(token);
    }
    return pointer;
}

// valijson also reports, at each parent, that a child failed ("Failed to validate against
// schema associated with property name 'x'"); those add nothing once the child's own error is
// listed, so they are dropped when a deeper violation exists.
bool is_summary(const std::string& message) { return message.rfind("Failed to validate", 0) == 0; }

}  // namespace

std::shared_ptr<const SchemaValidator> SchemaValidator::from_file(const std::filesystem::path& file) {
    std::string error;
    const auto text = read_whole_file(file, &error);
    if (!text) throw std::runtime_error(file.string() + ": cannot open schema: " + error);
    auto doc = parse_json(*text, &error);
    if (!doc) throw std::runtime_error(file.string() + ": schema is not JSON: " + error);

    std::shared_ptr<SchemaValidator> v(new SchemaValidator());
    v->impl_->document = std::move(*doc);
    v->impl_->name = file.filename().string();
    try {
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        valijson::adapters::RapidJsonAdapter adapter(v->impl_->document);
        parser.populateSchema(adapter, v->impl_->schema);
    } catch (const std::exception& e) {
        throw std::runtime_error(file.string() + ": invalid JSON Schema: " + e.what());
    }
    return v;
}

std::vector<SchemaViolation> SchemaValidator::validate(const rapidjson::Value& instance) const {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::RapidJsonAdapter adapter(instance);
    validator.validate(impl_->schema, adapter, &results);

    std::vector<SchemaViolation> all;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) all.push_back({to_pointer(error.context), error.description});

    std::vector<SchemaViolation> out;
    for (const auto& v : all) {
        bool has_deeper = false;
        for (const auto& other : all)
            if (other.pointer.size() > v.pointer.size() && other.pointer.compare(0, v.pointer.size(), v.pointer) == 0)
                has_deeper = true;
        if (is_summary(v.message) && has_deeper) continue;
        SchemaViolation shown = v;
        if (const auto* actual = resolve_pointer(instance, v.pointer))
            shown.message += " (actual: " + render_short(*actual) + ")";
        out.push_back(std::move(shown));
    }
    return out;
}

const rapidjson::Document& SchemaValidator::document() const { return impl_->document; }
const std::string& SchemaValidator::name() const { return impl_->name; }

}  // namespace kms
