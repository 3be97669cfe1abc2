// Generated cases: reproducible per seed, and each one really is what it claims: every
// "rejected" body violates the contract's request schema, every "accepted" one satisfies it.
#include "harness/cases/case_generator.hpp"
#include "harness/contract/json_text.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace kms {
namespace {

const rapidjson::Value& request_schema() { return test::seed_contract().request_schema().document(); }

TEST(CaseGenerator, SameSeedSameCasesOtherSeedOtherValues) {
    auto a = generate_cases(request_schema(), {42, 30, "de-fra-1"});
    auto b = generate_cases(request_schema(), {42, 30, "de-fra-1"});
    auto c = generate_cases(request_schema(), {43, 30, "de-fra-1"});
    ASSERT_EQ(a.cases.size(), 30u);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < a.cases.size(); ++i) {
        EXPECT_EQ(a.cases[i].id, b.cases[i].id);
        EXPECT_EQ(a.cases[i].request.body, b.cases[i].request.body);
        EXPECT_NE(a.cases[i].id, c.cases[i].id);
        ids.insert(a.cases[i].id);
    }
    EXPECT_EQ(ids.size(), a.cases.size()) << "ids must be unique";
}

TEST(CaseGenerator, EveryVariantIsWhatItClaims) {
    auto suite = generate_cases(request_schema(), {7, 60, "de-fra-1"});
    int rejected = 0, accepted = 0;
    for (const auto& c : suite.cases) {
        std::string error;
        auto doc = parse_json(c.request.body, &error);
        ASSERT_TRUE(doc) << c.id << ": generated body is not JSON: " << error;
        auto violations = test::seed_contract().request_schema().validate(*doc);
        if (c.expect.outcome == Outcome::rejected) {
            ++rejected;
            EXPECT_FALSE(violations.empty()) << c.id << " claims to be invalid but is valid: " << c.request.body;
        } else {
            ++accepted;
            EXPECT_TRUE(violations.empty()) << c.id << " claims to be valid: " << c.request.body;
        }
        EXPECT_TRUE(std::regex_match(c.id, std::regex("[a-z0-9]+(-[a-z0-9]+)*"))) << c.id;
    }
    EXPECT_GT(rejected, 0);
    EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace kms
