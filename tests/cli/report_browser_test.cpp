// report.html and bench-report.html as a browser shows them: each is rendered by headless
// Chromium (Debian's chromium, installed by scripts/setup.sh), which runs the page's script, and
// the test asserts on the DOM it dumps (read back with libxml2), not on the HTML text: the
// failure count shown is the run's, failures come first, the plots have marks, the filter in
// the URL fragment hides what it should, and a server body carrying <script> stays text.
// Every Chromium is bounded by timeout(1) and runs in a session of its own that is killed
// afterwards, so that no browser process outlives its test.
#include "tests/cli/cli_support.hpp"
#include "tests/support/html_dom.hpp"
#include "tests/support/test_server.hpp"

#include <rapidjson/document.h>

#include <thread>

#include <dirent.h>
#include <fcntl.h>

namespace kms::cli_test {
namespace {

using test::HtmlDom;
using test::with_class;

// What the hostile origin sends: markup that, were it parsed as such, would mark the page.
const char* const kHostileProblem =
    R"({"type":"about:blank","title":"<script>document.body.setAttribute('data-owned','script')</script>",)"
    R"("status":400,"detail":"<img src=x onerror=\"document.body.setAttribute('data-owned','img')\">"})";

// Answers every request with that 400 problem and closes: the valid cases fail, the malformed
// ones pass. One request per connection, so that a case's odd framing cannot spill into the next.
void hostile_origin(test::Conn& c) {
    if (!c.read_request()) return;
    c.send_all(test::http_response(400, kHostileProblem, "Content-Type: application/json\r\nConnection: close\r\n"));
}

// Processes whose command line holds `needle` (our Chromium's unique profile folder).
std::vector<pid_t> processes_with(const std::string& needle) {
    std::vector<pid_t> out;
    DIR* proc = opendir("/proc");
    if (!proc) return out;
    while (dirent* e = readdir(proc)) {
        const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
        if (pid <= 0) continue;
        std::string cmdline = read_file(fs::path("/proc") / e->d_name / "cmdline");
        if (cmdline.find(needle) != std::string::npos) out.push_back(pid);
    }
    closedir(proc);
    return out;
}

