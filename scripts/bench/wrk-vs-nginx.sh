#!/usr/bin/env bash
# Throughput of the reference server (`kmsconf serve --threads 1`) against nginx (1 worker,
# `return 200` of an operation body), the same wrk command against each, at 1 and 16 connections,
# over several rounds; every round's ratio is printed, then the median, and whether each round met
# the goal (issue 27: >= 0.9). Then it hammers the server with malformed bodies and counts 5xx
# answers (there must be none).
#
# A round is SLICES turns of `seconds` against each server, the order rotating from turn to turn
# (whoever runs right after another run tends to be a few % faster here), and a server's rate in
# the round is the mean of its turns. A second, identical nginx (the control) takes its turns
# beside them: its ratio to the first nginx is what the machine's noise alone makes of two equal
# servers, so a reference/nginx ratio inside the control's spread is no difference at all.
#
#   scripts/bench/wrk-vs-nginx.sh [seconds=1] [rounds=3]   CONNS="1 16" SLICES=3 (wrk threads: 1, or 2 from 2 connections)
#   PIN=same   wrk and the servers all on CPU 0 (taskset): a round trip is then two context switches
#              on one CPU, not two wake-ups of an idle CPU (on this VM ~55 us of a ~60 us round trip
#              at 1 connection), so the ratio says what each server costs, which the wake-ups hide
#   PIN=split  the servers on CPU 1, wrk on CPU 0
#   SCHED=batch  wrk under SCHED_BATCH (chrt --batch 0): its wake-ups never preempt a server that
#              shares its CPU (lib/peers.sh)
#
# Loopback only; each wrk run is bounded by -d. Needs wrk and nginx-light (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib/peers.sh
secs=${1:-1}; rounds=${2:-3}; slices=${SLICES:-3}; conn_counts=${CONNS:-1 16}
set_pinning
kmsconf=build/harness/kmsconf
[ -x "$kmsconf" ] || ./scripts/build.sh >&2
work=$(mktemp -d)
pids=()
# KEEP_WORK=1 keeps the work folder (every wrk output, the turns) once the servers are stopped.
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
    if [ -n "${KEEP_WORK:-}" ]; then echo "work folder (kept): $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# nginx answering a fixed operation body (lib/peers.sh) on PORT; fails when it does not bind.
start_nginx() {  # dir port
    write_nginx_conf "$1" "$2"
    "${on_server[@]}" nginx -p "$1" -c "$1/nginx.conf" -g 'daemon off;' 2>>"$work/nginx-start.log" &
    nginx_pid=$!
    pids+=("$nginx_pid")
    wait_port "$2" "$nginx_pid"
}

# Fresh processes for every round: the reference server (one I/O thread, like nginx's one worker),
# nginx, and its identical twin (the control), each warmed up by one untimed second, since the
# first requests of a new process (page faults, cold caches) would otherwise count. Fresh,
# because a process keeps its luck: two identical nginx kept for a whole run differed by 7-10%
# in every round at 1 connection, more than the difference being measured.
path=/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate
declare -A target
servers=(reference nginx control)
start_reference() {
    "${on_server[@]}" "$kmsconf" serve --port 0 --threads 1 >"$work/serve.out" &
    pids+=($!)
    local ref_url
    ref_url=$(listening_url "$work/serve.out")
    [ -n "$ref_url" ] || { echo "reference server did not start" >&2; exit 1; }
    target[reference]="${ref_url%/v2}$path"
}
start_servers() {
    pids=()
    start_reference
    local name candidate port
    for name in nginx control; do
        port=
        for _ in $(seq 10); do
            candidate=$(free_port) || continue
            if start_nginx "$work/$name" "$candidate"; then port=$candidate; break; fi
        done
        [ -n "$port" ] || { echo "nginx did not start: $(cat "$work/nginx-start.log")" >&2; exit 1; }
        target[$name]="http://127.0.0.1:$port$path"
    done
    for name in "${servers[@]}"; do
        secs=1 run_wrk warm "${target[$name]}" scripts/bench/wrk/post-valid.lua 16 >/dev/null
    done
}
stop_servers() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
}

