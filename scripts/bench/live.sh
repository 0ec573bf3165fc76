#!/usr/bin/env bash
# Live sources (issue 6) against Debian's motion 4.5, same sources, same run. For each of two
# loopback RTSP streams (1280x720 25 fps GOP 1 s; 1920x1080 25 fps GOP 2 s) it starts, side by side:
#   ptzgrab serve, "live": "always" (keyframes)     ptzgrab serve, "live": "always", "live_decode": "all", "live_fps": 1
#   ptzgrab serve, "live": "off" (one-shot)         motion -n, one camera with netcam_url to the same stream
# and prints, each beside its baseline:
#  1. warm snapshot latency p50/p99 and the frame age at the answer (interleaved requests, fresh connection each);
#  2. CPU per camera over BENCH_SECONDS from /proc (ptzgrab plus its ffmpeg children; motion), with no client;
#  3. RSS of ptzgrab, of each ffmpeg child and of motion;
#  4. VIEWERS MJPEG viewers on /stream/mjpeg for BENCH_SECONDS: frames each got against frames produced,
#     and the CPU they add;
#  5. on_demand cold start to the first frame, beside a one-shot `ptzgrab snapshot`.
# Everything runs on loopback from a temp folder; every process it starts is stopped on exit.
#
# usage: scripts/bench/live.sh [quick]   (quick: BENCH_SECONDS=5, fewer samples)
# env:   PTZGRAB_BIN (default build/cmd/ptzgrab), BENCH_SECONDS (30), SAMPLES (200 per contender),
#        VIEWERS (50), COLD_RUNS (5)
# exit:  0 all measured (a MISSED target is printed, not fatal); 1 something it needs failed (the
#        reason on stderr); 3 the binary has no live mode or no /stream/mjpeg, so those parts were skipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [[ "${1:-}" == quick ]]; then
  : "${BENCH_SECONDS:=5}" "${SAMPLES:=40}" "${COLD_RUNS:=3}"
elif [[ -n "${1:-}" ]]; then
  echo "usage: scripts/bench/live.sh [quick]" >&2
  exit 2
fi
seconds="${BENCH_SECONDS:-30}"
samples="${SAMPLES:-200}"
viewers="${VIEWERS:-50}"
cold_runs="${COLD_RUNS:-5}"
motion_lone_samples=$((samples < 20 ? samples : 20))  # each costs motion's 0.5 s first-client wait
ptzgrab="$(realpath -m "${PTZGRAB_BIN:-build/cmd/ptzgrab}")"
python=/usr/bin/python3
probe=("$python" "$root/scripts/bench/live_probe.py")

for tool in "$python" ffmpeg motion curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (scripts/install-deps.sh --test)" >&2; exit 1; }
done
[[ -x "$ptzgrab" ]] || { echo "bench: no ptzgrab at $ptzgrab (make build)" >&2; exit 1; }

tmp="$(mktemp -d /tmp/ptzgrab-bench-live.XXXXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "bench: $*" >&2; exit 1; }

