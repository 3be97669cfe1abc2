// The console without a run: the progress line's text, when colour is allowed (a pipe, a
// pseudo-terminal, NO_COLOR), and the summary of a canned tally: counts by verdict and by
// check, the slowest cases, and each failed case with its rerun command.
#include "harness/report/console_style.hpp"
#include "harness/report/console_summary.hpp"
#include "harness/report/rerun_command.hpp"
#include "harness/report/progress_line.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <pty.h>
#include <unistd.h>

namespace kms {
namespace {

Case named(const std::string& suite, const std::string& id, CheckId expectation = CheckId::expected_status) {
    Case c = test::any_case();
    c.suite = suite;
    c.id = id;
    c.expect.check = expectation;
    return c;
}

CaseResult answered(Verdict v, int ms, std::vector<Finding> findings = {}) {
    CaseResult r;
    r.verdict = v;
    r.findings = std::move(findings);
    r.requests.push_back(test::replicate_request());
    r.exchanges.push_back(test::json_exchange(400, test::kGoodProblem));
    r.exchanges.back().elapsed = std::chrono::milliseconds(ms);
    r.elapsed = std::chrono::milliseconds(ms + 21);  // the stray-byte watch and the rest
    return r;
}

RunTally canned_run() {
    RunTally t;
    // Slow on the wall (a Retry-After wait, say) but answered at once: not among the slowest.
    CaseResult waited = answered(Verdict::pass, 5, {});
    waited.elapsed = std::chrono::seconds(5);
    t.add(named("valid", "ok"), waited);
    t.add(named("valid", "bad-body"), answered(Verdict::fail, 40, {{CheckId::body_schema, Level::must, "x"}}));
    t.add(named("edge", "soft"), answered(Verdict::non_strict, 7, {{CheckId::body_schema, Level::should, "x"}}));
    t.add(named("edge", "slowest"), answered(Verdict::fail, 900, {{CheckId::expected_status, Level::must, "x"}}));
    CaseResult skipped;
    skipped.verdict = Verdict::skipped;
    t.add(named("auth", "skipped"), skipped);
    return t;
}

TEST(ProgressLine, TextIsPaddedAndCutToTheWidth) {
    EXPECT_EQ(progress_text(7, 126, "malformed.truncated-json", 80), "[  7/126] malformed.truncated-json");
    EXPECT_EQ(progress_text(126, 126, "x", 80), "[126/126] x");
    const std::string cut = progress_text(37, 126, "malformed.a-very-long-case-id-indeed", 24);
    EXPECT_EQ(cut, "[ 37/126] malformed.a-\u2026");
    EXPECT_EQ(progress_text(1, 9, "abc", 3), "[1/9] ") << "no room: the counter alone";
}

TEST(ProgressLine, DrawsNothingWhenDisabled) {
    std::FILE* f = std::tmpfile();
    ProgressLine off(f, false);
    off.show(1, 2, "a.b");
    off.clear();
    EXPECT_EQ(std::ftell(f), 0);
    ProgressLine on(f, true);
    on.show(1, 2, "a.b");
    on.clear();
    EXPECT_GT(std::ftell(f), 0);
    std::fclose(f);
}

struct ScopedEnv {
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        value ? ::setenv(name, value, 1) : ::unsetenv(name);
    }
    ~ScopedEnv() { old_.empty() ? ::unsetenv(name_) : ::setenv(name_, old_.c_str(), 1); }
    const char* name_;
    std::string old_;
};

TEST(ConsoleStyle, ColourOnlyOnATerminalAndNeverWithNoColor) {
    ScopedEnv term("TERM", "xterm");
    std::FILE* pipe_end = std::tmpfile();  // not a terminal, as in CI
    {
        ScopedEnv no("NO_COLOR", nullptr);
        const auto s = ConsoleStyle::detect(pipe_end);
        EXPECT_FALSE(s.terminal);
        EXPECT_FALSE(s.colour);
        EXPECT_EQ(s.paint("x", Colour::red), "x");
    }
    int master = -1, slave = -1;
    ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
    std::FILE* tty = ::fdopen(slave, "w");
    {
        ScopedEnv no("NO_COLOR", nullptr);
        const auto s = ConsoleStyle::detect(tty);
        EXPECT_TRUE(s.terminal);
        EXPECT_TRUE(s.colour);
        EXPECT_EQ(s.paint("x", Colour::red), "\033[31mx\033[0m");
    }
    {
        ScopedEnv empty("NO_COLOR", "");  // no-color.org: only a non-empty value counts
        EXPECT_TRUE(ConsoleStyle::detect(tty).colour);
    }
    {
        ScopedEnv no("NO_COLOR", "1");
        const auto s = ConsoleStyle::detect(tty);
        EXPECT_TRUE(s.terminal) << "the progress line still shows";
        EXPECT_FALSE(s.colour);
    }
    {
        ScopedEnv dumb("TERM", "dumb");
        EXPECT_FALSE(ConsoleStyle::detect(tty).colour);
    }
    std::fclose(tty);
    ::close(master);
    std::fclose(pipe_end);
}

TEST(ConsoleSummary, CountsByCheckJudgeOnlyTheCasesEachCheckApplies) {
    const RunTally t = canned_run();
    const CheckCount body = count_check(t, CheckId::body_schema, {});
    EXPECT_EQ(body.passed, 2);
    EXPECT_EQ(body.failed, 1);
    EXPECT_EQ(body.non_strict, 1);
    SummaryOptions strict;
    strict.strict = true;
    EXPECT_EQ(count_check(t, CheckId::body_schema, strict).failed, 2);
    const CheckCount expectation = count_check(t, CheckId::expected_status, {});
    EXPECT_EQ(expectation.judged(), 4) << "every answered case expects by expected_status, the skipped one not";
    EXPECT_EQ(count_check(t, CheckId::valid_accepted, {}).judged(), 0);
    EXPECT_EQ(count_check(t, CheckId::max_response_time, {}).judged(), 0) << "off without a budget";
    SummaryOptions budget;
    budget.latency_budget = true;
    EXPECT_EQ(count_check(t, CheckId::max_response_time, budget).judged(), 4);
}

TEST(ConsoleSummary, TheChecksOnReplicatesEffectsJudgeTheStatefulRunsOwnCases) {
    RunTally t = canned_run();
    t.add(named("operations", "valid.ok"), answered(Verdict::pass, 5));
    t.add(named("key-state", "after-operations"), answered(Verdict::fail, 5, {{CheckId::replica_listed, Level::must, "x"}}));
    const CheckCount settles = count_check(t, CheckId::operation_settles, {});
    EXPECT_EQ(settles.judged(), 2) << "the two run-own cases, none of the suite cases";
    const CheckCount listed = count_check(t, CheckId::replica_listed, {});
    EXPECT_EQ(listed.failed, 1);
    EXPECT_EQ(listed.passed, 1);
    EXPECT_EQ(count_check(t, CheckId::service_unavailable, {}).judged(), 6) << "a response check: every answered case";
    // contract_drift judges every response: it was once counted against the two run-own cases
    // only (a switch's default), "11/11" in a 137-case run.
    EXPECT_EQ(count_check(t, CheckId::contract_drift, {}).judged(), 6);
}

TEST(ConsoleSummary, ARecordedClientsCasesCountForTheClientChecksAlone) {
    RunTally t = canned_run();
    CaseResult request_only;  // kmsconf judge's client case: the request, no exchange of its own
    request_only.requests.push_back(test::replicate_request());
    request_only.verdict = Verdict::informational;
    request_only.findings = {{CheckId::client_signed, Level::informational, "redacted"}};
    t.add(named("client", "file-1-entry-1"), request_only);
    request_only.findings.clear();
    request_only.verdict = Verdict::pass;
    t.add(named("client", "file-1-entry-2"), request_only);
    EXPECT_EQ(count_check(t, CheckId::client_signed, {}).judged(), 2);
    EXPECT_EQ(count_check(t, CheckId::client_request_valid, {}).judged(), 2);
    EXPECT_EQ(count_check(t, CheckId::response_in_time, {}).judged(), 4) << "canned_run's 4 that ran, no client case";
    EXPECT_EQ(count_check(t, CheckId::body_schema, {}).judged(), 4);
}

TEST(ConsoleSummary, ListsFailuresWithRerunCommandsAndTheSlowestCases) {
    SummaryOptions o;
    o.rerun_flags = "--base-url http://127.0.0.1:9/v2";
    o.slowest = 2;
    const std::string text = console_summary(canned_run(), o, ConsoleStyle{});
    EXPECT_NE(text.find("cases    5: 1 pass, 2 fail, 1 non-strict, 0 informational, 1 skipped"), std::string::npos) << text;
    EXPECT_TRUE(std::regex_search(text, std::regex("\n    \\S+ body_schema +2/4 passed, 1 failed, 1 non-strict\n"))) << text;
    EXPECT_NE(text.find("failed   2 cases"), std::string::npos) << text;
    EXPECT_NE(text.find("kmsconf --filter valid.bad-body --base-url http://127.0.0.1:9/v2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("kmsconf --filter edge.slowest --base-url"), std::string::npos) << text;
    EXPECT_EQ(text.find("--filter edge.soft"), std::string::npos) << "non-strict is no failure without --strict";
    const auto slowest = text.find("slowest\n");
    ASSERT_NE(slowest, std::string::npos) << text;
    EXPECT_LT(text.find("900 ms  edge.slowest", slowest), text.find("40 ms  valid.bad-body", slowest));
    EXPECT_EQ(text.find("5.00 ms  valid.ok"), std::string::npos) << "only the 2 slowest";
    EXPECT_EQ(text.find('\033'), std::string::npos) << "no colour, no escape code";

    o.strict = true;
    EXPECT_NE(console_summary(canned_run(), o, ConsoleStyle{}).find("--filter edge.soft"), std::string::npos);
    ConsoleStyle colour;
    colour.colour = true;
    EXPECT_NE(console_summary(canned_run(), o, colour).find("\033[31m"), std::string::npos);
}

TEST(ConsoleSummary, RecordedCasesShareOneRerunCommandSaidOnce) {
    // A recording is judged again whole: the command is said once, above the failed cases.
    RunTally t;
    CaseResult failed;
    failed.verdict = Verdict::fail;
    failed.findings = {{CheckId::body_schema, Level::must, "bad"}};
    t.add(named("recorded", "exchange-3"), failed);
    t.add(named("recorded", "exchange-7"), failed);
    SummaryOptions o;
    o.rerun_flags = "reports/exchanges.har";
    const std::string text = console_summary(t, o, ConsoleStyle{});
    EXPECT_NE(text.find("failed   2 cases; all are judged again with:\n        kmsconf judge reports/exchanges.har\n"
                        "    \u2717 recorded.exchange-3\n    \u2717 recorded.exchange-7\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("reruns alone"), std::string::npos) << text;
}

TEST(ConsoleSummary, AnIdIsQuotedForTheShell) {
    EXPECT_EQ(rerun_command(named("s", "it's"), ""), "kmsconf --filter 's.it'\\''s'");
}

}  // namespace
}  // namespace kms
