// report.html read back as a tree (libxml2's HTML parser, XPath): the header's counts, failures
// first, every case expandable to what was sent and what came, the Authorization value
// redacted, bodies capped, the plot's marks, the filters' data, nothing loaded from the network,
// and what a server sent never becoming markup.
#include "harness/report/html_report.hpp"

#include "harness/report/html/case_details.hpp"
#include "harness/report/html/html_tree.hpp"
#include "harness/report/html/svg_plot.hpp"
#include "tests/harness/test_support.hpp"
#include "tests/support/html_dom.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace kms {
namespace {

using test::HtmlDom;
using test::with_class;

const char* const kHostileBody = "<script>document.title='owned'</script><img src=x onerror=alert(1)>";

Case named(const std::string& suite, const std::string& id) { return test::named_case(suite, id); }

CaseResult sent(Verdict v, std::chrono::microseconds elapsed, Exchange x, HttpRequest request = test::replicate_request()) {
    CaseResult r;
    r.verdict = v;
    r.elapsed = elapsed + std::chrono::milliseconds(21);  // the plot shows the server's time, not this
    x.elapsed = elapsed;
    r.requests.push_back(std::move(request));
    r.exchanges.push_back(std::move(x));
    return r;
}

// A run in a mixed-up order: pass, skip, fail, informational, non-strict, fail.
RunTally mixed_run() {
    RunTally tally;
    tally.add(named("valid", "passes"), sent(Verdict::pass, std::chrono::microseconds(900), test::json_exchange(200, test::kGoodOperation)));
    CaseResult skipped;
    skipped.verdict = Verdict::skipped;
    skipped.skip_reason = "no credentials";
    tally.add(named("auth", "skips"), skipped);

    HttpRequest signed_request = test::replicate_request();
    signed_request.headers.push_back({"Authorization", "EXO2-HMAC-SHA256 credential=EXOkey,signature=c2VjcmV0c2ln"});
    CaseResult hostile = sent(Verdict::fail, std::chrono::milliseconds(480),
                              test::json_exchange(200, kHostileBody, "text/html\"><script>alert(2)</script>"), signed_request);
    hostile.findings.push_back({CheckId::body_schema, Level::must, "got <img src=x onerror=alert(3)>"});
    hostile.findings.push_back({CheckId::content_type, Level::should, "text/html"});
    tally.add(named("valid", "hostile"), hostile);

    CaseResult info = sent(Verdict::informational, std::chrono::microseconds(150), test::json_exchange(400, test::kGoodProblem));
    info.findings.push_back({CheckId::contract_drift, Level::informational, "a member only 2026-07-20 declares"});
    tally.add(named("malformed", "informs"), info);

    CaseResult should = sent(Verdict::non_strict, std::chrono::milliseconds(2), test::json_exchange(400, test::kGoodProblem, "application/problem+json"));
    should.findings.push_back({CheckId::content_type, Level::should, "application/problem+json"});
    tally.add(named("malformed", "should"), should);

    CaseResult big = sent(Verdict::fail, std::chrono::milliseconds(3), test::json_exchange(500, std::string(10000, 'a')));
    big.findings.push_back({CheckId::no_server_error, Level::must, "500"});
    tally.add(named("edge", "big-body"), big);
    return tally;
}

RunInfo run_info() {
    RunInfo info{BaseUrl{false, "127.0.0.1", 8080, "/v2"}, "2026-03-31", false,
                 "embedded reference server (http://127.0.0.1:8080/v2)"};
    info.seed = 7;
    info.started = std::chrono::system_clock::time_point(std::chrono::seconds(1796000000));
    info.finished = info.started + std::chrono::milliseconds(4200);
    info.contract_basis = "pinned by --contract";
    info.warnings = {"no <b>replicate</b> 200: untested"};
    return info;
}

std::string page(const RunTally& tally, const RunInfo& info = run_info()) {
    return html_report(tally, info, {"--base-url 'http://127.0.0.1:8080/v2'"});
}

TEST(HtmlReport, HeaderStatesTheRunAndItsCounts) {
    const HtmlDom dom(page(mixed_run()));
    EXPECT_EQ(dom.text("//p[@class='result']"), "6 cases: 3 passed, 2 failed, 1 skipped");
    EXPECT_EQ(dom.text("//ul[@class='counts']/li[@data-verdict='fail']//b"), "2");
    EXPECT_EQ(dom.text("//ul[@class='counts']/li[@data-verdict='non-strict']//b"), "1");
    EXPECT_EQ(dom.text("//ul[@class='counts']/li[@data-verdict='pass']//b"), "1");
    const auto facts = dom.texts("//dl[@class='run']/dd");
    ASSERT_GE(facts.size(), 6u);
    EXPECT_EQ(facts[0], "embedded reference server (http://127.0.0.1:8080/v2)");
    EXPECT_EQ(facts[1], "2026-03-31 (pinned by --contract)");
    EXPECT_EQ(facts[2].rfind("kmsconf ", 0), 0u) << facts[2];
    EXPECT_EQ(facts[3], "2026-11-30T00:53:20Z");
    EXPECT_EQ(facts[4], "4.20 s");
    EXPECT_EQ(dom.text("//p[@class='warning']"), "warning: no <b>replicate</b> 200: untested");
    EXPECT_EQ(dom.count("//header//b[text()='replicate']"), 0u) << "a warning's text is not markup";
}

TEST(HtmlReport, UnderStrictNonStrictCountsAsFailed) {
    RunInfo info = run_info();
    info.strict = true;
    const HtmlDom dom(page(mixed_run(), info));
    EXPECT_EQ(dom.text("//p[@class='result']"), "6 cases: 2 passed, 3 failed, 1 skipped");
}

TEST(HtmlReport, FailuresComeFirstThenNonStrictInformationalSkippedPass) {
    const HtmlDom dom(page(mixed_run()));
    std::vector<std::string> order;
    for (xmlNodePtr n : dom.nodes(with_class("//details", "case"))) order.push_back(HtmlDom::attr(n, "data-verdict"));
    EXPECT_EQ(order, (std::vector<std::string>{"fail", "fail", "non-strict", "informational", "skipped", "pass"}));
    // Within a verdict, run order.
    EXPECT_EQ(dom.texts("//section[@id='verdict-fail']//summary/code"),
              (std::vector<std::string>{"valid.hostile", "edge.big-body"}));
    EXPECT_EQ(dom.text("//section[@id='verdict-fail']/h2"), "Failed (2)");
}

TEST(HtmlReport, EachCaseOpensOntoRequestResponseFindingsAndReproducers) {
    const HtmlDom dom(page(mixed_run()));
    const std::string c = "//details[@id='case-valid.hostile']";
    ASSERT_EQ(dom.count(c), 1u);
    EXPECT_EQ(dom.text(c + "//span[@class='headline']"), "body_schema: got <img src=x onerror=alert(3)>");
    const std::string request = dom.text(c + "//pre[@class='http request']");
    EXPECT_EQ(request.rfind("POST /v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate HTTP/1.1\nHost: 127.0.0.1:8080\n", 0), 0u)
        << request;
    EXPECT_NE(request.find("Authorization: [REDACTED]\n"), std::string::npos) << request;
    EXPECT_NE(request.find("\n\n{\"zone\":\"de-fra-1\"}"), std::string::npos) << request;
    const std::string response = dom.text(c + "//pre[@class='http response']");
    EXPECT_EQ(response, std::string("HTTP/1.1 200\nContent-Type: text/html\"><script>alert(2)</script>\n\n") + kHostileBody);
    EXPECT_EQ(dom.texts(c + "//ul[@class='findings']/li/code"), (std::vector<std::string>{"body_schema", "content_type"}));
    EXPECT_EQ(dom.text(c + "//pre[@class='cmd rerun']"),
              "kmsconf --filter valid.hostile --base-url 'http://127.0.0.1:8080/v2'");
    EXPECT_EQ(dom.text(c + "//pre[@class='cmd curl']").rfind("curl ", 0), 0u);
    EXPECT_EQ(HtmlDom::attr(dom.nodes(c).front(), "data-checks"), "body_schema content_type");
    EXPECT_EQ(dom.text("//details[@id='case-auth.skips']//p[@class='skip-reason']"), "skipped: no credentials");
}

TEST(HtmlReport, NoSecretNoSignatureAndServerContentStaysText) {
    const std::string html = page(mixed_run());
    EXPECT_EQ(html.find("c2VjcmV0c2ln"), std::string::npos);
    EXPECT_EQ(html.find("signature="), std::string::npos);
    const HtmlDom dom(html);
    EXPECT_EQ(dom.count("//script"), 1u) << "only the filter script";
    EXPECT_EQ(dom.count("//script[@src]"), 0u);
    EXPECT_EQ(dom.count("//img"), 0u);
    EXPECT_EQ(dom.count("//b[text()='replicate']"), 0u);
    EXPECT_EQ(dom.count("//*[@onerror or @onload or @onclick]"), 0u);
    // Self-contained: no stylesheet, image, frame or script is fetched; links stay in the page.
    EXPECT_EQ(dom.count("//link | //iframe | //object | //embed | //*[@src]"), 0u);
    for (xmlNodePtr a : dom.nodes("//*[@href]")) EXPECT_EQ(HtmlDom::attr(a, "href").rfind('#', 0), 0u) << HtmlDom::attr(a, "href");
}

TEST(HtmlReport, BodiesAreCutTo4KiBAndSaySo) {
    const HtmlDom dom(page(mixed_run()));
    const std::string c = "//details[@id='case-edge.big-body']";
    const std::string response = dom.text(c + "//pre[@class='http response']");
    EXPECT_EQ(response.size(), std::string("HTTP/1.1 500\nContent-Type: application/json\n\n").size() + 4096);
    EXPECT_EQ(dom.text(c + "//p[@class='note']"), "body cut to 4096 of 10000 bytes");

    EXPECT_EQ(html::shown_body("\xff\xfe" "abc").note, "not UTF-8 text: 5 bytes shown escaped (\\xNN)");
    EXPECT_EQ(html::shown_body("\xff\xfe" "abc").text, "\\xff\\xfeabc");
    // A cut never splits a character.
    EXPECT_EQ(html::shown_body("a\xc3\xa9", 2).text, "a");
}

TEST(HtmlReport, LatencyPlotHasAMarkPerCaseSentOnALogAxisWhenSpreadIsWide) {
    const HtmlDom dom(page(mixed_run()));
    const std::string svg = with_class("//svg", "latency-plot");
    ASSERT_EQ(dom.count(svg), 1u);
    EXPECT_EQ(dom.count(svg + "//g[@class='marks']//circle"), 5u) << "every case but the skipped one";
    EXPECT_EQ(dom.count(svg + "//circle[@class='fail']"), 2u);
    EXPECT_NE(dom.text("//figure[svg]/figcaption").find("log axis"), std::string::npos) << "0.15 ms to 480 ms";
    EXPECT_EQ(dom.text(svg + "//a[@href='#case-valid.hostile']/circle/title"), "valid.hostile: 480 ms (fail)");
    // Every tick label lies inside the SVG's box (estimated width: 6.4 px a character).
    const double width = std::stod(HtmlDom::attr(dom.nodes(svg).front(), "width"));
    const auto labels = dom.nodes(svg + "/text[@class='tick']");
    EXPECT_GE(labels.size(), 3u);
    for (xmlNodePtr t : labels) {
        const double x = std::stod(HtmlDom::attr(t, "x"));
        const double w = HtmlDom::text(t).size() * 6.4;
        const std::string anchor = HtmlDom::attr(t, "text-anchor");
        const double from = anchor == "end" ? x - w : anchor == "middle" ? x - w / 2 : x;
        EXPECT_GE(from, 0) << HtmlDom::text(t);
        EXPECT_LE(from + w, width) << HtmlDom::text(t);
    }
}

TEST(HtmlReport, FiltersOfferEverySuiteAndCheckAndStartHiddenForScriptsOff) {
    const HtmlDom dom(page(mixed_run()));
    ASSERT_EQ(dom.count("//form[@id='filters']"), 1u);
    EXPECT_TRUE(HtmlDom::has_attr(dom.nodes("//form[@id='filters']").front(), "hidden"));
    EXPECT_EQ(dom.count("//form[@id='filters']//input[@name='verdict'][@checked]"), 5u);
    std::vector<std::string> suites;
    for (xmlNodePtr o : dom.nodes("//select[@name='suite']/option")) suites.push_back(HtmlDom::attr(o, "value"));
    EXPECT_EQ(suites, (std::vector<std::string>{"", "auth", "edge", "malformed", "valid"}));
    EXPECT_EQ(dom.text("//select[@name='check']/option[@value='content_type']"), "content_type (2)");
}

TEST(HtmlReport, WritesTheFileAndNamesOneItCannotWrite) {
    const auto dir = std::filesystem::temp_directory_path() / ("kmsconf-html-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    write_html_report(dir / "report.html", mixed_run(), run_info());
    std::ifstream in(dir / "report.html");
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str().rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
    EXPECT_THROW(write_html_report(dir / "missing" / "report.html", mixed_run(), run_info()), std::runtime_error);
    std::filesystem::remove_all(dir);
}

TEST(HtmlTree, RefusesDataInScriptAndStyle) {
    html::Document doc("t");
    html::Element script = doc.body().add("script");
    EXPECT_THROW(script.text("alert(1)"), std::logic_error);
    EXPECT_THROW(script.code("x = '</script><b>';"), std::logic_error);
    EXPECT_THROW(doc.body().add("p").code("x"), std::logic_error);
    // Text that XML cannot carry becomes U+FFFD (written as a character reference).
    doc.body().add("p", std::string("a\x01" "b\xff", 4));
    EXPECT_NE(doc.serialize().find("<p>a&#65533;b&#65533;</p>"), std::string::npos) << doc.serialize();
}

TEST(SvgAxis, TicksAreRoundAndLogWhenTheSpreadIsWide) {
    EXPECT_TRUE(html::wants_log_axis(0.1, 500));
    EXPECT_FALSE(html::wants_log_axis(2, 30));
    const html::Axis linear{0, 10, false, 0, 100};
    EXPECT_EQ(linear.ticks(), (std::vector<double>{0, 2, 4, 6, 8, 10}));
    EXPECT_DOUBLE_EQ(linear.at(5), 50);
    EXPECT_DOUBLE_EQ(linear.at(50), 100) << "clamped";
    const html::Axis log{1, 1000, true, 0, 300};
    EXPECT_EQ(log.ticks(), (std::vector<double>{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}));
    EXPECT_DOUBLE_EQ(log.at(10), 100);
    const html::Axis wide{0.01, 1e6, true, 0, 100};
    EXPECT_EQ(wide.ticks().size(), 9u) << "decades only";
}

}  // namespace
}  // namespace kms
