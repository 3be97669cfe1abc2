#include "common/bounded_number.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace kms {

namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

std::string decimal_text(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    std::ostringstream s;
    s.precision(15);
    s << v;
    return s.str();
}

std::string range_text(double min, double max, bool min_exclusive) {
    return min_exclusive ? "above " + decimal_text(min) + " up to " + decimal_text(max)
                         : decimal_text(min) + " to " + decimal_text(max);
}

std::optional<std::int64_t> parse_bounded_integer(std::string_view option, std::string_view text, std::int64_t min,
                                                  std::int64_t max, std::string* error) {
    const std::string range = " must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
    std::string_view digits = text;
    if (min < 0 && !digits.empty() && digits.front() == '-') digits.remove_prefix(1);
    std::int64_t value = 0;
    if (all_digits(digits)) {
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size() && value >= min && value <= max) return value;
    }
    *error = std::string(option) + range + ", got " + quoted(text);
    return std::nullopt;
}

std::optional<std::uint64_t> parse_bounded_unsigned(std::string_view option, std::string_view text, std::uint64_t max,
                                                    std::string* error) {
    std::uint64_t value = 0;
    if (all_digits(text)) {
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size() && value <= max) return value;
    }
    *error = std::string(option) + " must be an integer from 0 to " + std::to_string(max) + ", got " + quoted(text);
    return std::nullopt;
}

std::optional<double> parse_bounded_real(std::string_view option, std::string_view text, double min, double max,
                                         bool min_exclusive, std::string* error) {
    // Only the characters of a plain decimal number: this rules out "nan", "inf", "0x1p3" and
    // leading blanks, all of which strtod would take.
    bool shape_ok = !text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string_view::npos;
    double value = 0;
    if (shape_ok) {
        const std::string copy(text);
        char* end = nullptr;
        errno = 0;
        value = std::strtod(copy.c_str(), &end);
        shape_ok = end == copy.c_str() + copy.size() && errno == 0 && std::isfinite(value);
    }
    const bool in_range = shape_ok && (min_exclusive ? value > min : value >= min) && value <= max;
    if (in_range) return value;
    *error = std::string(option) + " must be a number " + (min_exclusive ? "" : "from ") +
             range_text(min, max, min_exclusive) + ", got " + quoted(text);
    return std::nullopt;
}

}  // namespace kms
