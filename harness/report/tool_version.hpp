// The tool's name and version as `kmsconf --version` prints it and reports record it (the
// project's CMake version, so that there is one place to change it).
#pragma once

namespace kms {

const char* tool_version();         // "kmsconf 0.1.0"
const char* tool_version_number();  // "0.1.0", where a format has a field for the version alone (HAR's creator)

}  // namespace kms
