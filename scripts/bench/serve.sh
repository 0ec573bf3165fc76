#!/usr/bin/env bash
# Benchmark of `ptzgrab serve`, in one run:
#  1. wrk against /latest.jpg and against a cached /stream/snapshot (the default source, a hit
#     within --max-age) from ptzgrab, which answers both from memory, and against nginx serving
#     the same JPEG file from disk at both paths, on loopback with the same threads, connections
#     and duration; prints both request rates and the ratio per path (target: ptzgrab >= 1.0x nginx).
#     Also each server's CPU time per request (its process and children, from /proc), which a
#     load from elsewhere on the machine sways far less than the rate.
#  2. p99 latency of both servers at HIGH_CONNECTIONS (256) connections (wrk --latency), per path.
#  3. ffmpeg starts during a 10 s burst of 200 connections on /stream/snapshot with a 5 s max
#     age, counted by a wrapper passed as --ffmpeg (target: 2 or 3; one shared grab per expiry).
# Fair to nginx: worker_processes auto (one worker per core, as ptzgrab runs one io thread per
# core here), sendfile on, tcp_nopush on, long keep-alive, and its access log on, to a file, as
# ptzgrab writes one access-log line per request to its log file. Both serve the same bytes.
# Everything it starts runs on loopback from a temp folder and is stopped on exit.
#
# usage: scripts/bench/serve.sh [PTZGRAB_BIN]     (default: $PTZGRAB_BIN, then build/cmd/ptzgrab)
# env:   THREADS (2), CONNECTIONS (64), DURATION (4s), ROUNDS (8): each path's comparison runs
#        ptzgrab and nginx alternately ROUNDS times, in the order AB BA AB BA ..., and compares the
#        medians, so a load that comes and goes on the machine, or drifts over the run, touches
#        both alike (rounds of one server differ by up to 10% on a shared 2-core machine: many
#        short rounds give a steadier median than a few long ones).
#        HIGH_CONNECTIONS (256) and P99_DURATION (10s): the p99 runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
ptzgrab="$(realpath "${1:-${PTZGRAB_BIN:-build/cmd/ptzgrab}}")"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-64}"
duration="${DURATION:-4s}"
rounds="${ROUNDS:-8}"
p99_duration="${P99_DURATION:-10s}"
high_connections="${HIGH_CONNECTIONS:-256}"
burst_connections=200
burst_duration=10s
burst_max_age_s=5

for tool in wrk nginx python3 ffmpeg; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (scripts/install-deps.sh --test)" >&2; exit 1; }
done
[[ -x "$ptzgrab" ]] || { echo "bench: no ptzgrab at $ptzgrab (make build)" >&2; exit 1; }

tmp="$(mktemp -d /tmp/ptzgrab-bench.XXXXXX)"
chmod 0755 "$tmp"  # nginx workers run as www-data and read the JPEG from here
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# GET URL into FILE (or /dev/null); fails on a non-2xx status or after 30 s.
http_get() {
  python3 - "$1" "${2:-/dev/null}" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=30) as r, open(sys.argv[2], "wb") as f:
    f.write(r.read())
PY
}

wait_http() {  # URL, what
  local deadline=$((SECONDS + 20))
  until http_get "$1" 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "bench: $2 did not answer $1" >&2; exit 1; }
    sleep 0.2
  done
}

# Starts `ptzgrab serve` on the built-in demo source; extra arguments are passed on.
start_ptzgrab() {  # PORT LOG [ARGS...]
  local port="$1" log="$2"
  shift 2
  "$ptzgrab" serve --port "$port" --static-dir "$tmp/static-$port" "$@" >"$log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/healthz" "ptzgrab serve"
}

