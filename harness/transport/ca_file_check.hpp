// --ca-file is read before any request: a file that holds no certificate (a key, a typo'd
// path, DER where PEM is wanted) would otherwise fail every TLS handshake, and the run would
// call a healthy target "unreachable" (exit 3) instead of naming the file (exit 2).
#pragma once

#include <string>

namespace kms {

// Empty when `path` holds at least one readable PEM certificate; otherwise why not
// ("No such file or directory", "holds no PEM certificate", the OpenSSL reason).
std::string ca_file_problem(const std::string& path);

}  // namespace kms
