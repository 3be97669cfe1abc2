// ServiceOptions::revision: replicate's 200 and repeat as each revision declares them, the
// rest (problems, key checks, faults on the body) the same in both.
#include "server/replicate_service.hpp"
#include "tests/server/test_support.hpp"

#include <gtest/gtest.h>

#include <set>

namespace kms::server {
namespace {

using test::IsOperation;
using test::IsProblem;
using test::parse_json;
using test::zone_request;

ReplicateService service(Revision revision, std::vector<Fault> faults = {}) {
    ServiceOptions o;
    o.revision = revision;
    o.faults = std::move(faults);
    return ReplicateService(std::move(o));
}

TEST(RevisionNamesTest, EveryNameRoundTripsAndTheSeedIsTheDefault) {
    auto names = revision_names();
    EXPECT_EQ(names, (std::vector<std::string>{"2026-03-31", "2026-07-20"}));
    for (const auto& n : names) {
        auto r = parse_revision(n);
        ASSERT_TRUE(r.has_value()) << n;
        EXPECT_EQ(to_string(*r), n);
    }
    EXPECT_FALSE(parse_revision("2026-07-21").has_value());
    EXPECT_FALSE(parse_revision("auto").has_value()) << "the server speaks one revision; auto is the harness's";
    EXPECT_EQ(ServiceOptions{}.revision, Revision::r2026_03_31);
}

TEST(RevisionTest, SeedAnswersOperationThenConflict) {
    auto s = service(Revision::r2026_03_31);
    EXPECT_TRUE(IsOperation(s.handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending"));
    EXPECT_TRUE(IsProblem(s.handle(zone_request(kDefaultKeyId, "de-fra-1")), 400, "Conflict: "));
}

TEST(RevisionTest, LatestAnswersTargetRegisteredThenAlreadyApplied) {
    auto s = service(Revision::r2026_07_20);
    auto first = s.handle(zone_request(kDefaultKeyId, "de-fra-1"));
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.header("Content-Type").value_or(""), "application/json");
    EXPECT_EQ(first.body, R"({"status":"target-registered"})");
    auto repeat = s.handle(zone_request(kDefaultKeyId, "de-fra-1"));
    EXPECT_EQ(repeat.status, 200);
    EXPECT_EQ(repeat.body, R"({"status":"already-applied"})");
    EXPECT_EQ(test::replicas_of(s.handle(test::key_request(kDefaultKeyId))), (std::vector<std::string>{"de-fra-1"}));
}

TEST(RevisionTest, LatestStillAnswersConflictForTheOriginAndKeyErrorsAsBefore) {
    auto s = service(Revision::r2026_07_20);
    EXPECT_TRUE(IsProblem(s.handle(zone_request(kDefaultKeyId, "ch-gva-2")), 400, "Conflict: "));
    EXPECT_TRUE(IsProblem(s.handle(zone_request(kSingleZoneKeyId, "de-fra-1")), 400, "Not Multizone: "));
    EXPECT_TRUE(IsProblem(s.handle(zone_request(kPendingDeletionKeyId, "ch-gva-2")), 400, "Key is Pending Deletion: "));
    EXPECT_TRUE(IsProblem(s.handle(zone_request(kAccountDefaultKeyId, "de-fra-1")), 400, "Not on Default: "));
    EXPECT_TRUE(IsProblem(s.handle(test::replicate_request(kDefaultKeyId, R"({"zone":1})")), 400, "Invalid Argument: "));
}

TEST(RevisionTest, LatestCreatesNoOperation) {
    auto s = service(Revision::r2026_07_20);
    auto res = s.handle(zone_request(kDefaultKeyId, "de-fra-1"));
    EXPECT_FALSE(parse_json(res.body).HasMember("id")) << "success-response has no id to poll";
    // Not even under the hood: an operation id made by the seed revision's path is unknown here.
    auto seed = service(Revision::r2026_03_31);
    std::string op;
    ASSERT_TRUE(IsOperation(seed.handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending", &op));
    EXPECT_TRUE(IsProblem(s.handle(test::get_request("/v2/operation/" + op)), 404));
}

TEST(RevisionTest, ProblemsHaveTheSameFourMembersInBothRevisions) {
    for (auto revision : {Revision::r2026_03_31, Revision::r2026_07_20}) {
        auto s = service(revision);
        for (const auto& res : {s.handle(zone_request(kDefaultKeyId, "mars-1")), s.handle(test::get_request("/nowhere"))}) {
            auto doc = parse_json(res.body);
            ASSERT_TRUE(doc.IsObject()) << res.body;
            std::set<std::string> members;
            for (const auto& m : doc.GetObject()) members.insert(m.name.GetString());
            EXPECT_EQ(members, (std::set<std::string>{"type", "title", "status", "detail"})) << to_string(revision);
        }
    }
}

TEST(RevisionTest, LatestBadEnumBreaksTheSuccessStatus) {
    auto s = service(Revision::r2026_07_20, {Fault::bad_enum});
    EXPECT_EQ(s.handle(zone_request(kDefaultKeyId, "de-fra-1")).body, R"({"status":"done"})");
}

TEST(RevisionTest, LatestForgetReplicasRegistersAgainInsteadOfAlreadyApplied) {
    auto s = service(Revision::r2026_07_20, {Fault::forget_replicas});
    s.handle(zone_request(kDefaultKeyId, "de-fra-1"));
    EXPECT_EQ(s.handle(zone_request(kDefaultKeyId, "de-fra-1")).body, R"({"status":"target-registered"})");
}

TEST(RevisionTest, LatestStatusFaultsStillApply) {
    auto s = service(Revision::r2026_07_20, {Fault::undeclared_status});
    auto res = s.handle(zone_request(kDefaultKeyId, "de-fra-1"));
    EXPECT_EQ(res.status, 201);
    EXPECT_EQ(res.body, R"({"status":"target-registered"})");
}

}  // namespace
}  // namespace kms::server
