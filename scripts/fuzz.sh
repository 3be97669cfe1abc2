#!/usr/bin/env bash
# Builds the libFuzzer targets (in the `asan` preset's tree: clang-14, ASan + UBSan, the same
# objects the sanitized ctest uses, so CI compiles the project once for both) and runs each for
# SECONDS (default 60), one after the other, starting from its seed corpus fuzz/corpus/<target>/
# and its kept regressions. New inputs go to build-asan/fuzz-corpus/<target>/ (not into git), a
# crash, leak or timeout input to build-asan/fuzz-findings/<target>/. Exits non-zero when any target found
# something, naming each and its input; copy such an input to fuzz/regressions/<target>/ once
# fixed, so that every ctest replays it.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 600 bench_response
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SECONDS must be a positive integer, got '$seconds'" >&2; exit 2; }

./scripts/setup.sh --tests
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
[ -f build-asan/build.ninja ] || cmake --preset asan "${launcher[@]}" >/dev/null
nice cmake --build --preset fuzzers -j "$(nproc)"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in build-asan/fuzz/fuzz_*; do targets+=("$(basename "$f" | sed 's/^fuzz_//')"); done
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no fuzz targets were built" >&2; exit 1; }

# halt_on_error: the first finding ends the run with its report; leak detection stays on.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
for t in "${targets[@]}"; do
  exe=build-asan/fuzz/fuzz_$t
  [ -x "$exe" ] || { echo "fuzz: no target '$t' (built: build-asan/fuzz/fuzz_*)" >&2; exit 2; }
  work=build-asan/fuzz-corpus/$t findings=build-asan/fuzz-findings/$t log=build-asan/fuzz-$t.log
  mkdir -p "$work" "$findings"
  seeds=(fuzz/corpus/"$t")
  [ -d fuzz/regressions/"$t" ] && seeds+=(fuzz/regressions/"$t")
  echo "fuzz: $t for ${seconds}s (log $log)"
  start=$SECONDS
  set +e
  nice "$exe" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$findings/" "$work" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  set -e
  stats=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
  if [ $rc -ne 0 ]; then
    kind=$(grep -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer): [a-z-]+|fuzz property failed: .*|runtime error: .*|ALARM: working on the last Unit for [0-9]+ seconds' "$log" | head -1)
    artifact=$(grep -oE "$findings/[^ ]+" "$log" | tail -1)
    echo "fuzz: $t FOUND: ${kind:-exit $rc} (input ${artifact:-none}); see $log" >&2
    failed+=("$t")
  else
    echo "fuzz: $t clean after $((SECONDS - start))s, ${stats:-?} inputs, ${cov:-cov ?}"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, no finding"
