#include "common/lone_surrogates.hpp"

namespace kms {

namespace {

// The code unit of a \uXXXX escape whose 'u' is at text[at], or -1 when it is not one.
long escaped_code_unit(std::string_view text, std::size_t at) {
    if (at + 4 >= text.size() || text[at] != 'u') return -1;
    long unit = 0;
    for (std::size_t i = at + 1; i <= at + 4; ++i) {
        char c = text[i];
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0) return -1;
        unit = unit * 16 + digit;
    }
    return unit;
}

bool is_high_surrogate(long unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool is_low_surrogate(long unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

}  // namespace

std::vector<std::size_t> lone_surrogate_escapes(std::string_view text) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i + 1 < text.size();) {
        if (text[i] != '\\') {
            ++i;
            continue;
        }
        long unit = escaped_code_unit(text, i + 1);
        if (unit < 0) {
            i += 2;  // another escape (\n, \\, ...) or a broken one the parser will report
            continue;
        }
        if (is_high_surrogate(unit) && i + 7 < text.size() && text[i + 6] == '\\' &&
            is_low_surrogate(escaped_code_unit(text, i + 7))) {
            i += 12;  // a proper pair
            continue;
        }
        if (is_high_surrogate(unit) || is_low_surrogate(unit)) out.push_back(i);
        i += 6;
    }
    return out;
}

}  // namespace kms
