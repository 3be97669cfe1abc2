// Recorded exchanges made cases (harness/recorded/recorded_cases.hpp): the expectation each
// replicate gets from the contract and the recording, and what its request says of the client.
#include "harness/recorded/recorded_cases.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace kms {
namespace {

const Exo2Credentials kCreds{"EXOclienttest", "client-secret"};
const char* const kKey = "a02baf5a-a3e4-49a0-857b-8a08d276c1c0";
constexpr std::int64_t kAt = 1796000000;  // when the requests were "recorded"

RecordedExchange replicate(std::string body, std::optional<std::string> authorization, int status = 200,
                           std::string id = kKey) {
    RecordedExchange x;
    x.url = "https://api.example/v2/kms-key/" + id + "/replicate";
    x.request.method = "POST";
    x.request.target = "/v2/kms-key/" + id + "/replicate";
    x.request.body = std::move(body);
    x.request.headers = {{"Content-Type", "application/json"}};
    if (authorization) x.request.headers.push_back({"Authorization", *authorization});
    HttpResponse r;
    r.status = status;
    x.response = r;
    x.started = kAt;
    x.pointer = "/log/entries/0";
    return x;
}

std::string signed_by(const Exo2Credentials& creds, const std::string& body, const std::string& id = kKey) {
    return exo2_authorization(creds, "POST", "/v2/kms-key/" + id + "/replicate", body, kAt + 600);
}

std::vector<std::string> client_findings(const RecordedExchange& x, const ClientJudging& judging) {
    const auto plan = plan_recorded({{"x.har", {x}}}, test::seed_contract(), {}, judging);
    EXPECT_EQ(plan.client.size(), 1u);
    std::vector<std::string> out;
    for (const auto& f : plan.client.front().findings)
        out.push_back(std::string(name_of(f.check)) + " " + to_string(f.level) + ": " + f.message);
    return out;
}

TEST(RecordedClient, ASignedValidRequestSaysNothingOfItsClient) {
    const std::string body = R"({"zone":"de-fra-1"})";
    ClientJudging judging{Level::must, kCreds};
    EXPECT_TRUE(client_findings(replicate(body, signed_by(kCreds, body)), judging).empty());
}

TEST(RecordedClient, MissingMalformedOrWrongSignaturesAndRefusedBodiesAreTheClients) {
    const std::string body = R"({"zone":"de-fra-1"})";
    ClientJudging judging{Level::must, kCreds};
    EXPECT_EQ(client_findings(replicate(body, std::nullopt), judging),
              std::vector<std::string>{"client_signed MUST: no Authorization header: the API wants EXO2-HMAC-SHA256"});
    EXPECT_EQ(client_findings(replicate(body, "Bearer abc"), judging),
              std::vector<std::string>{"client_signed MUST: not a well-formed EXO2-HMAC-SHA256 Authorization header"});
    const Exo2Credentials other{"EXOclienttest", "another-secret"};
    EXPECT_EQ(client_findings(replicate(body, signed_by(other, body)), judging),
              std::vector<std::string>{"client_signed MUST: the signature does not verify with the given secret: signature does not match"});
    // Without the secret only the header's form is judged.
    EXPECT_TRUE(client_findings(replicate(body, signed_by(other, body)), ClientJudging{Level::must, std::nullopt}).empty());
    EXPECT_EQ(client_findings(replicate(body, "EXO2-HMAC-SHA256 [REDACTED]"), judging),
              std::vector<std::string>{"client_signed informational: the Authorization header was redacted in the "
                                       "recording: its signature is not judged"});
    const std::string bad = R"({"zone":7})";
    EXPECT_EQ(client_findings(replicate(bad, signed_by(kCreds, bad), 400), judging),
              std::vector<std::string>{"client_request_valid MUST: the body is one the request schema refuses: {\"zone\":7}"});
}

TEST(RecordedServer, ExpectationsFollowTheContractAndTheRecording) {
    const std::string body = R"({"zone":"de-fra-1"})";
    const auto plan = plan_recorded({{"x.har",
                                      {replicate(body, std::nullopt, 200), replicate(body, std::nullopt, 400),
                                       replicate(R"({"zone":7})", std::nullopt, 400),
                                       replicate(R"({"zone":"a","zone":"b"})", std::nullopt, 400)}}},
                                    test::seed_contract(), {});
    ASSERT_EQ(plan.cases.size(), 4u);
    EXPECT_EQ(plan.cases[0].c.expect.outcome, Outcome::either) << "a first valid replicate: 200 or a 400 problem";
    EXPECT_EQ(plan.cases[1].c.expect.outcome, Outcome::conflict) << "the zone was answered 2xx before";
    EXPECT_EQ(plan.cases[2].c.expect.outcome, Outcome::rejected);
    EXPECT_EQ(plan.cases[3].c.expect.outcome, Outcome::either) << "read either way (RFC 8259 §4)";
    EXPECT_EQ(plan.cases[0].base_path, "/v2");
}

// An operation a recorded replicate created, polled until `polled_for` seconds after it, the
// last poll saying `state`.
RecordedPlan polled(const std::string& state, std::int64_t polled_for, std::chrono::milliseconds bound) {
    static const ReadContracts reads = load_reads(std::filesystem::path(KMSCONF_SOURCE_DIR) / "schemas" / "2026-03-31");
    const std::string op = "2d9c1b0e-6f4a-4e1b-9c3d-7a5e8f0b1c2d";
    RecordedExchange created = replicate(R"({"zone":"de-fra-1"})", std::nullopt, 200);
    created.response->body = R"({"id":")" + op + R"(","state":"pending","reference":{"id":")" + kKey + R"("}})";
    RecordedExchange poll;
    poll.url = "https://api.example/v2/operation/" + op;
    poll.request = {"GET", "/v2/operation/" + op, {}, ""};
    poll.response = HttpResponse{200, {{"Content-Type", "application/json"}},
                                 R"({"id":")" + op + R"(","state":")" + state + R"(","reference":{"id":")" + kKey + R"("}})"};
    poll.started = kAt + polled_for;
    poll.pointer = "/log/entries/1";
    return plan_recorded({{"x.har", {created, poll}}}, test::seed_contract(), reads, {}, bound);
}

TEST(RecordedServer, AValidBodyNotLabelledJsonMayBeRefusedEvenAfterItsZoneWasReplicated) {
    const std::string body = R"({"zone":"de-fra-1"})";
    RecordedExchange unlabelled = replicate(body, std::nullopt, 400);
    unlabelled.request.headers = {{"Content-Type", "text/plain"}};
    const auto plan = plan_recorded({{"x.har", {replicate(body, std::nullopt, 200), unlabelled}}}, test::seed_contract(), {});
    ASSERT_EQ(plan.cases.size(), 2u);
    EXPECT_EQ(plan.cases[1].c.expect.outcome, Outcome::either) << "400 or 415 (SHOULD), or read anyway";
    const auto& s = plan.cases[1].c.expect.statuses;
    EXPECT_NE(std::find(s.begin(), s.end(), 415), s.end());
    ASSERT_EQ(plan.client.size(), 2u);
    const auto& found = plan.client[1].findings;
    const auto labelled = std::find_if(found.begin(), found.end(), [](const Finding& f) { return f.check == CheckId::client_request_valid; });
    ASSERT_NE(labelled, found.end());
    EXPECT_EQ(labelled->level, Level::should) << labelled->message;
}

TEST(RecordedServer, AReadOfAnIdTheRecordingNeverSawMayBe404) {
    const auto has = [](const std::vector<int>& v, int s) { return std::find(v.begin(), v.end(), s) != v.end(); };
    // The poll in polled() is of the operation the recorded replicate created: it must be found.
    const auto created = polled("pending", 1, std::chrono::milliseconds(60000));
    ASSERT_EQ(created.cases.size(), 2u);
    EXPECT_FALSE(has(created.cases[1].c.expect.statuses, 404));
    EXPECT_TRUE(has(created.cases[1].c.expect.statuses, 403)) << "a read's signature is not known to hold";
    // One the recording never saw created may be someone else's, or long gone.
    static const ReadContracts reads = load_reads(std::filesystem::path(KMSCONF_SOURCE_DIR) / "schemas" / "2026-03-31");
    RecordedExchange poll;
    poll.url = "https://api.example/v2/operation/0b5e2c1d-3f4a-4b6c-8d7e-9f0a1b2c3d4e";
    poll.request = {"GET", "/v2/operation/0b5e2c1d-3f4a-4b6c-8d7e-9f0a1b2c3d4e", {}, ""};
    poll.response = HttpResponse{404, {}, ""};
    const auto unknown = plan_recorded({{"x.har", {poll}}}, test::seed_contract(), reads);
    ASSERT_EQ(unknown.cases.size(), 1u);
    EXPECT_TRUE(has(unknown.cases[0].c.expect.statuses, 404));
}

TEST(RecordedServer, AnOperationPolledPendingPastTheBoundNeverSettled) {
    const auto late = polled("pending", 90, std::chrono::milliseconds(60000));
    ASSERT_EQ(late.unsettled.size(), 1u);
    ASSERT_EQ(late.unsettled[0].findings.size(), 1u);
    EXPECT_EQ(late.unsettled[0].findings[0].check, CheckId::operation_settles);
    EXPECT_EQ(late.unsettled[0].findings[0].level, Level::must);
    EXPECT_EQ(late.unsettled[0].c.id, "operation-2d9c1b0e-6f4a-4e1b-9c3d-7a5e8f0b1c2d");
    // The client stopped looking before the bound: nothing is known, and nothing fails.
    const auto early = polled("pending", 30, std::chrono::milliseconds(60000));
    ASSERT_EQ(early.unsettled.size(), 1u);
    EXPECT_EQ(early.unsettled[0].findings[0].level, Level::informational);
    EXPECT_TRUE(polled("success", 90, std::chrono::milliseconds(60000)).unsettled.empty()) << "it settled";
    EXPECT_EQ(polled("pending", 30, std::chrono::milliseconds(20000)).unsettled[0].findings[0].level, Level::must)
        << "the bound is --operation-timeout-ms";
}

}  // namespace
}  // namespace kms
