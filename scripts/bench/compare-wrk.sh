#!/usr/bin/env bash
# kmsconf bench against wrk, in one go, over HTTP and HTTPS, each on its own reference server
# (`kmsconf serve --threads 1`, a separate process for both clients; HTTPS with a throw-away EC
# P-256 certificate made here), the same request bytes (POST a valid replicate body with the same
# headers: scripts/bench/wrk/post-valid-same-headers.lua), the same connection counts (1 and 16),
# the same duration and the same number of client threads. kmsconf verifies the certificate
# (--ca-file); wrk does not verify, which costs nothing per request on a kept connection.
#
# A round is SLICES runs of each tool, `seconds` each, the tools taking turns (the one that starts
# rotates from slice to slice), so that a neighbour's build on a shared machine, whose bursts last
# seconds, hits all alike; a tool's requests/s in a round is the mean of its slices' (equal
# durations), its p50 and p99 the median of its slices'. wrk runs twice in every slice: the
# second run (the control) against the first is what the machine's noise alone makes of one tool
# against itself, so a kmsconf/wrk ratio inside the control's spread is no difference at all.
# Prints every round: both tools' requests/s, p50 and p99, the ratio kmsconf/wrk of their
# requests/s and the control's; then per scheme and connection count the medians over the rounds,
# the median of the rounds' ratios, whether every round met the goal, and the control's spread.
#
#   scripts/bench/compare-wrk.sh [seconds=1] [rounds=3]
#   KMSCONF=path/to/kmsconf (default build/harness/kmsconf), SLICES=3, THREADS=1 (client threads,
#   both tools), SCHEMES="http https", CONNS="1 16". Takes about 2 x 2 x rounds x 3 x SLICES x
#   (seconds + 0.2) s: 2.5 min at the defaults.
#   PIN=same   clients and servers all on CPU 0 (taskset): the two then share one CPU, so the
#              cheaper client leaves the server more of it, and the ratio says what each client
#              costs per request (unpinned, the server is the bottleneck at 16 connections and the
#              ratio sits at 1.0 whichever client drives it; at 1 connection it waits on the wake-ups
#              of idle CPUs, ~55 us of a ~60 us round trip on this VM)
#   PIN=split  the servers on CPU 1, the clients on CPU 0
#   SCHED=batch  both clients under SCHED_BATCH (chrt --batch 0): a client's wake-up by a response
#              then never preempts the server it shares a CPU with (PIN=same), so the server
#              answers a batch before the client reads them (see docs/bench.md)
#
# Goal (issue 27): the requests/s ratio kmsconf/wrk >= 1.0 in every round, at 1 and at 16
# connections, over HTTP and HTTPS. Loopback only; every run is bounded by its duration (and a
# `timeout` beyond it). Needs wrk, openssl and python3 (scripts/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib/peers.sh
secs=${1:-1}; rounds=${2:-3}; slices=${SLICES:-3}; threads=${THREADS:-1}
schemes=${SCHEMES:-"http https"}; conns_list=${CONNS:-"1 16"}
kmsconf=${KMSCONF:-build/harness/kmsconf}
set_pinning
# A kmsconf copied out of the build tree finds its schemas here.
export KMSCONF_SCHEMAS_DIR=${KMSCONF_SCHEMAS_DIR:-$PWD/schemas}
limit=$((secs + 30))  # seconds any one client run may take
[ -x "$kmsconf" ] || ./scripts/build.sh >&2
for t in wrk openssl python3; do
    command -v "$t" >/dev/null || { echo "$t is not installed (scripts/setup.sh)" >&2; exit 2; }
done
lua=scripts/bench/wrk/post-valid-same-headers.lua
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

make_test_cert "$work"

# One reference server per scheme; its first replicate is the 200, every later one the 400
# Conflict, for both tools alike.
declare -A base
for scheme in $schemes; do
    tls=()
    [ "$scheme" = https ] && tls=(--tls-cert "$work/cert.pem" --tls-key "$work/key.pem")
    "${on_server[@]}" "$kmsconf" serve --port 0 --threads 1 "${tls[@]}" >"$work/serve.$scheme" 2>&1 &
    pids+=($!)
    base[$scheme]=$(listening_url "$work/serve.$scheme")
    [ -n "${base[$scheme]}" ] || { echo "$scheme reference server did not start: $(cat "$work/serve.$scheme")" >&2; exit 1; }
done
target() { echo "${base[$1]}/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate"; }

