#include "harness/contract/schema_validator.hpp"

#include "common/file_reading.hpp"
#include "harness/contract/json_text.hpp"

#include <valijson/adapters/rapidjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <fstream>
#include <sstream>
#include <string_view>
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

// valijson 1.0 applies "format" to any instance by first casting it to a string, and a non-empty
// object or array cannot be cast: it aborts the process (or throws, with exceptions on). A server
// answering {"delete-at": {"id": "x"}} crashed kmsconf this way (found by fuzz_response_checks).
// JSON Schema draft 7 §7.1 says a format constrains strings only, and the instance's "type"
// already reports the wrong type, so each {"format": F} is given to valijson as
// {"if": {"type": "string"}, "then": {"format": F}}: the same verdict, without the cast. Values
// that are data, not subschemas (enum, const, default, examples), are left alone.
void guard_formats(rapidjson::Value& schema, rapidjson::Document::AllocatorType& alloc) {
    if (schema.IsArray()) {
        for (auto& item : schema.GetArray()) guard_formats(item, alloc);
        return;
    }
    if (!schema.IsObject()) return;
    for (auto& member : schema.GetObject()) {
        const std::string_view key(member.name.GetString(), member.name.GetStringLength());
        if (key != "enum" && key != "const" && key != "default" && key != "examples") guard_formats(member.value, alloc);
    }
    auto format = schema.FindMember("format");
    if (format == schema.MemberEnd() || !format->value.IsString()) return;
    rapidjson::Value only_strings(rapidjson::kObjectType), then(rapidjson::kObjectType);
    only_strings.AddMember("type", "string", alloc);
    then.AddMember("format", rapidjson::Value(format->value, alloc), alloc);
    schema.RemoveMember("format");
    rapidjson::Value conditional(rapidjson::kObjectType);
    conditional.AddMember("if", only_strings, alloc);
    conditional.AddMember("then", then, alloc);
    // A schema with its own if/then keeps them: the guard joins it through allOf.
    auto all_of = schema.FindMember("allOf");
    if (all_of != schema.MemberEnd() && all_of->value.IsArray()) {
        all_of->value.PushBack(conditional, alloc);
    } else if (!schema.HasMember("if")) {
        for (auto& m : conditional.GetObject()) schema.AddMember(m.name, m.value, alloc);
    } else {
        rapidjson::Value list(rapidjson::kArrayType);
        list.PushBack(conditional, alloc);
        schema.AddMember("allOf", list, alloc);
    }
}

// The guard's own "Failed to validate against a conditional schema" adds nothing to the format
// error it wraps, at the same pointer.
bool is_conditional_summary(const std::string& message) {
    return message.rfind("Failed to validate against a conditional schema", 0) == 0;
}

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
        rapidjson::Document for_valijson;  // document() keeps the file's schema, for check_formats
        for_valijson.CopyFrom(v->impl_->document, for_valijson.GetAllocator());
        guard_formats(for_valijson, for_valijson.GetAllocator());
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        valijson::adapters::RapidJsonAdapter adapter(for_valijson);
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
    try {
        validator.validate(impl_->schema, adapter, &results);
    } catch (const std::exception& e) {
        // Not a verdict on the response: valijson could not apply the schema (a kmsconf defect).
        throw std::runtime_error(impl_->name + ": the schema validator failed on this response: " + e.what());
    }

    std::vector<SchemaViolation> all;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) all.push_back({to_pointer(error.context), error.description});

    std::vector<SchemaViolation> out;
    for (const auto& v : all) {
        bool has_deeper = false, has_same = false;
        for (const auto& other : all) {
            if (other.pointer.size() > v.pointer.size() && other.pointer.compare(0, v.pointer.size(), v.pointer) == 0)
                has_deeper = true;
            if (&other != &v && other.pointer == v.pointer && !is_summary(other.message)) has_same = true;
        }
        if (is_summary(v.message) && has_deeper) continue;
        if (is_conditional_summary(v.message) && has_same) continue;
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
