#!/usr/bin/env bash
# Installs what the console and its tests need on a Debian/Ubuntu machine, then a venv in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PACKAGES=(
  python3-venv
  nginx libnginx-mod-rtmp libnginx-mod-stream
  pulseaudio pulseaudio-utils libportaudio2 libasound2-plugins
  ffmpeg openssl
  xvfb fonts-noto-cjk fonts-noto-color-emoji chromium
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
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
.venv/bin/pip install -q -e '.[test]'