// The DOM headless Chromium makes of `file` (with `fragment`, e.g. "#filter:verdict=fail"),
// after the page's script ran. Bounded at 60 s; every process of that Chromium is gone when
// this returns.
std::string rendered_dom(const fs::path& file, const std::string& fragment = "") {
    const fs::path work = temp_dir("chromium-" + file.stem().string());
    const fs::path profile = work / "profile";
    const fs::path out = work / "dom.html";
    const std::string url = "file://" + fs::absolute(file).string() + fragment;
    const pid_t pid = fork();
    if (pid == 0) {
        setsid();  // its own session and process group: killed as one below
        const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null = ::open("/dev/null", O_WRONLY);
        dup2(fd, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);  // dbus and GPU complaints of a headless machine
        const std::string profile_flag = "--user-data-dir=" + profile.string();
        execlp("timeout", "timeout", "-k", "5", "60", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
               "--no-first-run", "--disable-extensions", profile_flag.c_str(), "--dump-dom", url.c_str(),
               static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = -1;
    if (pid > 0) waitpid(pid, &status, 0);
    if (pid > 0) kill(-pid, SIGKILL);  // whatever of that session is left
    // Killed processes take a moment to go; one still there after 5 s escaped the session.
    std::vector<pid_t> left = processes_with(profile.string());
    for (int i = 0; i < 50 && !left.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        left = processes_with(profile.string());
    }
    for (pid_t stray : left) {
        ADD_FAILURE() << "Chromium process " << stray << " outlived its run";
        kill(stray, SIGKILL);
    }
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "chromium --dump-dom " << url << " failed (status " << status << "): is Debian's chromium installed?";
    const std::string dom = read_file(out);
    std::error_code ec;
    fs::remove_all(work, ec);  // the profile Chromium made
    return dom;
}

struct RunCounts {
    std::map<std::string, int> by_verdict;
    int failed = -1;
    int sent = 0;  // cases with at least one response or transport failure
};

RunCounts read_counts(const fs::path& summary) {
    RunCounts out;
    rapidjson::Document d;
    d.Parse(read_file(summary).c_str());
    if (!d.IsObject()) return out;
    for (const auto& m : d["counts"].GetObject()) out.by_verdict[m.name.GetString()] = m.value.GetInt();
    out.failed = d["result"]["failed"].GetInt();
    for (const auto& c : d["cases"].GetArray())
        out.sent += std::string(c["verdict"].GetString()) != "skipped" && c["statuses"].Size() > 0;
    return out;
}

class ReportBrowser : public testing::Test {
protected:
    static void SetUpTestSuite() {
        origin_ = new test::TestServer(hostile_origin);
        dir_ = new fs::path(temp_dir("browser-run"));
        const auto r = kmsconf("--generated 4 --base-url " + origin_->url() + "/v2 --report-dir " + dir_->string(), 120);
        code_ = r.code;
        output_ = r.output;
    }
    static void TearDownTestSuite() {
        delete origin_;
        fs::remove_all(*dir_);
        delete dir_;
    }
    static test::TestServer* origin_;
    static fs::path* dir_;
    static int code_;
    static std::string output_;
};
test::TestServer* ReportBrowser::origin_ = nullptr;
fs::path* ReportBrowser::dir_ = nullptr;
int ReportBrowser::code_ = -1;
std::string ReportBrowser::output_;

TEST_F(ReportBrowser, ShowsTheRunsFailureCountFailuresFirstAndAPlotWithAMarkPerCase) {
    ASSERT_EQ(code_, 1) << output_;
    RunCounts run = read_counts(*dir_ / "summary.json");
    ASSERT_GT(run.by_verdict["fail"], 0);
    ASSERT_GT(run.by_verdict["pass"], 0) << "a mixed run, or the order proves little\n" << output_;
    const HtmlDom dom(rendered_dom(*dir_ / "report.html"));

    EXPECT_EQ(dom.text("//ul[@class='counts']/li[@data-verdict='fail']//b"), std::to_string(run.by_verdict["fail"]));
    EXPECT_EQ(dom.text("//p[@class='result']/span[@class='failed']"), std::to_string(run.failed) + " failed");
    const auto cases = dom.nodes(with_class("//details", "case"));
    ASSERT_EQ(static_cast<int>(cases.size()), [&] {
        int n = 0;
        for (const auto& [verdict, count] : run.by_verdict) n += count;
        return n;
    }());
    // Failures first: the first run.fail cases are the failures, and nothing after them is one.
    for (std::size_t i = 0; i < cases.size(); ++i)
        EXPECT_EQ(HtmlDom::attr(cases[i], "data-verdict") == "fail", static_cast<int>(i) < run.by_verdict["fail"])
            << "case " << i << ": " << HtmlDom::attr(cases[i], "id");
    EXPECT_EQ(dom.count("//section[@id='verdict-fail']/" + with_class("details", "case")),
              static_cast<std::size_t>(run.by_verdict["fail"]));

    EXPECT_EQ(dom.count(with_class("//svg", "latency-plot") + "//g[@class='marks']//circle"),
              static_cast<std::size_t>(run.sent));
    // The script ran: the filters are shown, and count every case.
    ASSERT_EQ(dom.count("//form[@id='filters']"), 1u);
    EXPECT_FALSE(HtmlDom::has_attr(dom.nodes("//form[@id='filters']").front(), "hidden"));
    EXPECT_EQ(dom.text("//output[@id='shown']"), std::to_string(cases.size()) + " of " + std::to_string(cases.size()) +
                                                      " cases shown");
}

TEST_F(ReportBrowser, AServerBodyCarryingScriptStaysText) {
    ASSERT_EQ(code_, 1) << output_;
    const HtmlDom dom(rendered_dom(*dir_ / "report.html"));
    EXPECT_EQ(dom.count("//body[@data-owned]"), 0u) << "the server's markup ran";
    EXPECT_EQ(dom.count("//script"), 1u) << "only the report's own";
    EXPECT_EQ(dom.count("//img"), 0u);
    int shown = 0;
    for (const auto& text : dom.texts("//pre[@class='http response']"))
        shown += text.find("<script>document.body.setAttribute('data-owned','script')</script>") != std::string::npos;
    EXPECT_GT(shown, 0) << "the body is shown, as text";
}

// The cases a fragment's filter leaves are exactly those summary.json says match it.
void expect_filter_shows(const fs::path& dir, const std::string& fragment, const std::string& verdict,
                         const std::string& suite, const std::string& check) {
    SCOPED_TRACE(fragment);
    std::set<std::string> expected;
    rapidjson::Document d;
    d.Parse(read_file(dir / "summary.json").c_str());
    ASSERT_TRUE(d.IsObject());
    for (const auto& c : d["cases"].GetArray()) {
        bool has_check = check.empty();
        for (const auto& f : c["findings"].GetArray()) has_check = has_check || f["check"].GetString() == check;
        if (c["verdict"].GetString() == verdict && (suite.empty() || c["suite"].GetString() == suite) && has_check)
            expected.insert(std::string("case-") + c["suite"].GetString() + "." + c["id"].GetString());
    }
    ASSERT_FALSE(expected.empty()) << "a filter that leaves nothing proves little";
    const HtmlDom dom(rendered_dom(dir / "report.html", fragment));
    std::set<std::string> visible;
    for (xmlNodePtr c : dom.nodes(with_class("//details", "case") + "[not(@hidden)]")) visible.insert(HtmlDom::attr(c, "id"));
    EXPECT_EQ(visible, expected);
    EXPECT_EQ(dom.text("//output[@id='shown']"), std::to_string(visible.size()) + " of " +
                                                      std::to_string(dom.count(with_class("//details", "case"))) +
                                                      " cases shown");
    if (verdict != "pass") {
        EXPECT_EQ(dom.count("//section[@id='verdict-pass'][@hidden]"), 1u) << "its section too";
    }
}

TEST_F(ReportBrowser, AFilterInTheFragmentShowsWhatMatchesAndHidesTheRest) {
    ASSERT_EQ(code_, 1) << output_;
    expect_filter_shows(*dir_, "#filter:verdict=pass&suite=malformed", "pass", "malformed", "");
    expect_filter_shows(*dir_, "#filter:verdict=fail&check=valid_accepted", "fail", "", "valid_accepted");
}

TEST(ReportBrowserBench, BenchReportHasAHistogramAndAPercentileCurvePerBenchmark) {
    const auto dir = temp_dir("browser-bench");
    const auto r = kmsconf("bench --no-progress --duration 0.3 --warmup 0 --slo 'p99<=10s' --report-dir " + dir.string(), 60);
    ASSERT_EQ(r.code, 0) << r.output;
    const HtmlDom dom(rendered_dom(dir / "bench-report.html"));
    const auto sections = dom.nodes("//section[@class='benchmark']");
    ASSERT_EQ(sections.size(), 3u) << "replicate_valid, replicate_accepted and replicate_malformed";
    for (xmlNodePtr s : sections) {
        const std::string at = "//section[@data-benchmark='" + HtmlDom::attr(s, "data-benchmark") + "']";
        EXPECT_GT(dom.count(at + "//" + with_class("svg", "histogram-plot") + "//rect[@class='bar']"), 0u) << at;
        EXPECT_EQ(dom.count(at + "//" + with_class("svg", "percentile-plot") + "/g[@class='marks']/polyline"), 1u) << at;
        EXPECT_EQ(dom.text(at + "//table[@class='numbers slos']//td[2]"), "held");
    }
    fs::remove_all(dir);
}

}  // namespace
}  // namespace kms::cli_test
