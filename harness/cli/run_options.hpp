// The flags of `kmsconf run` (the default command), parsed with Boost.Program_options and
// checked whole before anything else happens: a value out of range, an empty or non-http(s)
// --base-url, a --key-id that is not a uuid, or a stray word is a usage error (exit 2), never
// something a run quietly works around.
#pragma once

#include "harness/contract/contract.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kms::cli {

// Documented bounds (--help; docs/flags.md): big enough for any real use, small enough that a typo
// cannot hang a run or exhaust memory.
inline constexpr std::int64_t kMaxGenerated = 10000;
inline constexpr double kMaxRate = 10000;                // requests per second
inline constexpr std::int64_t kMaxTimeoutMs = 600000;    // 10 minutes, any deadline
inline constexpr std::int64_t kMaxStrayGraceMs = 5000;   // a longer watch only slows every case

struct RunOptions {
    std::string base_url;            // empty: start the embedded reference server
    std::string key_id;              // ${key}; default: the reference server's documented key
    std::string zone = "de-fra-1";   // ${zone} while the key's state is unknown
    std::vector<std::string> zones;  // --zones a,b,c: the target's zones; empty: the 8 Exoscale zones
    int operation_timeout_ms = 60000;  // how long a replicate's operation may stay pending
    std::string contract = kDefaultContractRevision;  // a revision under schemas/, or a directory
    bool contract_given = false;     // --contract was on the command line (else the default)
    std::vector<std::string> suites;      // files or directories; default: the suites folder
    std::string schemas_dir;         // --schemas-dir; empty: $KMSCONF_SCHEMAS_DIR, else beside the binary (data_dirs.hpp)
    std::string suites_dir;          // --suites-dir, the default suites folder; likewise
    std::string filter;
    bool list = false;
    bool list_checks = false;
    bool dry_run = false;
    double rate = 0;                 // requests per second, 0 = no cap
    int timeout_ms = 10000;          // read deadline per request
    int connect_timeout_ms = 5000;
    int max_response_time_ms = 0;    // 0: no latency budget
    int stray_grace_ms = 20;         // ClientOptions::stray_bytes_grace
    bool strict = false;
    std::string report_dir = "reports";
    std::string junit_prefix;        // "NAME." before junit.xml's suite names; empty: none
    std::string ca_file;
    bool insecure = false;
    std::string api_key;             // else EXOSCALE_API_KEY
    std::string api_secret_file;     // else EXOSCALE_API_SECRET
    bool verbose = false;
    bool quiet = false;              // only the final count line (and errors)
    std::uint64_t seed = 1;          // generated cases: same seed, same cases
    std::size_t generated = 24;      // how many; 0 turns generation off

    // A run that sends requests and writes reports (not --list, --list-checks, --dry-run).
    bool sends() const { return !list && !list_checks && !dry_run; }
};

// Parses argv (after the subcommand). Returns nullopt after printing help (exit 0) when
// *exit_code is 0, or an error message on stderr (exit 2) when *exit_code is 2; then, if the
// refused run would have written reports, *report_dir says where (so that its caller can
// remove the previous run's), else it is left empty.
std::optional<RunOptions> parse_run_options(int argc, char** argv, int* exit_code, std::string* report_dir);

}  // namespace kms::cli
