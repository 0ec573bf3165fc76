#!/usr/bin/env bash
# PTZ (issue 7): ptzgrab against the npm `onvif` client (agsh 0.8.3) on the same loopback test camera
# (scripts/test-servers/onvif_camera.py, WS-Security), same run. Prints, each beside its baseline:
#  1. cold: a new process connects (discovery) and reads GetStatus once: `ptzgrab ptz status` against
#     a node process running the npm client's connect + getStatus;
#  2. warm round trips on a connected client: GET /ptz/status and POST /ptz/goto through `ptzgrab serve`
#     (HTTP on one kept-alive connection, then SOAP) against the npm client's getStatus and gotoPreset;
#  3. move-then-snapshot: from the command to a JPEG of the new position. ptzgrab waits until the
#     camera has settled, then grabs (`ptzgrab ptz goto --snapshot`, and `POST /ptz/goto&then=snapshot`
#     on a one-shot source); the baseline is what other tools do: goto, a fixed delay (DELAY_S, 10 s),
#     then an ffmpeg grab.
# The camera moves at 1 unit/s; the two presets are 1.6 pan units apart. Every process it starts is
# stopped on exit; everything is on loopback in a temp folder.
#
# usage: scripts/bench/ptz.sh [quick]   (quick: fewer samples)
# env:   PTZGRAB_BIN (default build/cmd/ptzgrab), SAMPLES (100), COLD_RUNS (5), SHOT_RUNS (3), DELAY_S (10)
# exit:  0 all measured; 1 something it needs failed (the reason on stderr)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [[ "${1:-}" == quick ]]; then
  : "${SAMPLES:=20}" "${COLD_RUNS:=3}" "${SHOT_RUNS:=2}"
elif [[ -n "${1:-}" ]]; then
  echo "usage: scripts/bench/ptz.sh [quick]" >&2
  exit 2
fi
samples="${SAMPLES:-100}"
cold_runs="${COLD_RUNS:-5}"
shot_runs="${SHOT_RUNS:-3}"
delay_s="${DELAY_S:-10}"
ptzgrab="$(realpath -m "${PTZGRAB_BIN:-build/cmd/ptzgrab}")"
python=/usr/bin/python3
npm_client=(node "$root/scripts/bench/ptz_npm_client.mjs")
user=admin
password=bench-secret-1

for tool in "$python" ffmpeg node curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (scripts/install-deps.sh --test)" >&2; exit 1; }
done
[[ -x "$ptzgrab" ]] || { echo "bench: no ptzgrab at $ptzgrab (make build)" >&2; exit 1; }
[[ -d "$root/node_modules/onvif" ]] || { echo "bench: no node_modules/onvif (scripts/install-browser-deps.sh)" >&2; exit 1; }

tmp="$(mktemp -d /tmp/ptzgrab-bench-ptz.XXXXXX)"
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
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { "$python" -c 'import time; print(f"{time.monotonic()*1000:.1f}")'; }
# p50 and p95 of a JSON list of milliseconds on stdin (or of the lines of a file).
percentiles() { "$python" -c '
import json, statistics, sys
v = sorted(json.loads(sys.stdin.read()))
p = lambda q: v[min(len(v) - 1, int(round(q * (len(v) - 1))))]
print(f"p50 {p(0.5):7.1f} ms   p95 {p(0.95):7.1f} ms   (n={len(v)})")'; }
json_field() { "$python" -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]]
print(v if isinstance(v, str) else json.dumps(v))' "$1"; }
lines_to_json() { "$python" -c 'import json, sys; print(json.dumps([float(x) for x in sys.stdin.read().split()]))'; }

# --- the camera ---------------------------------------------------------------------------------
base="$tmp/base.jpg"
ffmpeg -v error -y \
  -f lavfi -i "nullsrc=s=160x90,geq=lum='random(1)*255':cb='random(2)*255':cr='random(3)*255',scale=1920:1080:flags=neighbor" \
  -f lavfi -i "nullsrc=s=1920x1080,geq=lum='X*255/W':cb='Y*255/H':cr=128" \
  -filter_complex "[0][1]blend=all_mode=average,format=yuvj420p" -frames:v 1 -q:v 2 "$base" \
  || fail "could not make the base image"
cam_port="$(free_port)"
rtsp_port="$(free_port)"
"$python" "$root/scripts/test-servers/onvif_camera.py" --port "$cam_port" --rtsp-port "$rtsp_port" \
  --base-image "$base" --user "$user" --password "$password" --log "$tmp/camera.log" \
  >"$tmp/camera.out" 2>&1 &
pids+=($!)
for _ in $(seq 200); do grep -q READY "$tmp/camera.out" && break; sleep 0.1; done
grep -q READY "$tmp/camera.out" || fail "the test camera did not start: $(tail -3 "$tmp/camera.out")"
onvif="http://127.0.0.1:$cam_port/onvif/device_service"
rtsp="rtsp://127.0.0.1:$rtsp_port/stream"
export PTZGRAB_ONVIF_PASSWORD="$password"
ptz() { "$ptzgrab" ptz --onvif "$onvif" --user "$user" "$@"; }

# Two presets 1.6 pan units apart, saved by ptzgrab (the npm client reads them by token).
ptz move --mode absolute --pan -0.8 --tilt 0.2 --zoom 0.3 --snapshot "$tmp/a.jpg" >/dev/null || fail "move to A failed"
token_a="$(ptz --json set-preset bench-a | json_field token)" || fail "set-preset A failed"
ptz move --mode absolute --pan 0.8 --tilt -0.2 --zoom 0.3 --snapshot "$tmp/b.jpg" >/dev/null || fail "move to B failed"
token_b="$(ptz --json set-preset bench-b | json_field token)" || fail "set-preset B failed"
echo "ptz bench: test camera on 127.0.0.1:$cam_port (WS-Security), presets $token_a (pan -0.8) and $token_b (pan 0.8)"
echo

