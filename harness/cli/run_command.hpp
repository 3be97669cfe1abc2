#pragma once

namespace kms::cli {

// `kmsconf run`: the whole conformance run. Returns the process exit code (0/1/2/3).
int run_main(int argc, char** argv);

}  // namespace kms::cli
