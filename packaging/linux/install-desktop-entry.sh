#!/usr/bin/env bash
# Adds Live Console to the desktop's application menu for this user (run from the unpacked folder).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
apps=${XDG_DATA_HOME:-$HOME/.local/share}/applications
icons=${XDG_DATA_HOME:-$HOME/.local/share}/icons
mkdir -p "$apps" "$icons"
cp -r "$here/icons/hicolor" "$icons/"
sed "s|^Exec=live-console|Exec=\"$here/live-console\"|" "$here/live-console.desktop" >"$apps/live-console.desktop"
echo "added $apps/live-console.desktop"
