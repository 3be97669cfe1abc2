// The revision decision (issue 9 item 4): which revision a response speaks
// (harness/contract/revision_detector.hpp), and the contract in force that --contract auto fixes
// at the first decisive response and that names drift (harness/run/contract_in_force.hpp).
#include "harness/contract/revision_detector.hpp"
#include "harness/run/contract_in_force.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

const std::filesystem::path kSchemas = std::filesystem::path(KMSCONF_SOURCE_DIR) / "schemas";

RevisionSchemas schemas_of(const std::string& revision) {
    return revision_schemas(Contract::load(kSchemas / revision), load_reads(kSchemas / revision));
}

std::optional<RevisionEvidence> evidence(Answered what, int status, const char* body) {
    static const RevisionSchemas a = schemas_of("2026-03-31"), b = schemas_of("2026-07-20");
    rapidjson::Document d;
    d.Parse(body);
    return revision_evidence(a, b, what, status, d);
}

const char* kOperation =
    R"({"id":"6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f","state":"pending",)"
    R"("reference":{"id":"a02baf5a-a3e4-49a0-857b-8a08d276c1c0","link":"/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0"}})";

TEST(RevisionDecision, OperationBodyIs20260331) {
    auto e = evidence(Answered::replicate, 200, kOperation);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->revision, "2026-03-31");
    EXPECT_EQ(e->reason, "the replicate 200 body fits 2026-03-31's operation, not 2026-07-20's success-response");
}

TEST(RevisionDecision, SuccessResponseIs20260720) {
    for (const char* body : {R"({"status":"target-registered"})", R"({"status":"already-applied"})", R"({"status":"success"})"}) {
        auto e = evidence(Answered::replicate, 200, body);
        ASSERT_TRUE(e) << body;
        EXPECT_EQ(e->revision, "2026-07-20") << body;
        EXPECT_EQ(e->other, "2026-03-31");
    }
}

TEST(RevisionDecision, ProblemWithInstanceOrErrorsIs20260331) {
    auto e = evidence(Answered::replicate, 400,
                      R"({"type":"about:blank","title":"Bad","status":400,"detail":"x","instance":"/v2/x"})");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->revision, "2026-03-31");
    EXPECT_NE(e->reason.find("`instance`"), std::string::npos) << e->reason;
    e = evidence(Answered::other, 404, R"({"type":"about:blank","title":"Bad","status":404,"detail":"x","errors":[]})");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->revision, "2026-03-31");
}

TEST(RevisionDecision, KeyReadWithoutPolicyIs20260720) {
    // The 2026-07-20 reference server's key read: no policy, no zone.
    const char* key = R"({"id":"a02baf5a-a3e4-49a0-857b-8a08d276c1c0","name":"kmsconf-multi-zone","description":"d",)"
                      R"("usage":"encrypt-decrypt","source":"exoscale-kms","status":"enabled","status-since":"2026-03-02T09:00:00Z",)"
                      R"("material":{"version":1,"created-at":"2026-03-02T09:00:00Z","automatic":false},)"
                      R"("rotation":{"manual-count":0,"automatic":false,"rotation-period":365,"next-at":"2027-03-02T09:00:00Z"},)"
                      R"("multi-zone":true,"origin-zone":"ch-gva-2","replicas":[],"replicas-status":[],)"
                      R"("created-at":"2026-03-02T09:00:00Z","revision":{"at":"2026-03-02T09:00:00Z","seq":0}})";
    auto e = evidence(Answered::key_read, 200, key);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->revision, "2026-07-20");
    EXPECT_NE(e->reason.find("`policy`"), std::string::npos) << e->reason;
}

TEST(RevisionDecision, KeyReadWithPolicyIs20260331EvenWithoutZone) {
    // Prism's example of the 2026-03-31 spec: `zone` is required there but not declared, so a
    // mock omits it; `policy` still says 2026-03-31.
    auto e = evidence(Answered::key_read, 200, R"({"id":"a02baf5a-a3e4-49a0-857b-8a08d276c1c0","policy":"","description":"","replicas":[]})");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->revision, "2026-03-31");
    EXPECT_EQ(e->reason, "the key read carries `policy`, which only 2026-03-31's get-kms-key-response declares");
}

