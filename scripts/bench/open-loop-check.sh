#!/usr/bin/env bash
# The open-loop claims of `kmsconf bench`, measured against a reference server process
# (`kmsconf serve --threads 1`), with the side-effect-free malformed request:
#
#  1. it holds the requested rate within 1% over a 10 s run at a rate the server can carry;
#  2. against a server that pauses 1 s once (SIGSTOP, then SIGCONT: the whole process stops,
#     as a GC pause or a VM steal would), the corrected p99 (timed from each request's
#     intended send) rises to the pause while the uncorrected p99 (timed from the actual send,
#     as wrk2's --u_latency) stays where it was without the pause: coordinated omission;
#  3. on the idle server at a tenth of its capacity (a 2 s closed loop on 1 connection measures
#     it), the corrected p50 is within 10 us of the uncorrected p50: the generator's own wake-up
#     lag is not charged to the server (the send lag is printed beside it).
#
#   scripts/bench/open-loop-check.sh [rate=2000] [stall-rate=200]     (about 50 s in all)
#
# Exits 1 when a claim does not hold. Loopback only; every run is bounded by its duration.
# KMSCONF=path/to/kmsconf overrides build/harness/kmsconf.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib/peers.sh
rate=${1:-2000}; stall_rate=${2:-200}; secs=10
kmsconf=${KMSCONF:-build/harness/kmsconf}
[ -x "$kmsconf" ] || ./scripts/build.sh >&2
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$kmsconf" serve --port 0 --threads 1 >"$work/serve.out" &
server=$!
pids+=($server)
url=$(listening_url "$work/serve.out")
[ -n "$url" ] || { echo "reference server did not start" >&2; exit 1; }

bench() {  # report-name, then extra flags
    local name=$1; shift
    "$kmsconf" bench --base-url "$url" --filter malformed --mode open --connections 4 --duration "$secs" --warmup 1 \
        --no-progress --report-dir "$work/$name" "$@" >"$work/$name.txt" 2>&1 || { cat "$work/$name.txt" >&2; exit 1; }
}
closed_bench() {  # report-name, then flags
    local name=$1; shift
    "$kmsconf" bench --base-url "$url" --filter malformed --no-progress --report-dir "$work/$name" "$@" \
        >"$work/$name.txt" 2>&1 || { cat "$work/$name.txt" >&2; exit 1; }
}
field() { python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["benchmarks"][0]; print(b[sys.argv[2]])' "$work/$1/bench.json" "$2"; }

echo "reference server $url (kmsconf serve --threads 1); open loop, 4 connections, ${secs} s + 1 s warm-up each"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. The rate.
bench rate --rate "$rate"
achieved=$(field rate requests_per_second)
backlog=$(field rate backlog_at_end)
errors=$(field rate errors)
rate_ok=$(python3 -c "import sys; a,r=float(sys.argv[1]),float(sys.argv[2]); print('held' if abs(a/r-1) <= 0.01 else 'NOT held')" "$achieved" "$rate")
python3 -c "import sys; a,r=float(sys.argv[1]),float(sys.argv[2]); print('\nrate: asked %.0f/s, achieved %.2f/s (%+.3f%%; within 1%%: %s); backlog at end %s, errors %s' % (r, a, (a/r-1)*100, sys.argv[3], sys.argv[4], sys.argv[5]))" \
    "$achieved" "$rate" "$rate_ok" "$backlog" "$errors"

# 2. The same load without and with a 1 s pause of the server, 3 s into the measured window.
bench steady --rate "$stall_rate"
bench "paused" --rate "$stall_rate" &
bench_pid=$!
sleep 4
kill -STOP "$server"
sleep 1
kill -CONT "$server"
wait "$bench_pid"

printf '\n%-22s %16s %16s %18s %18s\n' "at ${stall_rate}/s" "corrected p50" "corrected p99" "uncorrected p50" "uncorrected p99"
for run in steady paused; do
    printf '%-22s %13.0f us %13.0f us %15.0f us %15.0f us\n' "$([ $run = steady ] && echo 'no pause' || echo 'server paused 1 s')" \
        "$(field $run p50_us)" "$(field $run p99_us)" "$(field $run uncorrected_p50_us)" "$(field $run uncorrected_p99_us)"
done
stall_ok=$(python3 - "$(field steady p99_us)" "$(field paused p99_us)" "$(field steady uncorrected_p99_us)" "$(field paused uncorrected_p99_us)" <<'PY'
import sys
c0, c1, u0, u1 = map(float, sys.argv[1:])
# The pause delays ~rate requests by 0..1 s (about 10% of the run): the corrected p99 must be
# most of the pause; the uncorrected p99 must stay far below it (only the <= 4 requests in
# flight when it struck saw it after being sent).
rose = c1 >= 500_000
flat = u1 < 100_000
print("corrected p99 x%.0f (%s), uncorrected p99 x%.1f (%s): %s" % (
    c1 / max(c0, 1), "rose to the pause" if rose else "did NOT rise",
    u1 / max(u0, 1), "stayed well below the pause" if flat else "ROSE",
    "held" if rose and flat else "NOT held"))
PY
)
echo "$stall_ok"

# 3. A tenth of capacity on the idle server: the open loop's timing must add next to nothing.
closed_bench capacity --mode closed --connections 1 --duration 2 --warmup 0.5
idle_rate=$(python3 -c "import sys; print(max(10, round(float(sys.argv[1]) / 10)))" "$(field capacity requests_per_second)")
closed_bench idle --mode open --connections 4 --rate "$idle_rate" --duration 5 --warmup 1
idle_ok=$(python3 - "$(field capacity requests_per_second)" "$idle_rate" "$(field idle p50_us)" "$(field idle uncorrected_p50_us)" \
    "$(field idle send_lag_p50_us)" "$(field idle send_lag_p99_us)" <<'PY'
import sys
cap, rate, c50, u50, l50, l99 = map(float, sys.argv[1:])
gap = c50 - u50
print("\nidle server at a tenth of capacity (%.0f/s of %.0f/s closed-loop): corrected p50 %.0f us, uncorrected p50 %.0f us,"
      " gap %.0f us (within 10 us: %s); send lag p50 %.0f us, p99 %.0f us"
      % (rate, cap, c50, u50, gap, "held" if gap <= 10 else "NOT held", l50, l99))
PY
)
echo "$idle_ok"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$rate_ok" = held ] && [[ "$stall_ok" == *": held" ]] && [[ "$idle_ok" == *"10 us: held"* ]]
