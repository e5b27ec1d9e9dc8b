"""The one door to a Qt GUI application for the media side (QtGui only, works with no display)."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QGuiApplication


def ensure_gui_app() -> QGuiApplication:
    """Return the running QGuiApplication, creating an offscreen one when there is no display.

    QPainter text needs a QGuiApplication (for fonts); the headless CLI has none otherwise.
    """
    app = QGuiApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(sys.argv[:1])
    return app  # type: ignore[return-value]
