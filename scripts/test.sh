#!/usr/bin/env bash
# README command 2: installs what the tests need, builds everything and runs the project's own
# tests with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --tests
# Configured afresh: a tree command 1 configured before help2man was there gets its man pages.
cmake --preset default >/dev/null
./scripts/build.sh
log=build/ctest-last.log
ctest --preset default -j "$(nproc)" "$@" 2>&1 | tee "$log"
# A skipped test does not fail ctest, and none of this project's tests skips on purpose: a test
# CTest did not run (skipped, not built, disabled) is a failure of the run.
if grep -q 'The following tests did not run' "$log"; then
  echo "test: some tests did not run (see above); every test must run" >&2
  exit 1
fi
