// POSIX shell single quoting ('it'\''s'), for the commands reports print: curl reproducers and
// rerun commands.
#pragma once

#include <string>
#include <string_view>

namespace kms {

inline std::string shell_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

// `s` as one shell word: bare when it holds only characters no shell treats specially (an id,
// a URL without query, a number), else shell_quote()d.
inline std::string shell_word(std::string_view s) {
    const std::string_view safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-";
    if (!s.empty() && s.find_first_not_of(safe) == std::string_view::npos) return std::string(s);
    return shell_quote(s);
}

}  // namespace kms
