#include "harness/cases/case_generator.hpp"

#include "harness/contract/json_text.hpp"

#include <cstdio>
#include <functional>

namespace kms {

namespace {

// SplitMix64: tiny, fast, and the same sequence on every platform and standard library
// (std::uniform_int_distribution is not), so generated ids and bodies are reproducible.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

private:
    std::uint64_t state_;
};

using Alloc = rapidjson::Document::AllocatorType;

const char* const kTypes[] = {"null", "boolean", "integer", "number", "string", "array", "object"};

// A random value of a JSON type (for "string": a random identifier-like text).
rapidjson::Value random_value(const std::string& type, Rng& rng, Alloc& a) {
    if (type == "null") return rapidjson::Value(rapidjson::kNullType);
    if (type == "boolean") return rapidjson::Value(rng.below(2) == 0);
    if (type == "integer") return rapidjson::Value(static_cast<std::int64_t>(rng.next() % 2000001) - 1000000);
    if (type == "number") return rapidjson::Value(static_cast<double>(rng.next() % 100000) / 7.0 + 0.5);
    if (type == "string") {
        static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789-_ ";
        std::string s(1 + rng.below(24), 'x');
        for (auto& ch : s) ch = alphabet[rng.below(sizeof alphabet - 1)];
        return rapidjson::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
    }
    if (type == "array") {
        rapidjson::Value v(rapidjson::kArrayType);
        for (std::size_t i = rng.below(3); i > 0; --i) v.PushBack(random_value("integer", rng, a), a);
        return v;
    }
    rapidjson::Value v(rapidjson::kObjectType);
    v.AddMember("k", random_value("string", rng, a), a);
    return v;
}

// The JSON types a schema's `type` admits ("integer" is also a "number").
bool admits(const rapidjson::Value& schema, const std::string& type) {
    auto t = schema.FindMember("type");
    if (t == schema.MemberEnd()) return true;
    auto one = [&](const rapidjson::Value& v) {
        std::string name = v.GetString();
        return name == type || (name == "number" && type == "integer");
    };
    if (t->value.IsString()) return one(t->value);
    for (const auto& v : t->value.GetArray())
        if (one(v)) return true;
    return false;
}

struct Mutation {
    std::string name;       // id prefix
    std::string requirement;
    Outcome outcome;
    std::function<std::string(Rng&)> body;  // the body for one variant
};

// "an integer", "a null": for requirement sentences a person reads.
std::string with_article(const std::string& word) {
    return (std::string("aeiou").find(word[0]) != std::string::npos ? "an " : "a ") + word;
}

std::string hex8(std::uint64_t v) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(v & 0xffffffffu));
    return buf;
}

