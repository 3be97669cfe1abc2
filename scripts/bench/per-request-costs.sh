#!/usr/bin/env bash
# Instructions and system calls per request of the two load generators (`kmsconf bench`, wrk) and
# the two servers (`kmsconf serve --threads 1`, nginx with 1 worker answering `return 200` with
# the operation body, as in wrk-vs-nginx.sh), at 1 and 16 keep-alive connections, over HTTP (and
# HTTPS with SCHEMES="http https"). Issue 27, item 1.
#
#   scripts/bench/per-request-costs.sh [n1=1000] [n2=4000]
#   KMSCONF=/tmp/before/bin/kmsconf scripts/bench/per-request-costs.sh 1000 4000     (before/after)
#
# Method.
# - Instructions: valgrind --tool=callgrind (Ir, every thread of the process summed). Instruction
#   counts do not depend on the machine's other load, unlike times or perf cycles (and perf has no
#   hardware counters on this virtual machine).
# - System calls: strace -f -c (every thread), calls per system call, failed calls apart (e.g. a
#   recv that returns EAGAIN: how often depends on timing, so that figure is the second run's rate
#   rather than a difference; likewise epoll_wait/request varies with how many events each finds).
# - Per request, by difference: each program is measured twice, over n1 and over n2 requests, and
#   the figure is (count(n2) - count(n1)) / (requests(n2) - requests(n1)), so start-up, connection
#   set-up, warm-up, report writing and shutdown cancel out.
# - The program measured runs under the tool; its peer runs natively, so the program measured is
#   the bottleneck (a valgrind'ed program runs ~50x slower, a traced one ~3x). At 16 connections a
#   slowed program finds more events per epoll_wait than at full native speed, so its
#   epoll_wait/request is a lower bound of the native figure; the other calls are per request.
# - Servers: `kmsconf serve --port 0 --threads 1` and nginx (`master_process off`, i.e. the worker
#   loop in one process, so that one process holds the whole cost), driven by a native wrk that
#   sends the bytes `kmsconf bench` sends (scripts/bench/wrk/post-valid-same-headers.lua) and stops
#   after n responses; requests = the responses wrk counted (the server may answer up to
#   connections-1 more in flight when wrk stops: the same in both runs, so they cancel).
# - Clients: `kmsconf bench --filter valid --allow-mutations -n N --warmup 0 --threads 1` and
#   `wrk -t1 -s post-valid-same-headers.lua -d S`, both against one native `kmsconf serve
#   --threads 1` (no credentials, as in compare-wrk.sh), which answers 400 Conflict after the first
#   replicate. kmsconf bench: requests = bench.json's requests + errors; its instructions are
#   counted inside kms::bench::Shard::run() (the load loop) with callgrind's --toggle-collect,
#   because the reports written after the load vary with the latencies and would not cancel
#   exactly (BENCH_COLLECT= counts the whole process). wrk: requests = wrk's count; wrk cannot
#   stop at a count without a Lua response() callback, which would add work per response, so it
#   runs WRK_SECONDS="s1 s2" seconds instead.
#
# Profiles: with KEEP=DIR, `callgrind_annotate --inclusive=yes DIR/serve-http-c1.callgrind.4000`
# (start-up is a few % of such a run). For the steady state alone, zero and dump a running server:
# `callgrind_control -z PID` after a warm-up load, `callgrind_control -d PID` after N requests.
#
# Environment: KMSCONF (default build/harness/kmsconf), CONNS ("1 16"), SCHEMES ("http"; add
# https for TLS with a throw-away EC P-256 certificate), PROGRAMS ("bench wrk serve nginx"),
# TOOLS ("callgrind strace"), WRK_SECONDS ("2 6"), RUN_LIMIT (600: seconds any one run may take),
# KEEP=DIR keeps every output as DIR/<program>-<scheme>-c<connections>.<tool>.<requests>, KEEP_WORK=1
# keeps the work folder. Loopback only; every run is bounded (a request count, a duration and
# `timeout`/RUN_LIMIT); every process started here is stopped by its pid at exit. Takes ~3 min
# for HTTP and HTTPS at the defaults. Needs valgrind, strace, wrk, nginx, openssl, python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib/peers.sh
n1=${1:-1000}; n2=${2:-4000}
kmsconf=${KMSCONF:-build/harness/kmsconf}
conns_list=${CONNS:-"1 16"}
schemes=${SCHEMES:-http}
programs=${PROGRAMS:-"bench wrk serve nginx"}
tools=${TOOLS:-"callgrind strace"}
read -r w1 w2 <<<"${WRK_SECONDS:-2 6}"
bench_collect=${BENCH_COLLECT-"kms::bench::Shard::run()"}
limit=${RUN_LIMIT:-600}  # seconds, any one measured run
[ -x "$kmsconf" ] || { echo "no kmsconf at $kmsconf (set KMSCONF)" >&2; exit 2; }
[ "$n2" -gt "$n1" ] || { echo "n2 must exceed n1" >&2; exit 2; }
for t in valgrind strace wrk nginx openssl python3; do
    command -v "$t" >/dev/null || { echo "$t is not installed (scripts/setup.sh --tests)" >&2; exit 2; }
