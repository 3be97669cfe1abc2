#!/usr/bin/env bash
# The robustness runs of .ci/run on their own, in its order: the whole suite under ASan + UBSan,
# every fuzz target for FUZZ_SECONDS (default 15) each in that same sanitized tree, then the bench
# and server tests under TSan. Prints each step's duration and the total; stops at the first
# step that fails.
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
step "fuzz ${fuzz_seconds}s a target" ./scripts/fuzz.sh "$fuzz_seconds"
step "sanitize tsan" ./scripts/sanitize.sh tsan
echo "ci-robustness: all steps passed in $((SECONDS - total))s"
