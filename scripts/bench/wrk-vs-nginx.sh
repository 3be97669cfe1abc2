#!/usr/bin/env bash
# Throughput of the reference server (`kmsconf serve --threads 1`) against nginx (1 worker,
# `return 200` of an operation body), the same wrk command against each in turn, at 1 and 16
# connections, over several rounds; every round's ratio is printed, then the median, and whether
# each round met the goal (issue 27: >= 0.9). Each round runs both back to back, alternating
# which goes first, so that a neighbour's load on a shared machine hits both alike. Then it
# hammers the server with malformed bodies and counts 5xx answers (there must be none).
#
#   scripts/bench/wrk-vs-nginx.sh [seconds=3] [rounds=3]        CONNS="1 16" (wrk threads: 1, or 2 from 2 connections)
#
# Loopback only; each wrk run is bounded by -d. Needs wrk and nginx-light (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib/peers.sh
secs=${1:-3}; rounds=${2:-3}; conn_counts=${CONNS:-1 16}
kmsconf=build/harness/kmsconf
[ -x "$kmsconf" ] || ./scripts/build.sh >&2
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[ -n "${KEEP_WORK:-}" ] && trap - EXIT

# The reference server, one I/O thread (nginx below runs one worker: like for like).
"$kmsconf" serve --port 0 --threads 1 >"$work/serve.out" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
ref_url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$work/serve.out")
[ -n "$ref_url" ] || { echo "reference server did not start" >&2; exit 1; }
ref_origin=${ref_url%/v2}

# nginx answering a fixed operation body (lib/peers.sh), on a free loopback port (tried until one binds).
start_nginx() {
  write_nginx_conf "$work/nginx" "$1"
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>>"$work/nginx-start.log" &
  nginx_pid=$!
  wait_port "$1" "$nginx_pid"
}
port=
for _ in $(seq 10); do
  candidate=$(free_port) || continue
  if start_nginx "$candidate"; then port=$candidate; pids+=("$nginx_pid"); break; fi
done
[ -n "$port" ] || { echo "nginx did not start: $(cat "$work/nginx-start.log")" >&2; exit 1; }

# requests/s of one wrk run (and its 5xx/socket errors on stderr).
run_wrk() {  # name url script connections
    local threads=$(( $4 >= 2 ? 2 : 1 ))
    wrk -t"$threads" -c"$4" -d"${secs}s" -s "$3" "$2" >"$work/$1.txt" 2>&1 || true
    local rps errs
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.txt")
    errs=$(sed -n 's/.*Socket errors: \(.*\)/\1/p' "$work/$1.txt")
    [ -z "$errs" ] || echo "  $1: socket errors: $errs" >&2
    echo "${rps:-0}"
}

ref_target="$ref_origin/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate"
nginx_target="http://127.0.0.1:$port/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate"
echo "wrk -d${secs}s, POST a valid replicate body; reference server (kmsconf serve --threads 1) and nginx (1 worker) in turn, $rounds rounds"
echo "(the reference server answers 400 Conflict once the zone is replicated: its contract, and the steady state under load)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# One untimed second each first: the first requests of a fresh process (page faults, cold
# caches) would otherwise be charged to whichever server round 1 runs first.
run_wrk warm "$ref_target" scripts/bench/wrk/post-valid.lua 16 >/dev/null
run_wrk warm "$nginx_target" scripts/bench/wrk/post-valid.lua 16 >/dev/null
for conns in $conn_counts; do
    : >"$work/rounds.$conns"
    for round in $(seq "$rounds"); do
        if [ $((round % 2)) = 1 ]; then
            r=$(run_wrk reference "$ref_target" scripts/bench/wrk/post-valid.lua "$conns")
            n=$(run_wrk nginx "$nginx_target" scripts/bench/wrk/post-valid.lua "$conns")
        else
            n=$(run_wrk nginx "$nginx_target" scripts/bench/wrk/post-valid.lua "$conns")
            r=$(run_wrk reference "$ref_target" scripts/bench/wrk/post-valid.lua "$conns")
        fi
        echo "$r $n" >>"$work/rounds.$conns"
    done
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" $conn_counts <<'PY'
import statistics as st, sys
work, counts = sys.argv[1], sys.argv[2:]
goal = 0.9
print("\n%-11s %-6s %12s %12s %8s" % ("connections", "round", "reference/s", "nginx/s", "ratio"))
verdicts = []
for conns in counts:
    rows = [list(map(float, l.split())) for l in open("%s/rounds.%s" % (work, conns)) if l.strip()]
    ratios = [r / n if n > 0 else 0.0 for r, n in rows]
    for i, ((r, n), q) in enumerate(zip(rows, ratios), 1):
        print("%-11s %-6d %12.0f %12.0f %8.3f" % (conns if i == 1 else "", i, r, n, q))
    met = all(q >= goal for q in ratios)
    verdicts.append(met)
    print("%-11s median ratio %.3f; every round >= %.1f: %s" % ("", st.median(ratios), goal, "yes" if met else "NO"))
print("\ngoal (every round, every connection count): %s" % ("met" if all(verdicts) else "NOT met"))
PY

echo
echo "malformed bodies, reference server, 16 connections (5xx must be 0):"
wrk -t2 -c16 -d"${secs}s" -s scripts/bench/wrk/post-malformed.lua "$ref_target" >"$work/malformed.txt" 2>&1 || true
grep -E '^(5xx|statuses)|Requests/sec' "$work/malformed.txt" || true
if ! grep -q '^5xx: 0$' "$work/malformed.txt"; then echo "FAIL: 5xx answers to malformed input" >&2; exit 1; fi
