#include "harness/cli/flag_table.hpp"

#include "harness/cases/shell_quote.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/version_option.hpp"
#include "common/command_line.hpp"
#include "common/bounded_number.hpp"
#include "common/text.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace kms::cli {

std::string FlagSpec::bounds_text() const {
    switch (kind) {
        case FlagKind::integer:
        case FlagKind::real:
            return range_text(min, max, above_min);
        case FlagKind::unsigned_integer:
            return "0 to " + std::to_string(UINT64_MAX);
        case FlagKind::text:
        case FlagKind::switch_flag:
        case FlagKind::words:
            return "";
    }
    return "";
}

namespace {

std::string help_of(const FlagSpec& spec) {
    const std::string bounds = spec.bounds_text();
    if (bounds.empty()) return spec.help;
    const auto at = spec.help.find("{bounds}");
    if (at == std::string::npos) return spec.help + ", " + bounds;
    return spec.help.substr(0, at) + bounds + spec.help.substr(at + 8);
}

std::string option_name(const FlagSpec& spec) {
    return spec.short_name ? spec.name + "," + std::string(1, spec.short_name) : spec.name;
}

}  // namespace

void describe_flags(po::options_description& description, const std::vector<FlagSpec>& specs) {
    for (const auto& spec : specs) {
        const std::string name = option_name(spec);
        const std::string help = help_of(spec);
        switch (spec.kind) {
            case FlagKind::switch_flag:
                description.add_options()(name.c_str(), po::bool_switch(), help.c_str());
                break;
            case FlagKind::words: {
                auto* value = po::value<std::vector<std::string>>()->composing();
                if (spec.multitoken) value->multitoken();
                description.add_options()(name.c_str(), value, help.c_str());
                break;
            }
            default: {
                auto* value = po::value<std::string>();
                if (spec.default_text) value->default_value(*spec.default_text);
                description.add_options()(name.c_str(), value, help.c_str());
                break;
            }
        }
    }
}

std::optional<std::vector<std::string>> read_flag(const po::variables_map& values, const FlagSpec& spec,
                                                  std::string* error) {
    if (!values.count(spec.name)) return std::nullopt;
    const std::string flag = "--" + spec.name;
    switch (spec.kind) {
        case FlagKind::switch_flag:
            if (!values[spec.name].as<bool>()) return std::nullopt;
            return std::vector<std::string>{"on"};
        case FlagKind::words:
            return values[spec.name].as<std::vector<std::string>>();
        default:
            break;
    }
    const std::string text = values[spec.name].as<std::string>();
    switch (spec.kind) {
        case FlagKind::text:
            // An unset CI variable gives `--flag ""` (or a blank): refused, never taken for "not given".
            if (spec.non_empty && trim(text).empty()) {
                *error = flag + " is empty";
                return std::nullopt;
            }
            return std::vector<std::string>{text};
        case FlagKind::integer: {
            auto v = parse_bounded_integer(flag, text, static_cast<std::int64_t>(spec.min),
                                           static_cast<std::int64_t>(spec.max), error);
            if (!v) return std::nullopt;
            return std::vector<std::string>{std::to_string(*v)};
        }
        case FlagKind::unsigned_integer: {
            auto v = parse_bounded_unsigned(flag, text, UINT64_MAX, error);
            if (!v) return std::nullopt;
            return std::vector<std::string>{std::to_string(*v)};
        }
        case FlagKind::real: {
            auto v = parse_bounded_real(flag, text, spec.min, spec.max, spec.above_min, error);
            if (!v) return std::nullopt;
            return std::vector<std::string>{text};
        }
        default:
            return std::nullopt;
    }
}

std::string rerun_words(const FlagSpec& spec, const std::vector<std::string>& value) {
    const std::string flag = "--" + spec.name;
    switch (spec.kind) {
        case FlagKind::switch_flag:
            return value.empty() ? "" : flag;
        case FlagKind::words: {
            if (value.empty()) return "";
            std::string out = flag;
            for (const auto& word : value) out += " " + shell_word(word);
            return out;
        }
        default:
            break;
    }
    const std::string text = value.empty() ? "" : value.front();
    if (text == spec.default_text.value_or("")) return "";
    return flag + " " + (spec.rerun_as.empty() ? shell_word(text) : spec.rerun_as);
}

ParsedLine parse_flag_line(int argc, char** argv, const std::string& usage, const std::vector<FlagSpec>& specs,
                           const std::string& command, const std::function<std::string(const po::variables_map&)>& store) {
    po::options_description desc(usage);
    desc.add_options()("help,h", "print this help");
    describe_flags(desc, specs);
    add_version_option(desc);
    ParsedLine parsed;
    try {
        CommandLine line = parse_command_line(argc, argv, desc);
        if (line.values.count("help")) {
            std::cout << desc << "\n";
            parsed.exit_code = kExitOk;
            return parsed;
        }
        if (print_version_if_asked(line.values, std::cout)) {
            parsed.exit_code = kExitOk;
            return parsed;
        }
        po::notify(line.values);
        if (std::string why = store(line.values); !why.empty()) throw po::error(why);
        parsed.stray = std::move(line.stray);
    } catch (const po::error& e) {
        parsed.exit_code = usage_error(command, e.what());
    }
    return parsed;
}

int usage_error(const std::string& command, const std::string& why) {
    std::cerr << command << ": " << why << " (see " << command << " --help)\n";
    return kExitUsage;
}

}  // namespace kms::cli
