"""The one door to a Qt GUI application for the media side (QtGui only, works with no display)."""

from __future__ import annotations

import logging
import os
import sys

from console.qt.QtGui import QFontDatabase, QGuiApplication

log = logging.getLogger(__name__)

#: The CJK font the console carries (resources/fonts, a Noto Sans CJK SC subset, SIL OFL 1.1).
BUNDLED_CJK_FAMILY = "Live Console CJK"
_bundled: list[str] | None = None


def register_bundled_fonts() -> list[str]:
    """Register the fonts in resources/fonts with Qt (once); returns their family names.

    Needs a QGuiApplication. Chinese then never renders as boxes, even on a machine with no CJK
    system font: the family is the last fallback of the overlays and of the UI font.
    """
    global _bundled
    if _bundled is None:
        from console.resources import fonts_dir

        families: list[str] = []
        folder = fonts_dir()
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                fid = QFontDatabase.addApplicationFont(str(path))
                if fid < 0:
                    log.warning("font %s could not be loaded: reinstall the console", path)
                    continue
                families += QFontDatabase.applicationFontFamilies(fid)
        _bundled = families
    return list(_bundled)


def add_fallback_family(app: QGuiApplication) -> None:
    """Append the bundled CJK family to the application font's families (Qt's per-glyph
    fallback order), so a default ``QFont()`` in an overlay finds Chinese glyphs."""
    families = register_bundled_fonts()
    if not families:
        return
    font = app.font()
    current = font.families() or [font.family()]
    missing = [f for f in families if f not in current]
    if missing:
        font.setFamilies([*current, *missing])
        app.setFont(font)


def ensure_gui_app() -> QGuiApplication:
    """Return the running QGuiApplication, creating an offscreen one when there is no display.

    QPainter text needs a QGuiApplication (for fonts); the headless CLI has none otherwise.
    """
    app = QGuiApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(sys.argv[:1])
        add_fallback_family(app)
    return app  # type: ignore[return-value]
