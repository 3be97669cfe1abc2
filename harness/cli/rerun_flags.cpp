#include "harness/cli/rerun_flags.hpp"

#include "harness/cases/curl_command.hpp"

namespace kms::cli {

std::string rerun_flags(const RunOptions& o) {
    const RunOptions d;
    std::string out;
    auto value = [&](const char* flag, const std::string& v, const std::string& dv) {
        if (v != dv) out += std::string(" ") + flag + " " + shell_quote(v);
    };
    auto number = [&](const char* flag, auto v, auto dv) {
        if (v != dv) out += std::string(" ") + flag + " " + std::to_string(v);
    };
    auto flag = [&](const char* name, bool on) {
        if (on) out += std::string(" ") + name;
    };
    value("--base-url", o.base_url, d.base_url);
    value("--key-id", o.key_id, d.key_id);
    value("--zone", o.zone, d.zone);
    value("--contract", o.contract, d.contract);
    if (!o.suites.empty()) {
        out += " --suites";
        for (const auto& s : o.suites) out += " " + shell_quote(s);
    }
    // Generated case ids depend on both: the rerun must generate the same cases.
    number("--seed", o.seed, d.seed);
    number("--generated", o.generated, d.generated);
    number("--timeout-ms", o.timeout_ms, d.timeout_ms);
    number("--connect-timeout-ms", o.connect_timeout_ms, d.connect_timeout_ms);
    number("--max-response-time-ms", o.max_response_time_ms, d.max_response_time_ms);
    number("--stray-grace-ms", o.stray_grace_ms, d.stray_grace_ms);
    flag("--strict", o.strict);
    value("--ca-file", o.ca_file, d.ca_file);
    flag("--insecure", o.insecure);
    value("--api-key", o.api_key, d.api_key);
    value("--api-secret-file", o.api_secret_file, d.api_secret_file);
    return out;
}

}  // namespace kms::cli
