// Helpers shared by the harness tests: the real seed contract and quick response builders.
#pragma once

#include "harness/contract/contract.hpp"
#include "harness/transport/http_client.hpp"
#include "harness/cases/suite.hpp"

#include <filesystem>
#include <string>

namespace kms::test {

inline const Contract& seed_contract() {
    static const Contract c = Contract::load(std::filesystem::path(KMSCONF_SOURCE_DIR) / "schemas" / "2026-03-31");
    return c;
}

inline Exchange json_exchange(int status, std::string body, std::string content_type = "application/json") {
    Exchange e;
    HttpResponse r;
    r.status = status;
    r.headers = {{"Content-Type", std::move(content_type)}};
    r.body = std::move(body);
    e.response = std::move(r);
    return e;
}

inline HttpRequest replicate_request(std::string body = R"({"zone":"de-fra-1"})") {
    return {"POST", "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate",
            {{"Content-Type", "application/json"}}, std::move(body)};
}

inline Case any_case(Outcome outcome = Outcome::either) {
    Case c;
    c.suite = "test";
    c.id = "test-case";
    c.requirement = "test";
    c.expect.outcome = outcome;
    c.expect.check = CheckId::expected_status;
    return c;
}

// any_case() as `suite`.`id`, its requirement "requirement of <id>".
inline Case named_case(const std::string& suite, const std::string& id) {
    Case c = any_case();
    c.suite = suite;
    c.id = id;
    c.requirement = "requirement of " + id;
    return c;
}

inline const char* kGoodOperation =
    R"({"id":"4c5547c0-b870-11ef-83b3-0d8312b2c2d7","state":"pending",)"
    R"("reference":{"id":"a02baf5a-a3e4-49a0-857b-8a08d276c1c0","link":"/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0","command":"replicate-kms-key"}})";
inline const char* kGoodProblem =
    R"({"type":"#/http-problem-types/bad-request","title":"Bad Request","status":400,"detail":"Invalid Argument: zone"})";

}  // namespace kms::test