start_nginx() {  # PORT DIR
  mkdir -p "$tmp/nginx/logs"
  cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  # ptzgrab writes one access-log line per request; nginx does the same, as it does by default.
  access_log $tmp/nginx/logs/access.log;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path $tmp/nginx/client_body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  types { image/jpeg jpg; }
  server {
    listen 127.0.0.1:$1;
    root $2;
    location = /latest.jpg { add_header Cache-Control no-store; }
    location = /stream/snapshot { alias $2/latest.jpg; default_type image/jpeg; add_header Cache-Control no-store; }
  }
}
CONF
  nginx -e "$tmp/nginx/logs/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
  pids+=($!)
  wait_http "http://127.0.0.1:$1/latest.jpg" nginx
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# Runs wrk on URL; fails on non-2xx answers or socket errors (a refused or dropped connection).
run_wrk() {  # URL THREADS CONNECTIONS DURATION [wrk options...]
  local url="$1" t="$2" c="$3" d="$4" out
  shift 4
  out="$(wrk -t "$t" -c "$c" -d "$d" "$@" "$url")"
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
    echo "bench: errors from $url:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "$out"
}

# CPU time (clock ticks, user + system) of PID and its children so far: nginx's workers, ptzgrab's threads.
cpu_ticks() {  # PID
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1"); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
clock_ticks="$(getconf CLK_TCK)"

# Prints wrk's Requests/sec for URL and the server's CPU microseconds per request ("21000 48.2"):
# on a shared machine the rate follows the CPU the scheduler grants, the CPU per request does not.
requests_per_second() {  # SERVER_PID URL THREADS CONNECTIONS DURATION
  local pid="$1" before after out
  shift
  before="$(cpu_ticks "$pid")"
  out="$(run_wrk "$@")"
  after="$(cpu_ticks "$pid")"
  awk -v ticks=$((after - before)) -v hz="$clock_ticks" '
    /requests in/ { n = $1 } /^Requests\/sec:/ { rps = $2 }
    END { printf "%s %.1f\n", rps, n ? ticks * 1e6 / hz / n : 0 }' <<<"$out"
}

# Prints wrk's 99th percentile latency for URL ("12.34ms").
p99_latency() {  # URL THREADS CONNECTIONS DURATION
  run_wrk "$@" --latency --timeout 10s | awk '$1 == "99%" { print $2 }'
}

# ---- 1. /latest.jpg and a cached /stream/snapshot: ptzgrab from memory vs nginx from disk ----
# --max-age 3600: every /stream/snapshot after the first is a hit from memory (checked below);
# the per-peer cap is raised, as all of wrk's connections come from 127.0.0.1.
ptzgrab_port="$(free_port)"
start_ptzgrab "$ptzgrab_port" "$tmp/ptzgrab.log" --max-age 3600 --max-connections-per-peer 4096
ptzgrab_pid="${pids[-1]}"
http_get "http://127.0.0.1:$ptzgrab_port/stream/snapshot"   # the first grab fills the frame
mkdir -p "$tmp/www"
chmod 0755 "$tmp/www"
http_get "http://127.0.0.1:$ptzgrab_port/latest.jpg" "$tmp/www/latest.jpg"
chmod 0644 "$tmp/www/latest.jpg"
jpeg_bytes="$(stat -c %s "$tmp/www/latest.jpg")"
x_cache="$(python3 - "http://127.0.0.1:$ptzgrab_port/stream/snapshot" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=30) as r:
    print(r.headers.get("X-Cache"))
PY
)"
[[ "$x_cache" == hit ]] || { echo "bench: /stream/snapshot is not a cache hit (X-Cache: $x_cache)" >&2; exit 1; }

nginx_port="$(free_port)"
start_nginx "$nginx_port" "$tmp/www"
nginx_pid="${pids[-1]}"
wait_http "http://127.0.0.1:$nginx_port/stream/snapshot" nginx

