// Where kmsconf finds its data, the schemas/ and suites/ folders: the command-line flag, else the
// environment variable, else beside the binary, at <folder of the binary>/../share/kmsconf/
// (the install layout: <prefix>/bin/kmsconf and <prefix>/share/kmsconf/; the build tree mirrors
// it with links in build/share/kmsconf/ for build/harness/kmsconf). Never a path compiled in: a
// copied or moved build, or an installed package, must not silently run a checkout's data.
#pragma once

#include <filesystem>
#include <string>

namespace kms::cli {

// One data folder: its name under share/kmsconf/, its flag and its environment variable.
struct DataDir {
    const char* folder;
    const char* flag;
    const char* variable;
};
inline constexpr DataDir kSchemasDir{"schemas", "--schemas-dir", "KMSCONF_SCHEMAS_DIR"};
inline constexpr DataDir kSuitesDir{"suites", "--suites-dir", "KMSCONF_SUITES_DIR"};

// The folder of `dir`: `flag_value` when not empty, else $variable when set and not empty, else
// beside the binary (read from /proc/self/exe). The first place given is the only one taken: a
// flag or a variable that names no folder is an error, not a reason to look further. No folder:
// CommandStop with exit 2 and a message naming every place looked and why each did not do.
std::filesystem::path resolve_data_dir(const DataDir& dir, const std::string& flag_value);

}  // namespace kms::cli
