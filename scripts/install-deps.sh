#!/usr/bin/env bash
# Installs what ptzgrab needs to build, run and test, from Debian's packages only.
# Idempotent and quiet: apt-get runs only when something is missing.
set -euo pipefail

build_packages=(
  g++ make cmake pkg-config
  libboost1.81-dev libboost-filesystem1.81-dev libboost-json1.81-dev
  libopencv-dev libturbojpeg0-dev libcli11-dev doctest-dev libxml2-dev libyaml-cpp-dev
  help2man
)
run_packages=(ffmpeg)
test_packages=(
  python3 python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly
  gstreamer1.0-plugins-bad
  nginx-light wrk motion prometheus
)

want=("${build_packages[@]}" "${run_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then want+=("${test_packages[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The bench and the tests run their own motion and prometheus; the packages' daemons would hold
  # ports (motion 8080, which `make run` uses; prometheus 9090) and run on for nothing.
  if [[ -d /run/systemd/system ]]; then
    for daemon in motion prometheus; do
      if [[ " ${missing[*]} " == *" $daemon "* ]]; then
        $SUDO systemctl disable --now "$daemon.service" >/dev/null 2>&1 || true
      fi
    done
  fi
fi

if [[ "${1:-}" == "--test" && -x "$(dirname "$0")/install-browser-deps.sh" ]]; then
  "$(dirname "$0")/install-browser-deps.sh"
fi
