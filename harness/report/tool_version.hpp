// The tool's version, as `kmsconf --version` prints it and reports name their creator.
#pragma once

namespace kms {

inline constexpr const char* kToolVersion = "0.1.0";

}  // namespace kms
