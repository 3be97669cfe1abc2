// What a run leaves in --report-dir, as CI reads it: no stale green report after a run that
// stopped early, the embedded target named as such, and the same counts on the console, in
// summary.json, summary.md, junit.xml and report.html, with a SHOULD finding visible in junit.xml,
// which strict JUnit schemas accept.
#include "tests/cli/cli_support.hpp"
#include "tests/support/html_dom.hpp"
#include "tests/support/junit_schemas.hpp"

#include <rapidjson/document.h>

namespace kms::cli_test {
namespace {

const char* const kSmallRun = "--generated 0 --filter 'malformed.zone-*'";

void expect_no_run_reports(const fs::path& dir, const std::string& why) {
    for (const char* name : {"junit.xml", "summary.json", "summary.md", "report.html"})
        EXPECT_FALSE(fs::exists(dir / name)) << why << ": the previous run's " << name << " is still there";
}

TEST(CliReports, ARunThatStopsEarlyLeavesNoGreenReport) {
    auto dir = temp_dir("stale");
    std::ofstream(dir / "notes.txt") << "the user's own file";
    struct Stop {
        std::string args;
        int code;
    };
    const Stop stops[] = {
        {"--base-url http://127.0.0.1:1/v2 --connect-timeout-ms 500", 3},  // unreachable
        {"--generated -1", 2},                                            // a refused value
        {"--base-url ''", 2},
        {"--no-such-flag", 2},                                            // an unknown flag
        {"--suites /nonexistent/suite.json", 2},                          // a configuration error
    };
    for (const auto& stop : stops) {
        auto green = kmsconf(std::string(kSmallRun) + " --report-dir " + dir.string());
        ASSERT_EQ(green.code, 0) << green.output;
        ASSERT_TRUE(fs::exists(dir / "junit.xml"));
        auto r = kmsconf(std::string(kSmallRun) + " --report-dir " + dir.string() + " " + stop.args);
        EXPECT_EQ(r.code, stop.code) << stop.args << "\n" << r.output;
        expect_no_run_reports(dir, stop.args);
        EXPECT_TRUE(fs::exists(dir / "notes.txt")) << "only the run's own files are removed";
    }
    // Listing and dry runs write no reports, so they leave the last run's alone.
    ASSERT_EQ(kmsconf(std::string(kSmallRun) + " --report-dir " + dir.string()).code, 0);
    EXPECT_EQ(kmsconf(std::string(kSmallRun) + " --list --report-dir " + dir.string()).code, 0);
    EXPECT_TRUE(fs::exists(dir / "junit.xml"));
}

TEST(CliReports, TheEmbeddedTargetIsNamedAsSuch) {
    auto dir = temp_dir("embedded-name");
    auto r = kmsconf(std::string(kSmallRun) + " --report-dir " + dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("against embedded reference server (http://127.0.0.1:"), std::string::npos) << r.output;
    rapidjson::Document doc;
    doc.Parse(read_file(dir / "summary.json").c_str());
    ASSERT_TRUE(doc.IsObject());
    EXPECT_EQ(std::string(doc["target"].GetString()).rfind("embedded reference server (http://127.0.0.1:", 0), 0u)
        << doc["target"].GetString();
    const test::HtmlDom page(read_file(dir / "report.html"));
    EXPECT_EQ(page.text("//dl[@class='run']/dt[1]"), "Target");
    EXPECT_EQ(page.text("//dl[@class='run']/dd[1]").rfind("embedded reference server (http://127.0.0.1:", 0), 0u);
}

struct Counts {
    int tests = -1, failed = -1, skipped = -1;
    bool operator==(const Counts& o) const { return tests == o.tests && failed == o.failed && skipped == o.skipped; }
};
std::ostream& operator<<(std::ostream& os, const Counts& c) {
    return os << c.tests << " tests, " << c.failed << " failed, " << c.skipped << " skipped";
}

int sum_attribute(const std::string& xml, const std::string& element, const std::string& attribute) {
    int sum = 0;
    const std::regex re("<" + element + " [^>]*\\b" + attribute + "=\"(\\d+)\"");
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), re); it != std::sregex_iterator(); ++it)
        sum += std::stoi((*it)[1]);
    return sum;
}

