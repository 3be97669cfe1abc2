#!/usr/bin/env bash
# kmsconf bench against wrk, in one go, on the same reference server (`kmsconf serve --threads 1`,
# a separate process for both clients), the same request bytes (POST a valid replicate body with
# the same headers: scripts/bench/wrk/post-valid-same-headers.lua), the same connection counts (1 and
# 16), the same duration and the same number of client threads.
# Prints requests/s, p50 and p99 of both (medians over the rounds) and the ratio kmsconf/wrk
# (the median of each round's ratio). Each round runs both tools back to back, alternating
# which goes first, so that a neighbour's build on a shared machine hits both alike.
#
#   scripts/bench/compare-wrk.sh [seconds=3] [rounds=5]        THREADS=1 (client threads, both tools)
#
# Goal (issue 4): requests/s ratio >= 1.0 at 1 connection, >= 0.9 at 16. Loopback only; every
# run is bounded by its duration. Needs wrk and python3 (scripts/setup.sh installs both).
# KMSCONF=path/to/kmsconf overrides build/harness/kmsconf.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-3}; rounds=${2:-5}; threads=${THREADS:-1}
kmsconf=${KMSCONF:-build/harness/kmsconf}
[ -x "$kmsconf" ] || ./scripts/build.sh >&2
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/setup.sh)" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$kmsconf" serve --port 0 --threads 1 >"$work/serve.out" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
ref_url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$work/serve.out")
[ -n "$ref_url" ] || { echo "reference server did not start" >&2; exit 1; }
target="$ref_url/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate"

# "rps p50_us p99_us" of one wrk run (wrk prints latencies with units).
run_wrk() {
    wrk -t"$threads" -c"$1" -d"${secs}s" --latency -s scripts/bench/wrk/post-valid-same-headers.lua "$target" >"$work/wrk.txt" 2>&1
    python3 - "$work/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def us(v, unit): return float(v) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]
pct = {p: us(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)}
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
if not rps or len(pct) != 2: sys.exit("cannot parse wrk output:\n" + text)
errors = re.search(r"Socket errors: (.*)", text)
if errors: print("wrk socket errors: " + errors.group(1), file=sys.stderr)
print(rps.group(1), pct["50"], pct["99"])
PY
}

# The same figures from kmsconf bench's bench.json (the valid replicate only; no warm-up, as wrk).
run_kmsconf() {
    rm -rf "$work/report"
    "$kmsconf" bench --base-url "$ref_url" --allow-mutations --filter valid --connections "$1" --threads "$threads" \
        --duration "$secs" --warmup 0 --no-progress --report-dir "$work/report" >"$work/kmsconf.txt" 2>&1 ||
        { cat "$work/kmsconf.txt" >&2; exit 1; }
    python3 - "$work/report/bench.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"][0]
if b.get("errors", 0): print("kmsconf errors: %d" % b["errors"], file=sys.stderr)
print(b["requests_per_second"], b["p50_us"], b["p99_us"])
PY
}

echo "reference server: $ref_url (kmsconf serve --threads 1); POST valid replicate; ${secs} s per run, $rounds rounds, $threads client thread(s)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (a busy machine makes every figure noisy; the ratios are what to read)"
wrk -t1 -c1 -d1s -s scripts/bench/wrk/post-valid-same-headers.lua "$target" >/dev/null 2>&1 || true  # warm the server up
for conns in 1 16; do
    : >"$work/rounds.$conns"
    for round in $(seq "$rounds"); do
        # Alternate which tool goes first, so that a drift in the machine's load favours neither.
        if [ $((round % 2)) = 1 ]; then w=$(run_wrk "$conns"); k=$(run_kmsconf "$conns")
        else k=$(run_kmsconf "$conns"); w=$(run_wrk "$conns"); fi
        echo "$w $k" >>"$work/rounds.$conns"
    done
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" <<'PY'
import statistics as st, sys
work = sys.argv[1]
print("\n%-11s %-8s %12s %10s %10s" % ("connections", "client", "req/s", "p50 us", "p99 us"))
for conns, goal in ((1, 1.0), (16, 0.9)):
    rows = [list(map(float, l.split())) for l in open("%s/rounds.%d" % (work, conns)) if l.strip()]
    med = lambda i: st.median(r[i] for r in rows)
    print("%-11d %-8s %12.0f %10.0f %10.0f" % (conns, "wrk", med(0), med(1), med(2)))
    print("%-11s %-8s %12.0f %10.0f %10.0f" % ("", "kmsconf", med(3), med(4), med(5)))
    # Each round's ratio compares two runs made seconds apart; their median resists the load
    # of the rest of the machine better than a ratio of medians does.
    ratios = [r[3] / r[0] for r in rows]
    ratio = st.median(ratios)
    print("%-11s ratio kmsconf/wrk: req/s %.3f (median of rounds; goal >= %.2f: %s), p50 %.2f, p99 %.2f"
          % ("", ratio, goal, "met" if ratio >= goal else "NOT met", med(4) / med(1), med(5) / med(2)))
    print("%-11s rounds' req/s ratios: %s" % ("", " ".join("%.3f" % r for r in ratios)))
PY
