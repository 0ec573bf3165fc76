#!/usr/bin/env bash
# Makes the built-in demo source's live stream: an HLS VOD playlist (assets/demo/index.m3u8,
# 2 s segments, 12 s in all, a seamless loop) from ffmpeg's generated test pattern with a
# moving box. H.264 main profile, yuv420p, no audio: every browser with HLS or MSE plays it.
# Idempotent: does nothing when the playlist exists and is newer than this script.
#
# usage: scripts/make-demo-media.sh [OUT_DIR]      (default: assets/demo; FFMPEG=/path overrides)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
self="$root/scripts/make-demo-media.sh"
out="${1:-$root/assets/demo}"
ffmpeg="${FFMPEG:-ffmpeg}"

if [[ -f "$out/index.m3u8" && "$out/index.m3u8" -nt "$self" ]]; then
  exit 0
fi
command -v "$ffmpeg" >/dev/null || { echo "make-demo-media: ffmpeg not found" >&2; exit 1; }

duration_s=12      # the box's path repeats with this period, so the loop has no jump
fps=25
segment_s=2
work="$(mktemp -d "${out%/}.tmp.XXXXXX")"
trap 'rm -rf "$work"' EXIT

box_x="(W-w)/2*(1+sin(2*PI*t/${duration_s}))"
box_y="(H-h)/2*(1+sin(4*PI*t/${duration_s}))"
"$ffmpeg" -hide_banner -loglevel error -nostdin -y \
  -f lavfi -i "testsrc2=size=1280x720:rate=${fps}:duration=${duration_s}" \
  -f lavfi -i "color=c=0xff5a1f:size=120x120:rate=${fps}:duration=${duration_s}" \
  -filter_complex "[0:v][1:v]overlay=x='${box_x}':y='${box_y}':shortest=1,format=yuv420p[v]" \
  -map "[v]" -an \
  -c:v libx264 -profile:v main -preset veryfast -tune zerolatency \
  -b:v 900k -maxrate 1200k -bufsize 1800k \
  -g $((fps * segment_s)) -keyint_min $((fps * segment_s)) -sc_threshold 0 \
  -f hls -hls_time "$segment_s" -hls_playlist_type vod \
  -hls_segment_filename "$work/segment_%03d.ts" \
  "$work/index.m3u8"

rm -rf "$out"
mv "$work" "$out"
chmod 0755 "$out"
trap - EXIT
echo "make-demo-media: wrote $out/index.m3u8"
