#!/usr/bin/env bash
# Builds the self-contained app for the platform this runs on (PyInstaller, one shared spec).
#   bash packaging/build.sh          → packaging/build/dist/…; the LAST line printed is the
#                                      path of the executable
# Linux: a folder plus a tarball with a .desktop file and icons. Windows (Git Bash) and macOS:
# the same spec gives live-console.exe / "Live Console.app". See docs/packaging.md.
# Environment: PYTHON (the interpreter to build with, default .venv/bin/python or python3),
# LIVE_CONSOLE_BUILD_DIR (default packaging/build).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${LIVE_CONSOLE_BUILD_DIR:-$ROOT/packaging/build}
if [ -n "${PYTHON:-}" ]; then
  PY=$PYTHON
elif [ -x .venv/bin/python ]; then
  PY=.venv/bin/python
elif [ -x .venv/Scripts/python.exe ]; then
  PY=.venv/Scripts/python.exe
else
  PY=python3
fi
mkdir -p "$BUILD"
started=$(date +%s)

log() { echo "build: $*" >&2; }

log "wheel from this checkout"
rm -rf "$BUILD/wheel"
"$PY" -m pip wheel --no-deps -q -w "$BUILD/wheel" . >&2
wheel=$(ls "$BUILD"/wheel/live_console-*.whl)

log "build venv (kept between builds) with the wheel and PyInstaller"
if [ ! -d "$BUILD/venv" ]; then
  "$PY" -m venv "$BUILD/venv" >&2
fi
if [ -x "$BUILD/venv/bin/python" ]; then VPY=$BUILD/venv/bin/python; else VPY=$BUILD/venv/Scripts/python.exe; fi
"$VPY" -m pip install -q --disable-pip-version-check "pyinstaller>=6.10,<7" >&2
"$VPY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel" >&2
"$VPY" -m pip install -q --disable-pip-version-check "$wheel" >&2
version=$("$VPY" -c 'import importlib.metadata as m; print(m.version("live-console"))')

log "PyInstaller (a few minutes)"
rm -rf "$BUILD/dist"
(cd "$BUILD" && "$VPY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$BUILD/dist" --workpath "$BUILD/work" "$ROOT/packaging/live-console.spec") >&2

case "$(uname -s)" in
  Linux)
    app=$BUILD/dist/live-console
    exe=$app/live-console
    cp packaging/linux/live-console.desktop "$app/"
    for size in 16 32 48 64 128 256 512; do
      mkdir -p "$app/icons/hicolor/${size}x${size}/apps"
      cp "resources/icons/live-console-$size.png" "$app/icons/hicolor/${size}x${size}/apps/live-console.png"
    done
    cp packaging/linux/install-desktop-entry.sh "$app/"
    arch=$(uname -m)
    tarball=$BUILD/live-console-$version-linux-$arch.tar.gz
    tar -C "$BUILD/dist" -czf "$tarball" live-console
    log "tarball: $tarball ($(du -h "$tarball" | cut -f1))"
    ;;
  Darwin)
    exe="$BUILD/dist/Live Console.app/Contents/MacOS/live-console"
    ;;
  MINGW* | MSYS* | CYGWIN*)
    exe=$BUILD/dist/live-console/live-console.exe
    ;;
  *)
    exe=$BUILD/dist/live-console/live-console
    ;;
esac
[ -x "$exe" ] || { echo "build: no executable at $exe" >&2; exit 1; }
log "built live-console $version in $(($(date +%s) - started)) s; folder $(du -sh "$(dirname "$exe")" | cut -f1)"
echo "$exe"
