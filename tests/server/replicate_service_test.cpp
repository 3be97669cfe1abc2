// ReplicateService without sockets: routing, the replicate checks in contract order, the
// state (conflicts, operations, reset) and thread safety.
#include "server/replicate_service.hpp"
#include "tests/server/test_support.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

namespace kms::server {
namespace {

using namespace std::chrono_literals;
using test::IsOperation;
using test::IsProblem;
using test::zone_request;

class ServiceTest : public ::testing::Test {
protected:
    ServiceTest() : clock_(std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now())) {
        ServiceOptions o;
        o.operation_settle = 2000ms;
        auto clock = clock_;
        o.steady_now = [clock] { return *clock; };
        service_ = std::make_unique<ReplicateService>(std::move(o));
    }
    HttpResponse handle(const HttpRequest& r) { return service_->handle(r); }

    std::shared_ptr<std::chrono::steady_clock::time_point> clock_;
    std::unique_ptr<ReplicateService> service_;
};

TEST_F(ServiceTest, ValidReplicateAnswersPendingOperation) {
    auto res = handle(zone_request(kDefaultKeyId, "de-fra-1"));
    EXPECT_TRUE(IsOperation(res, kDefaultKeyId, "pending"));
}

TEST_F(ServiceTest, UpperCaseKeyIdIsAcceptedAndNormalised) {
    auto res = handle(zone_request(to_upper(kDefaultKeyId), "de-fra-1"));
    EXPECT_TRUE(IsOperation(res, kDefaultKeyId, "pending"));
}

TEST_F(ServiceTest, SecondReplicateToSameZoneIsConflict) {
    ASSERT_TRUE(IsOperation(handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending"));
    auto res = handle(zone_request(kDefaultKeyId, "de-fra-1"));
    EXPECT_TRUE(IsProblem(res, 400,
                          std::string("Conflict: key ") + kDefaultKeyId + " is already replicated to zone de-fra-1"));
    // Another zone is still fine.
    EXPECT_TRUE(IsOperation(handle(zone_request(kDefaultKeyId, "at-vie-1")), kDefaultKeyId, "pending"));
}

TEST_F(ServiceTest, ReplicateToOriginZoneIsConflict) {
    EXPECT_TRUE(IsProblem(handle(zone_request(kDefaultKeyId, "ch-gva-2")), 400, "Conflict: "));
}

TEST_F(ServiceTest, EveryOtherKnownZoneCanBeReplicatedOnce) {
    int ok = 0;
    for (const auto& z : known_zones()) ok += handle(zone_request(kDefaultKeyId, z)).status == 200;
    EXPECT_EQ(ok, 7);  // all but the origin
}

TEST_F(ServiceTest, QueryStringDoesNotChangeAnything) {
    auto req = zone_request(kDefaultKeyId, "de-fra-1");
    req.target += "?noise=1&zone=ch-gva-2&&=";
    EXPECT_TRUE(IsOperation(handle(req), kDefaultKeyId, "pending"));
    EXPECT_TRUE(IsProblem(handle(req), 400, "Conflict: "));
}

TEST_F(ServiceTest, ExtraBodyMembersAreAllowed) {
    auto req = test::replicate_request(kDefaultKeyId, R"({"zone":"de-muc-1","comment":"x","n":[1,{"a":null}]})");
    EXPECT_TRUE(IsOperation(handle(req), kDefaultKeyId, "pending"));
}

TEST_F(ServiceTest, ContentTypeParametersAndCaseAreAccepted) {
    EXPECT_TRUE(IsOperation(handle(test::replicate_request(kDefaultKeyId, R"({"zone":"de-muc-1"})",
                                                           std::string("Application/JSON; charset=utf-8"))),
                            kDefaultKeyId, "pending"));
}

struct KeyCase {
    const char* key;
    const char* prefix;
};

class KeyErrorTest : public ServiceTest, public ::testing::WithParamInterface<KeyCase> {};

TEST_P(KeyErrorTest, KeyStateErrorsAre400WithTheCaseName) {
    EXPECT_TRUE(IsProblem(handle(zone_request(GetParam().key, "de-fra-1")), 400, GetParam().prefix));
}

INSTANTIATE_TEST_SUITE_P(Keys, KeyErrorTest,
                         ::testing::Values(KeyCase{"00000000-0000-4000-8000-000000000000", "Key Not Found: "},
                                           KeyCase{kPendingDeletionKeyId, "Key is Pending Deletion"},
                                           KeyCase{kAccountDefaultKeyId, "Not on Default"},
                                           KeyCase{kSingleZoneKeyId, "Not Multizone"}));

class BadPathIdTest : public ServiceTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(BadPathIdTest, NonUuidKeyIdIs400InvalidArgument) {
    EXPECT_TRUE(IsProblem(handle(zone_request(GetParam(), "de-fra-1")), 400, "Invalid Argument: "));
}

INSTANTIATE_TEST_SUITE_P(
    Ids, BadPathIdTest,
    ::testing::Values("", "not-a-uuid", "{a02baf5a-a3e4-49a0-857b-8a08d276c1c0}",
                      "urn:uuid:a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "a02baf5a%2Da3e4-49a0-857b-8a08d276c1c0",
                      "a02baf5aa3e449a0857b8a08d276c1c0", "a02baf5a-a3e4-49a0-857b-8a08d276c1c", "a02baf5a-a3e4-49a0-857b-8a08d276c1c0a",
                      "g02baf5a-a3e4-49a0-857b-8a08d276c1c0", "a02baf5a-a3e4-49a0-857b-8a08d276c1c0%00"));

struct BodyCase {
    const char* name;
    std::string body;
};

void PrintTo(const BodyCase& c, std::ostream* os) { *os << c.name; }

class BadBodyTest : public ServiceTest, public ::testing::WithParamInterface<BodyCase> {};

TEST_P(BadBodyTest, MalformedBodyIs400InvalidArgument) {
    auto res = handle(test::replicate_request(kDefaultKeyId, GetParam().body));
    EXPECT_TRUE(IsProblem(res, 400, "Invalid Argument: "));
}

// `arrays` nested arrays around a number.
std::string nested(std::size_t arrays) {
    return std::string(arrays, '[') + "1" + std::string(arrays, ']');
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, BadBodyTest,
    ::testing::Values(
        BodyCase{"empty", ""}, BodyCase{"whitespace", "  \n"}, BodyCase{"truncated", R"({"zone":"de-fra-1")"},
        BodyCase{"array", R"(["de-fra-1"])"}, BodyCase{"string", R"("de-fra-1")"}, BodyCase{"null", "null"},
        BodyCase{"trailing_garbage", R"({"zone":"de-fra-1"} x)"}, BodyCase{"two_roots", R"({"zone":"de-fra-1"}{})"},
        BodyCase{"nul_after_root", std::string("{\"zone\":\"de-fra-1\"}\0", 20)},
        BodyCase{"nul_in_string", std::string("{\"zone\":\"de-fra-1\0\"}", 20)},
        BodyCase{"single_quotes", "{'zone':'de-fra-1'}"}, BodyCase{"comment", "/* c */{\"zone\":\"de-fra-1\"}"},
        BodyCase{"line_comment", "{\"zone\":\"de-fra-1\"} // c"}, BodyCase{"bom", "\xEF\xBB\xBF{\"zone\":\"de-fra-1\"}"},
        BodyCase{"nan", R"({"zone":"de-fra-1","x":NaN})"}, BodyCase{"infinity", R"({"zone":"de-fra-1","x":-Infinity})"},
        BodyCase{"trailing_comma", R"({"zone":"de-fra-1",})"}, BodyCase{"invalid_utf8", "{\"zone\":\"de-fra-1\xff\"}"},
        BodyCase{"overlong_utf8", "{\"zone\":\"\xC0\xAF\"}"}, BodyCase{"raw_control_char", "{\"zone\":\"de\tfra\"}"},
        BodyCase{"bad_escape", R"({"zone":"\q"})"}, BodyCase{"lone_high_surrogate", R"({"zone":"\ud800"})"},
        BodyCase{"lone_low_surrogate", R"({"zone":"de-fra-1\udc00"})"},
        BodyCase{"duplicate_zone", R"({"zone":"de-fra-1","zone":"de-muc-1"})"},
        BodyCase{"duplicate_zone_same", R"({"zone":"de-fra-1","zone":"de-fra-1"})"}, BodyCase{"missing_zone", "{}"},
        BodyCase{"other_member_only", R"({"Zone":"de-fra-1"})"}, BodyCase{"zone_number", R"({"zone":1})"},
        BodyCase{"zone_null", R"({"zone":null})"}, BodyCase{"zone_array", R"({"zone":["de-fra-1"]})"},
        BodyCase{"zone_object", R"({"zone":{"name":"de-fra-1"}})"}, BodyCase{"zone_bool", R"({"zone":true})"},
        BodyCase{"zone_empty", R"({"zone":""})"}, BodyCase{"zone_unknown", R"({"zone":"mars-1"})"},
        BodyCase{"zone_upper_case", R"({"zone":"DE-FRA-1"})"}, BodyCase{"zone_padded", R"({"zone":" de-fra-1"})"},
        BodyCase{"zone_escaped_nul", R"({"zone":"de-fra-1\u0000"})"},
        BodyCase{"too_deep", "{\"zone\":\"de-fra-1\",\"x\":" + nested(64) + "}"},
        BodyCase{"very_deep", std::string(100000, '[')}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(ServiceTest, LoneSurrogateEscapeIsNotValidJson) {
    // Refused by the strict reader, not read as a zone holding bytes that are not UTF-8.
    auto res = handle(test::replicate_request(kDefaultKeyId, R"({"zone":"de-fra-1\udc00"})"));
    EXPECT_TRUE(IsProblem(res, 400, "Invalid Argument: the request body is not valid JSON"));
}

TEST_F(ServiceTest, NestingUpToTheLimitIsAccepted) {
    // Depth 64 in all: the root object plus 63 nested arrays.
    auto res = handle(test::replicate_request(kDefaultKeyId, "{\"zone\":\"de-fra-1\",\"x\":" + nested(63) + "}"));
    EXPECT_TRUE(IsOperation(res, kDefaultKeyId, "pending"));
}

TEST_F(ServiceTest, UnknownZoneDetailSaysTheTargetZoneIsInvalid) {
    EXPECT_TRUE(IsProblem(handle(zone_request(kDefaultKeyId, "xx-yyy-9")), 400,
                          "Invalid Argument: the target zone is invalid"));
}

TEST_F(ServiceTest, ContentTypeMissingOrWrongIs400) {
    for (std::optional<std::string> ct : {std::optional<std::string>{}, std::optional<std::string>{"text/plain"},
                                          std::optional<std::string>{"application/jsonx"},
                                          std::optional<std::string>{"application/json-patch+json"},
                                          std::optional<std::string>{""}}) {
        auto res = handle(test::replicate_request(kDefaultKeyId, R"({"zone":"de-fra-1"})", ct));
        EXPECT_TRUE(IsProblem(res, 400, "Invalid Argument: ")) << "Content-Type " << ct.value_or("(none)");
    }
}

TEST_F(ServiceTest, HostileZoneIsEscapedAndTruncatedInDetail) {
    std::string zone = "\\\"<script>\\u0001\\n";
    for (int i = 0; i < 500; ++i) zone += "\\u00e9x";
    auto res = handle(zone_request(kDefaultKeyId, zone));
    ASSERT_TRUE(IsProblem(res, 400, "Invalid Argument: the target zone is invalid"));
    auto doc = test::parse_json(res.body);
    std::string detail = doc["detail"].GetString();
    EXPECT_LT(detail.size(), 200u);
    for (char c : detail) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "non-printable byte in detail";
}

TEST_F(ServiceTest, OperationIsPendingThenSuccessAfterSettle) {
    std::string op;
    ASSERT_TRUE(IsOperation(handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending", &op));
    EXPECT_TRUE(IsOperation(handle(test::get_request("/v2/operation/" + op)), kDefaultKeyId, "pending"));
    *clock_ += 1999ms;
    EXPECT_TRUE(IsOperation(handle(test::get_request("/v2/operation/" + op)), kDefaultKeyId, "pending"));
    *clock_ += 1ms;
    std::string again;
    EXPECT_TRUE(IsOperation(handle(test::get_request("/v2/operation/" + op)), kDefaultKeyId, "success", &again));
    EXPECT_EQ(again, op);
    // Upper-case id, and a query string, find the same operation.
    EXPECT_TRUE(IsOperation(handle(test::get_request("/v2/operation/" + to_upper(op) + "?x=1")), kDefaultKeyId,
                            "success"));
}

TEST_F(ServiceTest, HeadOperationAnswersLikeGet) {
    std::string op;
    ASSERT_TRUE(IsOperation(handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending", &op));
    auto req = test::get_request("/v2/operation/" + op);
    req.method = "HEAD";
    EXPECT_TRUE(IsOperation(handle(req), kDefaultKeyId, "pending"));
}

TEST_F(ServiceTest, UnknownOperationIs404AndBadIdIs400) {
    EXPECT_TRUE(IsProblem(handle(test::get_request("/v2/operation/00000000-0000-4000-8000-000000000000")), 404));
    EXPECT_TRUE(IsProblem(handle(test::get_request("/v2/operation/op-123")), 400, "Invalid Argument: "));
}

TEST_F(ServiceTest, WrongMethodIs405WithAllow) {
    auto get = test::get_request(std::string("/v2/kms-key/") + kDefaultKeyId + "/replicate");
    auto res = handle(get);
    EXPECT_TRUE(IsProblem(res, 405));
    EXPECT_EQ(res.header("Allow").value_or("(none)"), "POST");

    auto post_op = zone_request(kDefaultKeyId, "de-fra-1");
    post_op.target = "/v2/operation/00000000-0000-4000-8000-000000000000";
    res = handle(post_op);
    EXPECT_TRUE(IsProblem(res, 405));
    EXPECT_EQ(res.header("Allow").value_or("(none)"), "GET, HEAD");

    auto lower = zone_request(kDefaultKeyId, "de-fra-1");
    lower.method = "post";  // methods are case-sensitive (RFC 9110 §9.1)
    EXPECT_TRUE(IsProblem(handle(lower), 405));

    res = handle(test::get_request("/_reference/reset"));
    EXPECT_TRUE(IsProblem(res, 405));
    EXPECT_EQ(res.header("Allow").value_or("(none)"), "POST");
}

TEST_F(ServiceTest, UnknownPathsAre404) {
    const std::string key = kDefaultKeyId;
    for (const std::string& target : std::vector<std::string>{"/", "/v2", "/v2/kms-key", "/v2/kms-key/",
                               "/v2/kms-key/" + key + "/", "/v2/kms-key/" + key + "/replicate/", "/v2/kms-key/" + key + "/x/replicate",
                               "/v1/kms-key/" + key + "/replicate", "/v2/operation/a/b",
                               "*", "http://127.0.0.1/v2/operation/x"}) {
        auto req = zone_request(kDefaultKeyId, "de-fra-1");
        req.target = target;
        EXPECT_TRUE(IsProblem(handle(req), 404)) << target;
    }
}

TEST_F(ServiceTest, ResetEndpointForgetsReplicasAndOperations) {
    std::string op;
    ASSERT_TRUE(IsOperation(handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending", &op));
    HttpRequest reset;
    reset.method = "POST";
    reset.target = "/_reference/reset";
    auto res = handle(reset);
    EXPECT_EQ(res.status, 204);
    EXPECT_TRUE(res.body.empty());
    EXPECT_TRUE(IsOperation(handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending"));
    EXPECT_TRUE(IsProblem(handle(test::get_request("/v2/operation/" + op)), 404));
    // The same under the base URL.
    reset.target = "/v2/_reference/reset?x";
    EXPECT_EQ(handle(reset).status, 204);
    EXPECT_TRUE(IsOperation(handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending"));
}

TEST_F(ServiceTest, ResetMethodForgetsReplicas) {
    ASSERT_EQ(handle(zone_request(kDefaultKeyId, "de-fra-1")).status, 200);
    ASSERT_EQ(handle(zone_request(kDefaultKeyId, "de-fra-1")).status, 400);
    service_->reset();
    EXPECT_EQ(handle(zone_request(kDefaultKeyId, "de-fra-1")).status, 200);
}

TEST_F(ServiceTest, ConcurrentReplicatesOfOneZoneYieldExactlyOneSuccess) {
    std::atomic<int> ok{0}, conflict{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                auto res = handle(zone_request(kDefaultKeyId, "hr-zag-1"));
                if (res.status == 200) ++ok;
                else if (IsProblem(res, 400, "Conflict: ")) ++conflict;
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(conflict.load(), 399);
}

TEST(ProblemTest, StaticProblemHasTheFourMembersAndKebabType) {
    auto res = ReplicateService::problem(413, "Payload Too Large", "too big \"quoted\"\n");
    ASSERT_TRUE(IsProblem(res, 413, "too big \"quoted\"\n"));
    EXPECT_EQ(std::string(test::parse_json(res.body)["type"].GetString()), "#/http-problem-types/payload-too-large");
}

}  // namespace
}  // namespace kms::server
