// Where kmsconf finds schemas/ and suites/ (harness/cli/data_dirs.hpp): --schemas-dir and
// --suites-dir, else KMSCONF_SCHEMAS_DIR and KMSCONF_SUITES_DIR, else <folder of the binary>/
// ../share/kmsconf/. A copy of the binary in a folder of its own shows that no checkout path is
// compiled in: with no data beside it, it finds none (exit 2, every place named).
#include "tests/cli/cli_support.hpp"

#include <gtest/gtest.h>

namespace kms::cli_test {
namespace {

const fs::path kSource = KMSCONF_SOURCE_DIR;
// Neither variable from the test's own environment.
const std::string kNoVariables = "-u KMSCONF_SCHEMAS_DIR -u KMSCONF_SUITES_DIR";

// A prefix holding a copy of the binary as bin/kmsconf, and share/kmsconf/ only when asked for.
struct Prefix {
    fs::path root, binary;
    explicit Prefix(const std::string& name) : root(temp_dir("data-dirs-" + name)), binary(root / "bin" / "kmsconf") {
        fs::create_directories(binary.parent_path());
        fs::copy_file(KMSCONF_BINARY, binary);
    }
    fs::path share(const std::string& folder) const { return root / "share" / "kmsconf" / folder; }
    // share/kmsconf/schemas: the checkout's schemas, copied.
    void add_schemas() const {
        fs::create_directories(share("schemas").parent_path());
        fs::copy(kSource / "schemas", share("schemas"), fs::copy_options::recursive);
    }
    Result run(const std::string& args, const std::string& env = "") const {
        return run_binary(binary.string(), args, 60, kNoVariables + (env.empty() ? "" : " " + env));
    }
};

// A suites folder holding the checkout's `suite` alone.
fs::path suites_folder(const std::string& name, const std::string& suite) {
    const fs::path dir = temp_dir("suites-" + name);
    fs::copy_file(kSource / "suites" / suite, dir / suite);
    return dir;
}

// "N cases", the last line of --list.
std::string case_count(const std::string& list_output) {
    std::smatch m;
    if (!std::regex_search(list_output, m, std::regex(R"((\d+) cases\n$)"))) return "no count in: " + list_output;
    return m[1];
}

// How many cases the checkout's `suite` holds, listed by the built binary with --suites.
std::string cases_of(const std::string& suite) {
    return case_count(kmsconf("--list --generated 0 --suites " + (kSource / "suites" / suite).string()).output);
}

TEST(CliDataDirs, NoDataAnywhereIsExit2NamingEveryPlaceLooked) {
    const Prefix prefix("none");
    for (const std::string& args : std::vector<std::string>{"--list", "--dry-run", "--generated 0 --report-dir " + prefix.root.string()}) {
        auto r = prefix.run(args);
        EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
        EXPECT_NE(r.output.find("kmsconf: no schemas folder; looked at: --schemas-dir (not given); $KMSCONF_SCHEMAS_DIR "
                                "(not set); " + prefix.share("schemas").string() + " beside the binary " +
                                prefix.binary.string() + " (no such directory); pass --schemas-dir DIR or set KMSCONF_SCHEMAS_DIR"),
                  std::string::npos)
            << args << "\n" << r.output;
    }
    auto bench = prefix.run("bench --no-progress --duration 0.1 --warmup 0 --report-dir " + prefix.root.string());
    EXPECT_EQ(bench.code, 2) << bench.output;
    EXPECT_NE(bench.output.find("kmsconf bench: no schemas folder; looked at: --schemas-dir (not given)"), std::string::npos)
        << bench.output;
    EXPECT_NE(bench.output.find(prefix.share("schemas").string() + " beside the binary"), std::string::npos) << bench.output;
}

TEST(CliDataDirs, SuitesFolderMissingIsNamedAndNeededOnlyWithoutSuitesFlag) {
    const Prefix prefix("no-suites");
    prefix.add_schemas();
    auto r = prefix.run("--list");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("kmsconf: no suites folder; looked at: --suites-dir (not given); $KMSCONF_SUITES_DIR (not set); " +
                            prefix.share("suites").string() + " beside the binary"),
              std::string::npos)
        << r.output;
    auto named = prefix.run("--list --generated 0 --suites " + (kSource / "suites" / "auth.json").string());
    EXPECT_EQ(named.code, 0) << named.output;
    EXPECT_EQ(case_count(named.output), cases_of("auth.json"));
}

TEST(CliDataDirs, FoundBesideTheBinary) {
    const Prefix prefix("beside");
    prefix.add_schemas();
    fs::create_directories(prefix.share("suites"));
    fs::copy_file(kSource / "suites" / "auth.json", prefix.share("suites") / "auth.json");
    auto r = prefix.run("--list --generated 0");
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(case_count(r.output), cases_of("auth.json")) << "the suites beside the binary, not the checkout's";
    EXPECT_NE(cases_of("auth.json"), cases_of("valid.json")) << "the two suites must tell apart";
}

TEST(CliDataDirs, VariableBeforeBesideTheBinaryAndFlagBeforeVariable) {
    const Prefix prefix("order");
    prefix.add_schemas();
    fs::create_directories(prefix.share("suites"));
    fs::copy_file(kSource / "suites" / "auth.json", prefix.share("suites") / "auth.json");
    const fs::path valid = suites_folder("valid", "valid.json");
    const fs::path methods = suites_folder("methods", "methods.json");

    auto by_variable = prefix.run("--list --generated 0", "KMSCONF_SUITES_DIR=" + valid.string());
    EXPECT_EQ(by_variable.code, 0) << by_variable.output;
    EXPECT_EQ(case_count(by_variable.output), cases_of("valid.json"));

    auto by_flag = prefix.run("--list --generated 0 --suites-dir " + methods.string(), "KMSCONF_SUITES_DIR=" + valid.string());
    EXPECT_EQ(by_flag.code, 0) << by_flag.output;
    EXPECT_EQ(case_count(by_flag.output), cases_of("methods.json"));

    // The flag wins over a variable that names nothing, which is then never looked at.
    auto schemas = prefix.run("--list --generated 0 --schemas-dir " + (kSource / "schemas").string(),
                              "KMSCONF_SCHEMAS_DIR=/nonexistent/schemas");
    EXPECT_EQ(schemas.code, 0) << schemas.output;
}

TEST(CliDataDirs, AFolderNamedButMissingIsAnErrorNotAReasonToLookFurther) {
    const Prefix prefix("named-missing");
    prefix.add_schemas();
    fs::create_directories(prefix.share("suites"));
    fs::copy_file(kSource / "suites" / "auth.json", prefix.share("suites") / "auth.json");

    auto variable = prefix.run("--list", "KMSCONF_SUITES_DIR=/nonexistent/suites");
    EXPECT_EQ(variable.code, 2) << variable.output;
    EXPECT_NE(variable.output.find("kmsconf: no suites folder; looked at: --suites-dir (not given); "
                                   "$KMSCONF_SUITES_DIR=/nonexistent/suites (no such directory)"),
              std::string::npos)
        << variable.output;

    auto flag = prefix.run("--list --schemas-dir " + (kSource / "CMakeLists.txt").string());
    EXPECT_EQ(flag.code, 2) << flag.output;
    EXPECT_NE(flag.output.find("kmsconf: no schemas folder; looked at: --schemas-dir " + (kSource / "CMakeLists.txt").string() +
                               " (not a directory)"),
              std::string::npos)
        << flag.output;

    for (const char* empty : {"--list --schemas-dir ''", "--list --suites-dir ''", "bench --schemas-dir ''"}) {
        auto r = prefix.run(empty);
        EXPECT_EQ(r.code, 2) << empty << "\n" << r.output;
        EXPECT_NE(r.output.find("-dir is empty"), std::string::npos) << empty << "\n" << r.output;
    }
}

TEST(CliDataDirs, ServeHelpAndVersionNeedNoData) {
    const Prefix prefix("serve");
    for (const char* args : {"serve --help", "serve --version", "--help", "--version", "bench --help", "--list-checks"}) {
        auto r = prefix.run(args);
        EXPECT_EQ(r.code, 0) << args << "\n" << r.output;
    }
    ServerProcess server(ShellCommand{"exec " + prefix.binary.string() + " serve --port 0"});
    EXPECT_FALSE(server.url().empty()) << "kmsconf serve runs without schemas or suites";
}

}  // namespace
}  // namespace kms::cli_test
