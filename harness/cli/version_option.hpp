// --version, which every command takes (`kmsconf run --version`, `kmsconf serve --version`,
// `kmsconf bench --version`, and `kmsconf --version` as run's) and whose --help line shows the
// version itself, so that a help page pasted into a bug report says what it documents.
#pragma once

#include <boost/program_options.hpp>

#include <ostream>

namespace kms::cli {

// Adds "--version  print the version (kmsconf X) and exit" to `options`.
void add_version_option(boost::program_options::options_description& options);

// True after printing the version on `out` when `values` hold --version.
bool print_version_if_asked(const boost::program_options::variables_map& values, std::ostream& out);

}  // namespace kms::cli
