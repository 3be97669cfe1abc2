// The flags of `kmsconf bench`, parsed with Boost.Program_options and checked before anything
// is sent: a run with a typo in an SLO must not pass by measuring nothing.
#pragma once

#include "harness/bench/engine/load_engine.hpp"
#include "harness/bench/engine/execution_segment.hpp"
#include "harness/bench/slo.hpp"
#include "harness/cli/flag_table.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace kms::bench {

// Documented bounds (--help; docs/bench.md). The deadline's, kMaxTimeoutMs, is target_flags.hpp's.
inline constexpr std::int64_t kMaxConnections = 10000;
inline constexpr std::int64_t kMaxThreads = 256;
inline constexpr double kMaxDurationSeconds = 86400;
inline constexpr double kMaxWarmupSeconds = 3600;
inline constexpr std::int64_t kMaxRequests = 1000000000;
inline constexpr double kMaxRate = 1e6;  // requests per second
inline constexpr double kMaxStartAt = 4102444800;  // --start-at: 2100-01-01 UTC, beyond any clock here
inline constexpr double kMaxStartAhead = 86400;    // --start-at: at most a day ahead (a typo, else)

// What the flags say. The defaults are the flag table's (bench_flag_table).
struct BenchOptions {
    // The target flags (target_flags.hpp).
    std::string base_url;  // empty: start the embedded reference server
    std::string key_id;    // empty: the reference server's documented key
    std::string zone;
    std::string ca_file;
    bool insecure = false;
    std::string api_key;          // else EXOSCALE_API_KEY, as `kmsconf run`
    std::string api_secret_file;  // else EXOSCALE_API_SECRET
    int timeout_ms = 0;
    std::string schemas_dir;  // empty: $KMSCONF_SCHEMAS_DIR, else beside the binary
    std::string report_dir;
    std::string junit_prefix;  // "NAME." before bench-junit.xml's suite names; empty: none

    // kmsconf bench's own.
    LoadMode mode = LoadMode::closed;
    unsigned connections = 0;
    unsigned threads = 0;
    double duration_seconds = 0;
    double warmup_seconds = 0;
    std::uint64_t max_requests = 0;  // 0: the duration alone bounds the run
    double rate = 0;                 // open loop only, required there
    std::vector<Slo> slos;
    bool allow_mutations = false;
    std::string key_ids_file;      // --key-ids: replicate_accepted's keys against --base-url
    bool tls_resume = false;       // https: resume TLS sessions across new connections
    std::optional<bool> progress;  // unset: on when stderr is a terminal or the run lasts >= 10 s
    std::string filter;            // ECMAScript regex on benchmark names; empty: all
    // --segment K/N: this process runs the K-th of N shares of the run (execution_segment.hpp);
    // the flags above describe the whole run. 1/1 when not given.
    ExecutionSegment segment;
    double start_at = 0;  // --start-at: UTC seconds when the load starts; 0: at once
};

// --slo, repeatable, for a command whose options hold `std::vector<Slo> slos` (bench, bench
// merge); never carried by a rerun line (bench writes none).
template <class O>
cli::Flag<O> slo_flag(std::string help) {
    return cli::custom_flag<O>(
        cli::FlagSpec("slo", std::move(help)), cli::FlagKind::words,
        [](O& o, const std::vector<std::string>& value) {
            std::string error;
            auto slos = parse_slos(value, &error);
            if (!slos) return error;
            o.slos = std::move(*slos);
            return std::string();
        },
        [](const O&) { return std::vector<std::string>{}; });
}

// Every flag of `kmsconf bench`, the target flags first.
const std::vector<cli::Flag<BenchOptions>>& bench_flag_table();

// Parses argv (after "bench"). nullopt with *exit_code 0 after --help (printed on `out`), or
// with *exit_code 2 after a message on `err`.
std::optional<BenchOptions> parse_bench_options(int argc, char** argv, int* exit_code, std::ostream& out,
                                                std::ostream& err);

}  // namespace kms::bench
