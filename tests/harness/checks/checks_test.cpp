// Each response check, seen failing on a response that breaks it and silent on one that keeps it.
#include "harness/run/case_runner.hpp"
#include "harness/checks/checks.hpp"
#include "harness/contract/json_text.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

std::vector<Finding> check(const Exchange& e, const HttpRequest& req = test::replicate_request(),
                           const Case& c = test::any_case()) {
    return check_response(test::seed_contract(), c, req, e, "/v2");
}

std::vector<std::string> names(const std::vector<Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) out.push_back(name_of(f.check));
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
    c.expect.check = CheckId::valid_accepted;
    EXPECT_TRUE(check_expectation(c, *test::json_exchange(200, test::kGoodOperation).response).empty());
    auto conflict = check_expectation(
        c, *test::json_exchange(400, R"({"type":"t","title":"Bad Request","status":400,"detail":"Conflict: already replicated"})").response);
    ASSERT_EQ(conflict.size(), 1u);
    EXPECT_EQ(conflict[0].level, Level::informational);
    auto rejected = check_expectation(c, *test::json_exchange(400, test::kGoodProblem).response);
    ASSERT_EQ(rejected.size(), 1u);
    EXPECT_EQ(rejected[0].check, CheckId::valid_accepted);
    EXPECT_EQ(rejected[0].level, Level::must);
}