# "rps p50_us p99_us" of one wrk run (wrk prints latencies with units).
run_wrk() {  # scheme conns
    timeout "$limit" "${on_client[@]}" wrk -t"$threads" -c"$2" -d"${secs}s" --latency -s "$lua" "$(target "$1")" >"$work/wrk.txt" 2>&1 ||
        { cat "$work/wrk.txt" >&2; exit 1; }
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
run_kmsconf() {  # scheme conns
    local ca=()
    [ "$1" = https ] && ca=(--ca-file "$work/cert.pem")
    rm -rf "$work/report"
    timeout "$limit" "${on_client[@]}" "$kmsconf" bench --base-url "${base[$1]}" "${ca[@]}" --allow-mutations --filter valid \
        --connections "$2" --threads "$threads" --duration "$secs" --warmup 0 --no-progress \
        --report-dir "$work/report" >"$work/kmsconf.txt" 2>&1 || { cat "$work/kmsconf.txt" >&2; exit 1; }
    python3 - "$work/report/bench.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"][0]
if b.get("errors", 0): print("kmsconf errors: %d" % b["errors"], file=sys.stderr)
print(b["requests_per_second"], b["p50_us"], b["p99_us"])
PY
}

echo "reference servers: $(for s in $schemes; do printf "%s " "${base[$s]}"; done)(kmsconf serve --threads 1 each); POST valid replicate;" \
    "$rounds rounds of $slices runs of ${secs} s per tool (wrk twice: the control), taking turns; $threads client thread(s)${PIN:+; PIN=$PIN}${SCHED:+; SCHED=$SCHED}; kmsconf: $kmsconf"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (a busy machine makes every figure noisy; the ratios are what to read)"
for scheme in $schemes; do  # warm the servers up
    timeout 10 wrk -t1 -c1 -d1s -s "$lua" "$(target "$scheme")" >/dev/null 2>&1 || true
done
: >"$work/rounds"
for scheme in $schemes; do
    for conns in $conns_list; do
        for round in $(seq "$rounds"); do
            for slice in $(seq "$slices"); do
                # Rotate the order, so that a drift in the machine's load favours none of the three.
                declare -A got=()
                for i in 0 1 2; do
                    case $(( (round + slice + i) % 3 )) in
                        0) got[wrk]=$(run_wrk "$scheme" "$conns") ;;
                        1) got[kmsconf]=$(run_kmsconf "$scheme" "$conns") ;;
                        2) got[control]=$(run_wrk "$scheme" "$conns") ;;
                    esac
                done
                echo "$scheme $conns $round ${got[wrk]} ${got[kmsconf]} ${got[control]}" >>"$work/rounds"
            done
        done
    done
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/rounds" <<'PY'
import statistics as st, sys
from collections import OrderedDict
goal = 1.0
slices = OrderedDict()
for line in open(sys.argv[1]):
    f = line.split()
    if f: slices.setdefault((f[0], int(f[1]), int(f[2])), []).append(list(map(float, f[3:])))
# A round: the mean requests/s of its slices (equal durations), the median p50 and p99.
groups = OrderedDict()
for (scheme, conns, rnd), rs in slices.items():
    col = lambda i: [r[i] for r in rs]
    groups.setdefault((scheme, conns), []).append([rnd, st.mean(col(0)), st.median(col(1)), st.median(col(2)),
                                                   st.mean(col(3)), st.median(col(4)), st.median(col(5)),
                                                   st.mean(col(6))])

# Columns of a row: round, wrk rps p50 p99, kmsconf rps p50 p99, control (wrk again) rps.
print("\n%-6s %5s %5s %12s %12s %8s %8s %9s %9s %9s %9s" % ("scheme", "conns", "round", "wrk req/s", "kmsconf req/s",
      "ratio", "control", "wrk p50", "kms p50", "wrk p99", "kms p99"))
for (scheme, conns), rows in groups.items():
    for r in rows:
        print("%-6s %5d %5d %12.0f %12.0f %8.3f %8.3f %6.0f us %6.0f us %6.0f us %6.0f us"
              % (scheme, conns, r[0], r[1], r[4], r[4] / r[1], r[7] / r[1], r[2], r[5], r[3], r[6]))

print("\nper scheme and connections: medians of the rounds; the ratio kmsconf/wrk of requests/s is the median of"
      " the rounds' ratios\n(each compares slices run in turn: it resists the machine's other load better than a ratio"
      " of medians)")
all_met = True
for (scheme, conns), rows in groups.items():
    med = lambda i: st.median(r[i] for r in rows)
    ratios = [r[4] / r[1] for r in rows]
    every = all(x >= goal for x in ratios)
    all_met = all_met and every
    controls = [r[7] / r[1] for r in rows]
    print("%-6s %3d conn: req/s wrk %.0f kmsconf %.0f; ratio %.3f (rounds: %s; every round >= %.1f: %s); p50 %.2f, p99 %.2f;"
          " control (wrk against itself) %.3f-%.3f"
          % (scheme, conns, med(1), med(4), st.median(ratios), " ".join("%.3f" % x for x in ratios), goal,
             "yes" if every else "NO", med(5) / med(2), med(6) / med(3), min(controls), max(controls)))
whole = {(s, c) for s in ("http", "https") for c in (1, 16)} <= set(groups)
print("\ngoal (issue 27): requests/s ratio kmsconf/wrk >= %.1f in every round, at 1 and at 16 connections, HTTP and HTTPS: %s"
      % (goal, ("met" if all_met else "NOT met") + ("" if whole else " for the part measured (%s)"
         % ", ".join("%s %d" % k for k in groups))))
PY
