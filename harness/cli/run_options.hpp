// The flags of `kmsconf run` (the default command), parsed with Boost.Program_options and
// checked whole before anything else happens: a value out of range, an empty or non-http(s)
// --base-url, a --key-id that is not a uuid, or a stray word is a usage error (exit 2), never
// something a run quietly works around.
#pragma once

#include "harness/cli/flag_table.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kms::cli {

// Documented bounds (--help; docs/flags.md): big enough for any real use, small enough that a typo
// cannot hang a run or exhaust memory. The deadlines' bound, kMaxTimeoutMs, is target_flags.hpp's.
inline constexpr std::int64_t kMaxGenerated = 10000;
inline constexpr double kMaxRate = 10000;                // requests per second
inline constexpr std::int64_t kMaxStrayGraceMs = 5000;   // a longer watch only slows every case

// What the flags say. The defaults are the flag table's (run_flag_table): a RunOptions made
// other than by parse_run_options holds none of them.
struct RunOptions {
    // The target flags (target_flags.hpp).
    std::string base_url;            // empty: start the embedded reference server
    std::string key_id;              // ${key}; empty: the reference server's documented key
    std::string zone;                // ${zone} while the key's state is unknown
    std::string ca_file;
    bool insecure = false;
    std::string api_key;             // else EXOSCALE_API_KEY
    std::string api_secret_file;     // else EXOSCALE_API_SECRET
    int timeout_ms = 0;              // read deadline per request
    std::string schemas_dir;         // empty: $KMSCONF_SCHEMAS_DIR, else beside the binary (data_dirs.hpp)
    std::string report_dir;
    std::string junit_prefix;        // "NAME." before junit.xml's suite names; empty: none

    // kmsconf run's own.
    std::vector<std::string> zones;  // --zones a,b,c: the target's zones; empty: the 8 Exoscale zones
    int operation_timeout_ms = 0;    // how long a replicate's operation may stay pending
    std::string contract;            // a revision under schemas/, auto, or a directory
    bool contract_given = false;     // --contract was on the command line (else the default)
    std::vector<std::string> suites;  // files or directories; empty: the suites folder
    std::string suites_dir;          // the default suites folder; empty: as schemas_dir
    std::string filter;
    bool list = false;
    bool list_checks = false;
    bool dry_run = false;
    double rate = 0;                 // requests per second, 0 = no cap
    int connect_timeout_ms = 0;
    int max_response_time_ms = 0;    // 0: no latency budget
    int stray_grace_ms = 0;          // ClientOptions::stray_bytes_grace
    bool strict = false;
    bool verbose = false;
    bool quiet = false;              // only the final count line (and errors)
    std::uint64_t seed = 0;          // generated cases: same seed, same cases
    std::size_t generated = 0;       // how many; 0 turns generation off

    // A run that sends requests and writes reports (not --list, --list-checks, --dry-run).
    bool sends() const { return !list && !list_checks && !dry_run; }
};

// Every flag of `kmsconf run`, the target flags first: --help, the parser and the rerun line
// (rerun_flags.hpp) read it.
const std::vector<Flag<RunOptions>>& run_flag_table();

// Parses argv (after the subcommand). Returns nullopt after printing help (exit 0) when
// *exit_code is 0, or an error message on stderr (exit 2) when *exit_code is 2; then, if the
// refused run would have written reports, *report_dir says where (so that its caller can
// remove the previous run's), else it is left empty.
std::optional<RunOptions> parse_run_options(int argc, char** argv, int* exit_code, std::string* report_dir);

}  // namespace kms::cli
