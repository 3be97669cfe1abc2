// Each response check, seen failing on a response that breaks it and silent on one that keeps it.
#include "case_runner.hpp"
#include "checks.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

std::vector<Finding> check(const Exchange& e, const HttpRequest& req = test::replicate_request(),
                           const Case& c = test::any_case()) {
    return check_response(test::seed_contract(), c, req, e, "/v2");
}

std::vector<std::string> names(const std::vector<Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) out.push_back(f.check);
    return out;
}

TEST(Checks, ConformingResponsesYieldNoFinding) {
    EXPECT_TRUE(check(test::json_exchange(200, test::kGoodOperation)).empty());
    EXPECT_TRUE(check(test::json_exchange(400, test::kGoodProblem)).empty());
    EXPECT_TRUE(check(test::json_exchange(400, test::kGoodProblem, "application/json; charset=utf-8")).empty());
}

TEST(Checks, ProblemStatusMustEqualHttpStatus) {
    auto f = check(test::json_exchange(400, R"({"type":"about:blank","title":"Bad Request","status":422,"detail":"d"})"));
    EXPECT_EQ(names(f), std::vector<std::string>{"problem_status"});
    EXPECT_NE(f[0].message.find("422"), std::string::npos);
    // Also off the operation and on undeclared statuses (a 404 problem saying 400).
    HttpRequest get{"GET", "/v2/nowhere", {}, ""};
    EXPECT_EQ(names(check(test::json_exchange(404, R"({"title":"x","status":400})"), get)),
              std::vector<std::string>{"problem_status"});
}

TEST(Checks, UndeclaredStatusOnTheOperation) {
    EXPECT_EQ(names(check(test::json_exchange(201, test::kGoodOperation))), std::vector<std::string>{"status_declared"});
    // The same status is fine when the case allows it (a 413 for an oversized body).
    Case c = test::any_case(Outcome::rejected);
    c.expect.statuses = {413};
    EXPECT_TRUE(check(test::json_exchange(413, R"({"title":"Payload Too Large","status":413})"), test::replicate_request(), c).empty());
    // Off the operation (GET on its path) the declared list does not apply.
    HttpRequest get{"GET", "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate", {}, ""};
    auto f = check(test::json_exchange(405, R"({"title":"Method Not Allowed","status":405})"), get);
    EXPECT_EQ(names(f), std::vector<std::string>{"allow_header"});
}

TEST(Checks, ServerErrorIsAlwaysAFinding) {
    auto f = check(test::json_exchange(500, R"({"title":"oops","status":500})"));
    EXPECT_EQ(names(f), std::vector<std::string>{"no_server_error"});
}

TEST(Checks, ContentTypeOfDeclaredResponses) {
    EXPECT_EQ(names(check(test::json_exchange(200, test::kGoodOperation, "text/plain"))),
              std::vector<std::string>{"content_type"});
    Exchange none = test::json_exchange(200, test::kGoodOperation);
    none.response->headers.clear();
    EXPECT_EQ(names(check(none)), std::vector<std::string>{"content_type"});
}

TEST(Checks, BodyMustBeJsonAndValid) {
    EXPECT_EQ(names(check(test::json_exchange(200, "not json"))), std::vector<std::string>{"body_schema"});
    EXPECT_EQ(names(check(test::json_exchange(200, R"({"state":"done"})"))), std::vector<std::string>{"body_schema"});
    EXPECT_EQ(names(check(test::json_exchange(400, R"({"type":"t","status":400,"detail":"d"})"))),
              std::vector<std::string>{"body_schema"});
    // A hostile, deeply nested body is refused without recursion.
    std::string deep(100000, '[');
    EXPECT_EQ(names(check(test::json_exchange(200, deep))), std::vector<std::string>{"body_schema"});
}

TEST(Checks, FormatsOfDeclaredResponses) {
    auto f = check(test::json_exchange(200, R"({"id":"op-123","state":"pending"})"));
    ASSERT_EQ(names(f), std::vector<std::string>{"formats"});
    EXPECT_NE(f[0].message.find("/id"), std::string::npos);
    EXPECT_EQ(names(check(test::json_exchange(400, R"({"type":"not a uri ref","title":"t","status":400,"detail":"d"})"))),
              std::vector<std::string>{"formats"});
}

TEST(Checks, TransportFailureIsResponseInTime) {
    Exchange e;
    e.error = TransportError::timeout;
    e.error_detail = "read: timed out after 10 ms";
    auto f = check(e);
    ASSERT_EQ(names(f), std::vector<std::string>{"response_in_time"});
    EXPECT_NE(f[0].message.find("timed out"), std::string::npos);
}

