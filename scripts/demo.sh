#!/usr/bin/env bash
# Sets up and launches the console on its built-in demo show (rehearsal: test pattern and tone,
# recorded locally; no account, no camera). Extra arguments go to `live-console demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/live-console demo "$@"
