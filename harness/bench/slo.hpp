// SLO thresholds, as k6 has them: `--slo p99<=50ms --slo errors<=0.1%` make a run fail when a
// measured figure breaks one. Parsed up front (a typo is a usage error, not a silent pass) and
// evaluated against each benchmark's results.
//
// Grammar (spaces ignored, case-insensitive):
//   latency:  pN | p(N) | max | mean   then  <= | <   then a number with a unit: us, ms or s
//             (N in (0, 100], e.g. p50, p99.9, p(99))
//   errors:   errors  <= | <  N% (a share of all requests) or N (a count)
//   rate:     rps     >= | >  N (responses per second)
#pragma once

#include "harness/bench/latency_histogram.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kms::bench {

enum class SloMetric { percentile, max, mean, error_rate, error_count, requests_per_second };

struct Slo {
    std::string text;          // as written, for messages
    SloMetric metric = SloMetric::percentile;
    double percentile = 0;     // SloMetric::percentile only
    bool strict = false;       // '<' / '>' rather than '<=' / '>='
    double threshold = 0;      // microseconds; a fraction (0.001 = 0.1%); a count; or requests/s
};

// nullopt with *error set ("--slo 'p99<=50': missing unit (us, ms or s)") when malformed.
std::optional<Slo> parse_slo(std::string_view text, std::string* error);
// Every --slo given; nullopt with *error at the first that does not parse.
std::optional<std::vector<Slo>> parse_slos(const std::vector<std::string>& texts, std::string* error);

// What one benchmark measured.
struct SloInput {
    const LatencyHistogram* latency = nullptr;  // successful responses
    std::uint64_t attempts = 0;                 // requests that completed or failed
    std::uint64_t errors = 0;
    double requests_per_second = 0;
};

struct SloVerdict {
    bool held = false;
    std::string measured;  // "p99 = 63.2 ms", "errors = 0.25% (5 of 2000)"
    // The measured figure as k6 reports a threshold's metric: milliseconds for latency, a
    // fraction for an error share, a count, responses per second. Unset: nothing measured.
    std::optional<double> value;
};

SloVerdict evaluate_slo(const Slo& slo, const SloInput& input);

// "850 us", "12.3 ms", "1.50 s": latency figures as messages show them.
std::string format_us(double us);

}  // namespace kms::bench