# Stops one process this script started (TERM, KILL after 5 s), reaps it and forgets it.
stop() {  # PID
  local pid="$1" kept=() p
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${pids[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
  pids=("${kept[@]}")
}

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Polls until CMD... succeeds, for up to SECONDS; returns 1 when it never does.
wait_for() {  # SECONDS CMD...
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

start_rtsp() {  # VAR WIDTH HEIGHT FPS GOP_S BITRATE_KBPS: starts a server, sets VAR to its URL
  local var="$1" port log
  port="$(free_port)"
  log="$tmp/rtsp-$port.log"
  "$python" scripts/test-servers/rtsp_server.py --port "$port" --width "$2" --height "$3" --fps "$4" \
    --gop-seconds "$5" --bitrate-kbps "$6" >"$log" 2>&1 &
  pids+=($!)
  rtsp_pid=$!
  wait_for 20 grep -q READY "$log" || fail "RTSP server did not start: $(cat "$log")"
  printf -v "$var" 'rtsp://127.0.0.1:%s/stream' "$port"
}

# Viewer caps high enough for the viewers phase (options of builds that have /stream/mjpeg).
serve_args=()
if "$ptzgrab" serve --help 2>/dev/null | grep -q -- --max-viewers-per-source; then
  serve_args+=(--max-viewers-per-source "$((viewers + 5))" --max-viewers "$((viewers > 95 ? viewers + 5 : 100))")
fi

# Starts `ptzgrab serve` with a one-source config; sets serve_pid and serve_port.
start_serve() {  # NAME URL EXTRA_JSON_FIELDS
  local name="$1"
  serve_port="$(free_port)"
  printf '{"sources": [{"name": "cam", "url": "%s"%s}]}\n' "$2" "$3" >"$tmp/$name.json"
  "$ptzgrab" serve --config "$tmp/$name.json" --port "$serve_port" --static-dir "$tmp/static-$name" \
    "${serve_args[@]}" >"$tmp/$name.log" 2>&1 &
  pids+=($!)
  serve_pid=$!
  wait_for 20 "${probe[@]}" get "http://127.0.0.1:$serve_port/healthz" ||
    fail "ptzgrab serve ($name) did not start: $(tail -5 "$tmp/$name.log")"
}

# Starts motion in the foreground with one camera on URL; sets motion_pid and motion_port (its stream port).
start_motion() {  # NAME URL WIDTH HEIGHT FPS
  local name="$1" dir="$tmp/$1"
  mkdir -p "$dir/target"
  motion_port="$(free_port)"
  # framerate = the stream's rate, so its newest picture is as fresh as it can be; motion detection
  # stays on (it cannot be turned off); no pictures or movies are written.
  cat >"$dir/camera1.conf" <<CONF
camera_id 1
camera_name $name
netcam_url $2
width $3
height $4
framerate $5
CONF
  cat >"$dir/motion.conf" <<CONF
daemon off
setup_mode off
log_file $dir/motion.log
log_level 6
target_dir $dir/target
picture_output off
movie_output off
snapshot_interval 0
webcontrol_port $(free_port)
webcontrol_localhost on
webcontrol_parms 0
webcontrol_interface 1
stream_port $motion_port
stream_localhost on
camera $dir/camera1.conf
CONF
  motion -n -c "$dir/motion.conf" >"$dir/motion.out" 2>&1 &
  pids+=($!)
  motion_pid=$!
  wait_for 30 "${probe[@]}" get "http://127.0.0.1:$motion_port/1/current" ||
    fail "motion did not serve a picture: $(tail -5 "$dir/motion.log" 2>/dev/null)"
}

# True when PID has a live ffmpeg child within SECONDS.
has_ffmpeg_child() {  # PID SECONDS
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ -n "$("${probe[@]}" children "$1" ffmpeg)" ]] && return 0
    sleep 0.2
  done
  return 1
}

no_ffmpeg_child() { [[ -z "$("${probe[@]}" children "$1" ffmpeg)" ]]; }

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "MISSED") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

skipped=()
# Per-source figures the live JSON may give (null without live mode): frames received.
live_frames() {  # PORT
  "$python" - "http://127.0.0.1:$1/stream/cache" <<'PY'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
    s = json.load(r)["sources"][0]
live = s.get("live") or {}
print(live.get("frames", "n/a"))
PY
}

rss_lines() {  # LABEL PID: one line per process of the tree
  "${probe[@]}" rss "$2" | while read -r pid comm kb; do
    printf '  %-34s %-8s %8d kB\n' "$1" "$comm" "$kb"
  done
}

