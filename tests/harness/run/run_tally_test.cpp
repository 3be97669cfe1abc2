// RunTally without a run: results with each verdict, counted with and without --strict, the
// cases that never got a response, and summary.json's counts as a reader parses them.
#include "harness/checks/check_catalogue.hpp"
#include "harness/run/run_tally.hpp"
#include "harness/report/summary_json.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>
#include <unistd.h>

namespace kms {
namespace {

// The one place these tests name a check (by the name reports use).
Finding finding(const char* check, Level level) { return Finding{*check_by_name(check), level, "test"}; }

CaseResult result(Verdict v, std::vector<Finding> findings = {}) {
    CaseResult r;
    r.verdict = v;
    r.findings = std::move(findings);
    return r;
}

// One case of each verdict, two of them failures: one a MUST breach, one never answered.
RunTally one_of_each() {
    RunTally t;
    t.add(test::any_case(), result(Verdict::pass));
    t.add(test::any_case(), result(Verdict::fail, {finding("expected_status", Level::must)}));
    t.add(test::any_case(), result(Verdict::fail, {finding("response_in_time", Level::must)}));
    t.add(test::any_case(), result(Verdict::non_strict, {finding("content_type", Level::should)}));
    t.add(test::any_case(), result(Verdict::informational, {finding("rate_limited", Level::informational)}));
    CaseResult skipped = result(Verdict::skipped);
    skipped.skip_reason = "needs credentials";
    t.add(test::any_case(), skipped);
    return t;
}

TEST(RunTally, ANonStrictCaseIsAPassWithoutStrictAndAFailureWithItNeverBoth) {
    RunTally t = one_of_each();
    EXPECT_EQ(t.total(), 6);
    EXPECT_EQ(t.count(Verdict::pass), 1);
    EXPECT_EQ(t.count(Verdict::fail), 2);
    EXPECT_EQ(t.count(Verdict::non_strict), 1);
    EXPECT_EQ(t.count(Verdict::informational), 1);
    EXPECT_EQ(t.count(Verdict::skipped), 1);
    EXPECT_EQ(t.passed(false), 3) << "pass, informational, non-strict";
    EXPECT_EQ(t.failed(false), 2);
    EXPECT_EQ(t.passed(true), 2) << "pass, informational";
    EXPECT_EQ(t.failed(true), 3) << "the two failures and the non-strict case";
    for (bool strict : {false, true})
        EXPECT_EQ(t.passed(strict) + t.failed(strict) + t.count(Verdict::skipped), t.total()) << "every case counted once";
}

TEST(RunTally, AnEmptyRunCountsNothing) {
    RunTally t;
    EXPECT_EQ(t.total(), 0);
    EXPECT_EQ(t.passed(true), 0);
    EXPECT_EQ(t.failed(false), 0);
    EXPECT_EQ(t.transport_failures(), 0);
}

TEST(RunTally, TransportFailuresCountCasesWithNoResponseOnceEach) {
    RunTally t = one_of_each();
    EXPECT_EQ(t.transport_failures(), 1);
    // Two findings of the kind on one case (a resend that timed out too) still count one case.
    t.add(test::any_case(), result(Verdict::fail, {finding("response_in_time", Level::must),
                                                   finding("response_in_time", Level::must)}));
    EXPECT_EQ(t.transport_failures(), 2);
}

rapidjson::Document summary(const RunTally& t, bool strict) {
    auto file = std::filesystem::temp_directory_path() /
                ("kmsconf-run-tally-" + std::to_string(::getpid()) + (strict ? "-strict" : "") + ".json");
    write_summary_json(t, RunInfo{BaseUrl{false, "127.0.0.1", 8080, "/v2"}, "2026-03-31", strict}, file);
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::filesystem::remove(file);
    rapidjson::Document doc;
    doc.Parse(text.str().c_str());
    return doc;
}

TEST(RunTally, SummaryJsonCountsAgreeWithTheTallyUnderStrictAndNot) {
    RunTally t = one_of_each();
    for (bool strict : {false, true}) {
        SCOPED_TRACE(strict ? "--strict" : "not strict");
        rapidjson::Document doc = summary(t, strict);
        ASSERT_TRUE(doc.IsObject()) << "summary.json is not a JSON object";
        EXPECT_EQ(doc["strict"].GetBool(), strict);
        EXPECT_STREQ(doc["contract"].GetString(), "2026-03-31");
        const auto& res = doc["result"];
        EXPECT_EQ(res["tests"].GetInt(), 6);
        EXPECT_EQ(res["passed"].GetInt(), strict ? 2 : 3);
        EXPECT_EQ(res["failed"].GetInt(), strict ? 3 : 2);
        EXPECT_EQ(res["skipped"].GetInt(), 1);
        const auto& counts = doc["counts"];
        EXPECT_EQ(counts["pass"].GetInt(), 1);
        EXPECT_EQ(counts["fail"].GetInt(), 2);
        EXPECT_EQ(counts["non-strict"].GetInt(), 1);
        EXPECT_EQ(counts["informational"].GetInt(), 1);
        EXPECT_EQ(counts["skipped"].GetInt(), 1);
        ASSERT_EQ(doc["cases"].Size(), 6u);
        EXPECT_STREQ(doc["cases"][3]["verdict"].GetString(), "non-strict") << "a case's own verdict, whatever --strict";
        EXPECT_STREQ(doc["cases"][5]["skip_reason"].GetString(), "needs credentials");
        EXPECT_STREQ(doc["cases"][1]["findings"][0]["level"].GetString(), "MUST");
    }
}

// Issue 22: a case's time in the reports included the 20 ms watch for stray bytes; summary.json
// gives the server's time (response_ms) beside the case's wall time (elapsed_ms).
TEST(RunTally, SummaryJsonGivesTheServersTimeApartFromTheWallTime) {
    RunTally t;
    CaseResult r = result(Verdict::pass);
    for (int ms : {1, 2}) {
        Exchange x;
        x.elapsed = std::chrono::microseconds(ms * 200);
        r.exchanges.push_back(x);
    }
    r.elapsed = std::chrono::milliseconds(42);  // two 20 ms watches and the rest
    t.add(test::any_case(), r);
    rapidjson::Document doc = summary(t, false);
    ASSERT_TRUE(doc.IsObject());
    EXPECT_DOUBLE_EQ(doc["cases"][0]["elapsed_ms"].GetDouble(), 42.0);
    EXPECT_DOUBLE_EQ(doc["cases"][0]["response_ms"].GetDouble(), 0.6);
}

}  // namespace
}  // namespace kms
