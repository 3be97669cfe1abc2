// Where the EXO2 credentials come from: --api-key / --api-secret-file, else the environment
// (EXOSCALE_API_KEY / EXOSCALE_API_SECRET), as the official clients do. Never printed.
#pragma once

#include "exo2_signature.hpp"

#include <optional>
#include <string>

namespace kms {

// nullopt without credentials; throws std::runtime_error when only half is given or the
// secret file cannot be read.
std::optional<Exo2Credentials> resolve_credentials(const std::string& api_key, const std::string& secret_file);

}  // namespace kms