bench_stream() {  # LABEL WIDTH HEIGHT FPS GOP_S BITRATE_KBPS
  local label="$1" width="$2" height="$3" fps="$4" gop="$5" url live=1 all_pid kf_pid off_pid kf_port all_port off_port
  echo
  echo "=== rtsp ${width}x${height} ${fps} fps, GOP ${gop} s ($label) ==="
  start_rtsp url "$width" "$height" "$fps" "$gop" "$6"
  local stream_pid="$rtsp_pid"

  start_serve "$label-live" "$url" ', "live": "always"'
  kf_pid="$serve_pid" kf_port="$serve_port"
  start_serve "$label-all" "$url" ', "live": "always", "live_decode": "all", "live_fps": 1'
  all_pid="$serve_pid" all_port="$serve_port"
  start_serve "$label-off" "$url" ', "live": "off", "max_age_s": 3600'
  off_pid="$serve_pid" off_port="$serve_port"
  start_motion "$label-motion" "$url" "$width" "$height" "$fps"

  if ! has_ffmpeg_child "$kf_pid" 15 || ! has_ffmpeg_child "$all_pid" 5; then
    live=0
    skipped+=("$label: live figures")
    echo "  SKIPPED ptzgrab live: serve with \"live\": \"always\" holds no ffmpeg open ($ptzgrab has no live mode yet)"
  fi
  # The one-shot server's first grab fills its cache; later requests are warm (within max_age_s).
  "${probe[@]}" get "http://127.0.0.1:$off_port/stream/snapshot?source=cam" >/dev/null ||
    fail "ptzgrab one-shot: first /stream/snapshot failed: $(tail -5 "$tmp/$label-off.log")"
  if ((live)); then
    wait_for 20 "${probe[@]}" get "http://127.0.0.1:$kf_port/stream/snapshot?source=cam" ||
      fail "ptzgrab live (keyframes) gave no frame: $(tail -5 "$tmp/$label-live.log")"
    wait_for 20 "${probe[@]}" get "http://127.0.0.1:$all_port/stream/snapshot?source=cam" ||
      fail "ptzgrab live (all frames) gave no frame: $(tail -5 "$tmp/$label-all.log")"
  fi
  sleep 2  # let every contender settle on the stream

  # ---- CPU and RSS with no client ----
  local cpu kf_cpu=0 all_cpu=0 motion_cpu
  cpu="$("${probe[@]}" cpu "$seconds" "$kf_pid" "$all_pid" "$motion_pid")" || fail "CPU measurement failed"
  kf_cpu="$(awk 'NR == 1 { print $2 }' <<<"$cpu")"
  all_cpu="$(awk 'NR == 2 { print $2 }' <<<"$cpu")"
  motion_cpu="$(awk 'NR == 3 { print $2 }' <<<"$cpu")"
  echo "CPU per camera over ${seconds} s, no client (% of one core; ptzgrab = serve + its ffmpeg children):"
  if ((live)); then
    printf '  %-34s %6.2f %%  (%.2fx motion; target <= 0.60x: %s)\n' "ptzgrab live, keyframes" "$kf_cpu" \
      "$(ratio "$kf_cpu" "$motion_cpu")" "$(verdict "$(awk -v a="$kf_cpu" -v b="$motion_cpu" 'BEGIN { print a <= 0.6 * b }')")"
    printf '  %-34s %6.2f %%  (%.2fx motion)\n' "ptzgrab live, all frames at 1 fps" "$all_cpu" "$(ratio "$all_cpu" "$motion_cpu")"
  else
    echo "  ptzgrab live                       skipped (no live mode)"
  fi
  printf '  %-34s %6.2f %%  (framerate %s, detection on, no output files)\n' "motion" "$motion_cpu" "$fps"
  echo "RSS:"
  if ((live)); then
    rss_lines "ptzgrab live, keyframes" "$kf_pid"
    rss_lines "ptzgrab live, all frames" "$all_pid"
  fi
  rss_lines "ptzgrab one-shot (idle)" "$off_pid"
  rss_lines "motion" "$motion_pid"

  # ---- warm snapshot latency and frame age ----
  local targets=("oneshot=http://127.0.0.1:$off_port/stream/snapshot?source=cam"
                 "motion=http://127.0.0.1:$motion_port/1/current")
  ((live)) && targets+=("live_kf=http://127.0.0.1:$kf_port/stream/snapshot?source=cam"
                        "live_all=http://127.0.0.1:$all_port/stream/snapshot?source=cam")
  # motion encodes its JPEG only while a stream client is connected, and makes a lone first client
  # wait 0.5 s for it (webu_stream.c); one MJPEG viewer held open keeps it warm for /current.
  "$python" - "http://127.0.0.1:$motion_port/1/stream" "$tmp/$label-motion-viewer" <<'PY' &
import socket, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=30)
s.sendall(f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n\r\n".encode())
open(sys.argv[2], "w").close()
while s.recv(1 << 20):
    pass
PY
  local viewer_pid=$!
  pids+=("$viewer_pid")
  wait_for 10 test -e "$tmp/$label-motion-viewer" || fail "the motion viewer did not connect"
  sleep 1
  local warm lone
  warm="$("${probe[@]}" sample "$samples" "$seconds" "${targets[@]}")" || fail "warm snapshot sampling failed"
  stop "$viewer_pid"
  sleep 1
  lone="$("${probe[@]}" sample "$motion_lone_samples" 1 "motion=http://127.0.0.1:$motion_port/1/current")" ||
    fail "motion /current sampling failed"
  echo "Warm snapshot, ${samples} requests each over ${seconds} s, interleaved, new connection each (ms):"
  printf '  %-34s %8s %8s %10s %10s  %s\n' "" "p50" "p99" "age p50" "age p99" "X-Cache"
  row() {  # TEXT LINE
    local p50 p99 a50 a99 cache
    read -r _ p50 p99 a50 a99 _ cache <<<"$2"
    printf '  %-34s %8s %8s %10s %10s  %s\n' "$1" "$p50" "$p99" "$a50" "$a99" "$cache"
  }
  local motion_p50
  motion_p50="$(awk '$1 == "motion" { print $2 }' <<<"$warm")"
  if ((live)); then
    local kf_line all_line kf_p50 kf_a99 all_a99
    kf_line="$(grep '^live_kf ' <<<"$warm")"
    all_line="$(grep '^live_all ' <<<"$warm")"
    row "ptzgrab live, keyframes" "$kf_line"
    row "ptzgrab live, all frames 1 fps" "$all_line"
    read -r _ kf_p50 _ _ kf_a99 _ <<<"$kf_line"
    read -r _ _ _ _ all_a99 _ <<<"$all_line"
  fi
  row "ptzgrab one-shot (within max_age)" "$(grep '^oneshot ' <<<"$warm")"
  row "motion /current (a viewer open)" "$(grep '^motion ' <<<"$warm")"
  row "motion /current (lone client, ${motion_lone_samples})" "$lone"
  echo "  (age: X-Frame-Age-Ms at the answer; motion sends no frame time, so its age is n/a: it decodes"
  echo "   every frame at framerate ${fps}. The one-shot frame's age only grows until max_age_s passes.)"
  if ((live)); then
    printf '  target live p50 <= 5 ms and <= motion (%s): %s\n' "$motion_p50" \
      "$(verdict "$(awk -v a="$kf_p50" -v m="$motion_p50" 'BEGIN { print a <= 5 && a <= m }')")"
    printf '  target age p99 <= GOP + 200 ms (%d) in keyframe mode: %s; <= 1/fps + 100 ms (1100) in all-frames mode: %s\n' \
      "$(awk -v g="$gop" 'BEGIN { print g * 1000 + 200 }')" \
      "$(verdict "$(awk -v a="$kf_a99" -v g="$gop" 'BEGIN { print a != "n/a" && a <= g * 1000 + 200 }')")" \
      "$(verdict "$(awk -v a="$all_a99" 'BEGIN { print a != "n/a" && a <= 1100 }')")"
  fi

  # ---- MJPEG viewers ----
  if ((live)); then
    local probe_status
    probe_status="$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' "http://127.0.0.1:$kf_port/stream/mjpeg?source=cam" || true)"
    if [[ "$probe_status" != 200 ]]; then
      skipped+=("$label: MJPEG viewers")
      echo "$viewers MJPEG viewers: SKIPPED (/stream/mjpeg answered $probe_status)"
    else
      local before after got_min got_median got_max seq_span worst_pct produced produced_by view_cpu
      before="$(live_frames "$kf_port")"
      "${probe[@]}" viewers "$viewers" "$seconds" "http://127.0.0.1:$kf_port/stream/mjpeg?source=cam" >"$tmp/viewers.out" &
      local viewers_pid=$!
      pids+=("$viewers_pid")
      sleep 0.5
      view_cpu="$("${probe[@]}" cpu "$((seconds - 1))" "$kf_pid" | awk '{ print $2 }')" || fail "CPU measurement failed"
      wait "$viewers_pid" || fail "MJPEG viewers failed"
      stop "$viewers_pid"
      after="$(live_frames "$kf_port")"
      read -r got_min got_median got_max seq_span worst_pct <"$tmp/viewers.out"
      local counted=n/a
      [[ "$before" != n/a && "$after" != n/a ]] && counted=$((after - before))
      # Produced: the span of X-Frame-Sequence the viewers saw (the frame on screen when they
      # connected, and every one after); else the growth of /stream/cache live.frames meanwhile.
      if [[ "$seq_span" != n/a ]]; then
        produced="$seq_span" produced_by="X-Frame-Sequence span; /stream/cache live.frames grew $counted"
      else
        produced="$counted" produced_by="/stream/cache live.frames; no X-Frame-Sequence in the parts"
      fi
      echo "$viewers MJPEG viewers on /stream/mjpeg for ${seconds} s (keyframe mode):"
      printf '  frames per viewer: min %s, median %s, max %s; the stream produced %s (%s)\n' \
        "$got_min" "$got_median" "$got_max" "$produced" "$produced_by"
      # Without sequence numbers: the fewest parts against all frames produced.
      [[ "$worst_pct" == n/a ]] &&
        worst_pct="$(awk -v a="$got_min" -v b="$produced" 'BEGIN { if (b > 0) printf "%.0f", 100 * a / b; else print "n/a" }')"
      printf '  worst viewer got %s%% of the frames produced since its first (target >= 95%%: %s)\n' "$worst_pct" \
        "$(verdict "$(awk -v w="$worst_pct" 'BEGIN { print (w != "n/a" && w >= 95) }')")"
      printf '  CPU: %.2f %% with viewers, %.2f %% without: +%.2f %% of a core (target <= 2 %% at 1 fps: %s)\n' \
        "$view_cpu" "$kf_cpu" "$(awk -v a="$view_cpu" -v b="$kf_cpu" 'BEGIN { print a - b }')" \
        "$(verdict "$(awk -v a="$view_cpu" -v b="$kf_cpu" 'BEGIN { print a - b <= 2 }')")"
    fi
  else
    echo "$viewers MJPEG viewers: SKIPPED (no live mode)"
  fi
  stop "$kf_pid"
  stop "$all_pid"
  stop "$off_pid"
  stop "$motion_pid"

  # ---- on_demand cold start beside a one-shot grab ----
  local demand_ms=() oneshot_ms=() t
  if ((live)); then
    start_serve "$label-demand" "$url" ', "live": "on_demand", "live_idle_s": 1'
    local demand_pid="$serve_pid" demand_port="$serve_port"
  fi
  for ((run = 1; run <= cold_runs; run++)); do
    if ((live)); then
      # Cold: the idle timeout has stopped the stream (no ffmpeg left under the server).
      wait_for 15 no_ffmpeg_child "$demand_pid" || fail "the on_demand stream did not idle out (ffmpeg still running)"
      t="$("${probe[@]}" get "http://127.0.0.1:$demand_port/stream/snapshot?source=cam" 2>&1)" ||
        fail "on_demand first snapshot failed: $t"
      demand_ms+=("${t%% *}")
    fi
    sleep "0.$((RANDOM % 10))"
    local start end
    start=$(date +%s%N)
    "$ptzgrab" snapshot -q --url "$url" -o "$tmp/oneshot.jpg" 2>"$tmp/err" || fail "ptzgrab snapshot failed: $(cat "$tmp/err")"
    end=$(date +%s%N)
    oneshot_ms+=("$(((end - start) / 1000000))")
    sleep "1.$((RANDOM % 10))"
  done
  echo "Cold start to the first frame, median of $cold_runs (ms):"
  if ((live)); then
    printf '  %-34s %8s  (runs: %s)\n' "ptzgrab on_demand, first snapshot" "$(printf '%s\n' "${demand_ms[@]}" | median)" "${demand_ms[*]}"
    stop "$demand_pid"
  else
    echo "  ptzgrab on_demand                  skipped (no live mode)"
  fi
  printf '  %-34s %8s  (runs: %s)\n' "ptzgrab snapshot (one-shot, CLI)" "$(printf '%s\n' "${oneshot_ms[@]}" | median)" "${oneshot_ms[*]}"
  stop "$stream_pid"
}

echo "ptzgrab live sources against motion $(motion -h 2>&1 | grep -o 'Version [0-9.]*' | head -1 | cut -d' ' -f2), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "binary: $ptzgrab; ${seconds} s windows, $samples samples per contender, $viewers viewers"
bench_stream 720p 1280 720 25 1 2000
bench_stream 1080p 1920 1080 25 2 4000

if ((${#skipped[@]})); then
  echo
  echo "bench: INCOMPLETE, skipped: ${skipped[*]}" >&2
  echo "bench: $ptzgrab lacks live mode or /stream/mjpeg; build one that has them (make build)" >&2
  exit 3
fi