done
lua_same=$PWD/scripts/bench/wrk/post-valid-same-headers.lua
key=a02baf5a-a3e4-49a0-857b-8a08d276c1c0
path=/v2/kms-key/$key/replicate
work=$(mktemp -d)
pids=()
serves=0
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
forget() { local p=$1 q=(); for x in "${pids[@]}"; do [ "$x" = "$p" ] || q+=("$x"); done; pids=("${q[@]}"); }

# The driver's script: the same request, and a stop after $WRK_REQUESTS responses (then a file
# says so, and the wrk process is interrupted instead of sleeping out its -d).
cat >"$work/stop.lua" <<'LUA'
dofile(os.getenv("WRK_SAME_HEADERS"))
local limit = tonumber(os.getenv("WRK_REQUESTS"))
local n = 0
function response(status, headers, body)
  n = n + 1
  if n == limit then
    local f = io.open(os.getenv("WRK_DONE_FILE"), "w"); f:write(n); f:close()
    wrk.thread:stop()
  end
end
LUA

make_test_cert "$work"

# `wrap TOOL OUT [COLLECT]`: the command prefix that measures into OUT (callgrind: only inside
# the function COLLECT, when given).
wrap() {
    case $1 in
        callgrind) echo valgrind --tool=callgrind --callgrind-out-file="$2" --log-file="$2.log" ${3:+--toggle-collect=$3} ;;
        strace) echo strace -f -c -o "$2" ;;
        none) echo ;;
    esac
}

# The measured process's pid: valgrind runs the program in its own process, strace forks it.
target_pid() {  # tool launcher_pid
    if [ "$1" = strace ]; then
        local c
        for _ in $(seq 100); do c=$(pgrep -P "$2" | head -1 || true); [ -n "$c" ] && { echo "$c"; return; }; sleep 0.05; done
    fi
    echo "$2"
}

# `start_serve TOOL OUT SCHEME`: kmsconf serve under TOOL; sets srv_pid (the launcher) and srv_url.
start_serve() {
    local tls=()
    [ "$3" = https ] && tls=(--tls-cert "$work/cert.pem" --tls-key "$work/key.pem")
    local log=$work/serve.$((++serves))
    # shellcheck disable=SC2046
    $(wrap "$1" "$2") "$kmsconf" serve --port 0 --threads 1 "${tls[@]}" >"$log.out" 2>"$log.err" &
    srv_pid=$!; pids+=("$srv_pid")
    srv_url=$(listening_url "$log.out" 60)  # 60 s: under valgrind it starts slowly
    srv_url=${srv_url%/v2}
    [ -n "$srv_url" ] || { echo "kmsconf serve did not start: $(cat "$log.err")" >&2; exit 1; }
}

# `start_nginx TOOL OUT SCHEME`: nginx, one process, under TOOL; sets srv_pid and srv_url.
start_nginx() {
    local port ssl="" dir=$work/nginx
    port=$(free_port)
    [ "$3" = https ] && ssl="ssl; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem"
    write_nginx_conf "$dir" "$port" "$ssl"
    # shellcheck disable=SC2046
    $(wrap "$1" "$2") nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off; master_process off;' 2>"$dir/start.log" &
    srv_pid=$!; pids+=("$srv_pid")
    wait_port "$port" "$srv_pid" || { echo "nginx did not start: $(cat "$dir/start.log")" >&2; exit 1; }
    srv_url=$3://127.0.0.1:$port
}

