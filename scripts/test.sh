#!/usr/bin/env bash
# Sets up (system packages, .venv) and runs the whole test suite: lint, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports  # who may import what: [tool.importlinter] in pyproject.toml
exec .venv/bin/python -m pytest "$@"
