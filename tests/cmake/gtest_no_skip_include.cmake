# Read by CTest in place of a gtest_discover_tests include file (see gtest_no_skip.cmake): the
# discovered tests, without their SKIP_REGULAR_EXPRESSION.
if(NOT EXISTS "${KMS_GTEST_TESTS_FILE}")
  include("${KMS_GTEST_INCLUDE}")  # not built yet: gtest's own file reports the test as NOT_BUILT
  return()
endif()
file(READ "${KMS_GTEST_TESTS_FILE}" kms_tests)
string(REPLACE [===[SKIP_REGULAR_EXPRESSION [==[\[  SKIPPED \]]==]]===] "" kms_tests "${kms_tests}")
# A CMake that spells the rule otherwise must not bring it back unnoticed.
if(kms_tests MATCHES "SKIP_REGULAR_EXPRESSION")
  message(FATAL_ERROR "${KMS_GTEST_TESTS_FILE}: a SKIP_REGULAR_EXPRESSION this project cannot remove; "
                      "see tests/cmake/gtest_no_skip.cmake")
endif()
file(WRITE "${KMS_GTEST_TESTS_FILE}.no-skip" "${kms_tests}")
include("${KMS_GTEST_TESTS_FILE}.no-skip")
