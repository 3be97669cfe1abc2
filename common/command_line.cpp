#include "common/command_line.hpp"

namespace po = boost::program_options;

namespace kms {

namespace {
constexpr const char* kStray = "kmsconf-stray-words";  // a name no flag of ours can take
}

int strict_command_line_style() {
    return po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
}

CommandLine parse_command_line(int argc, char** argv, const po::options_description& options) {
    po::options_description hidden;
    hidden.add_options()(kStray, po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description positional;
    positional.add(kStray, -1);
    CommandLine out;
    po::store(po::command_line_parser(argc, argv)
                  .options(all)
                  .positional(positional)
                  .style(strict_command_line_style())
                  .run(),
              out.values);
    if (out.values.count(kStray)) out.stray = out.values[kStray].as<std::vector<std::string>>();
    return out;
}

}  // namespace kms
