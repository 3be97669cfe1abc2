// The load generator: N HTTP/1.1 connections multiplexed on one event loop per thread (raw
// Asio, TLS via OpenSSL), every request timed into a LatencyHistogram. Three load models:
//
//   closed      each keep-alive connection sends its next request when the previous response
//               is complete (wrk's model);
//   closed-new-conn  the same, but a new TCP (and TLS) connection per request, with
//               `Connection: close`, so that connection set-up cost shows in the latency;
//   open        requests scheduled at fixed times t0 + i/rate whatever the responses do
//               (wrk2's model). Latency is measured from the intended send time (corrected for
//               coordinated omission: a stalled server delays the requests queued behind it)
//               and, separately, from the actual send time (uncorrected, wrk2's --u_latency).
//
// Every run is bounded in time (warm-up + duration, plus at most one timeout to drain) and, with
// max_requests, in count. The header is plain C++: Asio stays in the engine's connection.cpp and
// shard.cpp (see run_plan.hpp, shard.hpp and connection.hpp for how the work is divided).
#pragma once

#include "harness/transport/base_url.hpp"
#include "harness/bench/latency_histogram.hpp"
#include "harness/bench/request_source.hpp"
#include "harness/bench/wire_request.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kms::bench {

enum class LoadMode { closed, closed_new_connection, open };
const char* to_string(LoadMode mode);  // "closed", "closed-new-conn", "open"

// How a request failed. Transport failures are classified by the stage they happened in:
// connect covers resolve, TCP connect and the TLS handshake; read covers everything after the
// connection was up (write errors, resets, an early close, a malformed response).
enum class ErrorKind { connect, timeout, read, status };
inline constexpr std::size_t kErrorKinds = 4;
const char* to_string(ErrorKind kind);  // "connect", "timeout", "read", "status"

struct LoadTarget {
    BaseUrl url;
    bool verify_tls = true;
    std::string ca_file;
};

struct LoadSpec {
    LoadMode mode = LoadMode::closed;
    unsigned connections = 1;
    unsigned threads = 1;  // event loops; connections (and the open-loop schedule) are split among them
    std::chrono::nanoseconds warmup{0};
    std::chrono::nanoseconds duration{std::chrono::seconds(5)};
    std::uint64_t max_requests = 0;  // measured requests; 0: the duration alone ends the run
    double rate = 0;                 // open loop: requests per second over all connections
    std::chrono::milliseconds timeout{10000};  // per request: connect (when needed), write, response
    std::vector<int> expected_statuses;        // any other status is ErrorKind::status
    bool tls_resume = false;  // https: resume the previous connection's TLS session (else full handshakes)
    // Open loop, one segment of a run split over processes (--segment, execution_segment.hpp):
    // the first request is due this long after t0, the segment's place in the whole run's
    // schedule ((K-1) / whole rate), so that the segments interleave rather than coincide.
    std::chrono::nanoseconds schedule_offset{0};
    // Set: once connected, the load starts at this wall-clock time (--start-at), so that
    // processes on several machines start together; a time already past starts it at once.
    std::optional<std::chrono::system_clock::time_point> start_at;
};

struct LoadProgress {
    double elapsed_seconds = 0;  // since the load started (warm-up included)
    bool warming_up = false;
    std::uint64_t responses = 0;  // measured, any status
    std::uint64_t errors = 0;     // measured
};

struct LoadResult {
    std::string setup_error;       // non-empty: the run could not start (bad TLS files, no address)

    // Measured requests only (the warm-up is excluded). Responses with an unexpected status are
    // errors (ErrorKind::status) and are not in the histograms.
    LatencyHistogram latency;      // open loop: from the intended send time; closed: from the send
    LatencyHistogram uncorrected;  // from the actual send time (equals `latency` in closed loops)
    std::array<std::uint64_t, kErrorKinds> errors{};
    std::array<std::string, kErrorKinds> error_examples;  // the first message of each kind
    std::map<int, std::uint64_t> statuses;  // measured responses by status

    // The phases of the timed requests that opened their own connection (every request in
    // closed-new-conn; a keep-alive reconnect otherwise), apart, as curl's time_connect and
    // time_appconnect split them: TCP connect, TLS handshake (https), and the request from its
    // first byte written to the response's last byte read.
    LatencyHistogram connect;
    LatencyHistogram tls_handshake;
    LatencyHistogram request;
    std::uint64_t tls_resumed = 0;  // of the tls_handshake ones, those that resumed a session

    // Open loop: the generator's own lateness, intended send time to actual send, of the
    // measured requests that found a connection free when they came due. Those that had to
    // wait for one (every connection held by the target) are counted apart: their wait is the
    // target's doing and shows in the corrected latency.
    LatencyHistogram send_lag;
    std::uint64_t queued_for_connection = 0;

    std::uint64_t sent = 0;            // measured requests started
    std::uint64_t backlog_at_end = 0;  // open loop: due in the window but never sent
    double window_seconds = 0;         // the measurement window: duration, or up to the last
                                       // response when max_requests ended the run first
    std::uint64_t completed_in_window = 0;  // responses (any status) completed inside the window
    double requests_per_second = 0;         // completed_in_window / window_seconds
    std::uint64_t connections_opened = 0;
    double client_cpu_seconds = 0;          // CPU time of the event-loop threads while loading
    // The request source had no request left (a pool of first replicates used up): the load
    // ended then, before its duration, and the window with the last response.
    bool source_exhausted = false;

    // Adds the counts and histograms of a load that ran beside this one (a shard, a segment);
    // the window and the rate are the caller's to decide.
    void add(const LoadResult& other);

    std::uint64_t error_total() const;
    std::uint64_t attempts() const { return latency.count() + error_total(); }
};

// Runs the load and returns when it is over. `progress`, when set, is called about once a
// second from the calling thread.
// Every shard sends what its own feed of `source` gives (a WireRequest: the same request).
LoadResult run_load(const LoadTarget& target, const RequestSource& source, const LoadSpec& spec,
                    const std::function<void(const LoadProgress&)>& progress = {});

}  // namespace kms::bench
