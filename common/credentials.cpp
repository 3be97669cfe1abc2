#include "common/credentials.hpp"

#include "common/file_reading.hpp"
#include "common/text.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kms {

std::string read_secret_file(const std::string& path) {
    std::string why;
    const auto text = read_whole_file(path, &why);
    if (!text) throw CredentialsError("cannot read --api-secret-file " + path + ": " + why);

    std::string secret;
    int non_empty_lines = 0;
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
        const auto content = trim(line);  // also drops the '\r' of CRLF files
        if (content.empty()) continue;
        if (++non_empty_lines > 1)
            throw CredentialsError("--api-secret-file " + path +
                                   " holds more than one non-empty line; it must hold the secret alone");
        secret = std::string(content);
    }
    if (secret.empty()) throw CredentialsError("--api-secret-file " + path + " holds no secret (it is empty)");
    return secret;
}

std::optional<Exo2Credentials> resolve_credentials(const std::string& api_key, const std::string& secret_file,
                                                   bool use_environment) {
    auto env = [use_environment](const char* name) -> std::string {
        const char* value = use_environment ? std::getenv(name) : nullptr;
        return value ? value : "";
    };
    Exo2Credentials c;
    c.key = api_key.empty() ? env("EXOSCALE_API_KEY") : api_key;
    c.secret = secret_file.empty() ? env("EXOSCALE_API_SECRET") : read_secret_file(secret_file);
    if (c.key.empty() && c.secret.empty()) return std::nullopt;
    if (c.key.empty())
        throw CredentialsError("an API secret is set but no API key (--api-key or EXOSCALE_API_KEY)");
    if (c.secret.empty())
        throw CredentialsError("an API key is set but no secret (--api-secret-file or EXOSCALE_API_SECRET)");
    return c;
}

}  // namespace kms
