#include "harness/contract/formats.hpp"

#include "harness/contract/json_text.hpp"
#include "common/text.hpp"

#include <cctype>
#include <cstring>

namespace kms {

namespace {

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// pchar minus '%' (checked separately) plus '/' and '?', the characters a path, query or
// fragment may hold literally (RFC 3986 §3.3-3.5). '[' ']' are allowed only in the host.
bool is_uri_char(char c) {
    return is_alpha(c) || is_digit(c) || std::strchr("-._~!$&'()*+,;=:@/?", c) != nullptr;
}

// Every character is allowed in its component and every '%' starts a pct-encoded triplet.
bool valid_chars(std::string_view s, bool allow_brackets) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size()) return false;
            if (!is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
            i += 2;
        } else if (!(is_uri_char(c) || (allow_brackets && (c == '[' || c == ']')))) {
            return false;
        }
    }
    return true;
}

bool valid_scheme(std::string_view s) {
    if (s.empty() || !is_alpha(s[0])) return false;
    for (char c : s)
        if (!(is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.')) return false;
    return true;
}

const char* format_name_if_checked(const rapidjson::Value& schema) {
    if (!schema.IsObject()) return nullptr;
    auto f = schema.FindMember("format");
    if (f == schema.MemberEnd() || !f->value.IsString()) return nullptr;
    std::string_view name(f->value.GetString(), f->value.GetStringLength());
    if (name == "uuid") return "uuid";
    if (name == "uri-reference") return "uri-reference";
    return nullptr;
}

void walk(const rapidjson::Value& schema, const rapidjson::Value& instance, const std::string& pointer,
          std::vector<FormatViolation>& out) {
    if (!schema.IsObject()) return;
    if (const char* format = format_name_if_checked(schema); format && instance.IsString()) {
        std::string_view value(instance.GetString(), instance.GetStringLength());
        bool ok = std::strcmp(format, "uuid") == 0 ? is_uuid(value) : is_uri_reference(value);
        if (!ok) out.push_back({pointer, format, printable(value, 80)});
    }
    if (instance.IsObject()) {
        auto props = schema.FindMember("properties");
        if (props == schema.MemberEnd() || !props->value.IsObject()) return;
        for (const auto& member : instance.GetObject()) {
            auto sub = props->value.FindMember(member.name);
            if (sub == props->value.MemberEnd()) continue;
            std::string name(member.name.GetString(), member.name.GetStringLength());
            walk(sub->value, member.value, pointer + "/" + pointer_escape(name), out);
        }
    } else if (instance.IsArray()) {
        auto items = schema.FindMember("items");
        if (items == schema.MemberEnd()) return;
        for (rapidjson::SizeType i = 0; i < instance.Size(); ++i)
            walk(items->value, instance[i], pointer + "/" + std::to_string(i), out);
    }
}

}  // namespace

bool is_uri_reference(std::string_view s) {
    // Split off the fragment: it may hold '/' and '?' but no further '#'.
    auto hash = s.find('#');
    if (hash != std::string_view::npos) {
        auto fragment = s.substr(hash + 1);
        if (fragment.find('#') != std::string_view::npos || !valid_chars(fragment, false)) return false;
        s = s.substr(0, hash);
    }
    auto query_at = s.find('?');
    std::string_view rest = s.substr(0, query_at);
    if (query_at != std::string_view::npos && !valid_chars(s.substr(query_at + 1), false)) return false;

    // A ':' before the first '/' makes the prefix a scheme, which must be well formed; a
    // relative reference's first segment may not hold ':' (path-noscheme).
    auto colon = rest.find(':');
    auto slash = rest.find('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) {
        if (!valid_scheme(rest.substr(0, colon))) return false;
        rest = rest.substr(colon + 1);
    }
    if (rest.substr(0, 2) == "//") {  // authority up to the next '/'
        auto end = rest.find('/', 2);
        auto authority = rest.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2);
        if (!valid_chars(authority, true)) return false;
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    }
    return valid_chars(rest, false);
}

std::vector<FormatViolation> check_formats(const rapidjson::Value& schema, const rapidjson::Value& instance) {
    std::vector<FormatViolation> out;
    walk(schema, instance, "", out);
    return out;
}

}  // namespace kms