TEST(RevisionDecision, NothingDecisive) {
    // A problem without instance or errors, a 200 mixing both revisions' members, no JSON object.
    EXPECT_FALSE(evidence(Answered::replicate, 400, R"({"type":"t","title":"Conflict","status":400,"detail":"Conflict"})"));
    EXPECT_FALSE(evidence(Answered::replicate, 200, R"({"status":"success","state":"success"})"));
    EXPECT_FALSE(evidence(Answered::replicate, 200, "[]"));
    // A 200 off the replicate is never read as its body.
    EXPECT_FALSE(evidence(Answered::other, 200, R"({"status":"success"})"));
}

ContractInForce in_force(bool automatic, const std::string& first = "2026-03-31") {
    const std::string other = first == "2026-03-31" ? "2026-07-20" : "2026-03-31";
    return ContractInForce({Contract::load(kSchemas / first), load_reads(kSchemas / first)},
                           RevisionContracts{Contract::load(kSchemas / other), load_reads(kSchemas / other)}, automatic);
}

TEST(ContractInForce, AutoIsFixedAtTheFirstDecisiveResponse) {
    auto c = in_force(true);
    EXPECT_FALSE(c.decided());
    EXPECT_EQ(c.replicate().revision(), "2026-03-31");  // provisional default
    const auto request = test::replicate_request();
    EXPECT_FALSE(c.observe(request, test::json_exchange(400, R"({"type":"t","title":"x","status":400,"detail":"x"})"), "/v2"));
    EXPECT_FALSE(c.decided());
    EXPECT_FALSE(c.observe(request, test::json_exchange(200, R"({"status":"target-registered"})"), "/v2"));
    EXPECT_TRUE(c.decided());
    EXPECT_EQ(c.replicate().revision(), "2026-07-20");
    EXPECT_NE(c.basis().find("success-response"), std::string::npos) << c.basis();
    EXPECT_FALSE(c.warning());
    // Fixed: an operation now is drift, naming both.
    auto drift = c.observe(request, test::json_exchange(200, kOperation), "/v2");
    ASSERT_TRUE(drift);
    EXPECT_EQ(drift->finding.check, CheckId::contract_drift);
    EXPECT_NE(drift->finding.message.find("fits 2026-03-31's operation, not 2026-07-20's success-response: contract drift"),
              std::string::npos)
        << drift->finding.message;
}

TEST(ContractInForce, NothingDecisiveKeepsTheDefaultAndWarns) {
    auto c = in_force(true);
    EXPECT_FALSE(c.observe(test::replicate_request(), test::json_exchange(200, R"({"status":"success","state":"success"})"), "/v2"));
    EXPECT_FALSE(c.decided());
    EXPECT_EQ(c.replicate().revision(), "2026-03-31");
    ASSERT_TRUE(c.warning());
    EXPECT_NE(c.warning()->find("judged by the default 2026-03-31"), std::string::npos);
}

TEST(ContractInForce, PinnedReportsDriftAndStaysQuietOnItsOwnRevision) {
    auto c = in_force(false);
    const auto request = test::replicate_request();
    EXPECT_FALSE(c.observe(request, test::json_exchange(200, kOperation), "/v2"));
    auto drift = c.observe(request, test::json_exchange(200, R"({"status":"already-applied"})"), "/v2");
    ASSERT_TRUE(drift);
    EXPECT_EQ(drift->finding.message,
              "the replicate 200 body fits 2026-07-20's success-response, not 2026-03-31's operation: contract drift "
              "(the run judges by 2026-03-31, pinned by --contract; the target speaks 2026-07-20 here)");
    EXPECT_EQ(c.replicate().revision(), "2026-03-31");

    auto latest = in_force(false, "2026-07-20");
    EXPECT_FALSE(latest.observe(request, test::json_exchange(200, R"({"status":"already-applied"})"), "/v2"));
    EXPECT_TRUE(latest.observe(request, test::json_exchange(200, kOperation), "/v2"));
    EXPECT_TRUE(latest.observe(request,
                               test::json_exchange(400, R"({"type":"t","title":"x","status":400,"detail":"x","errors":[]})"),
                               "/v2"));
}

TEST(ContractInForce, DriftNoteJoinsTheExchangesMustFindings) {
    std::vector<Finding> findings{{CheckId::conflict_reported, Level::must, "expected Conflict"},
                                  {CheckId::content_type, Level::should, "charset"}};
    auto c = in_force(false);
    add_drift(findings, c.observe(test::replicate_request(), test::json_exchange(200, R"({"status":"already-applied"})"), "/v2"));
    ASSERT_EQ(findings.size(), 3u);
    EXPECT_EQ(findings[0].message, "expected Conflict [contract drift: the response fits 2026-07-20, not 2026-03-31]");
    EXPECT_EQ(findings[1].message, "charset");
    EXPECT_EQ(findings[2].check, CheckId::contract_drift);
}

