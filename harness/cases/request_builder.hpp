// Turns a case's request template into the bytes sent: placeholders expanded, default headers
// merged, the target joined to the base URL's path, and the EXO2 signature (or its deliberate
// corruption, for the auth cases) added.
#pragma once

#include "harness/transport/base_url.hpp"
#include "common/exo2_signature.hpp"
#include "common/http_types.hpp"
#include "harness/cases/suite.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kms {

struct Variables {
    std::string key;   // ${key}
    std::string zone;  // ${zone}
};

struct PlaceholderError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Expands ${key}, ${zone}, ${random-uuid} and ${repeat:N:text}; throws PlaceholderError on an
// unknown or malformed placeholder, or an expansion over 16 MiB.
std::string expand_placeholders(std::string_view text, const Variables& vars);

struct Signer {
    std::optional<Exo2Credentials> credentials;
    std::function<std::int64_t()> unix_now;  // defaults to the system clock
    std::int64_t validity_seconds = 600;     // clients use now + 10 min
};

// Builds the request for one send of `c`. Throws PlaceholderError.
HttpRequest build_request(const Case& c, const Variables& vars, const BaseUrl& base, const Signer& signer);

// True when the case can run with these credentials (auth variants need credentials).
bool auth_mode_runnable(AuthMode mode, const Signer& signer);

}  // namespace kms
