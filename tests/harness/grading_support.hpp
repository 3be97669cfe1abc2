// Helpers for the grading tests: the shipped cases by name, and a canned exchange judged and
// capped exactly as CaseRunner::run judges a live one.
#pragma once

#include "harness/run/case_runner.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

namespace kms::test {

using namespace std::chrono_literals;

inline const Case& shipped(const std::string& full_name) {
    static const std::map<std::string, Case> all = [] {
        auto schema = SchemaValidator::from_file(std::filesystem::path(KMSCONF_SOURCE_DIR) / "schemas" / "suite.schema.json");
        std::map<std::string, Case> out;
        for (const auto& s : load_suites({std::filesystem::path(KMSCONF_SOURCE_DIR) / "suites"}, *schema))
            for (const auto& c : s.cases) out.emplace(c.full_name(), c);
        return out;
    }();
    auto it = all.find(full_name);
    if (it == all.end()) throw std::runtime_error("no shipped case " + full_name);
    return it->second;
}

struct Graded {
    Verdict verdict;
    std::vector<Finding> findings;
    Level level_of(const std::string& check) const {
        for (const auto& f : findings)
            if (name_of(f.check) == check) return f.level;
        ADD_FAILURE() << "no " << check << " finding";
        return Level::informational;
    }
    bool has(const std::string& check) const {
        for (const auto& f : findings)
            if (name_of(f.check) == check) return true;
        return false;
    }
};

// The request the case sends and the canned exchange, judged and capped as CaseRunner::run does.
inline Graded graded(const Case& c, const Exchange& e, std::chrono::milliseconds budget = 0ms, int resent_429 = 0) {
    const BaseUrl base{false, "127.0.0.1", 8080, "/v2"};
    const Variables vars{"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"};
    HttpRequest request = build_request(c, vars, base, Signer{});
    auto findings = judge_exchange(test::seed_contract(), c, request, e, base.path, budget, true, resent_429);
    cap_to_case_level(c, findings);
    return {grade(findings), findings};
}

inline Exchange exchange(int status, std::string body, Headers headers) {
    Exchange e;
    HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    e.response = std::move(r);
    return e;
}

inline std::string all_messages(const Graded& g) {
    std::string out;
    for (const auto& f : g.findings) out += std::string(to_string(f.level)) + " " + name_of(f.check) + ": " + f.message + "\n";
    return out;
}

}  // namespace kms::test
