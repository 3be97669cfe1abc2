#include "harness/report/tool_version.hpp"

namespace kms {

const char* tool_version() { return "kmsconf " KMSCONF_VERSION; }
const char* tool_version_number() { return KMSCONF_VERSION; }

}  // namespace kms
