// How every kmsconf command (run, bench, serve) reads its argv with Boost.Program_options:
// no prefix guessing (`--fil` is not --filter) and no word dropped. Words that are not options
// are collected so the caller can refuse them by name: a typo must not run something the user
// did not ask for.
#pragma once

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace kms {

struct CommandLine {
    boost::program_options::variables_map values;  // stored, not yet notified
    std::vector<std::string> stray;                // positional words, in order
};

// Program_options' default style without allow_guessing.
int strict_command_line_style();

// Parses argv (argv[0] is skipped) against `options`. Throws boost::program_options::error for
// an unknown or malformed option; stray words are returned, not thrown.
CommandLine parse_command_line(int argc, char** argv, const boost::program_options::options_description& options);

}  // namespace kms
