// Grading: a finding is never above its case's level, except a transport failure, a 5xx, a
// framing fault, the latency budget and a 429 that outlasted the retries; a case of scope http
// holds the body's shape at SHOULD. One place caps (CaseRunner), so the checks report the level
// the contract gives a breach and the case decides how far it counts.
#include "tests/harness/grading_support.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

using namespace test;
using namespace std::chrono_literals;

// --- capping ---------------------------------------------------------------------------------

TEST(Capping, NoFindingAboveItsCasesLevel) {
    Case c = test::any_case();
    c.level = Level::informational;
    std::vector<Finding> f{{CheckId::content_type, Level::must, ""}, {CheckId::body_schema, Level::should, ""}, {CheckId::expected_status, Level::must, ""}};
    cap_to_case_level(c, f);
    for (const auto& x : f) EXPECT_EQ(x.level, Level::informational) << name_of(x.check);
    c.level = Level::should;
    f = {{CheckId::formats, Level::must, ""}, {CheckId::rate_limited, Level::informational, ""}};
    cap_to_case_level(c, f);
    EXPECT_EQ(f[0].level, Level::should);
    EXPECT_EQ(f[1].level, Level::informational) << "capping never raises a finding";
}

TEST(Capping, TransportServerErrorFramingLatencyAnd429AreNotCapped) {
    Case c = test::any_case();
    c.level = Level::informational;
    for (CheckId check : {CheckId::response_in_time, CheckId::no_server_error, CheckId::response_framing,
                          CheckId::max_response_time, CheckId::rate_limited}) {
        std::vector<Finding> f{{check, Level::must, ""}};
        cap_to_case_level(c, f);
        EXPECT_EQ(f[0].level, Level::must) << name_of(check);
    }
    // A 500 on an informational case still fails the run.
    Case deep = shipped("edge.deep-nesting-balanced-extra-member");
    ASSERT_EQ(deep.level, Level::informational);
    auto g = graded(deep, test::json_exchange(500, R"({"title":"Internal Server Error","status":500})"));
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
    EXPECT_EQ(g.level_of("no_server_error"), Level::must);
}

TEST(Capping, ScopeHttpHoldsTheBodyShapeInformationalButTheStatusAtTheCasesLevel) {
    Case c = test::any_case();
    c.scope = Scope::http;
    for (CheckId check : {CheckId::content_type, CheckId::body_schema, CheckId::formats, CheckId::problem_status,
                          CheckId::contract_drift})
        EXPECT_EQ(level_ceiling(c, check), Level::informational) << name_of(check);
    EXPECT_EQ(level_ceiling(c, CheckId::malformed_rejected), Level::must);
    EXPECT_EQ(level_ceiling(c, CheckId::allow_header), Level::must);
    c.scope = Scope::operation;
    EXPECT_EQ(level_ceiling(c, CheckId::body_schema), Level::must);
}

TEST(Capping, InformationalCaseWithABrokenBodyIsNotedNotFailed) {
    auto broken = graded(shipped("edge.path-trailing-slash"), test::json_exchange(400, "not json", "text/plain"));
    EXPECT_EQ(broken.verdict, Verdict::informational) << all_messages(broken);
    EXPECT_EQ(broken.level_of("content_type"), Level::informational);
    EXPECT_EQ(broken.level_of("body_schema"), Level::informational);
}

TEST(RateLimit, A429ThatOutlastsTheRetriesIsAVisibleFailureEvenOnAnInformationalCase) {
    Exchange limited = exchange(429, R"({"error":"rate limited","retry_after":1})",
                                {{"Content-Type", "application/json"}, {"Retry-After", "1"}});
    auto g = graded(shipped("edge.path-trailing-slash"), limited, 0ms, 3);
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
    ASSERT_EQ(g.findings.size(), 1u) << "judged as the 429 alone, not as an undeclared status: " << all_messages(g);
    EXPECT_EQ(g.findings[0].check, CheckId::rate_limited);
    EXPECT_NE(g.findings[0].message.find("after 3 resend(s)"), std::string::npos) << g.findings[0].message;
    EXPECT_NE(g.findings[0].message.find("not tested"), std::string::npos) << g.findings[0].message;
}

