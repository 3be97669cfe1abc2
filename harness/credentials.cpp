#include "credentials.hpp"

#include "text.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kms {

std::optional<Exo2Credentials> resolve_credentials(const std::string& api_key, const std::string& secret_file) {
    Exo2Credentials c;
    c.key = api_key;
    if (c.key.empty())
        if (const char* env = std::getenv("EXOSCALE_API_KEY")) c.key = env;
    if (!secret_file.empty()) {
        std::ifstream in(secret_file, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read --api-secret-file " + secret_file);
        std::stringstream text;
        text << in.rdbuf();
        c.secret = std::string(trim(text.str()));
    } else if (const char* env = std::getenv("EXOSCALE_API_SECRET")) {
        c.secret = env;
    }
    if (c.key.empty() && c.secret.empty()) return std::nullopt;
    if (c.key.empty()) throw std::runtime_error("an API secret is set but no API key (--api-key or EXOSCALE_API_KEY)");
    if (c.secret.empty())
        throw std::runtime_error("an API key is set but no secret (--api-secret-file or EXOSCALE_API_SECRET)");
    return c;
}

}  // namespace kms