std::vector<Mutation> mutations(const rapidjson::Value& schema, const std::string& valid_zone) {
    std::vector<Mutation> out;
    const std::string title = schema.HasMember("title") && schema["title"].IsString() ? schema["title"].GetString()
                                                                                      : "the request schema";
    // A valid instance: every required string member set (zone gets a real zone).
    // The schema outlives the cases (it belongs to the loaded contract): capture by pointer.
    auto valid_object = [s = &schema, valid_zone](Alloc& a) {
        rapidjson::Value obj(rapidjson::kObjectType);
        if (s->HasMember("required"))
            for (const auto& r : (*s)["required"].GetArray())
                obj.AddMember(rapidjson::Value(r.GetString(), a), rapidjson::Value(valid_zone.c_str(), a), a);
        return obj;
    };
    for (const char* type : kTypes) {
        if (admits(schema, type)) continue;
        out.push_back({std::string("root-as-") + type, title + " is an object: " + with_article(type) + " body is rejected with 400.",
                       Outcome::rejected, [t = std::string(type)](Rng& rng) {
                           rapidjson::Document d;
                           rapidjson::Value v = random_value(t, rng, d.GetAllocator());
                           return to_json(v);
                       }});
    }
    if (schema.HasMember("required")) {
        for (const auto& r : schema["required"].GetArray()) {
            std::string member = r.GetString();
            out.push_back({"drop-" + member, title + " requires `" + member + "`: a body without it is rejected with 400.",
                           Outcome::rejected, [valid_object, member](Rng& rng) {
                               rapidjson::Document d;
                               auto obj = valid_object(d.GetAllocator());
                               obj.RemoveMember(member.c_str());
                               obj.AddMember("x-extra", random_value("string", rng, d.GetAllocator()), d.GetAllocator());
                               return to_json(obj);
                           }});
        }
    }
    if (schema.HasMember("properties")) {
        for (const auto& p : schema["properties"].GetObject()) {
            std::string member = p.name.GetString();
            for (const char* type : kTypes) {
                if (admits(p.value, type)) continue;
                out.push_back({member + "-as-" + type,
                               title + ": `" + member + "` does not admit " + with_article(type) + "; the body is rejected with 400.",
                               Outcome::rejected, [valid_object, member, t = std::string(type)](Rng& rng) {
                                   rapidjson::Document d;
                                   auto obj = valid_object(d.GetAllocator());
                                   obj.RemoveMember(member.c_str());
                                   obj.AddMember(rapidjson::Value(member.c_str(), d.GetAllocator()),
                                                 random_value(t, rng, d.GetAllocator()), d.GetAllocator());
                                   return to_json(obj);
                               }});
            }
        }
    }
    // Positive variants: unknown members are allowed (no additionalProperties), but refusing
    // them is conforming too (level informational, below): the real API answers "Parameter
    // '...' is not allowed" on other endpoints, as Jackson's FAIL_ON_UNKNOWN_PROPERTIES does.
    out.push_back({"extra-members",
                   title + " has no additionalProperties, so unknown members may be accepted (200, or 400 Conflict); "
                           "a 400 refusing them is conforming too (as Jackson's FAIL_ON_UNKNOWN_PROPERTIES and "
                           "the real API's \"Parameter '...' is not allowed\" do): recorded for information.",
                   Outcome::accepted, [valid_object](Rng& rng) {
                       rapidjson::Document d;
                       auto obj = valid_object(d.GetAllocator());
                       for (std::size_t i = 1 + rng.below(3); i > 0; --i) {
                           std::string name = "x-" + hex8(rng.next());
                           obj.AddMember(rapidjson::Value(name.c_str(), d.GetAllocator()),
                                         random_value(kTypes[rng.below(7)], rng, d.GetAllocator()), d.GetAllocator());
                       }
                       return to_json(obj);
                   }});
    return out;
}

}  // namespace

Suite generate_cases(const rapidjson::Value& request_schema, const GeneratorOptions& options) {
    Suite suite;
    suite.name = "generated";
    suite.description = "Variants of the request body derived from the contract's request schema (seed " +
                        std::to_string(options.seed) + ").";
    suite.file = "generated (--seed " + std::to_string(options.seed) + ")";
    const auto all = mutations(request_schema, options.valid_zone);
    if (all.empty()) return suite;
    Rng rng(options.seed);
    for (std::size_t i = 0; i < options.count; ++i) {
        const Mutation& m = all[i % all.size()];
        Case c;
        c.suite = suite.name;
        c.file = suite.file;
        c.id = m.name + "-" + hex8(rng.next());
        c.requirement = m.requirement;
        c.level = m.outcome == Outcome::accepted ? Level::informational : Level::must;
        c.request.body = m.body(rng);
        c.request.body_is_raw = true;  // generated bytes are final: no placeholder expansion
        c.expect.outcome = m.outcome;
        if (m.outcome == Outcome::rejected) {
            c.expect.statuses = {400};
            c.expect.check = CheckId::malformed_rejected;
        } else {
            c.expect.check = CheckId::valid_accepted;
        }
        suite.cases.push_back(std::move(c));
    }
    return suite;
}

}  // namespace kms
