#!/usr/bin/env bash
# What `kmsconf proxy` costs the traffic it judges: `kmsconf bench` against one reference server
# (`kmsconf serve --threads 1`), direct and through a proxy to that same server, in turn, for
# `rounds` rounds. Prints per round the responses/s and p50 of both, the throughput ratio
# (proxied/direct), the p50 the proxy adds, and the proxy's resident memory at the end (it holds
# every judged exchange until its reports are written: --max-judged, default 20000, bounds it).
#
#   scripts/bench/proxy-overhead.sh [connections=16] [seconds=5] [rounds=3]
#
# Loopback only; every run is bounded by its duration. Needs python3 (scripts/setup.sh).
# KMSCONF=path/to/kmsconf overrides build/harness/kmsconf.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib/peers.sh
conns=${1:-16}; secs=${2:-5}; rounds=${3:-3}
kmsconf=${KMSCONF:-build/harness/kmsconf}
[ -x "$kmsconf" ] || ./scripts/build.sh >&2
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$kmsconf" serve --port 0 --threads 1 >"$work/serve.out" &
pids+=($!)
server=$(listening_url "$work/serve.out")
[ -n "$server" ] || { echo "the reference server did not start" >&2; exit 3; }
bench() { "$kmsconf" bench --base-url "$1" -c "$conns" -d "$secs" --warmup 1 --no-progress --report-dir "$2" >"$2.txt" 2>&1; }

for round in $(seq "$rounds"); do
    bench "$server" "$work/direct-$round"
    "$kmsconf" proxy --upstream "${server%/v2}" -q --report-dir "$work/proxy-$round" >"$work/proxy-$round.out" 2>&1 &
    proxy_pid=$!
    proxy=$(listening_url "$work/proxy-$round.out")
    bench "$proxy/v2" "$work/via-$round"
    rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$proxy_pid/status")
    kill -INT "$proxy_pid"; wait "$proxy_pid" || true
    python3 - "$work" "$round" "$rss_kib" <<'PY'
import json, sys
work, r, rss = sys.argv[1], sys.argv[2], int(sys.argv[3])
def first(d):
    b = json.load(open(f"{work}/{d}-{r}/bench.json"))["benchmarks"][0]
    return b["requests_per_second"], b["p50_us"]
dr, dp = first("direct")
vr, vp = first("via")
print(f"round {r}: direct {dr:.0f}/s p50 {dp:.0f} us; through the proxy {vr:.0f}/s p50 {vp:.0f} us; "
      f"throughput {vr / dr:.2f}x, p50 +{vp - dp:.0f} us; proxy RSS {rss // 1024} MiB")
PY
done
