// OpenSSL's error queue as a message, for the TLS code of both the client and the server.
#pragma once

#include <string>

namespace kms {

// The reason of the most recent queued OpenSSL error ("no start line", "key values mismatch"),
// and an empty queue afterwards so that a later failure is not blamed on this one.
std::string last_openssl_error();

}  // namespace kms