TEST(Expectation, RejectedNeeds4xxFromTheList) {
    Case c = test::any_case(Outcome::rejected);
    c.expect.check = CheckId::malformed_rejected;
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

// A recorded repeat lists what else conforms (401/403: its signature is not known to hold; 413
// for a padded body): those statuses pass, a 200 or a 400 that is no Conflict still fails.
TEST(Expectation, AConflictCaseAcceptsTheStatusesItLists) {
    Case c = test::any_case(Outcome::conflict);
    c.expect.statuses = {401, 403, 413};
    EXPECT_TRUE(check_expectation(c, *test::json_exchange(403, R"({"message":"forbidden"})").response).empty());
    EXPECT_TRUE(check_expectation(c, *test::json_exchange(413, test::kGoodProblem).response).empty());
    EXPECT_EQ(check_expectation(c, *test::json_exchange(200, test::kGoodOperation).response).size(), 1u);
    EXPECT_EQ(check_expectation(c, *test::json_exchange(400, test::kGoodProblem).response).size(), 1u);
}

TEST(Grade, WorstFindingWins) {
    EXPECT_EQ(grade({}), Verdict::pass);
    EXPECT_EQ(grade({{CheckId::formats, Level::informational, ""}}), Verdict::informational);
    EXPECT_EQ(grade({{CheckId::formats, Level::informational, ""}, {CheckId::content_type, Level::should, ""}}), Verdict::non_strict);
    EXPECT_EQ(grade({{CheckId::content_type, Level::should, ""}, {CheckId::body_schema, Level::must, ""}}), Verdict::fail);
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

// Response bodies a real server sends, read as the JSON they are.
namespace kms {
namespace {

TEST(LoneSurrogate, ResponseParserReadsThemAsReplacementCharacters) {
    std::string error;
    std::size_t lone = 0;
    auto doc = parse_response_json(R"(["a\ud800", "\udc00b", "\ud83c\udfd4", "\\ud800"])", &error, &lone);
    ASSERT_TRUE(doc) << error;
    EXPECT_EQ(lone, 2u) << "a proper pair and an escaped backslash are not lone surrogates";
    EXPECT_EQ(std::string((*doc)[0].GetString()), "a\xEF\xBF\xBD");
    EXPECT_EQ(std::string((*doc)[1].GetString()), "\xEF\xBF\xBD" "b");
    EXPECT_EQ(std::string((*doc)[2].GetString()), "\xF0\x9F\x8F\x94");
    EXPECT_EQ(std::string((*doc)[3].GetString()), "\\ud800");
    // The strict parser (suite files, the server's requests) is unchanged.
    EXPECT_FALSE(parse_json(R"(["a\ud800"])", &error));
}

// A 400 error-response as the server writes it.
HttpResponse problem400(const std::string& title, const std::string& detail, const std::string& type = "#/http-problem-types/bad-request") {
    return *test::json_exchange(400, R"({"type":")" + type + R"(","title":")" + title + R"(","status":400,"detail":")" + detail + R"("})").response;
}

TEST(Conflict, RecognisedByWhatTheContractSaysTheServerSends) {
    EXPECT_TRUE(is_conflict_problem(problem400("Bad Request", "Conflict (already replicated in the target zone)")));
    EXPECT_TRUE(is_conflict_problem(problem400("Bad Request", "Conflict: key a02baf5a is already replicated to zone de-fra-1")));
    EXPECT_TRUE(is_conflict_problem(problem400("Conflict", "the key lives in de-fra-1")));
    EXPECT_TRUE(is_conflict_problem(problem400("Bad Request", "zone de-fra-1", "#/http-problem-types/conflict")));
    EXPECT_TRUE(is_conflict_problem(problem400("Bad Request", "Key already replicated to de-fra-1")));
}

TEST(Conflict, OtherErrorCasesAreNotConflict) {
    EXPECT_FALSE(is_conflict_problem(problem400("Bad Request", "Key is already pending deletion")));
    EXPECT_FALSE(is_conflict_problem(problem400("Bad Request", "Key is Pending Deletion: key c7e4b9d2 is scheduled for deletion")));
    EXPECT_FALSE(is_conflict_problem(problem400("Bad Request", "Invalid Argument: conflicting members zone and Zone")));
    EXPECT_FALSE(is_conflict_problem(problem400("Bad Request", "Not Multizone: key is already single-zone")));
    EXPECT_FALSE(is_conflict_problem(*test::json_exchange(409, R"({"title":"Conflict","status":409})").response))
        << "the contract's Conflict is a 400";
}

}  // namespace
}  // namespace kms

namespace kms {
namespace {

TEST(Checks, JsonSuffixMediaTypeIsAShouldAndTheBodyIsStillValidated) {
    // RFC 6839 §3.1 / RFC 9457 §3: application/problem+json says JSON; not the declared type.
    auto f = check(test::json_exchange(400, test::kGoodProblem, "application/problem+json"));
    ASSERT_EQ(names(f), std::vector<std::string>{"content_type"});
    EXPECT_EQ(f[0].level, Level::should);
    f = check(test::json_exchange(400, R"({"type":"about:blank","title":"Bad Request","status":400})", "application/problem+json; charset=utf-8"));
    EXPECT_EQ(names(f), (std::vector<std::string>{"content_type", "body_schema"}));
    EXPECT_EQ(f[1].level, Level::must);
    // Not a +json type of application/, or no suffix at all: still a MUST.
    EXPECT_EQ(check(test::json_exchange(400, test::kGoodProblem, "text/problem+json"))[0].level, Level::must);
    EXPECT_EQ(check(test::json_exchange(400, test::kGoodProblem, "application/jsonx"))[0].level, Level::must);
    EXPECT_EQ(check(test::json_exchange(400, test::kGoodProblem, "application/+json"))[0].level, Level::must);
}

TEST(Expectation, RejectedAcceptsAListedRedirect) {
    // Go's ServeMux cleans //, dot segments and decoded %2E%2E with a 301 (RFC 3986 §5.2.4).
    Case c = test::any_case(Outcome::rejected);
    c.expect.statuses = {400, 404, 301};
    Exchange go = test::json_exchange(301, "<a href=\"/v2/replicate\">Moved Permanently</a>.\n\n", "text/html; charset=utf-8");
    EXPECT_TRUE(check_expectation(c, *go.response).empty());
    go.response->status = 302;  // not listed: no rejection
    EXPECT_EQ(check_expectation(c, *go.response).size(), 1u);
    c.expect.statuses.clear();  // nothing listed: only a 4xx rejects
    go.response->status = 301;
    EXPECT_EQ(check_expectation(c, *go.response).size(), 1u);
}

TEST(Checks, FramingFaultsOfThisExchangeAndOfThePreviousOne) {
    Exchange e = test::json_exchange(400, test::kGoodProblem);
    EXPECT_TRUE(check_framing(e).empty());
    e.framing_violation = "bytes after the response";
    e.stray_before = "HTTP/1.1 400 Bad Request\r\n\r\n";
    auto f = check_framing(e);
    ASSERT_EQ(names(f), (std::vector<std::string>{"response_framing", "response_framing"}));
    EXPECT_EQ(f[0].level, Level::must);
    EXPECT_EQ(f[1].level, Level::informational);
    EXPECT_NE(f[1].message.find("not read as this response"), std::string::npos) << f[1].message;
    EXPECT_NE(f[1].message.find("HTTP/1.1 400 Bad Request\\x0d\\x0a"), std::string::npos) << f[1].message;
    // Seen by check_response too, also when the exchange itself failed.
    Exchange failed;
    failed.error = TransportError::read;
    failed.stray_before = "x";
    EXPECT_EQ(names(check(failed)), (std::vector<std::string>{"response_framing", "response_in_time"}));
}

}  // namespace
}  // namespace kms
