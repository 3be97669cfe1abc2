// The flags the commands share, defined once: the target (base URL, TLS, credentials, key and
// zone) and the per-request deadline (run and bench), where the data and the reports are (run,
// bench and judge), the contract, --strict and the console's (run and judge). Each command's
// options type has the fields by these names.
#pragma once

#include "harness/cli/flag_table.hpp"
#include "harness/contract/contract.hpp"
#include "harness/transport/base_url.hpp"
#include "common/text.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kms::cli {

inline constexpr std::int64_t kMaxTimeoutMs = 600000;  // 10 minutes, any deadline

// An unset CI variable gives `--base-url ""`: testing or measuring the embedded server instead
// would pass a release gate, or report figures, for a server nobody asked about.
inline std::string base_url_problem(const std::string& text) {
    if (trim(text).empty())
        return "--base-url is empty (an unset variable?); omit the flag to use the embedded reference server";
    std::string why;
    if (!parse_base_url(text, &why)) return "--base-url '" + text + "': " + why;
    return "";
}

inline std::string key_id_problem(const std::string& text) {
    if (is_uuid(text)) return "";
    return "--key-id '" + text + "' is not a uuid (8-4-4-4-12 hex digits, as the API's key ids are)";
}

// Where the data is read from and the reports go: every command that judges (run, bench,
// judge) takes these.
template <class O>
std::vector<Flag<O>> data_and_report_flags() {
    return {
        text_flag<O>(FlagSpec("schemas-dir", "the schemas folder (default: $KMSCONF_SCHEMAS_DIR, else "
                                             "../share/kmsconf/schemas beside the binary)")
                         .refuse_empty()
                         .carried_by_rerun(),
                     &O::schemas_dir),
        text_flag<O>(FlagSpec("report-dir", "the folder the reports named above are written to")
                         .defaults_to("reports")
                         .refuse_empty(),
                     &O::report_dir),
        text_flag<O>(FlagSpec("junit-prefix", "prefix the JUnit report's suite names with NAME. (two targets in one "
                                              "pipeline)")
                         .refuse_empty(),
                     &O::junit_prefix),
    };
}

// The contract a run or a judge judges by.
template <class O>
Flag<O> contract_flag() {
    return text_flag<O>(FlagSpec("contract", "contract revision under schemas/ (2026-03-31, 2026-07-20), auto "
                                             "(decided from the responses), or a directory holding contract.json")
                            .defaults_to(kDefaultContractRevision)
                            .refuse_empty()
                            .carried_by_rerun(),
                        &O::contract);
}

// What a run or a judge prints, and whether SHOULD findings fail it.
template <class O>
Flag<O> strict_flag() {
    return switch_flag<O>(FlagSpec("strict", "SHOULD-level (non-strict) findings fail the run too").carried_by_rerun(),
                          &O::strict);
}

template <class O>
std::vector<Flag<O>> console_flags() {
    return {
        switch_flag<O>(FlagSpec("verbose", "print every case as it is judged, and informational findings").short_flag('v'),
                       &O::verbose),
        switch_flag<O>(FlagSpec("quiet", "print only the final count line (and warnings and errors)").short_flag('q'),
                       &O::quiet),
    };
}

// The EXO2 credentials: a run and a bench sign with them, a judge verifies a client's signatures.
template <class O>
std::vector<Flag<O>> credential_flags() {
    return {
        // A rerun reads the key from the environment, never from the command line it prints.
        text_flag<O>(FlagSpec("api-key", "EXO2 API key (default: $EXOSCALE_API_KEY)")
                         .carried_by_rerun("\"$EXOSCALE_API_KEY\""),
                     &O::api_key),
        text_flag<O>(FlagSpec("api-secret-file", "file holding the API secret on one line (default: $EXOSCALE_API_SECRET)")
                         .refuse_empty()
                         .carried_by_rerun(),
                     &O::api_secret_file),
    };
}

