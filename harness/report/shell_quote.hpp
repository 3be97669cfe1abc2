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

}  // namespace kms
