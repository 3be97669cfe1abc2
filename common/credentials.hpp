// The one place EXO2 credentials are read, for `kmsconf run`, `bench` and `serve` alike, so
// that a client and a server given the same secret file sign and verify with the same secret.
// Sources: --api-key / --api-secret-file, else (when the caller allows it) the environment,
// EXOSCALE_API_KEY / EXOSCALE_API_SECRET, as the official clients do. Never printed.
#pragma once

#include "common/exo2_signature.hpp"

#include <optional>
#include <stdexcept>
#include <string>

namespace kms {

// A configuration error: the caller exits 2 with its message.
struct CredentialsError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The secret in `path`: its one non-empty line, without surrounding blanks. Blank lines
// (the trailing newline, say) are ignored. Throws CredentialsError naming the file when it
// cannot be read, holds no secret, or holds more than one non-empty line (which line would
// be the secret is a guess, and two readers once guessed differently).
std::string read_secret_file(const std::string& path);

// nullopt without credentials. A flag wins over the environment, half by half; with
// use_environment false the environment is not read. Throws CredentialsError when only half
// is given or the secret file is unusable.
std::optional<Exo2Credentials> resolve_credentials(const std::string& api_key, const std::string& secret_file,
                                                   bool use_environment = true);

}  // namespace kms
