#include "harness/run/key_reader.hpp"

#include "harness/checks/cache_evidence.hpp"
#include "harness/contract/json_text.hpp"
#include "harness/run/contract_in_force.hpp"

#include <algorithm>

namespace kms {

Case read_case(std::string suite, std::string id, std::string requirement, std::string path) {
    Case c;
    c.suite = std::move(suite);
    c.id = std::move(id);
    c.requirement = std::move(requirement);
    c.request.method = "GET";
    c.request.path = std::move(path);
    c.request.headers = {{"Content-Type", std::nullopt}, {"Cache-Control", std::string("no-cache")}};
    c.expect.outcome = Outcome::either;
    c.file = "(key state)";
    return c;
}

KeyRead read_key(const Contract& get_kms_key, const Case& c, HttpClient& client, const BaseUrl& base,
                 const Signer& signer, const Variables& vars, ContractInForce* in_force) {
    KeyRead out;
    const auto started = std::chrono::steady_clock::now();
    HttpRequest request = build_request(c, vars, base, signer);
    Exchange exchange = client.send(request);
    auto& findings = out.result.findings;
    std::optional<ContractInForce::Drift> drift;
    const Contract* contract = &get_kms_key;
    if (in_force) {
        drift = in_force->observe(request, exchange, base.path);
        if (in_force->reads().get_kms_key) contract = &*in_force->reads().get_kms_key;
        out.result.contract_revision = contract->revision();
    }
    findings = check_response(*contract, c, request, exchange, base.path);
    add_drift(findings, std::move(drift));
    if (exchange.response) {
        const HttpResponse& r = *exchange.response;
        out.cached = served_from_cache(r);
        const int s = r.status;
        if (s == 404 || s == 405 || s == 401 || s == 403) {
            // A target without the read (or not for these credentials): its router's answer
            // says nothing about replicate, so only the exchange's framing can fail here.
            out.unavailable = true;
            for (auto& f : findings)
                if (f.check != CheckId::response_framing) f.level = Level::informational;
            findings.push_back({CheckId::key_state_read, Level::informational,
                                "GET " + request.target + " answered " + std::to_string(s) +
                                    ": no key read, so the run keeps to the rules that need no key state "
                                    "(origin, replicas and side effects unchecked)"});
        } else if (s != 200) {
            findings.push_back({CheckId::key_state_read, Level::must,
                                "expected 200 get-kms-key-response for the key under test, got " + std::to_string(s) +
                                    ": " + printable(r.body, 160)});
        } else {
            std::string why;
            auto doc = parse_response_json(r.body, &why);
            if (doc) out.state = key_state_from(*doc, &why);
            if (!out.state)
                findings.push_back({CheckId::key_state_read, Level::must, "no key state in the 200: " + why});
            else if (!out.state->id.empty() && !iequals(out.state->id, vars.key))
                findings.push_back({CheckId::key_state_read, Level::must,
                                    "the key read of " + vars.key + " answers key " + out.state->id});
        }
    }
    out.result.requests.push_back(std::move(request));
    out.result.exchanges.push_back(std::move(exchange));
    out.result.elapsed = std::chrono::steady_clock::now() - started;
    out.result.verdict = grade(findings);
    return out;
}

}  // namespace kms
