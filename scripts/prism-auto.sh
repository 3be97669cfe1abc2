#!/bin/bash
# Does `kmsconf --contract auto` name the revision each official spec describes? Against an
# independent mock of each spec (Prism, scripts/prism/: npm @stoplight/prism-cli 5.16.0), run
# only the valid cases (Prism answered a truncated JSON body by hanging) and assert the
# revision line on the console. Prism's bodies are the spec's examples (reference.link
# "string", random ids), so the runs have findings: the exit code of kmsconf is not asserted.
#
# usage: scripts/prism-auto.sh SPEC_DIR
# SPEC_DIR holds the two official spec files, which the repository does not carry (docs/revisions.md):
# exoscale-openapi.yaml (2026-03-31) and exoscale-openapi-latest.yaml (2026-07-20), each GitHub
# exoscale/egoscale's v3/generator/source.yaml at the commit docs/contract.md "Sources" names.
# Exit 0 when both revisions are named right, 1 when one is not, 2 on a set-up problem.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "prism-auto: usage: scripts/prism-auto.sh SPEC_DIR (the folder holding the official specs; see docs/revisions.md)" >&2; exit 2; }
spec_dir=$1
kmsconf=${KMSCONF:-$repo/build/harness/kmsconf}
prism_dir=$repo/scripts/prism
for spec in exoscale-openapi.yaml exoscale-openapi-latest.yaml; do
  [ -f "$spec_dir/$spec" ] || { echo "prism-auto: no $spec_dir/$spec (give the folder holding the official specs as argument)" >&2; exit 2; }
done
[ -x "$kmsconf" ] || { echo "prism-auto: no $kmsconf (build it first: scripts/build.sh, or set KMSCONF)" >&2; exit 2; }
if [ ! -x "$prism_dir/node_modules/.bin/prism" ]; then
  # The lock file pins every package; install scripts are not run (one only reports telemetry).
  (cd "$prism_dir" && npm ci --no-audit --no-fund --ignore-scripts) >&2
fi

port=${PRISM_PORT:-4010}
prism_pid=
stop_prism() { if [ -n "$prism_pid" ]; then kill "$prism_pid" 2>/dev/null || true; wait "$prism_pid" 2>/dev/null || true; prism_pid=; fi; }
trap stop_prism EXIT

status=0
# spec file -> the revision it describes (docs/contract.md, "Sources")
for pair in "exoscale-openapi.yaml 2026-03-31" "exoscale-openapi-latest.yaml 2026-07-20"; do
  set -- $pair
  spec=$1 want=$2
  log=$(mktemp)
  "$prism_dir/node_modules/.bin/prism" mock -h 127.0.0.1 -p "$port" "$spec_dir/$spec" >"$log" 2>&1 &
  prism_pid=$!
  for _ in $(seq 1 120); do  # a large spec takes Prism some seconds to load
    grep -q "Prism is listening" "$log" && break
    kill -0 "$prism_pid" 2>/dev/null || break
    sleep 1
  done
  if ! grep -q "Prism is listening" "$log"; then
    echo "prism-auto: Prism did not start on $spec:" >&2; tail -5 "$log" >&2; exit 2
  fi
  reports=$(mktemp -d)
  # Prism serves the spec's paths without the /v2 of the real servers.
  out=$(timeout 300 "$kmsconf" --contract auto --base-url "http://127.0.0.1:$port" --filter 'valid.*' \
          --report-dir "$reports" --timeout-ms 5000 2>&1) || true
  line=$(grep '^kmsconf: contract ' <<<"$out" || true)
  summary=$(grep -E '^kmsconf: [0-9]+ passed' <<<"$out" || true)
  echo "$spec: $line"
  echo "  $summary (reports in $reports)"
  if [[ "$line" == "kmsconf: contract $want (--contract auto: "* ]]; then
    echo "  ok: $want"
  else
    echo "  WRONG: expected contract $want decided by --contract auto" >&2
    status=1
  fi
  stop_prism
  rm -f "$log"
done
exit $status
