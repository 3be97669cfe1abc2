// bench-report.html read back as a tree: per benchmark its figures, SLO verdicts, a histogram
// with a bar per occupied range and percentile curves (two in an open loop) through the
// measured percentiles; a benchmark that did not run says why and draws nothing.
#include "harness/bench/bench_html_report.hpp"

#include "harness/report/html/bench_plots.hpp"
#include "tests/harness/bench/slo_support.hpp"
#include "tests/support/html_dom.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace kms::bench {
namespace {

using test::HtmlDom;
using test::with_class;

using test::slo;

std::vector<BenchRecord> records() {
    BenchRecord closed;
    closed.name = "replicate_malformed/closed/connections:1";
    // 1000 samples from 100 us to 100 ms, log-uniform: a wide spread.
    for (int i = 0; i < 1000; ++i) closed.result.latency.record(static_cast<std::uint64_t>(100 * std::pow(1000, i / 999.0)));
    closed.result.uncorrected = closed.result.latency;
    closed.result.requests_per_second = 200;
    BenchRecord open;
    open.name = "replicate_valid/open/connections:2";
    open.spec.mode = LoadMode::open;
    open.spec.rate = 100;
    for (int i = 0; i < 200; ++i) {
        open.result.latency.record(3000 + 10 * i);
        open.result.uncorrected.record(2000 + 5 * i);
    }
    BenchRecord broken;
    broken.name = "replicate_valid/closed/connections:1";
    broken.result.setup_error = "cannot read <ca.pem>";
    return {closed, open, broken};
}

const BenchReportInfo kInfo{"embedded reference server (http://127.0.0.1:1/v2)", "", {}};

TEST(BenchHtml, EveryBenchmarkHasItsFiguresSlosAndPlots) {
    const HtmlDom dom(bench_html_report(records(), {slo("p99<=50ms"), slo("p50<10ms")}, kInfo));
    EXPECT_EQ(dom.count("//section[@class='benchmark']"), 3u);
    const std::string closed = "//section[@data-benchmark='replicate_malformed/closed/connections:1']";
    EXPECT_EQ(dom.text(closed + "//table[@class='numbers figures']//tr[th='successful responses']/td"), "1000");
    EXPECT_EQ(dom.texts(closed + "//table[@class='numbers slos']//td[2]"), (std::vector<std::string>{"breached", "held"}));
    const std::string histogram = closed + "//" + with_class("svg", "histogram-plot");
    ASSERT_EQ(dom.count(histogram), 1u);
    // Log-uniform samples fill every bar of a log axis (the last may round into its neighbour).
    EXPECT_GE(dom.count(histogram + "//rect[@class='bar']"), html::kHistogramBars - 2);
    EXPECT_NE(dom.text(histogram + "/text[@class='caption']").find("log axis"), std::string::npos);
    const std::string curve = closed + "//" + with_class("svg", "percentile-plot");
    EXPECT_EQ(dom.count(curve + "//polyline[@class='latency']"), 2u) << "the curve and its legend";
    // 1000 samples: labelled percentiles 0%, 90%, 99%, 99.9%.
    EXPECT_EQ(dom.count(curve + "//circle[@class='latency']"), 4u);
    EXPECT_EQ(dom.texts(curve + "/text[@class='tick']").front(), "0%");

    const std::string open = "//section[@data-benchmark='replicate_valid/open/connections:2']";
    EXPECT_EQ(dom.count(open + "//polyline[@class='uncorrected']"), 2u);
    EXPECT_EQ(dom.text("//dl[@class='run']/dd[4]"), "closed, 1 connection(s)");
}

TEST(BenchHtml, ABenchmarkThatDidNotRunSaysWhyAsText) {
    const std::string page = bench_html_report(records(), {slo("p99<=50ms")}, kInfo);
    const HtmlDom dom(page);
    const std::string broken = "//section[@data-benchmark='replicate_valid/closed/connections:1']";
    EXPECT_EQ(dom.text(broken + "/p[@class='warning']"), "measured nothing: cannot read <ca.pem>");
    EXPECT_EQ(dom.count(broken + "//svg"), 0u);
    EXPECT_EQ(dom.count("//ca.pem"), 0u);
    EXPECT_EQ(dom.count("//script"), 0u) << "no script at all";
    EXPECT_EQ(dom.text("//dl[@class='run']/dd[5]"), "p99<=50ms breached");
}

TEST(BenchHtml, CurvePercentilesReachTheLastSampleButOne) {
    EXPECT_TRUE(html::curve_percentiles(0).empty());
    const auto p = html::curve_percentiles(1000);
    EXPECT_EQ(p.front(), 0);
    EXPECT_NEAR(p.back(), 99.9, 1e-9);
    EXPECT_NEAR(html::curve_percentiles(100000000).back(), 99.999, 1e-9) << "capped at five nines";
}

}  // namespace
}  // namespace kms::bench
