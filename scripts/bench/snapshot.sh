#!/usr/bin/env bash
# ptzgrab snapshot against raw `ffmpeg -frames:v 1 -q:v 2`, same sources, same run.
# Sources: a 1080p file, a 1080p25 RTSP stream and a low-bitrate RTSP stream (640x360, 10 fps,
# GOP 1 s), all on loopback. Prints the median wall time of each and the ratio ptzgrab/ffmpeg.
# usage: scripts/bench/snapshot.sh [RUNS]    (PTZGRAB_BIN=path/to/ptzgrab overrides the binary)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ptzgrab="${PTZGRAB_BIN:-$root/build/cmd/ptzgrab}"
runs="${1:-11}"
[[ -x "$ptzgrab" ]] || { echo "bench: build ptzgrab first (make build)" >&2; exit 1; }

work="$(mktemp -d /tmp/ptzgrab-bench-XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_rtsp() {  # var width height fps bitrate_kbps: starts a server, sets var to its URL
  local var="$1" port; shift
  port="$(free_port)"
  /usr/bin/python3 "$root/scripts/test-servers/rtsp_server.py" --port "$port" --width "$1" --height "$2" \
    --fps "$3" --gop-seconds 1 --bitrate-kbps "$4" > "$work/rtsp-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q READY "$work/rtsp-$port.log" && break; sleep 0.1; done
  grep -q READY "$work/rtsp-$port.log" || { echo "bench: RTSP server did not start" >&2; cat "$work/rtsp-$port.log" >&2; exit 1; }
  printf -v "$var" 'rtsp://127.0.0.1:%s/stream' "$port"
}

# One timed run of a command, in ms; fails loudly if the command fails.
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>"$work/err" || { echo "bench: failed: $*" >&2; cat "$work/err" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

echo "making the 1080p test file..."
ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i testsrc2=size=1920x1080:rate=25 -t 10 \
  -pix_fmt yuv420p -c:v libx264 -preset veryfast -g 25 "$work/clip1080.mp4"
echo "starting RTSP servers..."
start_rtsp rtsp_hd 1920 1080 25 4000
start_rtsp rtsp_low 640 360 10 300
sleep 2  # let the encoders settle, as a camera that has been running would be

printf '\n%-28s %12s %12s %8s\n' "source ($runs runs, median)" "ffmpeg ms" "ptzgrab ms" "ratio"
# Runs raw ffmpeg and ptzgrab alternately, so load that comes and goes hits both alike. Between
# runs a random pause (0-1 s): back-to-back grabs of a live stream lock onto its keyframe
# cadence and would all wait the same part of a GOP.
bench() {  # label url [ffmpeg input options...]
  local label="$1" url="$2"; shift 2
  local raw=() ours=()
  for _ in $(seq "$runs"); do
    raw+=("$(time_ms ffmpeg -hide_banner -loglevel error -nostdin -y "$@" -i "$url" -frames:v 1 -q:v 2 "$work/raw.jpg")")
    sleep "0.$((RANDOM % 10))"
    ours+=("$(time_ms "$ptzgrab" snapshot -q --url "$url" -o "$work/ours.jpg")")
    sleep "0.$((RANDOM % 10))"
  done
  local r o
  r=$(printf '%s\n' "${raw[@]}" | median)
  o=$(printf '%s\n' "${ours[@]}" | median)
  printf '%-28s %12s %12s %8s\n' "$label" "$r" "$o" "$(awk -v a="$o" -v b="$r" 'BEGIN {printf "%.2f", a/b}')"
}
bench "file 1920x1080" "$work/clip1080.mp4"
bench "rtsp 1920x1080 25fps" "$rtsp_hd" -rtsp_transport tcp
bench "rtsp 640x360 10fps 300k" "$rtsp_low" -rtsp_transport tcp
echo
echo "ffmpeg: raw ffmpeg with its default probing; ptzgrab: its own flags, plus decode, timestamp and JPEG encode."