TEST(Checks, TargetsOperation) {
    const auto& c = test::seed_contract();
    EXPECT_TRUE(targets_operation(c, test::replicate_request(), "/v2"));
    EXPECT_TRUE(targets_operation(c, {"POST", "/v2/kms-key/not-a-uuid/replicate?x=1", {}, ""}, "/v2"));
    EXPECT_FALSE(targets_operation(c, {"GET", "/v2/kms-key/x/replicate", {}, ""}, "/v2"));
    EXPECT_FALSE(targets_operation(c, {"POST", "/v2/kms-key/x/replicate/more", {}, ""}, "/v2"));
    EXPECT_FALSE(targets_operation(c, {"POST", "/v3/kms-key/x/replicate", {}, ""}, "/v2"));
}

TEST(Expectation, AcceptedTakes200OrConflict) {
    Case c = test::any_case(Outcome::accepted);
    c.expect.check = "valid_accepted";
    EXPECT_TRUE(check_expectation(c, *test::json_exchange(200, test::kGoodOperation).response).empty());
    auto conflict = check_expectation(
        c, *test::json_exchange(400, R"({"type":"t","title":"Bad Request","status":400,"detail":"Conflict: already replicated"})").response);
    ASSERT_EQ(conflict.size(), 1u);
    EXPECT_EQ(conflict[0].level, Level::informational);
    auto rejected = check_expectation(c, *test::json_exchange(400, test::kGoodProblem).response);
    ASSERT_EQ(rejected.size(), 1u);
    EXPECT_EQ(rejected[0].check, "valid_accepted");
    EXPECT_EQ(rejected[0].level, Level::must);
}

TEST(Expectation, RejectedNeeds4xxFromTheList) {
    Case c = test::any_case(Outcome::rejected);
    c.expect.check = "malformed_rejected";
    c.expect.statuses = {400};
    EXPECT_TRUE(check_expectation(c, *test::json_exchange(400, test::kGoodProblem).response).empty());
    EXPECT_EQ(check_expectation(c, *test::json_exchange(200, test::kGoodOperation).response).size(), 1u);
    EXPECT_EQ(check_expectation(c, *test::json_exchange(422, test::kGoodProblem).response).size(), 1u);
    c.level = Level::should;
    auto f = check_expectation(c, *test::json_exchange(200, test::kGoodOperation).response);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].level, Level::should);
    EXPECT_EQ(grade(f), Verdict::non_strict);
}

TEST(Expectation, RejectedIsNotSatisfiedByConflict) {
    Case c = test::any_case(Outcome::rejected);
    c.expect.statuses = {400};
    auto f = check_expectation(c, *test::json_exchange(400, R"({"title":"Conflict","status":400})").response);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_NE(f[0].message.find("Conflict"), std::string::npos);
}

TEST(Checks, ServerErrorListedByTheCaseIsAllowed) {
    Case c = test::any_case(Outcome::rejected);
    c.expect.statuses = {405, 501};
    HttpRequest odd{"BREW", "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate", {}, ""};
    EXPECT_TRUE(check(test::json_exchange(501, R"({"title":"Not Implemented","status":501})"), odd, c).empty());
    EXPECT_EQ(names(check(test::json_exchange(500, R"({"title":"x","status":500})"), odd, c)),
              std::vector<std::string>{"no_server_error"});
}

TEST(Expectation, ConflictNeedsAConflictProblem) {
    Case c = test::any_case(Outcome::conflict);
    EXPECT_EQ(check_expectation(c, *test::json_exchange(200, test::kGoodOperation).response).size(), 1u);
    EXPECT_EQ(check_expectation(c, *test::json_exchange(400, test::kGoodProblem).response).size(), 1u);
    EXPECT_TRUE(check_expectation(c, *test::json_exchange(400, R"({"title":"Conflict","status":400})").response).empty());
}

TEST(Grade, WorstFindingWins) {
    EXPECT_EQ(grade({}), Verdict::pass);
    EXPECT_EQ(grade({{"x", Level::informational, ""}}), Verdict::informational);
    EXPECT_EQ(grade({{"x", Level::informational, ""}, {"y", Level::should, ""}}), Verdict::non_strict);
    EXPECT_EQ(grade({{"y", Level::should, ""}, {"z", Level::must, ""}}), Verdict::fail);
}

}  // namespace
}  // namespace kms

namespace kms {
namespace {

TEST(Checks, BodyWithNulOrBomIsNotJson) {
    std::string with_nul = std::string(test::kGoodOperation) + std::string("\0junk", 5);
    EXPECT_EQ(names(check(test::json_exchange(200, with_nul))), std::vector<std::string>{"body_schema"});
    EXPECT_EQ(names(check(test::json_exchange(200, "\xEF\xBB\xBF" + std::string(test::kGoodOperation)))),
              std::vector<std::string>{"body_schema"});
}

}  // namespace
}  // namespace kms
