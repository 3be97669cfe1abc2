#include "harness/report/tool_version.hpp"

namespace kms {

const char* tool_version() { return "kmsconf " KMSCONF_VERSION; }

}  // namespace kms
