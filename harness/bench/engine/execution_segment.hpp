// `kmsconf bench --segment K/N`: the K-th of N equal shares of one load run, so that N processes
// (e.g. the pods of a Kubernetes Indexed Job) together make the whole run, each knowing only its
// own K and N. The split follows k6's execution segments with an equal-segment sequence
// (segment K is the interval ((K-1)/N, K/N] of the run) so that:
//
// - integers (connections, a request cap) are shared by scale(): the N shares sum to the whole
//   exactly and differ by at most 1, the first segments taking the remainder;
// - the open-loop rate is shared by scale_rate(): rate * (K/N - (K-1)/N) = rate / N;
// - the open-loop schedule is striped, not copied: the whole run's request k (due at
//   t0 + k / rate) belongs to segment (k mod N) + 1, so segment K sends requests
//   K-1, K-1+N, K-1+2N, ... at the whole run's interval 1/rate. Started together, the N
//   processes interleave into the whole run's schedule instead of all firing at the same
//   instants. Within one process the shards can stripe the segment's requests as they now
//   stripe the whole run's (ShardShare in run_plan.hpp): shard i of T taking j = i, i+T, ...
//
// scale(n) counts the indices of [0, n) that owns() gives to the segment, so the integer shares
// and the request partition are one striping, as in k6.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kms::bench {

// Far beyond any Job's parallelism; refusing more catches typos (a lost '/') and keeps K and N
// in 32 bits.
inline constexpr std::uint32_t kMaxSegments = 10000;

class ExecutionSegment {
public:
    ExecutionSegment() = default;  // 1/1: the whole run

    // nullopt unless 1 <= k <= n <= kMaxSegments.
    static std::optional<ExecutionSegment> of(std::uint32_t k, std::uint32_t n);

    std::uint32_t k() const { return k_; }
    std::uint32_t n() const { return n_; }
    std::string text() const;  // "K/N", as parse_segment() reads it

    // This segment's share of n whole things; the N segments' shares sum to n. It is 0 when
    // n < K: where 0 means "none" (a request cap of 0 is "no cap") the caller must decide.
    std::uint64_t scale(std::uint64_t n) const;
    // This segment's share of a rate (requests per second): rate / N.
    double scale_rate(double rate) const;

    // Open loop: is the whole run's request `index` this segment's?
    bool owns(std::uint64_t index) const { return index % n_ == k_ - 1; }
    // The whole run's index of this segment's j-th request (j from 0): (K-1) + j*N.
    // Its due time is the whole run's: t0 + request_index(j) / rate. j < 2^64 / N.
    std::uint64_t request_index(std::uint64_t j) const { return (k_ - 1) + j * n_; }

    // Whether `connections` leaves this segment at least one: a segment with none cannot send.
    bool runnable_with(std::uint64_t connections) const { return scale(connections) > 0; }
    // What to tell the user when runnable_with(connections) is false.
    std::string unrunnable_message(std::uint64_t connections) const;

private:
    ExecutionSegment(std::uint32_t k, std::uint32_t n) : k_(k), n_(n) {}
    std::uint32_t k_ = 1;
    std::uint32_t n_ = 1;
};

// Reads --segment's "K/N" (whole decimal numbers, nothing else). nullopt with *error set to a
// message naming the text and what to change.
std::optional<ExecutionSegment> parse_segment(std::string_view text, std::string* error);

}  // namespace kms::bench
