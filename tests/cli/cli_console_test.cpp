// The console of a run as people and CI logs see it: no escape code off a terminal or under
// NO_COLOR, a progress line and colour under a pseudo-terminal (script(1) from util-linux),
// --quiet, and a summary whose rerun commands select exactly the failed case; and
// exchanges.har, one HAR 1.2 entry per exchange that summary.json counts.
#include "harness/contract/schema_validator.hpp"
#include "tests/cli/cli_support.hpp"

namespace kms::cli_test {
namespace {

// Against --fault problem-missing-title every 400 problem breaks its schema, so the rejected
// cases fail run after run whatever the server's state; valid.replicate-to-de-fra-1 passes once.
const char* const kRun =
    "--generated 2 --filter 'valid.replicate-to-de-fra-1,edge.unknown-zone,edge.replicate-twice-same-zone,malformed.zone-*,generated.*'";

// Runs kmsconf under a pseudo-terminal: its stdout is a terminal, as in an interactive shell.
Result kmsconf_on_terminal(const std::string& args, const std::string& env) {
    auto out = temp_dir("pty") / "output.txt";
    const std::string inner = "timeout 60 " KMSCONF_BINARY " " + args;
    std::string quoted = "'";
    for (char c : inner) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted += "'";
    const std::string cmd = "env " + env + " script -qec " + quoted + " /dev/null </dev/null >" + out.string() + " 2>&1";
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.output = read_file(out);
    return r;
}

class CliConsole : public testing::Test {
protected:
    static void SetUpTestSuite() { server_ = new ServerProcess("--fault problem-missing-title"); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    static std::string target() { return " --base-url " + server_->url(); }
    static ServerProcess* server_;
};
ServerProcess* CliConsole::server_ = nullptr;

TEST_F(CliConsole, OffATerminalThereIsNoEscapeCodeAndNoProgressLine) {
    ASSERT_FALSE(server_->url().empty());
    auto dir = temp_dir("console-pipe");
    auto r = kmsconf(std::string(kRun) + target() + " --report-dir " + dir.string(), 60, "TERM=xterm");
    ASSERT_EQ(r.code, 1) << r.output;
    EXPECT_EQ(r.output.find('\033'), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find('\r'), std::string::npos) << "no progress line in a log";
    EXPECT_NE(r.output.find("\nsummary\n"), std::string::npos) << r.output;
    EXPECT_TRUE(std::regex_search(r.output, std::regex("\nkmsconf: \\d+ passed, \\d+ failed, \\d+ skipped\n"))) << r.output;
}

TEST_F(CliConsole, OnATerminalAProgressLineAndColourUnlessNoColor) {
    ASSERT_FALSE(server_->url().empty());
    auto dir = temp_dir("console-pty");
    const std::string args = std::string(kRun) + target() + " --report-dir " + dir.string();
    auto coloured = kmsconf_on_terminal(args, "-u NO_COLOR TERM=xterm");
    EXPECT_EQ(coloured.code, 1) << coloured.output;
    EXPECT_TRUE(std::regex_search(coloured.output, std::regex("\r\\[ *1/\\d+\\] [a-z]+\\."))) << coloured.output;
    EXPECT_NE(coloured.output.find("\033[31m"), std::string::npos) << "failures in red:\n" << coloured.output;
    EXPECT_NE(coloured.output.find("kmsconf: "), std::string::npos);

    auto plain = kmsconf_on_terminal(args, "TERM=xterm NO_COLOR=1");
    EXPECT_EQ(plain.code, 1) << plain.output;
    EXPECT_TRUE(std::regex_search(plain.output, std::regex("\r\\[ *1/\\d+\\] [a-z]+\\."))) << plain.output;
    EXPECT_EQ(plain.output.find('\033'), std::string::npos) << "NO_COLOR: no escape code at all\n" << plain.output;
}

TEST_F(CliConsole, QuietPrintsOnlyTheCountLine) {
    ASSERT_FALSE(server_->url().empty());
    auto dir = temp_dir("console-quiet");
    for (const char* env : {"TERM=xterm", ""}) {
        auto r = env[0] ? kmsconf_on_terminal(std::string(kRun) + target() + " --quiet --report-dir " + dir.string(), env)
                        : kmsconf(std::string(kRun) + target() + " -q --report-dir " + dir.string());
        EXPECT_EQ(r.code, 1) << r.output;
        std::string text = std::regex_replace(r.output, std::regex("\r"), "");
        EXPECT_TRUE(std::regex_match(text, std::regex("\nkmsconf: \\d+ passed, \\d+ failed, \\d+ skipped\n"
                                                      "  \\(\\d+ non-strict, \\d+ informational\\) against [^\n]*\n"
                                                      "(kmsconf: warning: [^\n]*\n)*")))
            << "[" << r.output << "]";
        EXPECT_TRUE(fs::exists(dir / "junit.xml")) << "--quiet changes the console only";
    }
}

// The rerun commands of the summary, with the binary's path for "kmsconf".
std::map<std::string, std::string> rerun_commands(const std::string& output) {
    std::map<std::string, std::string> out;
    const std::regex re("\n    \\S+ (\\S+)\n        kmsconf (--filter [^\n]*)(?=\n)");
    for (auto it = std::sregex_iterator(output.begin(), output.end(), re); it != std::sregex_iterator(); ++it)
        out[(*it)[1]] = (*it)[2];
    return out;
}

TEST_F(CliConsole, TheSummaryListsEachFailureWithARerunThatSelectsExactlyIt) {
    ASSERT_FALSE(server_->url().empty());
    auto dir = temp_dir("console-rerun");
    auto r = kmsconf(std::string(kRun) + target() + " --zone de-muc-1 --report-dir " + dir.string());
    ASSERT_EQ(r.code, 1) << r.output;
    std::set<std::string> failed;
    for (const auto& [id, outcome] : read_case_outcomes(dir / "summary.json"))
        if (outcome.verdict == "fail") failed.insert(id);
    ASSERT_GE(failed.size(), 2u) << r.output;
    const auto reruns = rerun_commands(r.output);
    std::set<std::string> listed;
    for (const auto& [id, cmd] : reruns) listed.insert(id);
    EXPECT_EQ(listed, failed) << r.output;
    for (const auto& [id, cmd] : reruns) {
        EXPECT_NE(cmd.find("--base-url " + server_->url()), std::string::npos) << cmd;
        EXPECT_NE(cmd.find("--zone de-muc-1"), std::string::npos) << cmd;
        auto list = kmsconf(cmd + " --list");
        EXPECT_EQ(list.code, 0) << cmd << "\n" << list.output;
        EXPECT_EQ(list.output.rfind(id + "  [", 0), 0u) << cmd << "\n" << list.output;
        EXPECT_NE(list.output.find("\n1 cases\n"), std::string::npos) << cmd << "\n" << list.output;
    }
    // Run as printed, the first fails again, alone.
    auto again = kmsconf(reruns.begin()->second + " --report-dir " + dir.string());
    EXPECT_EQ(again.code, 1) << again.output;
    EXPECT_TRUE(std::regex_search(again.output, std::regex("kmsconf: \\d+ passed, 1 failed, 0 skipped")))
        << "that case, and the run's own key-state case, only:\n" << again.output;
    EXPECT_EQ(read_case_outcomes(dir / "summary.json")[reruns.begin()->first].verdict, "fail");
}

TEST_F(CliConsole, ExchangesHarHasOneValidEntryPerExchange) {
    ASSERT_FALSE(server_->url().empty());
    auto dir = temp_dir("console-har");
    auto r = kmsconf(std::string(kRun) + target() + " --report-dir " + dir.string());
    ASSERT_EQ(r.code, 1) << r.output;
    const auto har_path = dir / "exchanges.har";
    ASSERT_TRUE(fs::exists(har_path)) << r.output;
    std::size_t exchanges = 0;
    for (const auto& [id, outcome] : read_case_outcomes(dir / "summary.json")) exchanges += outcome.statuses.size();

    rapidjson::Document har;
    const std::string text = read_file(har_path);
    har.Parse(text.c_str(), text.size());
    ASSERT_FALSE(har.HasParseError());
    const auto schema =
        SchemaValidator::from_file(fs::path(KMSCONF_SOURCE_DIR) / "tests/harness/report/har-1.2.schema.json");
    for (const auto& v : schema->validate(har)) ADD_FAILURE() << v.pointer << ": " << v.message;
    ASSERT_GT(exchanges, 5u);
    EXPECT_EQ(har["log"]["entries"].Size(), exchanges) << "one entry per exchange summary.json counts";
    EXPECT_EQ(count(text, "\"comment\":\"case edge.replicate-twice-same-zone (send "), 2) << "a case sent twice";
    EXPECT_EQ(std::system(("python3 -c 'import json,sys; json.load(open(sys.argv[1]))' '" + har_path.string() + "'").c_str()), 0);
}

}  // namespace
}  // namespace kms::cli_test