// What traffic_judging_flags fill: a command's options derive from it.
struct TrafficJudgingOptions {
    std::string contract;
    std::string schemas_dir;
    std::string report_dir;
    std::string junit_prefix;
    bool strict = false;
    bool verbose = false;
    bool quiet = false;
    bool judge_client = false;
    std::string api_key;
    std::string api_secret_file;
    int operation_timeout_ms = 60000;
};

// How long a replicate's operation may stay pending (run: while it follows one; judge and
// proxy: across the polls the traffic made).
template <class O>
Flag<O> operation_timeout_flag() {
    return integer_flag<O, int>(FlagSpec("operation-timeout-ms", "how long a replicate's operation may stay pending before "
                                                            "it is a failure, {bounds}")
                               .defaults_to("60000")
                               .between(1, kMaxTimeoutMs)
                               .carried_by_rerun(),
                           &O::operation_timeout_ms);
}

// How recorded or proxied traffic is judged (kmsconf judge, kmsconf proxy): the contract, the
// data and reports, --strict, --judge-client, the client's credentials and the console.
template <class O>
std::vector<Flag<O>> traffic_judging_flags() {
    std::vector<Flag<O>> flags = {contract_flag<O>(), operation_timeout_flag<O>()};
    for (auto& f : data_and_report_flags<O>()) flags.push_back(std::move(f));
    flags.push_back(strict_flag<O>());
    flags.push_back(switch_flag<O>(FlagSpec("judge-client", "the client's findings (a request the contract refuses, "
                                                            "a missing or failing signature) fail the run; else "
                                                            "they are informational")
                                       .carried_by_rerun(),
                                   &O::judge_client));
    for (auto& f : credential_flags<O>()) flags.push_back(std::move(f));
    for (auto& f : console_flags<O>()) flags.push_back(std::move(f));
    return flags;
}

// How an HTTPS target is trusted (run, bench, and proxy's upstream).
template <class O>
std::vector<Flag<O>> tls_flags() {
    return {
        text_flag<O>(FlagSpec("ca-file", "PEM file of extra trust anchors for HTTPS (at least one certificate)")
                         .refuse_empty()
                         .carried_by_rerun(),
                     &O::ca_file),
        switch_flag<O>(FlagSpec("insecure", "do not verify the server's TLS certificate").carried_by_rerun(),
                       &O::insecure),
    };
}

// The per-request deadline; `meaning` says what it bounds for the commands that take it.
template <class O>
Flag<O> timeout_flag(const std::string& meaning) {
    return integer_flag<O>(FlagSpec("timeout-ms", "deadline per request in ms, {bounds} (" + meaning + ")")
                               .defaults_to("10000")
                               .between(1, kMaxTimeoutMs)
                               .carried_by_rerun(),
                           &O::timeout_ms);
}

// The target's flags, then tls_flags, credential_flags, the timeout and data_and_report_flags.
template <class O>
std::vector<Flag<O>> target_flags() {
    std::vector<Flag<O>> flags = {
        text_flag<O>(FlagSpec("base-url", "target, http:// or https://, e.g. https://api-ch-gva-2.exoscale.com/v2 "
                                          "(default: the embedded reference server)")
                         .carried_by_rerun(),
                     &O::base_url, base_url_problem),
        text_flag<O>(FlagSpec("key-id", "the KMS key to replicate, a uuid, ${key} in the suites (default: the "
                                        "reference server's a02baf5a-a3e4-49a0-857b-8a08d276c1c0)")
                         .carried_by_rerun(),
                     &O::key_id, key_id_problem),
        text_flag<O>(FlagSpec("zone", "the zone replicated to, ${zone} in the suites (kmsconf run: while the key's "
                                      "state is unknown)")
                         .defaults_to("de-fra-1")
                         .refuse_empty()
                         .carried_by_rerun(),
                     &O::zone),
    };
    for (auto& f : tls_flags<O>()) flags.push_back(std::move(f));
    for (auto& f : credential_flags<O>()) flags.push_back(std::move(f));
    flags.push_back(timeout_flag<O>("kmsconf run: for the response once connected; bench: connect, write and response"));
    for (auto& f : data_and_report_flags<O>()) flags.push_back(std::move(f));
    return flags;
}

}  // namespace kms::cli
