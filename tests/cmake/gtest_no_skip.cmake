# kms_gtest_discover_tests(target ...): gtest_discover_tests, minus its skip rule.
#
# gtest_discover_tests (CMake 3.25) gives every test SKIP_REGULAR_EXPRESSION "\[  SKIPPED \]",
# and CTest reports a test whose output matches it as Skipped however the test ended; a skipped
# test does not fail `ctest`. An end-to-end test prints the kmsconf console (GoogleTest's
# `[  SKIPPED ]` lines for the cases a run skips), so a FAILED end-to-end test read as Skipped
# and CI stayed green. SKIP_REGULAR_EXPRESSION is a list that a later set_tests_properties only
# extends, so the rule is removed where CTest reads the discovered tests: this function puts a
# wrapper (gtest_no_skip_include.cmake) in place of gtest's include file. This project's tests
# never call GTEST_SKIP: a test that cannot run fails.
set(KMS_GTEST_NO_SKIP_INCLUDE "${CMAKE_CURRENT_LIST_DIR}/gtest_no_skip_include.cmake")

function(kms_gtest_discover_tests target)
  gtest_discover_tests(${target} ${ARGN})
  get_property(includes DIRECTORY PROPERTY TEST_INCLUDE_FILES)
  list(POP_BACK includes gtest_include)  # the one gtest_discover_tests just appended
  string(REPLACE "_include.cmake" "_tests.cmake" tests_file "${gtest_include}")
  set(wrapper "${CMAKE_CURRENT_BINARY_DIR}/${target}_no_skip.cmake")
  file(WRITE "${wrapper}"
    "set(KMS_GTEST_TESTS_FILE [==[${tests_file}]==])\n"
    "set(KMS_GTEST_INCLUDE [==[${gtest_include}]==])\n"
    "include([==[${KMS_GTEST_NO_SKIP_INCLUDE}]==])\n")
  list(APPEND includes "${wrapper}")
  set_property(DIRECTORY PROPERTY TEST_INCLUDE_FILES "${includes}")
endfunction()
