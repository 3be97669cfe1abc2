#include "harness/cli/data_dirs.hpp"

#include "harness/cli/exit_codes.hpp"
#include "harness/cli/target_setup.hpp"

#include <cstdlib>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace kms::cli {

namespace {

// Empty when `p` is a folder (or a link to one); else why it is not.
std::string not_a_folder(const fs::path& p) {
    std::error_code ec;
    const auto status = fs::status(p, ec);
    if (ec || !fs::exists(status)) return "no such directory";
    if (!fs::is_directory(status)) return "not a directory";
    return {};
}

// `hint`: whether to say how to name the folder (not when the user named one already).
[[noreturn]] void not_found(const DataDir& dir, const std::vector<std::string>& looked, bool hint = false) {
    std::string message = std::string("no ") + dir.folder + " folder; looked at: ";
    for (std::size_t i = 0; i < looked.size(); ++i) message += (i ? "; " : "") + looked[i];
    if (hint) message += std::string("; pass ") + dir.flag + " DIR or set " + dir.variable;
    throw CommandStop(kExitUsage, message);
}

}  // namespace

fs::path resolve_data_dir(const DataDir& dir, const std::string& flag_value) {
    if (!flag_value.empty()) {
        const std::string why = not_a_folder(flag_value);
        if (why.empty()) return flag_value;
        not_found(dir, {std::string(dir.flag) + " " + flag_value + " (" + why + ")"});
    }
    std::vector<std::string> looked;
    looked.push_back(std::string(dir.flag) + " (not given)");
    if (const char* value = std::getenv(dir.variable); value && *value) {
        const std::string why = not_a_folder(value);
        if (why.empty()) return value;
        looked.push_back(std::string("$") + dir.variable + "=" + value + " (" + why + ")");
        not_found(dir, looked);
    }
    looked.push_back(std::string("$") + dir.variable + " (not set)");
    std::error_code ec;
    const fs::path binary = fs::read_symlink("/proc/self/exe", ec);
    if (ec) {
        looked.push_back("beside the binary (/proc/self/exe: " + ec.message() + ")");
        not_found(dir, looked, true);
    }
    // <prefix>/bin/kmsconf -> <prefix>/share/kmsconf/<folder>; build/harness/kmsconf -> build/share/...
    const fs::path beside = (binary.parent_path() / ".." / "share" / "kmsconf" / dir.folder).lexically_normal();
    const std::string why = not_a_folder(beside);
    if (why.empty()) return beside;
    looked.push_back(beside.string() + " beside the binary " + binary.string() + " (" + why + ")");
    not_found(dir, looked, true);
}

}  // namespace kms::cli
