#!/usr/bin/env bash
# The robustness runs of issue 11, in the order a CI job would take them: the whole suite under
# ASan + UBSan, the bench and server tests under TSan, then every fuzz target for FUZZ_SECONDS
# (default 15) each. Prints each step's duration and the total; stops at the first step that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${FUZZ_SECONDS:-15}
total=$SECONDS
step() {
  local name=$1
  shift
  local start=$SECONDS
  echo "ci-robustness: $name ..."
  "$@"
  echo "ci-robustness: $name took $((SECONDS - start))s"
}
step "sanitize asan" ./scripts/sanitize.sh asan
step "sanitize tsan" ./scripts/sanitize.sh tsan
step "fuzz ${fuzz_seconds}s a target" ./scripts/fuzz.sh "$fuzz_seconds"
echo "ci-robustness: all steps passed in $((SECONDS - total))s"
