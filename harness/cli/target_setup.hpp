// The set-up `kmsconf run` and `kmsconf bench` share before they send anything: credentials,
// the --ca-file probe, the report folder, the target (the --base-url, or the embedded reference
// server on an ephemeral port) and a first connection to it. Each step that finds a problem
// throws CommandStop with the exit code and the message the user reads, so that both commands
// report the same problem in the same words.
#pragma once

#include "common/exo2_signature.hpp"
#include "harness/transport/base_url.hpp"
#include "server/reference_server.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kms {
class HttpClient;
}

namespace kms::cli {

// A command stops here: its entry point (exit_code_of) prints "<command>: <what()>" on stderr
// and exits with `code` (exit_codes.hpp).
struct CommandStop : std::runtime_error {
    CommandStop(int exit_code, const std::string& message) : std::runtime_error(message), code(exit_code) {}
    int code;
};

// Runs a command's body; a CommandStop it throws is printed with `prefix` ("kmsconf",
// "kmsconf bench") and becomes the exit code.
int exit_code_of(const char* prefix, const std::function<int()>& body);

// --api-key / --api-secret-file, else EXOSCALE_API_KEY / EXOSCALE_API_SECRET (common/credentials);
// nullopt when none is set. An unreadable, empty or two-line secret file: exit 2.
std::optional<Exo2Credentials> load_credentials(const std::string& api_key, const std::string& api_secret_file);

// Empty: no extra trust anchors. Else the file must hold a PEM certificate: exit 2, before the
// first TLS handshake would say so less clearly.
void check_ca_file(const std::string& ca_file);

// The previous run's `files` in `dir` go first, whatever stops this run afterwards (CI must not
// publish a stale green report); a file that cannot be removed: exit 2.
void remove_stale_reports(const std::string& dir, const std::vector<std::string>& files);
// The new reports must be writable before anything is sent, not found unwritable after: exit 2.
void check_report_folder(const std::string& dir, const std::vector<std::string>& files);

// `url` parsed as a base URL; one that does not parse: exit 2.
BaseUrl parse_target_url(const std::string& url);

// What a command tests: the --base-url, or the embedded reference server it started.
struct Target {
    std::unique_ptr<server::ReferenceServer> embedded;  // null with --base-url
    BaseUrl base;
    std::string label;  // the --base-url as given, or "embedded reference server (URL)"
};

// `base_url` empty: starts the embedded reference server with `embedded_options` (exit 3 when it
// cannot); else parses `base_url` (exit 2).
Target open_target(const std::string& base_url, server::ServerOptions embedded_options);

// One connection before the first case or load, so that a target nobody answers for exits 3 at
// once instead of failing every request.
void check_reachable(HttpClient& client);

}  // namespace kms::cli
