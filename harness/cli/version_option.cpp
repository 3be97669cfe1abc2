#include "harness/cli/version_option.hpp"

#include "harness/report/tool_version.hpp"

#include <string>

namespace kms::cli {

void add_version_option(boost::program_options::options_description& options) {
    const std::string help = std::string("print the version (") + tool_version() + ") and exit";
    options.add_options()("version", help.c_str());
}

bool print_version_if_asked(const boost::program_options::variables_map& values, std::ostream& out) {
    if (!values.count("version")) return false;
    out << tool_version() << "\n";
    return true;
}

}  // namespace kms::cli
