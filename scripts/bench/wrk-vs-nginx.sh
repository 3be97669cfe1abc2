#!/usr/bin/env bash
# Throughput of the reference server against nginx, measured in one run with the same wrk
# command, so that the ratio means something on a shared machine. Also hammers the server with
# malformed bodies and counts 5xx answers (there must be none) and socket errors.
#
#   scripts/bench/wrk-vs-nginx.sh [seconds=5] [connections=16] [threads=2]
#
# Loopback only; each wrk run is bounded by -d. Needs wrk and nginx-light (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-5}; conns=${2:-16}; threads=${3:-2}
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

# nginx answering a fixed operation body, on a free loopback port (tried until one binds).
start_nginx() {
  local port=$1
  mkdir -p "$work/nginx/logs"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $work/nginx/logs/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/json;
      return 200 '{"id":"4c5547c0-b870-11ef-83b3-0d8312b2c2d7","state":"pending","reference":{"id":"a02baf5a-a3e4-49a0-857b-8a08d276c1c0","link":"/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0","command":"replicate-kms-key"}}';
    }
  }
}
CONF
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>>"$work/nginx/start.log" &
  nginx_pid=$!
  for _ in $(seq 30); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$nginx_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
port=
for _ in $(seq 10); do
  candidate=$((20000 + RANDOM % 40000))
  (echo >"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null && continue  # in use
  if start_nginx "$candidate"; then port=$candidate; pids+=("$nginx_pid"); break; fi
done
[ -n "$port" ] || { echo "nginx did not start: $(cat "$work/nginx/start.log")" >&2; exit 1; }

run_wrk() {  # name url script
    wrk -t"$threads" -c"$conns" -d"${secs}s" -s "$3" "$2" >"$work/$1.txt" 2>&1 || true
    local rps errs non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.txt")
    errs=$(sed -n 's/.*Socket errors: \(.*\)/\1/p' "$work/$1.txt")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/$1.txt")
    printf '%-22s %10s req/s   non-2xx: %-8s socket errors: %s\n' "$1" "${rps:-?}" "${non2xx:-0}" "${errs:-none}"
    echo "$rps" >"$work/$1.rps"
}

echo "wrk -t$threads -c$conns -d${secs}s, POST a valid replicate body; reference server and nginx in one run"
run_wrk reference "$ref_origin/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate" scripts/bench/wrk/post-valid.lua
run_wrk nginx "http://127.0.0.1:$port/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate" scripts/bench/wrk/post-valid.lua
awk -v a="$(cat "$work/reference.rps")" -v b="$(cat "$work/nginx.rps")" \
    'BEGIN { if (b > 0) printf "ratio reference/nginx: %.2f\n", a / b }'
echo "(the reference server answers 400 Conflict once a zone is replicated: that is its contract, and the steady state under load)"

echo
echo "malformed bodies, reference server (5xx must be 0):"
run_wrk malformed "$ref_origin/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate" scripts/bench/wrk/post-malformed.lua
grep -E '^(5xx|statuses)' "$work/malformed.txt" || true
if ! grep -q '^5xx: 0$' "$work/malformed.txt"; then echo "FAIL: 5xx answers to malformed input" >&2; exit 1; fi
