// A JUnit report checked as strict CI parsers check it: the whole file against the Jenkins
// xUnit plugin's junit-10.xsd, and each <testsuite> on its own against Maven Surefire's
// surefire-test-report.xsd (tests/support/junit/SOURCES.md), with xmllint (libxml2-utils,
// installed by scripts/setup.sh). The including target defines KMSCONF_SOURCE_DIR.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace kms::test {

inline std::filesystem::path junit_xsd(const char* name) {
    return std::filesystem::path(KMSCONF_SOURCE_DIR) / "tests" / "support" / "junit" / name;
}

// What `cmd` printed (stdout and stderr) and its exit status in *status.
inline std::string run_shell(const std::string& cmd, int* status) {
    std::string out;
    std::FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) {
        *status = -1;
        return "popen failed";
    }
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    *status = ::pclose(p);
    return out;
}

// Empty when `file` is valid against junit-10.xsd, else xmllint's complaints (the first 4 KB).
inline std::string junit10_errors(const std::filesystem::path& file) {
    int status = 0;
    const std::string out = run_shell("xmllint --noout --schema '" + junit_xsd("junit-10.xsd").string() + "' '" +
                                          file.string() + "'",
                                      &status);
    return status == 0 ? std::string() : out.substr(0, 4096);
}

// Empty when every <testsuite> of `file` (a <testsuites> document), taken out on its own, is
// valid against Surefire's schema, else the first suite's complaints. A file without suites
// is an error too: there would be nothing to check.
inline std::string surefire_errors(const std::filesystem::path& file) {
    int status = 0;
    const std::string count = run_shell("xmllint --xpath 'count(/testsuites/testsuite)' '" + file.string() + "'", &status);
    const int suites = status == 0 ? std::atoi(count.c_str()) : 0;
    if (suites <= 0) return "no <testsuite> in " + file.string() + ": " + count;
    for (int i = 1; i <= suites; ++i) {
        const std::string suite = file.string() + ".suite-" + std::to_string(i) + ".xml";
        run_shell("xmllint --xpath '/testsuites/testsuite[" + std::to_string(i) + "]' '" + file.string() + "' > '" +
                      suite + "'",
                  &status);
        const std::string out = run_shell("xmllint --noout --schema '" +
                                              junit_xsd("surefire-test-report.xsd").string() + "' '" + suite + "'",
                                          &status);
        std::filesystem::remove(suite);
        if (status != 0) return "testsuite " + std::to_string(i) + ": " + out.substr(0, 4096);
    }
    return {};
}

}  // namespace kms::test
