// `kmsconf proxy --upstream URL`: a reverse proxy that judges the traffic real clients send
// through it, as a run judges its own, and writes the run's reports when stopped.
#pragma once

namespace kms::cli {

int proxy_main(int argc, char** argv);

}  // namespace kms::cli
