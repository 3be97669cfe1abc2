// `kmsconf serve`: the reference server in the foreground, for scripts and manual checks.
#pragma once

namespace kms::cli {

// argv[0] is "serve". stdout carries exactly one line, "listening on http://ADDR:PORT/v2"
// (https:// with --tls-cert/--tls-key), once bound; everything else goes to stderr. Exit codes
// (exit_codes.hpp): 0 after SIGINT/SIGTERM or --help, 2 for bad flags or an unusable
// certificate or key, 3 when the address cannot be bound.
int serve_main(int argc, char** argv);

}  // namespace kms::cli
