#!/usr/bin/env bash
# Sets up and launches the console window on its built-in demo show (rehearsal: test pattern
# and tone, recorded locally; no account, no camera). With no display it runs the same demo
# headless and prints where the recording is. Extra arguments go to `live-console`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --app
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/live-console "$@"
fi
echo "no display found: running the demo headless (Ctrl-C to stop)" >&2
exec .venv/bin/live-console demo "$@"
