// --version on every command (`kmsconf --version` is run's), the same line everywhere, in every
// --help, and recorded by every report of a run and of a bench.
#include "tests/cli/cli_support.hpp"

#include <gtest/gtest.h>

namespace kms::cli_test {
namespace {

// "kmsconf 0.1.0..." from `kmsconf --version`, without its newline.
std::string version_line() {
    static const std::string line = [] {
        auto r = kmsconf("--version");
        return r.output.substr(0, r.output.find('\n'));
    }();
    return line;
}

TEST(CliVersion, EveryCommandPrintsTheSameLine) {
    ASSERT_TRUE(std::regex_match(version_line(), std::regex(R"(kmsconf [0-9]+\.[0-9]+\.[0-9]+([+~][0-9A-Za-z.]+)?)")))
        << version_line();
    for (const char* args : {"--version", "run --version", "serve --version", "bench --version", "judge --version",
                             "proxy --version", "--quiet --version", "bench --connections 2 --version"}) {
        auto r = kmsconf(args);
        EXPECT_EQ(r.code, 0) << args << "\n" << r.output;
        EXPECT_EQ(r.output, version_line() + "\n") << args;
    }
    // Still a flag like the others: a bad one beside it is refused.
    EXPECT_EQ(kmsconf("serve --version --bogus").code, 2);
    EXPECT_EQ(kmsconf("--version --fil x").code, 2);
}

TEST(CliVersion, EveryHelpListsTheFlagWithTheVersion) {
    for (const char* args : {"--help", "run --help", "serve --help", "bench --help", "judge --help", "proxy --help"}) {
        auto r = kmsconf(args);
        EXPECT_EQ(r.code, 0) << args;
        EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(\n  --version +print the version \(kmsconf\s+)")))
            << args << "\n" << r.output;
        EXPECT_NE(r.output.find(version_line().substr(std::string("kmsconf ").size())), std::string::npos) << args;
    }
}

TEST(CliVersion, EveryReportRecordsIt) {
    const auto dir = temp_dir("version-reports");
    auto r = kmsconf("--generated 0 --filter 'valid.*' --report-dir " + dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    const std::string number = version_line().substr(std::string("kmsconf ").size());
    EXPECT_NE(read_file(dir / "summary.json").find("\"tool\": \"" + version_line() + "\""), std::string::npos);
    EXPECT_NE(read_file(dir / "junit.xml").find("<property name=\"tool\" value=\"" + version_line() + "\""), std::string::npos);
    EXPECT_NE(read_file(dir / "summary.md").find(version_line()), std::string::npos);
    EXPECT_NE(read_file(dir / "report.html").find(version_line()), std::string::npos);
    EXPECT_NE(read_file(dir / "exchanges.har").find(R"("creator":{"name":"kmsconf","version":")" + number + "\""), std::string::npos);

    auto bench = kmsconf("bench --no-progress --duration 0.2 --warmup 0 --report-dir " + dir.string());
    ASSERT_EQ(bench.code, 0) << bench.output;
    EXPECT_NE(read_file(dir / "bench-junit.xml").find("value=\"" + version_line() + "\""), std::string::npos);
    EXPECT_NE(read_file(dir / "bench-summary.json").find("\"tool\": \"" + version_line() + "\""), std::string::npos);
    EXPECT_NE(read_file(dir / "bench.json").find("\"kmsconf_version\": \"" + number + "\""), std::string::npos);
}

}  // namespace
}  // namespace kms::cli_test
