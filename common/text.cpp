#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <random>

namespace kms {

namespace {
// ASCII only, whatever the C locale: HTTP's case-insensitive tokens (RFC 9110 §5.1), uuids and
// zone names are ASCII, and std::tolower's locale lookup was a call per character on every
// request the reference server reads.
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
constexpr auto kHexDigit = [] {
    std::array<bool, 256> hex{};
    for (char c : std::string_view("0123456789abcdefABCDEF")) hex[static_cast<unsigned char>(c)] = true;
    return hex;
}();
bool is_hex(char c) { return kHexDigit[static_cast<unsigned char>(c)]; }
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a == b) return true;  // the usual case, the same spelling: one memcmp, no folding
    return std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out(1);
    for (char ch : to_lower(text)) {
        if (std::isalnum(static_cast<unsigned char>(ch))) out.back() += ch;
        else if (!out.back().empty()) out.emplace_back();
    }
    if (out.back().empty()) out.pop_back();
    return out;
}

bool has_word(const std::vector<std::string>& w, std::initializer_list<std::string_view> wanted) {
    return std::any_of(w.begin(), w.end(), [&](const std::string& word) {
        return std::find(wanted.begin(), wanted.end(), word) != wanted.end();
    });
}

std::string to_upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), upper);
    return out;
}

std::string_view trim(std::string_view s) {
    const char* ws = " \t\r\n";
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

std::string printable(std::string_view bytes, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < bytes.size() && out.size() < limit; ++i) {
        auto c = static_cast<unsigned char>(bytes[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    if (out.size() >= limit) out += "... (" + std::to_string(bytes.size()) + " bytes)";
    return out;
}

namespace {
// The media type of a Content-Type value as written: before any ';' parameters, trimmed.
std::string_view media_type_as_written(std::string_view content_type) {
    return trim(content_type.substr(0, content_type.find(';')));
}
}  // namespace

std::string media_type(std::string_view content_type) { return to_lower(media_type_as_written(content_type)); }

bool media_type_is(std::string_view content_type, std::string_view type) {
    return iequals(media_type_as_written(content_type), type);
}

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
    }
    return true;
}

std::string random_uuid() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<unsigned> nibble(0, 15);
    static const char* hex = "0123456789abcdef";
    std::string out(36, '-');
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) continue;
        out[i] = hex[nibble(rng)];
    }
    out[14] = '4';                          // version 4
    out[19] = hex[8 + (nibble(rng) & 3)];   // RFC 4122 variant
    return out;
}

std::size_t json_nesting_depth(std::string_view text) {
    std::size_t depth = 0, max_depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
        else if ((c == ']' || c == '}') && depth > 0) --depth;
    }
    return max_depth;
}

}  // namespace kms