// The same run's counts as each report states them.
void expect_counts_agree(const std::string& run_args, bool strict) {
    SCOPED_TRACE(strict ? "--strict" : "without --strict");
    auto dir = temp_dir(strict ? "agree-strict" : "agree");
    auto r = kmsconf(run_args + (strict ? " --strict" : "") + " --report-dir " + dir.string(), 120);
    ASSERT_EQ(r.code, 1) << r.output;

    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.output, m, std::regex("kmsconf: (\\d+) passed, (\\d+) failed, (\\d+) skipped\n"
                                                          "  \\((\\d+) non-strict, (\\d+) informational\\)")))
        << r.output;
    const int passed = std::stoi(m[1]);
    const Counts console{passed + std::stoi(m[2]) + std::stoi(m[3]), std::stoi(m[2]), std::stoi(m[3])};
    const int non_strict = std::stoi(m[4]);

    rapidjson::Document doc;
    doc.Parse(read_file(dir / "summary.json").c_str());
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("result") && doc.HasMember("counts"));
    const auto& res = doc["result"];
    const Counts summary{res["tests"].GetInt(), res["failed"].GetInt(), res["skipped"].GetInt()};
    const auto& verdicts = doc["counts"];
    EXPECT_EQ(res["passed"].GetInt(), passed);
    EXPECT_EQ(static_cast<int>(doc["cases"].Size()), summary.tests);
    EXPECT_EQ(verdicts["fail"].GetInt() + (strict ? verdicts["non-strict"].GetInt() : 0), summary.failed);
    EXPECT_EQ(verdicts["skipped"].GetInt(), summary.skipped);
    EXPECT_EQ(verdicts["non-strict"].GetInt(), non_strict);

    const std::string xml = read_file(dir / "junit.xml");
    const Counts junit{sum_attribute(xml, "testsuites", "tests"), sum_attribute(xml, "testsuites", "failures"),
                       sum_attribute(xml, "testsuite", "skipped")};
    EXPECT_EQ(sum_attribute(xml, "testsuite", "tests"), junit.tests);
    EXPECT_EQ(sum_attribute(xml, "testsuite", "failures"), junit.failed);
    EXPECT_EQ(count(xml, "<testcase "), junit.tests);
    EXPECT_EQ(count(xml, "<skipped"), junit.skipped);
    EXPECT_EQ(std::system(("xmllint --noout '" + (dir / "junit.xml").string() + "'").c_str()), 0);
    // A run with passes, failures, SHOULD findings and skips, as Jenkins and Surefire read it.
    EXPECT_EQ(test::junit10_errors(dir / "junit.xml"), "");
    EXPECT_EQ(test::surefire_errors(dir / "junit.xml"), "");

    const std::string md = read_file(dir / "summary.md");
    ASSERT_TRUE(std::regex_search(md, m, std::regex("^## kmsconf: (\\d+) failed, (\\d+) passed, (\\d+) skipped\n"))) << md;
    const Counts markdown{std::stoi(m[1]) + std::stoi(m[2]) + std::stoi(m[3]), std::stoi(m[1]), std::stoi(m[3])};
    EXPECT_EQ(std::stoi(m[2]), passed);
    EXPECT_EQ(count(md, "kmsconf --filter "), markdown.failed) << "a rerun command per failed case\n" << md;

    const test::HtmlDom html(read_file(dir / "report.html"));
    const std::string result = html.text("//p[@class='result']");
    ASSERT_TRUE(std::regex_match(result, m, std::regex("(\\d+) cases: (\\d+) passed, (\\d+) failed, (\\d+) skipped"))) << result;
    const Counts page{std::stoi(m[1]), std::stoi(m[3]), std::stoi(m[4])};
    EXPECT_EQ(std::stoi(m[2]), passed);
    for (const char* v : {"pass", "fail", "non-strict", "informational", "skipped"})
        EXPECT_EQ(html.text(std::string("//ul[@class='counts']/li[@data-verdict='") + v + "']//b"),
                  std::to_string(verdicts[v].GetInt()))
            << v;

    EXPECT_EQ(console, summary);
    EXPECT_EQ(console, junit);
    EXPECT_EQ(console, page);
    EXPECT_EQ(console, markdown);
    // The run has all three kinds, or the agreement proves little.
    EXPECT_GT(console.failed, 0);
    EXPECT_GT(console.skipped, 0);
    EXPECT_GT(non_strict, 0);

    // The SHOULD finding is in junit.xml either way: a failure under --strict, else system-out.
    const auto at = xml.find("<testcase name=\"should-accept-unknown-zone\"");
    ASSERT_NE(at, std::string::npos) << xml;
    const std::string testcase = xml.substr(at, xml.find("</testcase>", at) - at);
    EXPECT_NE(testcase.find(strict ? "<failure" : "<system-out>[non-strict]"), std::string::npos) << testcase;
    EXPECT_NE(testcase.find("valid_accepted"), std::string::npos) << testcase;
}

