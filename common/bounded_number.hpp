// Strict parsing of numeric command-line values, shared by `kmsconf run`, `bench` and `serve`.
// Boost.Program_options reads numbers with lexical_cast, which wraps "-5" into a huge unsigned
// value and accepts "nan" and "inf": `--generated -1` then meant "generate 2^64-1 cases". So
// numbers are taken as text and read here: plain decimal only, within documented bounds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kms {

// An integer written as decimal digits (a leading '-' only when min < 0), within
// [min, max]. nullopt with *error naming `option`, the bounds and the text otherwise.
std::optional<std::int64_t> parse_bounded_integer(std::string_view option, std::string_view text, std::int64_t min,
                                                  std::int64_t max, std::string* error);

// The same for an unsigned 64-bit value (a seed): digits only, at most `max`.
std::optional<std::uint64_t> parse_bounded_unsigned(std::string_view option, std::string_view text, std::uint64_t max,
                                                    std::string* error);

// A finite decimal number ("2", "0.5", "1e3"; no "nan", "inf", hex floats) in [min, max], or
// in (min, max] when min_exclusive.
std::optional<double> parse_bounded_real(std::string_view option, std::string_view text, double min, double max,
                                         bool min_exclusive, std::string* error);

// A number as the messages, --help and rerun commands write it: "1000000", "0.5", never the
// "1e+06" of the default stream format; up to 15 significant digits.
std::string decimal_text(double value);

// The bounds of a flag as its error and its --help state them: "0 to 3600", "above 0 up to 86400".
std::string range_text(double min, double max, bool min_exclusive);

}  // namespace kms
