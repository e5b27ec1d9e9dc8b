"""CJK without a system font: the installed wheel's own font has every Chinese glyph the UI,
the overlays and the demo show need, and Chinese renders as glyphs, not boxes.

The machine has fonts-noto-cjk; the check runs with FONTCONFIG_FILE pointing at a config that
lists one empty font folder, so Qt sees no system font at all.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.install.conftest import Install

CHECK = r"""
import json, re, sys
from pathlib import Path
from console.media.qt import ensure_gui_app, BUNDLED_CJK_FAMILY
app = ensure_gui_app()
from console.qt.QtCore import Qt
from console.qt.QtGui import QFont, QFontDatabase, QFontMetrics, QImage, QPainter, QRawFont
import console
from console.resources import fonts_dir

def cjk(text):
    return {c for c in text if 0x2E80 <= ord(c) <= 0x9FFF or 0xFF00 <= ord(c) <= 0xFFEF}

pkg = Path(console.__file__).parent
needed = set()
for path in pkg.rglob("*.py"):
    needed |= cjk(path.read_text(encoding="utf-8"))
for path in (pkg / "_data").rglob("*.json"):
    needed |= cjk(path.read_text(encoding="utf-8"))

font_file = next(fonts_dir().glob("*.otf"))
raw = QRawFont(str(font_file), 32)
missing_raw = sorted(c for c in needed if not raw.supportsCharacter(ord(c)))

overlay = QFont()  # what an overlay draws with: the application font and its fallbacks
overlay.setPixelSize(32)
metrics = QFontMetrics(overlay)
missing_metrics = sorted(c for c in needed if not metrics.inFontUcs4(ord(c)))

def render(text):
    image = QImage(64 * len(text), 64, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    p = QPainter(image)
    p.setFont(overlay)
    p.setPen(Qt.GlobalColor.black)
    p.drawText(4, 48, text)
    p.end()
    return image

tofu = render("\U000E01F0")  # an unassigned code point: what a box looks like
sample = "直播带货秒杀"
boxes = [c for c in sample if render(c) == tofu]
blank = render(" ")
inked = [c for c in sample if render(c) != blank]
print(json.dumps({
    "families": QFontDatabase.families(),
    "app_families": app.font().families(),
    "needed": len(needed),
    "missing_raw": missing_raw,
    "missing_metrics": missing_metrics,
    "boxes": boxes,
    "inked": inked,
    "bundled": BUNDLED_CJK_FAMILY,
}, ensure_ascii=False))
"""


def no_system_fonts(tmp_path: Path) -> dict[str, str]:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><dir>{empty}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return {"FONTCONFIG_FILE": str(conf)}


def test_bundled_font_covers_the_ui_without_system_fonts(
    installed: Install, tmp_path: Path
) -> None:
    out = json.loads(installed.run_python(CHECK, env=no_system_fonts(tmp_path)).stdout)
    assert out["bundled"] in out["families"]
    assert not any("Noto Sans CJK" in f for f in out["families"]), "system fonts are visible"
    assert out["bundled"] in out["app_families"]
    assert out["needed"] > 300  # the UI strings, translations, demo show, compliance terms
    assert out["missing_raw"] == []
    assert out["missing_metrics"] == []
    assert out["boxes"] == []
    assert out["inked"] == list("直播带货秒杀")


def test_window_font_is_the_bundled_one_without_system_fonts(
    installed: Install, tmp_path: Path
) -> None:
    code = "from console.app import build_app; app = build_app([]); print(app.font().families()[0])"
    out = installed.run_python(code, env=no_system_fonts(tmp_path))
    assert out.stdout.strip() == "Live Console CJK"
    assert "no CJK font installed" not in out.stderr


def test_font_licence_travels_with_the_font(installed: Install) -> None:
    licence = (installed.package / "_data" / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Noto Sans CJK SC" in licence