echo "wrk -t $threads -c $connections -d $duration, $jpeg_bytes-byte JPEG, loopback, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "  (ptzgrab: 2 io threads, access log to a file; nginx: worker_processes auto, sendfile, access log to a file)"
declare -A p99_ptzgrab p99_nginx
# One round of one server on the current path: its rate and CPU per request join its lists.
measure_ptzgrab() {
  read -r rps cpu < <(requests_per_second "$ptzgrab_pid" "$ptzgrab_url" "$threads" "$connections" "$duration")
  ptzgrab_runs+=("$rps") ptzgrab_cpu+=("$cpu")
}
measure_nginx() {
  read -r rps cpu < <(requests_per_second "$nginx_pid" "$nginx_url" "$threads" "$connections" "$duration")
  nginx_runs+=("$rps") nginx_cpu+=("$cpu")
}
for path in /latest.jpg /stream/snapshot; do
  ptzgrab_url="http://127.0.0.1:$ptzgrab_port$path"
  nginx_url="http://127.0.0.1:$nginx_port$path"
  run_wrk "$ptzgrab_url" "$threads" "$connections" 2s >/dev/null  # warm-up
  run_wrk "$nginx_url" "$threads" "$connections" 2s >/dev/null
  ptzgrab_runs=() ptzgrab_cpu=()
  nginx_runs=() nginx_cpu=()
  for ((round = 1; round <= rounds; round++)); do
    if ((round % 2)); then
      measure_ptzgrab
      measure_nginx
    else
      measure_nginx
      measure_ptzgrab
    fi
  done
  ptzgrab_rps="$(printf '%s\n' "${ptzgrab_runs[@]}" | median)"
  nginx_rps="$(printf '%s\n' "${nginx_runs[@]}" | median)"
  ratio="$(awk -v a="$ptzgrab_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')"
  verdict="$(awk -v r="$ratio" 'BEGIN { print (r >= 1.0 ? "met" : "MISSED") }')"
  echo "GET $path"
  printf '  ptzgrab serve (memory): %10.0f requests/s (median of %d: %s)\n' "$ptzgrab_rps" "$rounds" "${ptzgrab_runs[*]}"
  printf '  nginx (file on disk):   %10.0f requests/s (median of %d: %s)\n' "$nginx_rps" "$rounds" "${nginx_runs[*]}"
  echo "  ratio ptzgrab/nginx:    ${ratio}x (target >= 1.00x: $verdict)"
  printf '  server CPU per request: ptzgrab %s us, nginx %s us (medians of %s / %s)\n' \
    "$(printf '%s\n' "${ptzgrab_cpu[@]}" | median)" "$(printf '%s\n' "${nginx_cpu[@]}" | median)" \
    "${ptzgrab_cpu[*]}" "${nginx_cpu[*]}"
  p99_ptzgrab[$path]="$(p99_latency "$ptzgrab_url" "$threads" "$high_connections" "$p99_duration")"
  p99_nginx[$path]="$(p99_latency "$nginx_url" "$threads" "$high_connections" "$p99_duration")"
done
echo "p99 latency, wrk -t $threads -c $high_connections -d $p99_duration --latency:"
for path in /latest.jpg /stream/snapshot; do
  printf '  GET %-16s ptzgrab %10s   nginx %10s\n' "$path" "${p99_ptzgrab[$path]}" "${p99_nginx[$path]}"
done

# ---- 2. coalescing: ffmpeg starts during a burst on a cold cache ----
starts_log="$tmp/ffmpeg-starts.log"
: >"$starts_log"
real_ffmpeg="$(command -v ffmpeg)"
cat >"$tmp/ffmpeg-counting" <<WRAP
#!/bin/sh
# Logs one line per start, then becomes the real ffmpeg.
echo "\$\$ \$*" >>"$starts_log"
exec "$real_ffmpeg" "\$@"
WRAP
chmod 0755 "$tmp/ffmpeg-counting"

burst_port="$(free_port)"
start_ptzgrab "$burst_port" "$tmp/ptzgrab-burst.log" --ffmpeg "$tmp/ffmpeg-counting" --max-age "$burst_max_age_s"
# Runs that only probe ffmpeg (-version) are not grabs.
grabs() { grep -cv -- ' -version' "$starts_log" || true; }
before="$(grabs)"
wrk -t "$threads" -c "$burst_connections" -d "$burst_duration" --timeout 30s \
  "http://127.0.0.1:$burst_port/stream/snapshot" >"$tmp/wrk-burst.txt"
after="$(grabs)"
starts=$((after - before))
burst_rps="$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk-burst.txt")"
verdict="$( ((starts >= 2 && starts <= 3)) && echo met || echo MISSED)"
echo "burst: wrk -c $burst_connections -d $burst_duration on /stream/snapshot, max age ${burst_max_age_s} s"
printf '  %s requests/s; ffmpeg starts: %d (target 2 or 3: %s)\n' "$burst_rps" "$starts" "$verdict"