TEST(CliReports, CountsAgreeInConsoleSummaryJUnitAndHtml) {
    ::unsetenv("EXOSCALE_API_KEY");  // unsigned against a server without credentials: auth cases skip
    ::unsetenv("EXOSCALE_API_SECRET");
    auto dir = temp_dir("agree-suite");
    std::ofstream(dir / "should.json") << R"({"suite":"strictness","description":"d","cases":[
        {"id":"should-accept-unknown-zone","requirement":"a SHOULD the server does not meet","level":"SHOULD",
         "request":{"bodyJson":{"zone":"nowhere-1"}},"expect":{"outcome":"accepted"}}]})";
    ServerProcess server("--fault bad-enum");  // a 200 body breaks its schema: the 400 paths stay clean
    ASSERT_FALSE(server.url().empty());
    const std::string args = "--generated 4 --base-url " + server.url() + " --suites " KMSCONF_SOURCE_DIR "/suites " +
                             (dir / "should.json").string();
    expect_counts_agree(args, false);
    expect_counts_agree(args, true);
}

// Two targets in one pipeline: --junit-prefix keeps their suites apart. summary.md names each
// failed case with the command that reruns it against the same target, the same way.
TEST(CliReports, JUnitPrefixAndRerunCommands) {
    ServerProcess server("--fault bad-enum");
    ASSERT_FALSE(server.url().empty());
    auto dir = temp_dir("prefix");
    auto r = kmsconf("--generated 3 --seed 9 --filter 'valid.*,generated.*' --junit-prefix staging --base-url " +
                     server.url() + " --report-dir " + dir.string());
    ASSERT_EQ(r.code, 1) << r.output;
    const std::string xml = read_file(dir / "junit.xml");
    EXPECT_NE(xml.find("<testsuite name=\"staging.valid\""), std::string::npos) << xml.substr(0, 600);
    EXPECT_NE(xml.find("classname=\"staging.valid\""), std::string::npos);
    EXPECT_EQ(xml.find("<testsuite name=\"valid\""), std::string::npos);
    EXPECT_NE(xml.find("<property name=\"target\" value=\"" + server.url() + "\"/>"), std::string::npos);
    EXPECT_NE(xml.find("<property name=\"seed\" value=\"9\"/>"), std::string::npos);
    EXPECT_EQ(xml.find(KMSCONF_SOURCE_DIR), std::string::npos) << "no build-machine path";
    EXPECT_EQ(test::junit10_errors(dir / "junit.xml"), "");

    const std::string md = read_file(dir / "summary.md");
    const std::string rerun = "kmsconf --filter valid.replicate-to-at-vie-1 --base-url " + server.url() +
                              " --seed 9 --generated 3\n";
    EXPECT_NE(md.find(rerun), std::string::npos) << md;
    // The command reruns that one case, and it fails the same way (on a server reset to the
    // state the first run met: a second replicate would be a conforming Conflict).
    ASSERT_EQ(std::system(("curl -s -o /dev/null -X POST '" + server.url() + "/_reference/reset'").c_str()), 0);
    auto again = kmsconf(rerun.substr(std::string("kmsconf ").size(), rerun.size() - 9) + " --report-dir " +
                         (dir / "again").string());
    EXPECT_EQ(again.code, 1) << again.output;
    const auto outcomes = read_case_outcomes(dir / "again" / "summary.json");
    ASSERT_EQ(outcomes.count("valid.replicate-to-at-vie-1"), 1u) << again.output;
    EXPECT_EQ(outcomes.at("valid.replicate-to-at-vie-1").verdict, "fail");
    for (const auto& [name, outcome] : outcomes)
        EXPECT_TRUE(name == "valid.replicate-to-at-vie-1" || name.rfind("key-state.", 0) == 0 ||
                    name.rfind("operations.", 0) == 0)
            << "only that case (and the run's own reads) ran: " << name;
}

}  // namespace
}  // namespace kms::cli_test
