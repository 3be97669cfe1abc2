// The tool's name and version as `kmsconf --version` prints it and reports record it (the
// project's CMake version, with git's description of the commit in a checkout: see
// packaging/version.cmake).
#pragma once

namespace kms {

const char* tool_version();         // "kmsconf 0.1.0+g96b0a24"
const char* tool_version_number();  // "0.1.0+g96b0a24", where a format has a field for the version alone (HAR's creator)

}  // namespace kms
