#include "harness/cli/rerun_flags.hpp"

#include "harness/cases/shell_quote.hpp"

#include <sstream>

namespace kms::cli {

namespace {

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

}  // namespace

std::string rerun_flags(const RunOptions& o) {
    const RunOptions defaults;
    std::string out;
    auto add = [&](const std::string& flag, const std::string& value) {
        out += (out.empty() ? "" : " ") + flag + (value.empty() ? "" : " " + shell_word(value));
    };
    auto add_if = [&](const std::string& flag, const std::string& value, const std::string& default_value) {
        if (value != default_value) add(flag, value);
    };
    add_if("--base-url", o.base_url, "");
    add_if("--ca-file", o.ca_file, "");
    if (o.insecure) add("--insecure", "");
    add_if("--contract", o.contract, defaults.contract);
    add_if("--key-id", o.key_id, "");
    add_if("--zone", o.zone, defaults.zone);
    if (!o.zones.empty()) {
        std::string list;
        for (const auto& z : o.zones) list += (list.empty() ? "" : ",") + z;
        add("--zones", list);
    }
    add_if("--operation-timeout-ms", std::to_string(o.operation_timeout_ms), std::to_string(defaults.operation_timeout_ms));
    if (!o.suites.empty()) {
        out += (out.empty() ? "" : " ") + std::string("--suites");
        for (const auto& s : o.suites) out += " " + shell_word(s);
    }
    // The data folders, when named: they change what is sent and how it is judged.
    add_if("--schemas-dir", o.schemas_dir, "");
    add_if("--suites-dir", o.suites_dir, "");
    add_if("--seed", std::to_string(o.seed), std::to_string(defaults.seed));
    add_if("--generated", std::to_string(o.generated), std::to_string(defaults.generated));
    add_if("--timeout-ms", std::to_string(o.timeout_ms), std::to_string(defaults.timeout_ms));
    add_if("--connect-timeout-ms", std::to_string(o.connect_timeout_ms), std::to_string(defaults.connect_timeout_ms));
    add_if("--max-response-time-ms", std::to_string(o.max_response_time_ms), std::to_string(defaults.max_response_time_ms));
    add_if("--stray-grace-ms", std::to_string(o.stray_grace_ms), std::to_string(defaults.stray_grace_ms));
    add_if("--rate", number(o.rate), number(defaults.rate));
    if (o.strict) add("--strict", "");
    // A double-quoted variable, not a value: the rerun takes the key from the environment.
    if (!o.api_key.empty()) out += std::string(out.empty() ? "" : " ") + "--api-key \"$EXOSCALE_API_KEY\"";
    add_if("--api-secret-file", o.api_secret_file, "");
    return out;
}

}  // namespace kms::cli
