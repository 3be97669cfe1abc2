// The translation unit kms_test_pch compiles so that its precompiled header (GoogleTest) exists
// for the test executables to reuse (tests/CMakeLists.txt). It defines nothing.
