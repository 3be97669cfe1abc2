// The flags of `kmsconf run` (the default command), parsed with Boost.Program_options.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kms::cli {

struct RunOptions {
    std::string base_url;            // empty: start the embedded reference server
    std::string key_id;              // ${key}; default: the reference server's documented key
    std::string zone = "de-fra-1";   // ${zone}
    std::string contract = "2026-03-31";  // a revision under schemas/, or a directory
    std::vector<std::string> suites;      // files or directories; default suites/
    std::string filter;
    bool list = false;
    bool list_checks = false;
    bool dry_run = false;
    double rate = 0;                 // requests per second, 0 = no cap
    int timeout_ms = 10000;          // read deadline per request
    int connect_timeout_ms = 5000;
    bool strict = false;
    std::string report_dir = "reports";
    std::string ca_file;
    bool insecure = false;
    std::string api_key;             // else EXOSCALE_API_KEY
    std::string api_secret_file;     // else EXOSCALE_API_SECRET
    bool verbose = false;
    unsigned long long seed = 1;     // generated cases: same seed, same cases
    std::size_t generated = 24;      // how many; 0 turns generation off
};

// Parses argv (after the subcommand). Returns nullopt after printing help (exit 0) when
// *exit_code is 0, or an error message on stderr (exit 2) when *exit_code is 2.
std::optional<RunOptions> parse_run_options(int argc, char** argv, int* exit_code);

}  // namespace kms::cli
