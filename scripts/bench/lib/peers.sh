# Sourced by scripts/bench/*.sh: what the comparisons share, so that every script measures
# against the same peer (one nginx answer, one throw-away certificate) and finds ports alike.

# A throw-away EC P-256 certificate for 127.0.0.1: DIR/cert.pem and DIR/key.pem.
make_test_cert() {  # dir
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 -keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null
}

# A loopback port nobody listens on (tried at random; another process may still take it).
free_port() {
    local p
    for _ in $(seq 20); do
        p=$((20000 + RANDOM % 40000))
        (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
    return 1
}

# The URL a process announced in FILE with "listening on URL" (the first such line), waiting up
# to SECONDS (5) for it to appear; empty when none came (the caller says who did not start).
listening_url() {  # file [seconds]
    for _ in $(seq $(( ${2:-5} * 10 ))); do grep -q 'listening on' "$1" 2>/dev/null && break; sleep 0.1; done
    grep -o 'listening on https\?://[^ ,]*' "$1" 2>/dev/null | head -1 | sed 's/^listening on //' || true
}

# Waits until PORT accepts connections; fails at once when PID has exited (e.g. could not bind).
wait_port() {  # port pid
    for _ in $(seq 600); do
        (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# nginx's configuration as the peer of `kmsconf serve`: one worker answering every request with
# `return 200` of an operation body like the reference server's, on 127.0.0.1:PORT (after
# `listen 127.0.0.1:PORT`, the optional SSL text, e.g. "ssl; ssl_certificate ...").
write_nginx_conf() {  # dir port [ssl]
    rm -rf "$1"; mkdir -p "$1/logs"
    cat >"$1/nginx.conf" <<CONF
worker_processes 1;
error_log $1/logs/error.log;
pid $1/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $1;
  server {
    listen 127.0.0.1:$2 ${3:-};
    location / {
      default_type application/json;
      return 200 '{"id":"4c5547c0-b870-11ef-83b3-0d8312b2c2d7","state":"pending","reference":{"id":"a02baf5a-a3e4-49a0-857b-8a08d276c1c0","link":"/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0","command":"replicate-kms-key"}}';
    }
  }
}
CONF
}

# Where the servers and the clients run, from PIN: unset, both where the scheduler puts them;
# "same", all on CPU 0 (taskset), so that a round trip is two context switches on one CPU rather
# than two wake-ups of an idle CPU, and a client and a server share one CPU's time; "split", the
# servers on CPU 1 and the clients on CPU 0. And how the clients are scheduled, from SCHED: unset,
# as any program; "batch", SCHED_BATCH (chrt --batch 0), whose wake-ups never preempt the task
# running on that CPU, i.e. the server when they share one. Sets the command prefixes on_server
# and on_client.
set_pinning() {
    case "${PIN:-}" in
        "") on_server=(); on_client=() ;;
        same) on_server=(taskset -c 0); on_client=(taskset -c 0) ;;
        split) on_server=(taskset -c 1); on_client=(taskset -c 0) ;;
        *) echo "PIN must be same or split, not '$PIN'" >&2; exit 2 ;;
    esac
    case "${SCHED:-}" in
        "") ;;
        batch) on_client=(chrt --batch 0 "${on_client[@]}") ;;
        *) echo "SCHED must be batch, not '$SCHED'" >&2; exit 2 ;;
    esac
}
