// The faults of GET /v2/operation/{id}: each changes the poll exactly as its comment in
// replicate_service.hpp says, so the harness's operation checks can be seen failing.
#include "server/replicate_service.hpp"
#include "tests/server/test_support.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace kms::server {
namespace {

using namespace std::chrono_literals;
using test::IsOperation;
using test::IsProblem;
using test::parse_json;
using test::zone_request;

// A service with `faults` whose operations settle after 2 s of a clock the test moves.
class OperationFaultTest : public ::testing::Test {
protected:
    void start(std::vector<Fault> faults) {
        ServiceOptions o;
        o.faults = std::move(faults);
        o.operation_settle = 2000ms;
        auto clock = clock_;
        o.steady_now = [clock] { return *clock; };
        service_ = std::make_unique<ReplicateService>(std::move(o));
    }
    // Replicates to de-fra-1 and returns the operation id the 200 names.
    std::string replicate() {
        std::string id;
        auto res = service_->handle(zone_request(kDefaultKeyId, "de-fra-1"));
        EXPECT_EQ(res.status, 200) << res.body;
        auto doc = parse_json(res.body);
        if (doc.IsObject() && doc.HasMember("id") && doc["id"].IsString()) id = doc["id"].GetString();
        return id;
    }
    HttpResponse poll(const std::string& id) { return service_->handle(test::get_request("/v2/operation/" + id)); }
    void settle() { *clock_ += 2001ms; }

    std::shared_ptr<std::chrono::steady_clock::time_point> clock_ =
        std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    std::unique_ptr<ReplicateService> service_;
};

std::string member(const HttpResponse& res, const char* name) {
    auto doc = parse_json(res.body);
    if (!doc.IsObject() || !doc.HasMember(name)) return "(absent)";
    return doc[name].IsString() ? doc[name].GetString() : "(not a string)";
}

TEST_F(OperationFaultTest, WithoutFaultsTheOperationSettlesToSuccessForTheKey) {
    start({});
    const std::string id = replicate();
    EXPECT_TRUE(IsOperation(poll(id), kDefaultKeyId, "pending"));
    settle();
    auto res = poll(id);
    EXPECT_TRUE(IsOperation(res, kDefaultKeyId, "success"));
    EXPECT_EQ(member(res, "id"), id);
    EXPECT_EQ(member(res, "reason"), "(absent)");
}

TEST_F(OperationFaultTest, NeverSettlesStaysPending) {
    start({Fault::operation_never_settles});
    const std::string id = replicate();
    *clock_ += 24h;
    EXPECT_TRUE(IsOperation(poll(id), kDefaultKeyId, "pending"));
}

TEST_F(OperationFaultTest, ForgetOperationAnswers404ForAnOperationItCreated) {
    start({Fault::forget_operation});
    const std::string id = replicate();
    ASSERT_TRUE(is_uuid(id));
    EXPECT_TRUE(IsProblem(poll(id), 404));
    settle();
    EXPECT_TRUE(IsProblem(poll(id), 404));
}

TEST_F(OperationFaultTest, FailureSettlesWithAReasonAndAMessage) {
    start({Fault::operation_failure});
    const std::string id = replicate();
    EXPECT_TRUE(IsOperation(poll(id), kDefaultKeyId, "pending")) << "pending until it settles";
    settle();
    auto res = poll(id);
    EXPECT_TRUE(IsOperation(res, kDefaultKeyId, "failure"));
    EXPECT_EQ(member(res, "reason"), "unavailable");
    EXPECT_NE(member(res, "message").find("de-fra-1"), std::string::npos) << res.body;
}

TEST_F(OperationFaultTest, FailureNoReasonOmitsOnlyTheReason) {
    start({Fault::operation_failure_no_reason});
    const std::string id = replicate();
    settle();
    auto res = poll(id);
    EXPECT_TRUE(IsOperation(res, kDefaultKeyId, "failure"));
    EXPECT_EQ(member(res, "reason"), "(absent)");
    EXPECT_NE(member(res, "message"), "(absent)");
}

TEST_F(OperationFaultTest, WrongOperationIdAnswersAnotherUuid) {
    start({Fault::wrong_operation_id});
    const std::string id = replicate();
    auto res = poll(id);
    EXPECT_TRUE(IsOperation(res, kDefaultKeyId, "pending")) << "still a conforming operation body";
    EXPECT_NE(member(res, "id"), id);
    EXPECT_TRUE(is_uuid(member(res, "id")));
}

TEST_F(OperationFaultTest, WrongReferenceNamesAnotherKeyInReplicateAndPoll) {
    start({Fault::wrong_reference});
    auto first = service_->handle(zone_request(kDefaultKeyId, "de-fra-1"));
    for (const auto& res : {first, poll(member(first, "id"))}) {
        auto doc = parse_json(res.body);
        ASSERT_TRUE(doc.IsObject() && doc.HasMember("reference")) << res.body;
        EXPECT_EQ(std::string(doc["reference"]["id"].GetString()), kSingleZoneKeyId);
        EXPECT_EQ(std::string(doc["reference"]["link"].GetString()), std::string("/v2/kms-key/") + kSingleZoneKeyId);
    }
    EXPECT_EQ(test::replicas_of(service_->handle(test::key_request(kDefaultKeyId))),
              (std::vector<std::string>{"de-fra-1"}))
        << "the replicated key is still the one in the path";
}

TEST_F(OperationFaultTest, OperationFaultsLeaveReplicateAlone) {
    start({Fault::operation_never_settles, Fault::forget_operation, Fault::operation_failure, Fault::wrong_operation_id});
    auto res = service_->handle(zone_request(kDefaultKeyId, "de-fra-1"));
    EXPECT_TRUE(IsOperation(res, kDefaultKeyId, "pending"));
    EXPECT_TRUE(IsProblem(service_->handle(zone_request(kDefaultKeyId, "de-fra-1")), 400, "Conflict: "));
}

}  // namespace
}  // namespace kms::server
