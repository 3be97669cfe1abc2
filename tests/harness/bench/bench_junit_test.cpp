// bench-junit.xml and bench-summary.json: each SLO a testcase that passes or fails with the
// measured figure, strict-schema valid; the thresholds as k6 reports them.
#include "harness/bench/bench_junit.hpp"

#include "harness/contract/json_text.hpp"
#include "tests/harness/bench/slo_support.hpp"
#include "tests/support/junit_schemas.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

namespace kms::bench {
namespace {

namespace fs = std::filesystem;

using test::slo;

std::vector<BenchRecord> records() {
    BenchRecord measured;
    measured.name = "replicate_malformed/closed/connections:1";
    for (int i = 0; i < 100; ++i) measured.result.latency.record(2000);  // 2 ms each
    measured.result.window_seconds = 0.5;
    measured.result.requests_per_second = 200;
    BenchRecord broken;
    broken.name = "replicate_valid/closed/connections:1";
    broken.result.setup_error = "cannot read <ca.pem>";
    return {measured, broken};
}

const std::vector<Slo>& slos() {
    static const std::vector<Slo> s = {slo("p99<=50ms"), slo("p50<1ms"), slo("errors<=0.1%")};
    return s;
}

const BenchReportInfo kInfo{"embedded reference server (http://127.0.0.1:1/v2)", "ci",
                            std::chrono::system_clock::from_time_t(1764645000)};

fs::path write(const std::string& name, const std::string& text) {
    const fs::path file = fs::temp_directory_path() / ("kmsconf-bench-junit-" + name + "-" + std::to_string(::getpid()) + ".xml");
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
    return file;
}

TEST(BenchJunit, EachSloIsATestcaseValidAgainstBothSchemas) {
    const std::string xml = junit_xml(bench_junit(records(), slos(), kInfo));
    // The check can fail: a GoogleTest-style attribute makes the same document invalid.
    std::string broken = xml;
    broken.replace(broken.find("<testcase name=\"measured\""), 9, "<testcase status=\"run\"");
    const fs::path bad = write("broken", broken);
    EXPECT_NE(test::junit10_errors(bad), "");
    EXPECT_NE(test::surefire_errors(bad), "");
    fs::remove(bad);

    const fs::path file = write("good", xml);
    EXPECT_EQ(test::junit10_errors(file), "") << xml;
    EXPECT_EQ(test::surefire_errors(file), "") << xml;
    fs::remove(file);

    EXPECT_NE(xml.find("<testsuites name=\"ci\" tests=\"8\" failures=\"2\" errors=\"0\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<testsuite name=\"ci.replicate_malformed/closed/connections:1\" tests=\"4\" failures=\"1\""),
              std::string::npos) << xml;
    EXPECT_NE(xml.find("<testcase name=\"p99&lt;=50ms\" classname=\"ci.replicate_malformed/closed/connections:1\" "
                       "time=\"0.000\">\n      <system-out>SLO held: p99&lt;=50ms: p99 = 2"),
              std::string::npos) << xml;
    EXPECT_NE(xml.find("<failure message=\"SLO breached: p50&lt;1ms: p50 = 2"), std::string::npos) << xml;
    // A benchmark that did not run fails "measured" and skips its SLOs.
    EXPECT_NE(xml.find("<failure message=\"cannot read &lt;ca.pem&gt;\" type=\"measured\">"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<skipped message=\"the benchmark did not run: cannot read &lt;ca.pem&gt;\"/>"), std::string::npos);
}

TEST(BenchJunit, SummaryJsonHasTheThresholdsAsK6ReportsThem) {
    std::string error;
    auto doc = parse_json(bench_summary_json(records(), slos(), kInfo), &error);
    ASSERT_TRUE(doc) << error;
    EXPECT_EQ(std::string((*doc)["format"].GetString()), "kmsconf-bench-summary/1");
    EXPECT_FALSE((*doc)["ok"].GetBool());
    const auto& overall = (*doc)["thresholds"];
    EXPECT_FALSE(overall["p99<=50ms"]["ok"].GetBool()) << "a benchmark that did not run holds no threshold";
    const auto& measured = (*doc)["benchmarks"]["replicate_malformed/closed/connections:1"];
    EXPECT_FALSE(measured["ok"].GetBool());
    EXPECT_EQ(measured["requests"].GetUint64(), 100u);
    const auto& p99 = measured["thresholds"]["p99<=50ms"];
    EXPECT_TRUE(p99["ok"].GetBool());
    EXPECT_NEAR(p99["value"].GetDouble(), 2.0, 0.01) << "milliseconds, as k6's http_req_duration";
    EXPECT_FALSE(measured["thresholds"]["p50<1ms"]["ok"].GetBool());
    EXPECT_EQ(measured["thresholds"]["errors<=0.1%"]["value"].GetDouble(), 0.0);
    const auto& broken = (*doc)["benchmarks"]["replicate_valid/closed/connections:1"];
    EXPECT_TRUE(broken["thresholds"]["p99<=50ms"]["value"].IsNull());
    EXPECT_EQ(std::string(broken["measured"].GetString()), "cannot read <ca.pem>");

    auto passing = parse_json(bench_summary_json({records()[0]}, {slo("p99<=50ms")}, kInfo), &error);
    ASSERT_TRUE(passing) << error;
    EXPECT_TRUE((*passing)["ok"].GetBool());
    EXPECT_TRUE((*passing)["thresholds"]["p99<=50ms"]["ok"].GetBool());
}

}  // namespace
}  // namespace kms::bench