// Only a response the pinned revision's schema refuses proves drift (MUST). One valid under both
// that has the other's shape exactly is SHOULD; members only the other declares, which both
// allow (RFC 9457 §3.2 extension members in a problem, say), are informational and annotate
// no failure.
TEST(ContractInForce, DriftIsGradedByWhatItsEvidenceProves) {
    const auto request = test::replicate_request();
    auto seed = in_force(false);
    auto shape = seed.observe(request, test::json_exchange(200, R"({"status":"target-registered"})"), "/v2");
    ASSERT_TRUE(shape);
    EXPECT_EQ(shape->finding.level, Level::should) << "{status} is a valid operation: every member is optional";

    auto latest = in_force(false, "2026-07-20");
    auto refused = latest.observe(request, test::json_exchange(200, kOperation), "/v2");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->finding.level, Level::must) << "success-response requires status";

    std::vector<Finding> findings{{CheckId::conflict_reported, Level::must, "expected Conflict"}};
    auto extension = latest.observe(
        request, test::json_exchange(400, R"({"type":"t","title":"x","status":400,"detail":"x","instance":"/x"})"), "/v2");
    ASSERT_TRUE(extension);
    EXPECT_EQ(extension->finding.level, Level::informational);
    add_drift(findings, extension);
    EXPECT_EQ(findings[0].message, "expected Conflict") << "a hint explains no failure";

    auto key = evidence(Answered::key_read, 200, R"({"id":"a02baf5a-a3e4-49a0-857b-8a08d276c1c0","delete-at":"x"})");
    ASSERT_TRUE(key);
    EXPECT_EQ(key->revision, "2026-07-20");
    EXPECT_EQ(key->strength, EvidenceStrength::breaks_other) << "no policy: 2026-03-31's schema refuses it";
}

// A 2026-07-20 server that still sends a dropped member (`errors` in a problem) only hints at
// 2026-03-31; its first replicate 200 proves otherwise and decides again.
TEST(ContractInForce, AutoDecidedOnAHintYieldsToProof) {
    auto c = in_force(true);
    const auto request = test::replicate_request();
    EXPECT_FALSE(c.observe(request, test::json_exchange(400, R"({"type":"t","title":"x","status":400,"detail":"x","errors":[]})"),
                           "/v2"));
    EXPECT_EQ(c.replicate().revision(), "2026-03-31");
    EXPECT_FALSE(c.observe(request, test::json_exchange(200, R"({"status":"target-registered"})"), "/v2"));
    EXPECT_EQ(c.replicate().revision(), "2026-07-20");
    EXPECT_NE(c.basis().find("an earlier hint had pointed to 2026-03-31"), std::string::npos) << c.basis();
    // Decided on the shape, not a hint: a later operation is drift, not a second change of mind.
    EXPECT_TRUE(c.observe(request, test::json_exchange(200, kOperation), "/v2"));
    EXPECT_EQ(c.replicate().revision(), "2026-07-20");
}

TEST(ContractInForce, LoadsAutoPinnedAndDirectories) {
    EXPECT_TRUE(load_contract_in_force("auto", kSchemas).automatic());
    auto pinned = load_contract_in_force("2026-07-20", kSchemas);
    EXPECT_FALSE(pinned.automatic());
    EXPECT_EQ(pinned.replicate().revision(), "2026-07-20");
    EXPECT_EQ(load_contract_in_force((kSchemas / "2026-03-31").string(), kSchemas).replicate().revision(), "2026-03-31");
    EXPECT_THROW(load_contract_in_force("1999-01-01", kSchemas), std::exception);
}

TEST(AlreadyApplied, ConformsForAConflictCaseOnlyWhenTheRevisionAllowsIt) {
    Case c = test::any_case(Outcome::conflict);
    c.expect.check = CheckId::conflict_reported;
    const HttpResponse applied = *test::json_exchange(200, R"({"status":"already-applied"})").response;
    ASSERT_EQ(check_expectation(c, applied).size(), 1u);  // 2026-03-31: a repeat is Conflict
    c.expect.already_applied_conforms = true;
    EXPECT_TRUE(check_expectation(c, applied).empty());
    // Only already-applied: another 200 is still no Conflict.
    auto other = check_expectation(c, *test::json_exchange(200, R"({"status":"target-registered"})").response);
    ASSERT_EQ(other.size(), 1u);
    EXPECT_NE(other[0].message.find("or 200 already-applied"), std::string::npos);
}

}  // namespace
}  // namespace kms
