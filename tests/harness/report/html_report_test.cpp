// The HTML report lists every case and never lets what a server sent become markup.
#include "harness/report/html_report.hpp"

#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace kms {
namespace {

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(HtmlReport, ListsCasesAndEscapesHostileContent) {
    RunTally tally;
    Case passing = test::any_case();
    passing.id = "a-passing-case";
    tally.add(passing, CaseResult{});

    Case failing = test::any_case();
    failing.id = "a-failing-case";
    CaseResult bad;
    bad.verdict = Verdict::fail;
    bad.findings.push_back({CheckId::body_schema, Level::must, "got <img src=x onerror=alert(1)>"});
    bad.requests.push_back(test::replicate_request());
    bad.exchanges.push_back(test::json_exchange(200, "<script>alert('x')</script>", "text/html\"><script>"));
    tally.add(failing, bad);

    auto file = std::filesystem::temp_directory_path() / ("kmsconf-report-" + std::to_string(::getpid()) + ".html");
    RunInfo info{BaseUrl{false, "127.0.0.1", 8080, "/v2"}, "2026-03-31", false,
                 "embedded reference server (http://127.0.0.1:8080/v2)"};
    write_html_report(file, tally, info);
    std::string html = read(file);
    std::filesystem::remove(file);

    EXPECT_NE(html.find("test.a-passing-case"), std::string::npos);
    EXPECT_NE(html.find("test.a-failing-case"), std::string::npos);
    EXPECT_NE(html.find("pass: 1"), std::string::npos);
    EXPECT_NE(html.find("fail: 1"), std::string::npos);
    // The console's three numbers, and the target as the user knows it.
    EXPECT_NE(html.find("2 cases: <span class=\"passed\">1 passed</span>, <span class=\"failed\">1 failed</span>, "
                        "<span class=\"skipped\">0 skipped</span>"),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("Target <code>embedded reference server (http://127.0.0.1:8080/v2)</code>"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos) << "server content became markup";
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
    EXPECT_NE(html.find("curl -sS -i"), std::string::npos) << "the failing case has its reproducer";
}

}  // namespace
}  // namespace kms
