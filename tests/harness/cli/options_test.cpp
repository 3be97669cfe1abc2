// The flag tables and parsers of `kmsconf run` and `kmsconf bench`, called as a library: each
// flag defined once (defaults, bounds, help, rerun) and the target flags shared by both.
#include "harness/cli/bench_options.hpp"
#include "harness/cli/rerun_flags.hpp"
#include "harness/cli/run_options.hpp"
#include "harness/contract/contract.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace kms::cli {
namespace {

// argv as main() gets it: the command's name first, then the words.
struct Argv {
    explicit Argv(std::vector<std::string> words) : storage(std::move(words)) {
        storage.insert(storage.begin(), "kmsconf");
        for (auto& w : storage) pointers.push_back(w.data());
    }
    int argc() const { return static_cast<int>(pointers.size()); }
    char** argv() { return pointers.data(); }
    std::vector<std::string> storage;
    std::vector<char*> pointers;
};

struct RunParse {
    std::optional<RunOptions> options;
    int code = -1;
    std::string report_dir;
    std::string out, err;
};

RunParse run(std::vector<std::string> words) {
    Argv a(std::move(words));
    RunParse p;
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    p.options = parse_run_options(a.argc(), a.argv(), &p.code, &p.report_dir);
    p.out = testing::internal::GetCapturedStdout();
    p.err = testing::internal::GetCapturedStderr();
    return p;
}

struct BenchParse {
    std::optional<bench::BenchOptions> options;
    int code = -1;
    std::string out, err;
};

BenchParse bench_parse(std::vector<std::string> words) {
    Argv a(std::move(words));
    BenchParse p;
    std::ostringstream out, err;
    p.options = bench::parse_bench_options(a.argc(), a.argv(), &p.code, out, err);
    p.out = out.str();
    p.err = err.str();
    return p;
}

TEST(RunFlags, DefaultsComeFromTheTable) {
    auto p = run({});
    ASSERT_TRUE(p.options) << p.err;
    const RunOptions& o = *p.options;
    EXPECT_EQ(o.timeout_ms, 10000);
    EXPECT_EQ(o.connect_timeout_ms, 5000);
    EXPECT_EQ(o.operation_timeout_ms, 60000);
    EXPECT_EQ(o.stray_grace_ms, 20);
    EXPECT_EQ(o.zone, "de-fra-1");
    EXPECT_EQ(o.report_dir, "reports");
    EXPECT_EQ(o.generated, 24u);
    EXPECT_EQ(o.seed, 1u);
    EXPECT_EQ(o.contract, kDefaultContractRevision);
    EXPECT_FALSE(o.contract_given);
    EXPECT_EQ(p.report_dir, "reports");
    EXPECT_EQ(rerun_flags(o), "") << "every flag at its default: nothing to carry";
}

TEST(RunFlags, ANumberOutsideItsBoundsIsRefusedNamingThem) {
    auto p = run({"--timeout-ms", "0"});
    EXPECT_FALSE(p.options);
    EXPECT_EQ(p.code, 2);
    EXPECT_NE(p.err.find("--timeout-ms must be an integer from 1 to 600000, got '0'"), std::string::npos) << p.err;
    EXPECT_EQ(p.report_dir, "reports") << "the refused run's reports are still removed";
    EXPECT_EQ(run({"--list", "--generated", "-1"}).report_dir, "") << "a --list run writes no reports";
    EXPECT_NE(run({"--rate", "nan"}).err.find("--rate must be a number from 0 to 10000"), std::string::npos);
    EXPECT_NE(run({"--seed", "-1"}).err.find("--seed must be an integer from 0 to 18446744073709551615"),
              std::string::npos);
}

TEST(RunFlags, EmptyTextsAndBadTargetsAreRefused) {
    EXPECT_NE(run({"--base-url", ""}).err.find("--base-url is empty (an unset variable?)"), std::string::npos);
    EXPECT_NE(run({"--base-url", "ftp://x/"}).err.find("--base-url 'ftp://x/'"), std::string::npos);
    EXPECT_NE(run({"--key-id", ""}).err.find("--key-id '' is not a uuid"), std::string::npos);
    EXPECT_NE(run({"--report-dir", ""}).err.find("--report-dir is empty"), std::string::npos);
    EXPECT_NE(run({"--zones", "a,,b"}).err.find("--zones 'a,,b': expected comma-separated zone names"),
              std::string::npos);
    EXPECT_NE(run({"stray"}).err.find("unexpected argument 'stray'"), std::string::npos);
    EXPECT_NE(run({"--fil", "x"}).err.find("unrecognised option '--fil'"), std::string::npos);
}

TEST(RunFlags, TheRerunLineCarriesWhatTheTableSaysInTableOrder) {
    auto p = run({"--filter", "valid.*", "--strict", "--api-key", "EXOsecretish", "--timeout-ms", "500", "--base-url",
                  "http://127.0.0.1:9/v2", "--report-dir", "out", "--zones", "a,b", "--suites", "x y.json", "z.json",
                  "--rate", "2.50", "--quiet"});
    ASSERT_TRUE(p.options) << p.err;
    const std::string line = rerun_flags(*p.options);
    EXPECT_EQ(line,
              "--base-url http://127.0.0.1:9/v2 --api-key \"$EXOSCALE_API_KEY\" --timeout-ms 500 --zones a,b "
              "--suites 'x y.json' z.json --rate 2.5 --strict");
    EXPECT_EQ(line.find("EXOsecretish"), std::string::npos) << "never the key itself";
}

TEST(RunFlags, ARerunLineParsesBackToItself) {
    auto p = run({"--base-url", "https://h.example/v2", "--insecure", "--seed", "9", "--generated", "3",
                  "--max-response-time-ms", "100", "--contract", "auto", "--key-id",
                  "a02baf5a-a3e4-49a0-857b-8a08d276c1c0"});
    ASSERT_TRUE(p.options) << p.err;
    const std::string line = rerun_flags(*p.options);
    std::vector<std::string> words;
    std::istringstream split(line);
    for (std::string w; split >> w;) words.push_back(w);
    auto again = run(words);
    ASSERT_TRUE(again.options) << line << "\n" << again.err;
    EXPECT_EQ(rerun_flags(*again.options), line);
    EXPECT_TRUE(again.options->contract_given);
}

TEST(RunFlags, HelpStatesEveryNumbersBoundsAndDefaultFromTheTable) {
    auto p = run({"--help"});
    EXPECT_EQ(p.code, 0);
    // Program_options wraps the help at 80 columns: read it with the wrapping undone.
    std::string flat;
    for (char ch : p.out) {
        const bool blank = ch == ' ' || ch == '\n';
        if (!(blank && !flat.empty() && flat.back() == ' ')) flat += blank ? ' ' : ch;
    }
    p.out = flat;
    for (const auto& f : run_flag_table()) {
        EXPECT_NE(p.out.find("--" + f.spec.name), std::string::npos) << f.spec.name;
        if (!f.spec.bounds_text().empty()) {
            EXPECT_NE(p.out.find(f.spec.bounds_text()), std::string::npos) << f.spec.name << "\n" << p.out;
        }
        if (f.spec.default_text && !f.spec.default_text->empty()) {
            EXPECT_NE(p.out.find("(=" + *f.spec.default_text + ")"), std::string::npos) << f.spec.name;
        }
    }
}

// One definition of the target flags: both commands' tables start with the same specs.
TEST(TargetFlags, RunAndBenchShareThemOneDefinition) {
    const auto& run_table = run_flag_table();
    const auto& bench_table = bench::bench_flag_table();
    std::size_t shared = 0;
    while (shared < run_table.size() && shared < bench_table.size() &&
           run_table[shared].spec.name == bench_table[shared].spec.name) {
        const FlagSpec& a = run_table[shared].spec;
        const FlagSpec& b = bench_table[shared].spec;
        EXPECT_EQ(a.help, b.help);
        EXPECT_EQ(a.default_text, b.default_text);
        EXPECT_EQ(a.bounds_text(), b.bounds_text());
        ++shared;
    }
    EXPECT_GE(shared, 11u) << "base-url, key-id, zone, ca-file, insecure, api-key, api-secret-file, timeout-ms, "
                              "schemas-dir, report-dir, junit-prefix";
    EXPECT_NE(bench_parse({"--base-url", ""}).err.find("--base-url is empty (an unset variable?)"), std::string::npos);
    EXPECT_NE(bench_parse({"--key-id", "x"}).err.find("--key-id 'x' is not a uuid"), std::string::npos);
    EXPECT_NE(bench_parse({"--timeout-ms", "0"}).err.find("--timeout-ms must be an integer from 1 to 600000"),
              std::string::npos);
}

TEST(BenchFlags, DefaultsAndTheRulesBetweenFlags) {
    auto p = bench_parse({});
    ASSERT_TRUE(p.options) << p.err;
    EXPECT_EQ(p.options->connections, 1u);
    EXPECT_EQ(p.options->duration_seconds, 5);
    EXPECT_EQ(p.options->warmup_seconds, 1);
    EXPECT_EQ(p.options->timeout_ms, 10000);
    EXPECT_EQ(p.options->report_dir, "reports");
    EXPECT_FALSE(p.options->progress);

    auto open = bench_parse({"--mode", "open", "-r", "250", "-c", "4", "-t", "2", "--slo", "p99<=50ms", "--slo",
                             "errors<=0", "--no-progress"});
    ASSERT_TRUE(open.options) << open.err;
    EXPECT_EQ(open.options->rate, 250);
    EXPECT_EQ(open.options->threads, 2u);
    EXPECT_EQ(open.options->slos.size(), 2u);
    EXPECT_EQ(open.options->progress, false);

    EXPECT_NE(bench_parse({"--mode", "open"}).err.find("--mode open needs --rate"), std::string::npos);
    EXPECT_NE(bench_parse({"--rate", "5"}).err.find("--rate applies to --mode open only"), std::string::npos);
    EXPECT_NE(bench_parse({"-c", "2", "-t", "3"}).err.find("--threads must be at most --connections (2)"),
              std::string::npos);
    EXPECT_NE(bench_parse({"--duration", "0"}).err.find("--duration must be a number above 0 up to 86400"),
              std::string::npos);
    EXPECT_NE(bench_parse({"--mode", "fast"}).err.find("--mode must be closed, closed-new-conn or open"),
              std::string::npos);
    EXPECT_NE(bench_parse({"--filter", "("}).err.find("--filter '(' is not a valid regex"), std::string::npos);
    EXPECT_NE(bench_parse({"--progress", "--no-progress"}).err.find("contradict"), std::string::npos);
    EXPECT_NE(bench_parse({"--tls-resume"}).err.find("--tls-resume applies to an https:// --base-url only"),
              std::string::npos);
}

}  // namespace
}  // namespace kms::cli