# --- 1. cold: connect + one status ------------------------------------------------------------
echo "1. cold: a new process connects and reads the status once ($cold_runs runs each, interleaved)"
: >"$tmp/cold-ptzgrab"; : >"$tmp/cold-npm"
for _ in $(seq "$cold_runs"); do
  start="$(now_ms)"; ptz status >/dev/null || fail "ptzgrab ptz status failed"; end="$(now_ms)"
  "$python" -c "print($end - $start)" >>"$tmp/cold-ptzgrab"
  start="$(now_ms)"; "${npm_client[@]}" connect-status "$cam_port" "$user" "$password" >/dev/null || fail "npm connect-status failed"; end="$(now_ms)"
  "$python" -c "print($end - $start)" >>"$tmp/cold-npm"
done
printf '   %-44s %s\n' "ptzgrab ptz status (process, discovery, call)" "$(lines_to_json <"$tmp/cold-ptzgrab" | percentiles)"
printf '   %-44s %s\n' "node + npm onvif connect + getStatus" "$(lines_to_json <"$tmp/cold-npm" | percentiles)"
echo

# --- 2. warm round trips ------------------------------------------------------------------------
port="$(free_port)"
cat >"$tmp/cameras.json" <<JSON
{"sources": [{"name": "ptzcam", "url": "$rtsp", "live": "off", "max_age_s": 0.001,
  "onvif": {"url": "$onvif", "user": "$user", "password": "$password"}}]}
JSON
"$ptzgrab" serve --config "$tmp/cameras.json" --port "$port" --static-dir "$tmp/static" >"$tmp/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$port/ptz/status?source=ptzcam" >/dev/null || fail "serve's /ptz/status failed: $(tail -3 "$tmp/serve.log")"
echo "2. warm round trips on a connected client ($samples calls each)"
ours="$("$python" "$root/scripts/bench/ptz_probe.py" roundtrips "http://127.0.0.1:$port" ptzcam "$samples" "$token_a" "$token_b")" \
  || fail "ptz_probe failed"
theirs="$("${npm_client[@]}" roundtrips "$cam_port" "$user" "$password" "$samples" "$token_a" "$token_b")" \
  || fail "npm roundtrips failed"
printf '   %-44s %s\n' "status: ptzgrab serve GET /ptz/status" "$(json_field status_ms <<<"$ours" | percentiles)"
printf '   %-44s %s\n' "status: npm onvif getStatus" "$(json_field status_ms <<<"$theirs" | percentiles)"
printf '   %-44s %s\n' "goto: ptzgrab serve POST /ptz/goto" "$(json_field goto_ms <<<"$ours" | percentiles)"
printf '   %-44s %s\n' "goto: npm onvif gotoPreset" "$(json_field goto_ms <<<"$theirs" | percentiles)"
echo

# --- 3. move-then-snapshot ----------------------------------------------------------------------
echo "3. move-then-snapshot: from the command to a JPEG of the new position (presets 1.6 pan units apart)"
: >"$tmp/shot-cli"; : >"$tmp/shot-http"; : >"$tmp/shot-fixed"
ptz goto "$token_a" --snapshot "$tmp/start.jpg" >/dev/null || fail "goto A failed"
for i in $(seq "$shot_runs"); do
  start="$(now_ms)"; ptz goto "$token_b" --snapshot "$tmp/cli-$i.jpg" >/dev/null || fail "ptzgrab goto --snapshot failed"; end="$(now_ms)"
  "$python" -c "print($end - $start)" >>"$tmp/shot-cli"
  start="$(now_ms)"
  code="$(curl -s -o "$tmp/http-$i.jpg" -w '%{http_code}' -X POST "http://127.0.0.1:$port/ptz/goto?source=ptzcam&preset=$token_a&then=snapshot")"
  end="$(now_ms)"
  [[ "$code" == 200 ]] || fail "POST /ptz/goto&then=snapshot answered $code"
  "$python" -c "print($end - $start)" >>"$tmp/shot-http"
done
# The baseline: goto, the fixed delay, then one ffmpeg grab (what a script around the npm client does).
for i in $(seq "$shot_runs"); do
  token="$token_b"; ((i % 2)) || token="$token_a"
  start="$(now_ms)"
  "${npm_client[@]}" goto-then-wait "$cam_port" "$user" "$password" "$token" "$((delay_s * 1000))" >/dev/null || fail "npm goto failed"
  ffmpeg -v error -y -rtsp_transport tcp -i "$rtsp" -frames:v 1 -q:v 2 "$tmp/fixed-$i.jpg" </dev/null || fail "ffmpeg grab failed"
  end="$(now_ms)"
  "$python" -c "print($end - $start)" >>"$tmp/shot-fixed"
done
printf '   %-44s %s\n' "ptzgrab ptz goto --snapshot (CLI, cold)" "$(lines_to_json <"$tmp/shot-cli" | percentiles)"
printf '   %-44s %s\n' "ptzgrab serve POST /ptz/goto&then=snapshot" "$(lines_to_json <"$tmp/shot-http" | percentiles)"
printf '   %-44s %s\n' "npm onvif goto + ${delay_s} s delay + ffmpeg grab" "$(lines_to_json <"$tmp/shot-fixed" | percentiles)"
