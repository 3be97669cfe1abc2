// What the console prints of each case (harness/report/console_cases.hpp): failures in full with
// their tag and time, skipped cases with why, SHOULD findings as NONSTRICT (failures under
// --strict), and with --verbose every case's start and end.
#include "harness/report/console_cases.hpp"
#include "tests/harness/grading_support.hpp"

#include <sstream>

namespace kms {
namespace {

using namespace test;

struct Printed {
    std::string text;
    int lines_with(const std::string& s) const {
        int n = 0;
        for (std::size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + 1)) ++n;
        return n;
    }
};

Printed print(const Case& c, const CaseResult& r, ConsoleCaseOptions options) {
    std::ostringstream out;
    ProgressLine progress(stdout, false);
    ConsoleCases console(out, progress, ConsoleStyle{}, BaseUrl{false, "127.0.0.1", 8080, "/v2"}, options);
    console.case_started(c, 1, 1);
    console.case_finished(c, r);
    return {out.str()};
}

CaseResult result(Verdict v, std::vector<Finding> findings = {}) {
    CaseResult r;
    r.verdict = v;
    r.findings = std::move(findings);
    r.elapsed = std::chrono::milliseconds(21);
    return r;
}

TEST(ConsoleCases, AFailureIsPrintedWholeThenTaggedWithItsTime) {
    const Case& c = shipped("valid.replicate-to-de-fra-1");
    auto p = print(c, result(Verdict::fail, {{CheckId::body_schema, Level::must, "state 'done' is not an enum value"}}), {});
    EXPECT_NE(p.text.find("state 'done' is not an enum value"), std::string::npos) << p.text;
    EXPECT_NE(p.text.find("\n[  FAILED  ] valid.replicate-to-de-fra-1 (21 ms)\n"), std::string::npos) << p.text;
    EXPECT_EQ(p.lines_with("[ RUN      ]"), 0) << "brief by default";
}

TEST(ConsoleCases, PassesAreSilentUnlessVerbose) {
    const Case& c = shipped("valid.replicate-to-de-fra-1");
    EXPECT_EQ(print(c, result(Verdict::pass), {}).text, "");
    EXPECT_EQ(print(c, result(Verdict::pass), {false, true}).text,
              "[ RUN      ] valid.replicate-to-de-fra-1\n[       OK ] valid.replicate-to-de-fra-1 (21 ms)\n");
}

TEST(ConsoleCases, SkippedSaysWhyAndNonStrictFailsOnlyUnderStrict) {
    const Case& c = shipped("valid.replicate-to-de-fra-1");
    CaseResult skipped = result(Verdict::skipped);
    skipped.skip_reason = "needs credentials";
    EXPECT_EQ(print(c, skipped, {}).text, "[  SKIPPED ] valid.replicate-to-de-fra-1: needs credentials\n");
    const CaseResult should = result(Verdict::non_strict, {{CheckId::content_type, Level::should, "+json"}});
    auto lenient = print(c, should, {});
    EXPECT_EQ(lenient.text.rfind("[ NONSTRICT ] ", 0), 0u) << lenient.text;
    EXPECT_EQ(lenient.lines_with("[  FAILED  ]"), 0);
    auto strict = print(c, should, {true, false});
    EXPECT_EQ(strict.text.rfind("(--strict) ", 0), 0u) << strict.text;
    EXPECT_EQ(strict.lines_with("[  FAILED  ] valid.replicate-to-de-fra-1 (21 ms)"), 1) << strict.text;
}

}  // namespace
}  // namespace kms
