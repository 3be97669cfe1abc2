# KMSCONF_VERSION: the version `kmsconf --version` prints, the reports record and the Debian
# package carries. project()'s version, and in a git checkout what git says of the commit, so
# that builds of two commits never claim one version:
#   HEAD tagged v<project version>, clean tree   0.1.0
#   N commits after the tag v0.1.0               0.1.0+git<N>.g<hash>
#   no such tag                                  0.1.0+g<hash>
#   uncommitted changes                          ... .dirty appended
# A source tree without git (a tarball) is the project version alone. Computed at configure
# time; a commit or a checkout re-runs the configure step (the git files below are configure
# dependencies), and scripts/package.sh configures afresh, so that a package's version is its
# tree's. Written into a generated header that only harness/report/tool_version.cpp includes,
# so that a new version recompiles one file.
set(KMSCONF_VERSION "${PROJECT_VERSION}")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(
    COMMAND "${GIT_EXECUTABLE}" -C "${CMAKE_SOURCE_DIR}" describe --tags --match "v[0-9]*" --long --always --dirty=.dirty
    OUTPUT_VARIABLE kms_git_describe OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE kms_git_result ERROR_QUIET)
  if(kms_git_result EQUAL 0 AND NOT kms_git_describe STREQUAL "")
    if(kms_git_describe MATCHES "^v([0-9.]+)-([0-9]+)-g([0-9a-f]+)(\\.dirty)?$")
      set(kms_tag "${CMAKE_MATCH_1}")
      set(kms_ahead "${CMAKE_MATCH_2}")
      set(kms_hash "${CMAKE_MATCH_3}")
      set(kms_dirty "${CMAKE_MATCH_4}")
      if(kms_tag VERSION_EQUAL PROJECT_VERSION AND kms_ahead EQUAL 0 AND NOT kms_dirty)
        set(KMSCONF_VERSION "${PROJECT_VERSION}")
      elseif(kms_tag VERSION_EQUAL PROJECT_VERSION AND kms_ahead EQUAL 0)
        set(KMSCONF_VERSION "${PROJECT_VERSION}+g${kms_hash}${kms_dirty}")
      else()
        set(KMSCONF_VERSION "${PROJECT_VERSION}+git${kms_ahead}.g${kms_hash}${kms_dirty}")
      endif()
    elseif(kms_git_describe MATCHES "^([0-9a-f]+)(\\.dirty)?$")
      set(KMSCONF_VERSION "${PROJECT_VERSION}+g${CMAKE_MATCH_1}${CMAKE_MATCH_2}")
    endif()
    # Re-configure when HEAD moves: HEAD itself (a checkout) and the branch it names (a commit).
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${CMAKE_SOURCE_DIR}" rev-parse --absolute-git-dir
                    OUTPUT_VARIABLE kms_git_dir OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${CMAKE_SOURCE_DIR}" rev-parse --path-format=absolute --git-common-dir
                    OUTPUT_VARIABLE kms_git_common_dir OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${CMAKE_SOURCE_DIR}" symbolic-ref -q HEAD
                    OUTPUT_VARIABLE kms_git_ref OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    foreach(f "${kms_git_dir}/HEAD" "${kms_git_common_dir}/${kms_git_ref}" "${kms_git_common_dir}/packed-refs")
      if(EXISTS "${f}" AND NOT IS_DIRECTORY "${f}")
        set_property(DIRECTORY "${CMAKE_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${f}")
      endif()
    endforeach()
  endif()
endif()
message(STATUS "kmsconf version ${KMSCONF_VERSION}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/kmsconf_version.hpp.in" "${CMAKE_BINARY_DIR}/generated/kmsconf_version.hpp" @ONLY)
