// The response checks: any bytes, read as a response (fuzz_input.hpp's text form), go through
// every check a run applies to a response, under both contract revisions: the per-response
// checks (for the replicate and for a request only the HTTP stack sees), each expectation,
// framing, time budget, 429/503 handling, the state checks on the body and the revision
// detector. A check may find anything; it must not crash, and each finding must say what it is.
#include "common/strict_json.hpp"
#include "fuzz/fuzz_input.hpp"
#include "fuzz/fuzz_target.hpp"
#include "harness/checks/checks.hpp"
#include "harness/checks/state_checks.hpp"
#include "harness/contract/contract.hpp"
#include "harness/contract/revision_detector.hpp"
#include "harness/run/retry_after.hpp"

#include <filesystem>

namespace {

using kms::fuzz::require;

constexpr const char* kKey = "a02baf5a-a3e4-49a0-857b-8a08d276c1c0";

struct Revision {
    kms::Contract replicate;
    kms::ReadContracts reads;
    kms::RevisionSchemas schemas;
};

Revision load(const char* name) {
    auto dir = (std::filesystem::path(KMSCONF_SOURCE_DIR) / "schemas") / name;
    Revision r{kms::Contract::load(dir), kms::load_reads(dir), {}};
    r.schemas = kms::revision_schemas(r.replicate, r.reads);
    return r;
}

void require_said(const std::vector<kms::Finding>& findings) {
    for (const auto& f : findings) require(!f.message.empty(), "a finding says what it found");
}

kms::Case a_case(kms::Scope scope, kms::Outcome outcome) {
    kms::Case c;
    c.suite = "fuzz";
    c.id = "fuzzed-response";
    c.requirement = "fuzzed";
    c.scope = scope;
    c.expect.outcome = outcome;
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Revision revisions[] = {load("2026-03-31"), load("2026-07-20")};
    kms::Exchange exchange;
    exchange.response = kms::fuzz::response_from_text(kms::fuzz::as_text(data, size));
    const kms::HttpResponse& response = *exchange.response;
    const kms::HttpRequest replicate{"POST", std::string("/v2/kms-key/") + kKey + "/replicate",
                                     {{"Content-Type", "application/json"}}, R"({"zone":"de-fra-1"})"};
    const kms::HttpRequest key_read{"GET", std::string("/v2/kms-key/") + kKey, {}, ""};

    for (const auto& rev : revisions) {
        require_said(kms::check_response(rev.replicate, a_case(kms::Scope::operation, kms::Outcome::either), replicate,
                                         exchange, "/v2"));
        require_said(kms::check_response(rev.replicate, a_case(kms::Scope::http, kms::Outcome::rejected), replicate,
                                         exchange, "/v2"));
        if (rev.reads.get_kms_key)
            require_said(kms::check_response(*rev.reads.get_kms_key, a_case(kms::Scope::operation, kms::Outcome::accepted),
                                             key_read, exchange, "/v2"));
    }
    for (auto outcome : {kms::Outcome::accepted, kms::Outcome::rejected, kms::Outcome::conflict, kms::Outcome::either})
        require_said(kms::check_expectation(a_case(kms::Scope::operation, outcome), response));
    require_said(kms::check_framing(exchange));
    require_said(kms::check_response_time(exchange, std::chrono::milliseconds(1)));
    (void)kms::honoured_refusal(exchange);
    (void)kms::is_conflict_problem(response);
    (void)kms::is_already_applied(response);
    if (auto retry = response.header("Retry-After"))
        (void)kms::parse_retry_after(*retry, std::chrono::system_clock::time_point(std::chrono::seconds(1774915200)));

    kms::JsonParseError error;
    auto body = kms::parse_strict_json(response.body, 64, &error);
    if (!body) return 0;
    std::string why;
    if (auto state = kms::key_state_from(*body, &why)) {
        require_said(kms::check_replica_listed(*state, "de-fra-1"));
        require_said(kms::check_rejections_replicated_nothing(*state, "at-vie-1", {"malformed.zone-null"}));
    }
    require_said(kms::check_polled_operation(*body, "4c5547c0-b870-11ef-83b3-0d8312b2c2d7", kKey, "/v2"));
    if (kms::is_terminal_state(kms::operation_state_of(*body))) require_said(kms::check_end_state(*body));
    for (auto what : {kms::Answered::replicate, kms::Answered::key_read})
        if (auto evidence = kms::revision_evidence(revisions[0].schemas, revisions[1].schemas, what, response.status, *body))
            require(!evidence->reason.empty(), "revision evidence says why");
    return 0;
}
