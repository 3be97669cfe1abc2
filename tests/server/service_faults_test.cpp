// Each Fault changes exactly what its comment says, and the rest stays conforming: the
// harness's own tests rely on that to show each of its checks failing where it should.
#include "server/replicate_service.hpp"
#include "tests/server/test_support.hpp"

#include <gtest/gtest.h>

namespace kms::server {
namespace {

using namespace std::chrono_literals;
using test::IsOperation;
using test::IsProblem;
using test::zone_request;

ReplicateService with(Fault f) {
    ServiceOptions o;
    o.faults = {f};
    o.slow_delay = 1234ms;
    o.operation_settle = 0ms;
    return ReplicateService(std::move(o));
}

HttpRequest valid(const char* zone = "de-fra-1") { return zone_request(kDefaultKeyId, zone); }
HttpRequest invalid() { return test::replicate_request(kDefaultKeyId, R"({"zone":1})"); }
HttpRequest garbage() { return test::replicate_request(kDefaultKeyId, "{not json"); }
std::string member(const HttpResponse& res, const char* name) {
    auto doc = test::parse_json(res.body);
    if (!doc.IsObject() || !doc.HasMember(name)) return "(absent)";
    if (doc[name].IsString()) return doc[name].GetString();
    if (doc[name].IsInt()) return std::to_string(doc[name].GetInt());
    return "(other)";
}

TEST(FaultTest, SlowResponseDelaysOnlyTheValidReplicate) {
    auto s = with(Fault::slow_response);
    std::chrono::milliseconds delay{-1};
    auto res = s.handle(valid(), &delay);
    EXPECT_TRUE(IsOperation(res, kDefaultKeyId, "pending"));
    EXPECT_EQ(delay, 1234ms);
    EXPECT_TRUE(IsProblem(s.handle(invalid(), &delay), 400));
    EXPECT_EQ(delay, 0ms);
    EXPECT_TRUE(IsProblem(s.handle(valid(), &delay), 400, "Conflict: "));
    EXPECT_EQ(delay, 0ms);
}

TEST(FaultTest, NoFaultNeverDelays) {
    ReplicateService s{ServiceOptions{}};
    std::chrono::milliseconds delay{-1};
    s.handle(valid(), &delay);
    EXPECT_EQ(delay, 0ms);
}

TEST(FaultTest, UndeclaredStatusAnswers201WithTheSameBody) {
    auto s = with(Fault::undeclared_status);
    auto res = s.handle(valid());
    EXPECT_EQ(res.status, 201);
    res.status = 200;  // apart from the status, a conforming operation
    EXPECT_TRUE(IsOperation(res, kDefaultKeyId, "pending"));
    EXPECT_TRUE(IsProblem(s.handle(invalid()), 400));
}

TEST(FaultTest, WrongContentTypeMakesEveryResponseTextPlain) {
    auto s = with(Fault::wrong_content_type);
    for (const auto& res : {s.handle(valid()), s.handle(invalid()), s.handle(test::get_request("/x")),
                            s.transport_problem(413, "big")}) {
        EXPECT_EQ(res.header("Content-Type").value_or("(none)"), "text/plain") << res.body;
        EXPECT_FALSE(test::parse_json(res.body).IsNull()) << "the body itself stays JSON";
    }
}

TEST(FaultTest, BadEnumSetsStateDoneInReplicateAndGet) {
    auto s = with(Fault::bad_enum);
    auto res = s.handle(valid());
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(member(res, "state"), "done");
    std::string id = member(res, "id");
    EXPECT_EQ(member(s.handle(test::get_request("/v2/operation/" + id)), "state"), "done");
}

TEST(FaultTest, BadUuidFormatSetsOperationIdOp123) {
    auto s = with(Fault::bad_uuid_format);
    auto res = s.handle(valid());
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(member(res, "id"), "op-123");
    EXPECT_EQ(member(res, "state"), "pending");
}

TEST(FaultTest, BadUriReferenceBreaksOnlyProblemType) {
    auto s = with(Fault::bad_uri_reference);
    auto res = s.handle(invalid());
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(member(res, "type"), "not a uri ref");
    EXPECT_EQ(member(res, "title"), "Bad Request");
    EXPECT_EQ(member(res, "status"), "400");
    EXPECT_TRUE(IsOperation(s.handle(valid()), kDefaultKeyId, "pending"));
}

TEST(FaultTest, ProblemStatusMismatchSays422In400sOnly) {
    auto s = with(Fault::problem_status_mismatch);
    auto res = s.handle(invalid());
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(member(res, "status"), "422");
    EXPECT_TRUE(IsProblem(s.handle(test::get_request("/nowhere")), 404));
    EXPECT_EQ(member(s.transport_problem(400, "x"), "status"), "422");
}

TEST(FaultTest, ProblemMissingTitleDropsTitleIn400sOnly) {
    auto s = with(Fault::problem_missing_title);
    auto res = s.handle(invalid());
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(member(res, "title"), "(absent)");
    EXPECT_EQ(member(res, "status"), "400");
    EXPECT_TRUE(IsProblem(s.handle(test::get_request("/nowhere")), 404));
}

TEST(FaultTest, ServerErrorOnGarbageAnswers500ForUnparsableJsonOnly) {
    auto s = with(Fault::server_error_on_garbage);
    EXPECT_TRUE(IsProblem(s.handle(garbage()), 500));
    EXPECT_TRUE(IsProblem(s.handle(invalid()), 400, "Invalid Argument: "));
    EXPECT_TRUE(IsProblem(s.handle(test::replicate_request(kDefaultKeyId, "")), 400));
    EXPECT_TRUE(IsOperation(s.handle(valid()), kDefaultKeyId, "pending"));
}

TEST(FaultTest, AcceptMalformedAcceptsMissingZoneOnly) {
    auto s = with(Fault::accept_malformed);
    EXPECT_TRUE(IsOperation(s.handle(test::replicate_request(kDefaultKeyId, "{}")), kDefaultKeyId, "pending"));
    EXPECT_TRUE(IsProblem(s.handle(invalid()), 400, "Invalid Argument: "));
    EXPECT_TRUE(IsProblem(s.handle(garbage()), 400, "Invalid Argument: "));
    EXPECT_TRUE(IsOperation(s.handle(valid()), kDefaultKeyId, "pending"));
}

TEST(FaultTest, RejectValidAnswers400ForEveryValidReplicate) {
    auto s = with(Fault::reject_valid);
    EXPECT_TRUE(IsProblem(s.handle(valid()), 400, "Invalid Argument: "));
    EXPECT_TRUE(IsProblem(s.handle(valid()), 400, "Invalid Argument: ")) << "nothing was recorded: no Conflict";
    EXPECT_TRUE(IsProblem(s.handle(zone_request(kDefaultKeyId, "ch-gva-2")), 400, "Conflict: "));
}

TEST(FaultTest, NoAllowHeaderDropsAllowFrom405) {
    auto s = with(Fault::no_allow_header);
    auto res = s.handle(test::get_request(std::string("/v2/kms-key/") + kDefaultKeyId + "/replicate"));
    EXPECT_TRUE(IsProblem(res, 405));
    EXPECT_FALSE(res.header("Allow").has_value());
}

TEST(FaultTest, TransportProblemWithoutFaultsIsConforming) {
    ReplicateService s{ServiceOptions{}};
    EXPECT_TRUE(IsProblem(s.transport_problem(431, "big"), 431, "big"));
    EXPECT_EQ(member(s.transport_problem(431, "big"), "type"),
              "#/http-problem-types/request-header-fields-too-large");
}

}  // namespace
}  // namespace kms::server
