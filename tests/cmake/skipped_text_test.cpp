// A test that fails after printing what a kmsconf console prints for a skipped case. Registered
// WILL_FAIL (tests/CMakeLists.txt): CTest must see the failure, so this reads as Passed. Were
// gtest_discover_tests' skip rule back (tests/cmake/gtest_no_skip.cmake), CTest would report it
// Skipped instead, and scripts/test.sh fails a run in which any test did not run.
#include <gtest/gtest.h>

#include <iostream>

TEST(NoSkipRule, AFailureThatPrintsSkippedTextIsAFailure) {
    std::cout << "[  SKIPPED ] auth.unsigned-request (0 ms)\n";
    FAIL() << "this failure must reach CTest as a failure";
}
