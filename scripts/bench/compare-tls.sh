#!/usr/bin/env bash
# The cost of a new TLS connection per request: `kmsconf bench --mode closed-new-conn` against
# `openssl s_time -new` (a full handshake per connection, no request), in turn, on the same
# HTTPS reference server (`kmsconf serve --threads 1 --tls-cert/--tls-key`, a throw-away EC P-256
# certificate made here), one connection at a time for both.
# Prints per round the connections/s of both and their ratio (kmsconf/openssl; kmsconf also sends
# a request and reads its response on each connection, so 1.0 is more than par), the median of the
# rounds' ratios, and kmsconf's phases (TCP connect, TLS handshake, request) from bench.json.
# Then the same kmsconf run with --tls-resume, to show what resumption saves.
#
#   scripts/bench/compare-tls.sh [seconds=3] [rounds=3]
#
# Goal (issue 12): ratio >= 0.8. Loopback only; every run is bounded by its duration. Needs
# openssl and python3 (scripts/setup.sh). KMSCONF=path/to/kmsconf overrides build/harness/kmsconf.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib/peers.sh
secs=${1:-3}; rounds=${2:-3}
kmsconf=${KMSCONF:-build/harness/kmsconf}
[ -x "$kmsconf" ] || ./scripts/build.sh >&2
command -v openssl >/dev/null || { echo "openssl is not installed (scripts/setup.sh)" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

make_test_cert "$work"
"$kmsconf" serve --port 0 --threads 1 --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" >"$work/serve.out" &
pids+=($!)
url=$(listening_url "$work/serve.out")
[ -n "$url" ] || { echo "reference server did not start" >&2; exit 1; }
hostport=${url#https://}; hostport=${hostport%/v2}

# Handshakes per second of one s_time run ("N connections in T real seconds").
run_openssl() {
    timeout $((secs + 10)) openssl s_time -new -connect "$hostport" -time "$secs" >"$work/s_time.txt" 2>&1 || true
    python3 - "$work/s_time.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"(\d+) connections in ([\d.]+) real seconds", text)
if not m: sys.exit("cannot parse openssl s_time output:\n" + text)
print(int(m.group(1)) / float(m.group(2)))
PY
}

# "rps connect_p50 tls_p50 request_p50 resumed/handshakes" of one kmsconf run (side-effect-free request).
run_kmsconf() {
    rm -rf "$work/report"
    "$kmsconf" bench --base-url "$url" --ca-file "$work/cert.pem" --filter malformed --mode closed-new-conn \
        --connections 1 --duration "$secs" --warmup 0 --no-progress --report-dir "$work/report" "$@" \
        >"$work/kmsconf.txt" 2>&1 || { cat "$work/kmsconf.txt" >&2; exit 1; }
    python3 - "$work/report/bench.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"][0]
if b.get("errors", 0): print("kmsconf errors: %d" % b["errors"], file=sys.stderr)
print(b["requests_per_second"], b["connect_p50_us"], b["tls_handshake_p50_us"], b["request_p50_us"],
      "%d/%d" % (b["tls_resumed"], b["tls_handshakes"]))
PY
}

echo "reference server: $url (kmsconf serve --threads 1, EC P-256 certificate); 1 connection at a time; ${secs} s per run, $rounds rounds"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine makes every figure noisy; read the ratios)"
: >"$work/rounds"
for round in $(seq "$rounds"); do
    # Alternate which goes first, so that a drift in the machine's load favours neither.
    if [ $((round % 2)) = 1 ]; then o=$(run_openssl); k=$(run_kmsconf)
    else k=$(run_kmsconf); o=$(run_openssl); fi
    echo "$o $k" >>"$work/rounds"
done
resumed=$(run_kmsconf --tls-resume)
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/rounds" "$resumed" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print("\n%-6s %16s %16s %8s %12s %12s %12s %10s" % ("round", "openssl conn/s", "kmsconf conn/s", "ratio",
      "connect p50", "TLS p50", "request p50", "resumed"))
ratios = []
for i, r in enumerate(rows, 1):
    o, k = float(r[0]), float(r[1])
    ratios.append(k / o)
    print("%-6d %16.1f %16.1f %8.3f %9.0f us %9.0f us %9.0f us %10s" % (i, o, k, k / o, float(r[2]), float(r[3]), float(r[4]), r[5]))
ratio = st.median(ratios)
print("ratio kmsconf/openssl s_time -new: %.3f (median of %d rounds; goal >= 0.80: %s)" % (ratio, len(rows), "met" if ratio >= 0.8 else "NOT met"))
x = sys.argv[2].split()
print("with --tls-resume: %.1f conn/s, TLS handshake p50 %.0f us, %s handshakes resumed" % (float(x[0]), float(x[2]), x[4]))
PY