stop_launched() {  # tool launcher_pid: stop the measured process, wait for the tool's report
    local t
    t=$(target_pid "$1" "$2")
    kill -TERM "$t" 2>/dev/null || true
    for _ in $(seq $((limit * 10))); do kill -0 "$2" 2>/dev/null || break; sleep 0.1; done
    wait "$2" 2>/dev/null || true
    forget "$2"
}

# `drive URL CONNS N`: native wrk, N responses then stop; sets `driven` to the requests it completed.
# (These functions set variables rather than print: a $(...) subshell would hide its processes
# from the clean-up.)
drive() {
    rm -f "$work/done"
    WRK_SAME_HEADERS=$lua_same WRK_REQUESTS=$3 WRK_DONE_FILE=$work/done \
        wrk -t1 -c"$2" -d"${limit}s" --timeout 30s -s "$work/stop.lua" "$1$path" >"$work/drive.txt" 2>&1 &
    local w=$!; pids+=("$w")
    for _ in $(seq $((limit * 20))); do [ -s "$work/done" ] && break; kill -0 "$w" 2>/dev/null || break; sleep 0.05; done
    kill -INT "$w" 2>/dev/null || true
    wait "$w" 2>/dev/null || true
    forget "$w"
    driven=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/drive.txt")
}

# `measure_server PROG TOOL SCHEME CONNS N OUT`: sets `req` to the requests served.
measure_server() {
    if [ "$1" = serve ]; then start_serve "$2" "$6" "$3"; else start_nginx "$2" "$6" "$3"; fi
    drive "$srv_url" "$4" "$5"
    stop_launched "$2" "$srv_pid"
    req=$driven
}

ref_state() {  # after a client failed: is the native reference server still there?
    local s
    for s in "${!ref_pid[@]}"; do
        if kill -0 "${ref_pid[$s]}" 2>/dev/null; then echo "$s reference server (pid ${ref_pid[$s]}) still runs" >&2
        else wait "${ref_pid[$s]}" 2>/dev/null; echo "$s reference server (pid ${ref_pid[$s]}) has exited, status $?" >&2; fi
    done
    cat "$work"/serve.[0-9]*.err >&2 2>/dev/null || true
}

# `measure_client PROG TOOL SCHEME CONNS N-or-SECONDS OUT`: against the native server of SCHEME;
# sets `req` to the requests completed.
measure_client() {
    local url=${ref_url[$3]}
    if [ "$1" = bench ]; then
        local ca=()
        [ "$3" = https ] && ca=(--ca-file "$work/cert.pem")
        rm -rf "$work/report"
        # shellcheck disable=SC2046
        timeout "$limit" $(wrap "$2" "$6" "$bench_collect") "$kmsconf" bench --base-url "$url/v2" "${ca[@]}" --allow-mutations \
            --filter valid --connections "$4" --threads 1 --duration "$limit" --warmup 0 --requests "$5" \
            --no-progress --report-dir "$work/report" >"$work/bench.txt" 2>&1 ||
            { echo "kmsconf bench failed:" >&2; cat "$work/bench.txt" >&2; ref_state; exit 1; }
        req=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["benchmarks"][0]; print(int(b["requests"]+b.get("errors",0)))' \
            "$work/report/bench.json")
    else
        # shellcheck disable=SC2046
        timeout $(($5 + limit)) $(wrap "$2" "$6") wrk -t1 -c"$4" -d"$5s" -s "$lua_same" "$url$path" >"$work/wrk.txt" 2>&1 ||
            { echo "wrk failed:" >&2; cat "$work/wrk.txt" >&2; ref_state; exit 1; }
        req=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk.txt")
    fi
}

# One native reference server per scheme for the clients, warmed up (its first replicate is the
# 200; every later one the 400 Conflict).
declare -A ref_url ref_pid
for scheme in $schemes; do
    start_serve none "" "$scheme"
    ref_url[$scheme]=$srv_url; ref_pid[$scheme]=$srv_pid
    drive "$srv_url" 1 100
done

