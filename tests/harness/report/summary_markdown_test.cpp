// summary.md: the counts, the failures each with a rerun command, the slowest cases; nothing a
// server sent can become Markdown or HTML.
#include "harness/report/summary_markdown.hpp"

#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

Case named(const std::string& suite, const std::string& id) {
    Case c = test::any_case();
    c.suite = suite;
    c.id = id;
    return c;
}

CaseResult graded(Verdict v, std::vector<Finding> findings, int ms) {
    CaseResult r;
    r.verdict = v;
    r.findings = std::move(findings);
    Exchange x;
    x.elapsed = std::chrono::milliseconds(ms);
    r.exchanges.push_back(x);
    r.elapsed = std::chrono::milliseconds(ms + 21);  // ranked by the server's time, not the wall's
    return r;
}

RunTally a_run() {
    RunTally tally;
    tally.add(named("valid", "fast"), graded(Verdict::pass, {}, 3));
    tally.add(named("valid", "broken"),
              graded(Verdict::fail,
                     {{CheckId::body_schema, Level::must,
                       "got | injected | cells | [a link](http://evil.example) <img src=x> *bold* `code` www.evil.example\nline 2"}},
                     40));
    tally.add(named("edge", "soft"), graded(Verdict::non_strict, {{CheckId::content_type, Level::should, "problem+json"}}, 20));
    tally.add(named("auth", "skip"), graded(Verdict::skipped, {}, 0));
    return tally;
}

RunInfo info(bool strict) {
    return RunInfo{BaseUrl{false, "127.0.0.1", 8080, "/v2"}, "2026-03-31", strict, "https://staging.example.net/v2"};
}

TEST(SummaryMarkdown, EscapeLeavesNoMarkupAndNoCellBreak) {
    EXPECT_EQ(markdown_escape("a|b"), "a\\|b");
    EXPECT_EQ(markdown_escape("[x](http://e)"), "\\[x\\]\\(http\\://e\\)");
    EXPECT_EQ(markdown_escape("<img src=x>"), "\\<img src=x\\>");
    EXPECT_EQ(markdown_escape("*a* _b_ `c` ~d~ $e$ &amp; #f !g @h"), "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\$e\\$ \\&amp; \\#f \\!g \\@h");
    EXPECT_EQ(markdown_escape("www.evil.example"), "www\\.evil.example") << "no www. autolink";
    EXPECT_EQ(markdown_escape("one\ntwo\r\tthree"), "one two  three") << "a row stays one row";
    EXPECT_EQ(markdown_escape("back\\slash"), "back\\\\slash");
    EXPECT_EQ(markdown_escape("bad \xFF"), "bad \xEF\xBF\xBD");
    EXPECT_EQ(markdown_escape("zone de-fra-1, 2026-03-31."), "zone de-fra-1, 2026-03-31.") << "plain text stays readable";
}

TEST(SummaryMarkdown, ACodeBlockCannotBeClosedByItsContent) {
    EXPECT_EQ(markdown_code_block("echo hi"), "```sh\necho hi\n```\n");
    EXPECT_EQ(markdown_code_block("a ````` b\n"), "``````sh\na ````` b\n``````\n");
}

TEST(SummaryMarkdown, CountsFailuresWithRerunCommandsAndTheSlowest) {
    const std::string md = summary_markdown(a_run(), info(false), {"--base-url 'https://staging.example.net/v2'", 2});
    EXPECT_EQ(md.rfind("## kmsconf: 1 failed, 2 passed, 1 skipped\n", 0), 0u) << md;
    EXPECT_NE(md.find("Target https\\://staging.example.net/v2, contract revision 2026-03-31"), std::string::npos) << md;
    for (const char* row : {"| pass | 1 |", "| fail | 1 |", "| non-strict | 1 |", "| informational | 0 |", "| skipped | 1 |"})
        EXPECT_NE(md.find(row), std::string::npos) << row << "\n" << md;
    EXPECT_NE(md.find("### Failed cases (1)"), std::string::npos);
    EXPECT_NE(md.find("| valid.broken | body\\_schema | got \\| injected \\| cells \\| \\[a link\\]\\(http\\://evil.example\\) "
                      "\\<img src=x\\> \\*bold\\* \\`code\\` www\\.evil.example |"),
              std::string::npos)
        << md;
    EXPECT_EQ(md.find("line 2"), std::string::npos) << "one line per finding";
    EXPECT_NE(md.find("```sh\nkmsconf --filter valid.broken --base-url 'https://staging.example.net/v2'\n```"),
              std::string::npos) << md;
    EXPECT_EQ(md.find("--filter 'edge.soft'"), std::string::npos) << "non-strict is no failure without --strict";
    EXPECT_NE(md.find("| body\\_schema | 1 | 0 | 0 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| content\\_type | 0 | 1 | 0 |"), std::string::npos) << md;
    const auto slowest = md.find("### Slowest cases");
    ASSERT_NE(slowest, std::string::npos);
    EXPECT_NE(md.find("| valid.broken | fail | 40.0 |\n| edge.soft | non-strict | 20.0 |\n\n", slowest), std::string::npos) << md;
    EXPECT_EQ(md.find("valid.fast", slowest), std::string::npos) << "only the 2 slowest";
    // Every table row has exactly its columns' pipes once escaped ones are discounted.
    std::size_t at = 0;
    while ((at = md.find("\n| valid.broken |", at)) != std::string::npos) {
        const std::string row = md.substr(at + 1, md.find('\n', at + 1) - at - 1);
        int pipes = 0;
        for (std::size_t i = 0; i < row.size(); ++i) pipes += row[i] == '|' && (i == 0 || row[i - 1] != '\\');
        EXPECT_TRUE(pipes == 4 || pipes == 5) << row;
        ++at;
    }
}

TEST(SummaryMarkdown, UnderStrictANonStrictCaseIsAFailureToRerun) {
    const std::string md = summary_markdown(a_run(), info(true), {});
    EXPECT_EQ(md.rfind("## kmsconf: 2 failed, 1 passed, 1 skipped\n", 0), 0u) << md;
    EXPECT_NE(md.find("| edge.soft | content\\_type | problem+json |"), std::string::npos) << md;
    EXPECT_NE(md.find("kmsconf --filter edge.soft\n"), std::string::npos) << md;
}

TEST(SummaryMarkdown, TheRunsOwnCasesAreRerunThroughTheCasesThatMakeThem) {
    RunTally tally;
    tally.add(named("operations", "valid.replicate-to-de-fra-1"),
              graded(Verdict::fail, {{CheckId::operation_settles, Level::must, "still pending"}}, 5));
    tally.add(named("key-state", "before-cases"), graded(Verdict::fail, {{CheckId::key_state_read, Level::must, "404"}}, 5));
    const std::string md = summary_markdown(tally, info(false), {"--strict"});
    EXPECT_NE(md.find("\nkmsconf --filter valid.replicate-to-de-fra-1 --strict\n"), std::string::npos) << md;
    EXPECT_NE(md.find("\n# key-state.before-cases is read in every run\nkmsconf --strict\n"), std::string::npos) << md;
}

TEST(SummaryMarkdown, APassingRunSaysSo) {
    RunTally tally;
    tally.add(named("valid", "fast"), graded(Verdict::pass, {}, 3));
    const std::string md = summary_markdown(tally, info(false), {});
    EXPECT_EQ(md.find("Failed cases"), std::string::npos);
    EXPECT_NE(md.find("No check reported a finding."), std::string::npos);
}

}  // namespace
}  // namespace kms
