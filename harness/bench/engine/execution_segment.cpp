#include "harness/bench/engine/execution_segment.hpp"

namespace kms::bench {

namespace {

std::optional<ExecutionSegment> reject(std::string* error, std::string_view text, std::string_view why) {
    if (error) *error = "--segment '" + std::string(text) + "': " + std::string(why);
    return std::nullopt;
}

// Decimal digits only: a sign, a space or a fraction would be a different number to another
// parser, and the N processes must agree on every N. Saturates above kMaxSegments, so that any
// length of digits is refused by the range check instead of wrapping around.
bool read_count(std::string_view digits, std::uint64_t* value) {
    if (digits.empty()) return false;
    std::uint64_t v = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
        if (v > kMaxSegments) v = kMaxSegments + 1;
    }
    *value = v;
    return true;
}

}  // namespace

std::optional<ExecutionSegment> ExecutionSegment::of(std::uint32_t k, std::uint32_t n) {
    if (n < 1 || n > kMaxSegments || k < 1 || k > n) return std::nullopt;
    return ExecutionSegment(k, n);
}

std::string ExecutionSegment::text() const { return std::to_string(k_) + "/" + std::to_string(n_); }

// k6 (lib/execution_segment.go) shares an integer by striping: NewExecutionSegmentSequenceWrapper
// deals the indices 0..LCD-1 of the segment lengths' common denominator out to the segments
// (biggest first, each taking an index once its share of those seen so far is due), and
// ExecutionSegmentSequenceWrapper.ScaleInt64 counts how many of the indices below `value` the
// segment was dealt: (value / LCD) * its count per LCD, plus those of its offsets below
// value % LCD. With N equal segments the LCD is N and segment K is dealt only index K-1, so
// ScaleInt64 is value / N plus 1 when K-1 < value % N: the formula below, in which nothing can
// overflow. (Not floor(value*K/N) - floor(value*(K-1)/N): that gives the remainder to the last
// segments; nor k6's older ExecutionSegment.Scale, which rounds.) The test checks this against
// a port of k6's striping for every N up to 64.
std::uint64_t ExecutionSegment::scale(std::uint64_t n) const { return n / n_ + (k_ - 1 < n % n_ ? 1 : 0); }

// k6 scales a rate by the segment's length as an exact rational (ExecutionSegment.InPlaceScaleRat);
// the length is 1/N, and one IEEE division rounds rate/N once, where rate * (1.0/N) would round
// twice.
double ExecutionSegment::scale_rate(double rate) const { return rate / n_; }

std::string ExecutionSegment::unrunnable_message(std::uint64_t connections) const {
    const std::string head = "--segment " + text() + " of " + std::to_string(connections) + " connections gets none: ";
    if (connections == 0) return head + "use at least " + std::to_string(n_) + " connections";
    return head + "use at most " + std::to_string(connections) + " segments, or more connections";
}

std::optional<ExecutionSegment> parse_segment(std::string_view text, std::string* error) {
    const auto slash = text.find('/');
    std::uint64_t k = 0, n = 0;
    if (slash == std::string_view::npos || !read_count(text.substr(0, slash), &k) ||
        !read_count(text.substr(slash + 1), &n))
        return reject(error, text, "expected K/N in whole decimal numbers, e.g. 2/4 for the second of 4 shares");
    if (n < 1 || n > kMaxSegments) return reject(error, text, "N must be 1.." + std::to_string(kMaxSegments));
    // Indexed Job pods are numbered from 0, segments from 1: the likeliest K of 0.
    if (k == 0) return reject(error, text, "K must be 1..N (K counts from 1: Job completion index i is K = i+1)");
    if (k > n) return reject(error, text, "K must be 1..N");
    return ExecutionSegment::of(static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(n));
}

}  // namespace kms::bench