TEST(ResponseTime, ABudgetFailsASlowResponseWhateverTheCasesLevel) {
    Exchange slow = test::json_exchange(200, test::kGoodOperation);
    slow.elapsed = 250ms;
    const Case& informational = shipped("valid.extra-body-members");
    auto g = graded(informational, slow, 10ms);
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
    EXPECT_EQ(g.level_of("max_response_time"), Level::must);
    EXPECT_NE(all_messages(g).find("250.0 ms, over the budget of 10 ms"), std::string::npos) << all_messages(g);
    // Within the budget, or with none (the default): quiet.
    EXPECT_EQ(graded(informational, slow, 1000ms).verdict, Verdict::pass);
    EXPECT_EQ(graded(informational, slow, 0ms).verdict, Verdict::pass);
    EXPECT_TRUE(check_response_time(slow, 0ms).empty());
    // No response: response_in_time says it, not the budget.
    Exchange none;
    none.error = TransportError::timeout;
    none.elapsed = 5s;
    EXPECT_TRUE(check_response_time(none, 10ms).empty());
}

// --- stray bytes -----------------------------------------------------------------------------

TEST(Framing, StrayBytesBeforeARequestAreANoteOnThisCaseNotItsFault) {
    Exchange e = test::json_exchange(400, test::kGoodProblem);
    e.stray_before = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request";
    auto g = graded(shipped("malformed.zone-missing"), e);
    EXPECT_EQ(g.verdict, Verdict::informational) << all_messages(g);
    EXPECT_EQ(g.level_of("response_framing"), Level::informational);
    EXPECT_NE(all_messages(g).find("previous exchange"), std::string::npos);
    // Bytes after this exchange's response are its own MUST, on an informational case too.
    Exchange after = test::json_exchange(200, test::kGoodOperation);
    after.framing_violation = "19 bytes after the response with no request outstanding";
    g = graded(shipped("valid.extra-body-members"), after);
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
    EXPECT_EQ(g.level_of("response_framing"), Level::must);
}

}  // namespace
}  // namespace kms

namespace kms {
namespace {

using namespace test;

// A case judged from its recorded sends, nothing sent (harness/run/case_runner.hpp,
// judge_sends): what the wire showed while a 429 was waited out, the exchange that followed,
// and the bytes seen in the rate cap's pause, in order; then capped and graded.
TEST(JudgeSends, ARecordedCaseIsJudgedInSendOrderWithNoNetwork) {
    const Case& c = shipped("valid.replicate-to-de-fra-1");
    const BaseUrl base{false, "127.0.0.1", 8080, "/v2"};
    Send s;
    s.request = build_request(c, {"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"}, base, Signer{});
    s.exchange = exchange(200, R"({"id":"x","state":"done"})", {{"Content-Type", "application/json"}});
    s.resent = 1;
    s.while_waiting = {{WireEvent::Kind::refused_then_resent, CheckId::rate_limited, "429 Too Many Requests: resent after 1 s"},
                       {WireEvent::Kind::stray_bytes, CheckId::response_framing, "5 bytes after the 429"}};
    s.stray_in_pause = "7 bytes in the pause";
    CaseResult r = judge_sends(c, {s}, {seed_contract(), nullptr, base.path, std::chrono::milliseconds(0)});

    ASSERT_GE(r.findings.size(), 4u) << r.findings.size();
    EXPECT_EQ(r.findings[0].check, CheckId::rate_limited);
    EXPECT_EQ(r.findings[0].level, Level::informational);
    EXPECT_EQ(r.findings[1].check, CheckId::response_framing);
    EXPECT_EQ(r.findings[1].message, "5 bytes after the 429");
    EXPECT_EQ(r.findings.back().message, "7 bytes in the pause");
    bool body_schema = false;
    for (const auto& f : r.findings) body_schema = body_schema || (f.check == CheckId::body_schema && f.level == Level::must);
    EXPECT_TRUE(body_schema) << "the exchange itself is judged: 'done' is no state of an operation";
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_EQ(r.contract_revision, seed_contract().revision());
    ASSERT_EQ(r.exchanges.size(), 1u);
    EXPECT_EQ(r.requests.size(), 1u);

    // The same exchange, answered as the contract says: only the wire's events remain.
    Send good = s;
    good.exchange = exchange(200, kGoodOperation, {{"Content-Type", "application/json"}});
    good.while_waiting.resize(1);
    good.stray_in_pause.clear();
    CaseResult ok = judge_sends(c, {good}, {seed_contract(), nullptr, base.path, std::chrono::milliseconds(0)});
    EXPECT_EQ(ok.verdict, Verdict::informational) << ok.findings.size();
}

}  // namespace
}  // namespace kms