# requests/s of one wrk run (and its 5xx/socket errors on stderr).
run_wrk() {  # name url script connections
    local threads=$(( $4 >= 2 ? 2 : 1 ))
    "${on_client[@]}" wrk -t"$threads" -c"$4" -d"${secs}s" -s "$3" "$2" >"$work/$1.txt" 2>&1 || true
    local rps errs
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.txt")
    errs=$(sed -n 's/.*Socket errors: \(.*\)/\1/p' "$work/$1.txt")
    [ -z "$errs" ] || echo "  $1: socket errors: $errs" >&2
    echo "${rps:-0}"
}

echo "wrk, POST a valid replicate body; the reference server (kmsconf serve --threads 1), nginx (1 worker) and an identical"
echo "nginx (the control) in turn: $rounds rounds of $slices turns of ${secs} s each, fresh processes every round${PIN:+; PIN=$PIN}"
echo "(the reference server answers 400 Conflict once the zone is replicated: its contract, and the steady state under load)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$work/turns"
for conns in $conn_counts; do
    for round in $(seq "$rounds"); do
        start_servers
        for slice in $(seq "$slices"); do
            # Rotate the order: each server runs first, second and third in turn.
            for i in 0 1 2; do
                name=${servers[$(( (slice + round + i) % 3 ))]}
                echo "$conns $round $name $(run_wrk "$name" "${target[$name]}" scripts/bench/wrk/post-valid.lua "$conns")" >>"$work/turns"
            done
        done
        stop_servers
    done
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/turns" <<'PY'
import statistics as st, sys
from collections import OrderedDict, defaultdict
goal = 0.9
turns = OrderedDict()  # (conns, round) -> server -> [requests/s of each turn]
for line in open(sys.argv[1]):
    f = line.split()
    if f: turns.setdefault((int(f[0]), int(f[1])), defaultdict(list))[f[2]].append(float(f[3]))
print("\n%-11s %-6s %12s %12s %12s %8s %9s" % ("connections", "round", "reference/s", "nginx/s", "control/s", "ratio", "control"))
rounds = OrderedDict()  # conns -> [(ratio, control ratio)]
for (conns, rnd), by in turns.items():
    r, n, c = (st.mean(by[k]) for k in ("reference", "nginx", "control"))
    q, qc = (r / n if n > 0 else 0.0), (c / n if n > 0 else 0.0)
    rounds.setdefault(conns, []).append((q, qc))
    print("%-11s %-6d %12.0f %12.0f %12.0f %8.3f %9.3f" % (conns if len(rounds[conns]) == 1 else "", rnd, r, n, c, q, qc))
verdicts = []
for conns, rows in rounds.items():
    ratios, controls = [q for q, _ in rows], [c for _, c in rows]
    met = all(q >= goal for q in ratios)
    verdicts.append(met)
    print("%-11s median ratio %.3f; every round >= %.1f: %s; control (nginx against itself) %.3f-%.3f"
          % (conns, st.median(ratios), goal, "yes" if met else "NO", min(controls), max(controls)))
print("\nratio: reference/nginx, each the mean of the round's turns; control: the twin nginx/nginx, the noise floor")
print("goal (every round, every connection count): %s" % ("met" if all(verdicts) else "NOT met"))
PY
echo
echo "malformed bodies, reference server, 16 connections (5xx must be 0):"
start_reference
wrk -t2 -c16 -d"$(( secs > 3 ? secs : 3 ))s" -s scripts/bench/wrk/post-malformed.lua "${target[reference]}" >"$work/malformed.txt" 2>&1 || true
grep -E '^(5xx|statuses)|Requests/sec' "$work/malformed.txt" || true
if ! grep -q '^5xx: 0$' "$work/malformed.txt"; then echo "FAIL: 5xx answers to malformed input" >&2; exit 1; fi
