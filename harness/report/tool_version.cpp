#include "harness/report/tool_version.hpp"

// Generated at configure time by packaging/version.cmake (project version, and git's view of
// the commit); only this file includes it, so that a new version recompiles one file.
#include "kmsconf_version.hpp"

namespace kms {

const char* tool_version() { return "kmsconf " KMSCONF_VERSION; }
const char* tool_version_number() { return KMSCONF_VERSION; }

}  // namespace kms
