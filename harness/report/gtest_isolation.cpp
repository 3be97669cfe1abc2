#include "harness/report/gtest_isolation.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

extern char** environ;

namespace kms {

namespace {

// Variables GoogleTest reads besides GTEST_*: Bazel's filter, fail-fast, XML output and
// premature-exit protocols.
const char* const kOtherVariables[] = {"TESTBRIDGE_TEST_ONLY", "TESTBRIDGE_TEST_RUNNER_FAIL_FAST", "XML_OUTPUT_FILE",
                                       "TEST_PREMATURE_EXIT_FILE"};

void remove_googletest_variables() {
    std::vector<std::string> names;
    for (char** e = environ; e && *e; ++e) {
        const char* eq = std::strchr(*e, '=');
        std::string name(*e, eq ? static_cast<std::size_t>(eq - *e) : std::strlen(*e));
        if (name.rfind("GTEST_", 0) == 0) names.push_back(name);
    }
    for (const char* name : kOtherVariables) names.emplace_back(name);
    for (const auto& name : names) ::unsetenv(name.c_str());  // not while walking environ
}

// Every flag of GoogleTest 1.12, at the value a run needs (its defaults, but for output, which
// is none, brief and colour), whatever the environment made of them at start-up.
void set_every_flag(bool brief, bool colour) {
    GTEST_FLAG_SET(also_run_disabled_tests, false);
    GTEST_FLAG_SET(break_on_failure, false);
    GTEST_FLAG_SET(brief, brief);
    GTEST_FLAG_SET(catch_exceptions, true);
    // Decided by the caller: GoogleTest's "auto" does not know NO_COLOR.
    GTEST_FLAG_SET(color, colour ? "yes" : "no");
    GTEST_FLAG_SET(death_test_style, "fast");
    GTEST_FLAG_SET(fail_fast, false);
    GTEST_FLAG_SET(filter, "*");
    GTEST_FLAG_SET(flagfile, "");
    GTEST_FLAG_SET(install_failure_signal_handler, false);
    GTEST_FLAG_SET(list_tests, false);
    GTEST_FLAG_SET(output, "");  // junit.xml is written from the tally (junit_writer.hpp)
    GTEST_FLAG_SET(print_time, true);
    GTEST_FLAG_SET(print_utf8, true);
    GTEST_FLAG_SET(random_seed, 0);
    GTEST_FLAG_SET(recreate_environments_when_repeating, false);
    GTEST_FLAG_SET(repeat, 1);
    GTEST_FLAG_SET(show_internal_stack_frames, false);
    GTEST_FLAG_SET(shuffle, false);
    GTEST_FLAG_SET(stack_trace_depth, testing::kMaxStackTraceDepth);
    GTEST_FLAG_SET(stream_result_to, "");
    GTEST_FLAG_SET(throw_on_failure, false);
}

}  // namespace

void init_googletest_for_run(bool brief, bool colour) {
    remove_googletest_variables();
    // Before InitGoogleTest, which would otherwise load a flagfile named by GTEST_FLAGFILE.
    set_every_flag(brief, colour);
    std::string program = "kmsconf";
    char* argv[] = {program.data(), nullptr};  // argv[argc] must be NULL
    int argc = 1;
    testing::InitGoogleTest(&argc, argv);
    set_every_flag(brief, colour);
}

}  // namespace kms
