#include "harness/cli/target_setup.hpp"

#include "common/credentials.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/report/report_files.hpp"
#include "harness/transport/ca_file_check.hpp"
#include "harness/transport/http_client.hpp"

#include <iostream>

namespace kms::cli {

int exit_code_of(const char* prefix, const std::function<int()>& body) {
    try {
        return body();
    } catch (const CommandStop& stop) {
        std::cerr << prefix << ": " << stop.what() << "\n";
        return stop.code;
    }
}

std::optional<Exo2Credentials> load_credentials(const std::string& api_key, const std::string& api_secret_file) {
    try {
        return resolve_credentials(api_key, api_secret_file);
    } catch (const std::exception& e) {
        throw CommandStop(kExitUsage, e.what());
    }
}

void check_ca_file(const std::string& ca_file) {
    if (ca_file.empty()) return;
    if (auto problem = ca_file_problem(ca_file); !problem.empty())
        throw CommandStop(kExitUsage, "--ca-file " + ca_file + ": " + problem);
}

void remove_stale_reports(const std::string& dir, const std::vector<std::string>& files) {
    try {
        remove_previous_reports(dir, files);
    } catch (const std::exception& e) {
        throw CommandStop(kExitUsage, e.what());
    }
}

void check_report_folder(const std::string& dir, const std::vector<std::string>& files) {
    try {
        check_reports_writable(dir, files);
    } catch (const std::exception& e) {
        throw CommandStop(kExitUsage, e.what());
    }
}

BaseUrl parse_target_url(const std::string& url) {
    std::string error;
    auto base = parse_base_url(url, &error);
    if (!base) throw CommandStop(kExitUsage, "--base-url " + url + ": " + error);
    return *base;
}

Target open_target(const std::string& base_url, server::ServerOptions embedded_options) {
    if (!base_url.empty()) return Target{nullptr, parse_target_url(base_url), base_url};
    auto embedded = std::make_unique<server::ReferenceServer>(std::move(embedded_options));
    try {
        embedded->start();
    } catch (const std::exception& e) {
        throw CommandStop(kExitUnreachable, std::string("cannot start the embedded reference server: ") + e.what());
    }
    const std::string url = embedded->base_url();
    return Target{std::move(embedded), parse_target_url(url), "embedded reference server (" + url + ")"};
}

void check_reachable(HttpClient& client) {
    if (auto failure = client.connect()) throw CommandStop(kExitUnreachable, "target unreachable: " + failure->error_detail);
}

}  // namespace kms::cli
