#!/usr/bin/env bash
# Whole-process CPU (cores) of the window on the demo show, previewing only (not live, not
# recording), offscreen, on a fresh account: the mean over SECONDS after a WARMUP.
#   bash bench/idle_window.sh [CHECKOUT] [SECONDS] [WARMUP]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
checkout="${1:-$here}"
seconds="${2:-20}"
warmup="${3:-10}"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
cd "$checkout"
HOME="$home" XDG_CONFIG_HOME="$home/c" XDG_DATA_HOME="$home/d" QT_QPA_PLATFORM=offscreen \
  PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring \
  "$here/.venv/bin/python" -m console window >"$home/log" 2>&1 &
pid=$!
sleep "$warmup"
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
t0=$(ticks)
sleep "$seconds"
t1=$(ticks)
kill -INT "$pid"
wait "$pid" || true
hz=$(getconf CLK_TCK)
echo "idle window ($(git -C "$checkout" rev-parse --short HEAD)): $(echo "scale=2; ($t1 - $t0) / $hz / $seconds" | bc) cores"