: >"$work/rows"
for scheme in $schemes; do
    for prog in $programs; do
        for conns in $conns_list; do
            for tool in $tools; do
                row="$prog $scheme $conns $tool"
                for i in 1 2; do
                    out=$work/$prog-$scheme-c$conns.$tool.$i
                    case $prog in
                        serve | nginx) n=$([ $i = 1 ] && echo "$n1" || echo "$n2"); measure_server "$prog" "$tool" "$scheme" "$conns" "$n" "$out" ;;
                        bench) n=$([ $i = 1 ] && echo "$n1" || echo "$n2"); measure_client bench "$tool" "$scheme" "$conns" "$n" "$out" ;;
                        wrk) n=$([ $i = 1 ] && echo "$w1" || echo "$w2"); measure_client wrk "$tool" "$scheme" "$conns" "$n" "$out" ;;
                    esac
                    row="$row $req $out"
                    if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; cp "$out" "$KEEP/$prog-$scheme-c$conns.$tool.$req"; fi
                done
                echo "$row" >>"$work/rows"
                echo "measured: $row" | sed "s#$work/##g" >&2
            done
        done
    done
done

echo "kmsconf: $kmsconf ($("$kmsconf" --version 2>/dev/null | head -1)); n1=$n1 n2=$n2 requests (wrk: ${w1}s and ${w2}s)"
python3 - "$work/rows" <<'PY'
import re, sys
from collections import defaultdict

def callgrind_ir(path):
    for line in open(path):
        m = re.match(r"(?:summary|totals):\s+(\d+)", line)
        if m: return int(m.group(1))
    sys.exit("no total in " + path)

def strace_calls(path):
    calls, errors = defaultdict(int), defaultdict(int)
    for line in open(path):
        f = line.split()
        # % time, seconds, usecs/call, calls, [errors,] syscall
        if len(f) >= 5 and re.match(r"^[\d.]+$", f[0]) and f[-1] != "total":
            calls[f[-1]] += int(f[3])
            if len(f) == 6: errors[f[-1]] += int(f[4])
    return calls, errors

res = {}
for line in open(sys.argv[1]):
    prog, scheme, conns, tool, r1, o1, r2, o2 = line.split()
    dr = int(r2) - int(r1)
    key = (prog, scheme, int(conns))
    e = res.setdefault(key, {"dr": {}})
    e["dr"][tool] = dr
    if tool == "callgrind":
        i1, i2 = callgrind_ir(o1), callgrind_ir(o2)
        if i1 == 0 or i2 == 0: print("warning: %s %s %s counted no instruction (BENCH_COLLECT names no function?)" % key, file=sys.stderr)
        e["ir"] = (i2 - i1) / dr
    else:
        c1, e1 = strace_calls(o1); c2, e2 = strace_calls(o2)
        # Successful calls by difference; failed ones (a recv that finds nothing yet: EAGAIN)
        # depend on timing, not on the request count (one run may find the response there every
        # time, the other half of the time), so they are run 2's rate over its requests.
        err = {k: e2[k] / int(r2) for k in e2}
        per = {k: (c2[k] - e2.get(k, 0) - c1.get(k, 0) + e1.get(k, 0)) / dr + err.get(k, 0) for k in c2}
        e["sys"] = sum(per.values())
        e["top"] = sorted(((v, k) for k, v in per.items() if v >= 0.01), reverse=True)
        e["err"] = err

names = {"bench": "kmsconf bench", "wrk": "wrk", "serve": "kmsconf serve", "nginx": "nginx"}
print("\n%-14s %-6s %5s %8s %12s %10s  %s" % ("program", "scheme", "conns", "requests", "instr/req", "sysc/req",
      "system calls per request (failed ones in brackets)"))
for key in sorted(res, key=lambda k: (k[1], k[2], list(names).index(k[0]))):
    e = res[key]
    ir = "%12.0f" % e["ir"] if "ir" in e else "%12s" % "-"
    sc = "%10.2f" % e["sys"] if "sys" in e else "%10s" % "-"
    top = "  ".join("%s %.2f%s" % (k, v, " (%.2f)" % e["err"][k] if e["err"].get(k, 0) >= 0.01 else "")
                    for v, k in e.get("top", [])[:8])
    dr = "/".join(str(v) for v in e["dr"].values())
    print("%-14s %-6s %5d %8s %s %s  %s" % (names[key[0]], key[1], key[2], dr, ir, sc, top))
print("\nrequests: the difference between the two runs' counts (callgrind/strace runs). instr/req: valgrind Ir, "
      "every thread of the process\n(kmsconf bench: inside Shard::run, the load loop). sysc/req: strace -f -c, every "
      "thread. Per request = (run 2 - run 1) / (requests 2 - requests 1).")
PY
