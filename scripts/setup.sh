#!/usr/bin/env bash
# Installs what the console needs on a Debian/Ubuntu machine, then a venv in .venv.
#   scripts/setup.sh          the console and everything its tests need (nginx-rtmp, PulseAudio,
#                             Xvfb, Chromium, ffmpeg)
#   scripts/setup.sh --app    only what the console itself needs (the demo)
set -euo pipefail
cd "$(dirname "$0")/.."
APP_PACKAGES=(
  python3-venv libportaudio2 fonts-noto-cjk fonts-noto-color-emoji
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
)
TEST_PACKAGES=(
  nginx libnginx-mod-rtmp libnginx-mod-stream  # RTMP/RTMPS ingest
  pulseaudio pulseaudio-utils libasound2-plugins  # the microphone path
  ffmpeg openssl xvfb chromium  # benchmark floor, test CA, real X server, report check
)
packages=("${APP_PACKAGES[@]}")
extras="[test]"
if [ "${1:-}" = "--app" ]; then
  extras=""
else
  for p in "${TEST_PACKAGES[@]}"; do
    packages+=("$p")
  done
fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".${extras}"
