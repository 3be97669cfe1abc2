// GoogleTest, configured for a run by kmsconf alone. GoogleTest reads GTEST_FILTER,
// GTEST_REPEAT, GTEST_SHUFFLE, GTEST_FLAGFILE, GTEST_OUTPUT, ... into its flags when the
// program starts, and GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX when the tests run: inherited
// from a CI job that runs other GoogleTest programs, they would make a conformance run skip,
// repeat or reorder cases, or write an XML report of its own. So every flag is set here, and those
// variables are removed from this process's environment.
#pragma once

namespace kms {

// Call once, before registering the case tests and RUN_ALL_TESTS(). GoogleTest writes no XML
// (junit.xml comes from the tally: junit_writer.hpp); `brief`: print only failures; `colour`:
// its printer may colour (ConsoleStyle::colour).
void init_googletest_for_run(bool brief, bool colour);

}  // namespace kms
