// The flags of `kmsconf bench`, parsed with Boost.Program_options and checked before anything
// is sent: a run with a typo in an SLO must not pass by measuring nothing.
#pragma once

#include "harness/bench/engine/load_engine.hpp"
#include "harness/bench/slo.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace kms::bench {

// Documented bounds (--help; docs/bench.md).
inline constexpr std::int64_t kMaxConnections = 10000;
inline constexpr std::int64_t kMaxThreads = 256;
inline constexpr double kMaxDurationSeconds = 86400;
inline constexpr double kMaxWarmupSeconds = 3600;
inline constexpr std::int64_t kMaxRequests = 1000000000;
inline constexpr double kMaxRate = 1e6;  // requests per second
inline constexpr std::int64_t kMaxTimeoutMs = 600000;

struct BenchOptions {
    std::string base_url;  // empty: start the embedded reference server
    std::string key_id;    // empty: the reference server's documented key
    std::string zone = "de-fra-1";
    LoadMode mode = LoadMode::closed;
    unsigned connections = 1;
    unsigned threads = 1;
    double duration_seconds = 5;
    double warmup_seconds = 1;
    std::uint64_t max_requests = 0;  // 0: the duration alone bounds the run
    double rate = 0;                 // open loop only, required there
    int timeout_ms = 10000;
    std::vector<Slo> slos;
    std::string report_dir = "reports";
    std::string junit_prefix;  // "NAME." before bench-junit.xml's suite names; empty: none
    bool allow_mutations = false;
    std::string ca_file;
    bool insecure = false;
    bool tls_resume = false;      // https: resume TLS sessions across new connections
    std::string api_key;          // else EXOSCALE_API_KEY, as `kmsconf run`
    std::string api_secret_file;  // else EXOSCALE_API_SECRET
    std::optional<bool> progress;  // unset: on when stderr is a terminal or the run lasts >= 10 s
    std::string filter;            // ECMAScript regex on benchmark names; empty: all
    std::string schemas_dir;       // --schemas-dir; empty: $KMSCONF_SCHEMAS_DIR, else beside the binary
};

// Parses argv (after "bench"). nullopt with *exit_code 0 after --help (printed on `out`), or
// with *exit_code 2 after a message on `err`.
std::optional<BenchOptions> parse_bench_options(int argc, char** argv, int* exit_code, std::ostream& out,
                                                std::ostream& err);

}  // namespace kms::bench
