"""Composition root of the window: builds the Qt app, settings, overlays and the main window.

``live-console`` with no arguments (and ``live-console window``) call :func:`main`: the window
opens on the built-in demo show in rehearsal mode (test pattern, test tone, demo overlays).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from console.media.compositor import NormRect

log = logging.getLogger(__name__)

DEMO_SHOW_ID = "demo"
DEMO_TITLE = "演示直播间 · Demo show"

#: Demo products the next/previous-product hotkeys step through (until the show panel exists).
DEMO_PRODUCTS = (
    "限时秒杀 ¥59 · 满199减30",
    "保温杯 500ml ¥79 · 第二件半价",
    "真丝围巾 ¥129 · 前100名送礼盒",
)


def demo_layout(orientation: str) -> dict[str, NormRect]:
    """Default overlay placements of the demo show for ``portrait`` or ``landscape``."""
    if orientation == "portrait":
        return {
            "rehearsal": NormRect(0.04, 0.13, 0.58, 0.05),
            "clock": NormRect(0.65, 0.13, 0.31, 0.05),
            "promo": NormRect(0.06, 0.52, 0.88, 0.06),
        }
    return {
        "rehearsal": NormRect(0.03, 0.05, 0.40, 0.08),
        "clock": NormRect(0.80, 0.05, 0.17, 0.08),
        "promo": NormRect(0.22, 0.80, 0.56, 0.09),
    }


def demo_overlays(orientation: str = "portrait") -> list:
    from console.overlays.basic import BannerLayer, BannerStyle, ClockLayer

    rects = demo_layout(orientation)
    return [
        BannerLayer("彩排 REHEARSAL · 演示直播间", rects["rehearsal"], name="rehearsal"),
        ClockLayer(rects["clock"]),
        BannerLayer(
            DEMO_PRODUCTS[0], rects["promo"], BannerStyle(background="#E6FF6A00"), name="promo"
        ),
    ]


def demo_title() -> str:
    """The demo show's title from console.show when it is there; a fixed one otherwise."""
    try:
        from console.show import demo  # type: ignore[attr-defined]

        title = getattr(demo, "DEMO_TITLE", None) or getattr(demo, "TITLE", None)
        if isinstance(title, str) and title:
            return title
    except ImportError:
        pass
    return DEMO_TITLE


def build_app(argv: list[str] | None = None):  # noqa: ANN201 - QApplication
    """The QApplication with theme, CJK-capable font and the language from the settings."""
    from PySide6.QtWidgets import QApplication

    from console.settings import load_settings
    from console.ui.i18n import LanguageManager, ui_font
    from console.ui.style import apply_theme

    app = QApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        ):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("live-console")
    app.setApplicationDisplayName("Live Console")
    app.setOrganizationName("live-console")
    apply_theme(app)
    app.setFont(ui_font())
    languages = LanguageManager()
    languages.set_language(load_settings().language)
    app._languages = languages  # type: ignore[attr-defined]  # kept alive with the app
    return app


def build_window(app, show_path: str | None = None, settings_folder: Path | None = None):  # noqa: ANN001, ANN201
    """The main window on ``show_path`` (not yet supported: the demo show is used)."""
    from console.settings import load_settings
    from console.ui.main_window import MainWindow

    settings = load_settings(settings_folder)
    app._languages.set_language(settings.language)
    if show_path is not None:
        log.warning("opening a show file is not supported yet; opening the demo show")
    orientation = settings.canvas.orientation
    overlays = demo_overlays(orientation)
    window = MainWindow(
        settings,
        overlays,
        show_id=DEMO_SHOW_ID,
        show_title=demo_title(),
        languages=app._languages,
        settings_folder=settings_folder,
    )
    window.default_layout = demo_layout
    promo = next(o for o in overlays if o.name == "promo")
    state = {"i": 0}

    def step(delta: int) -> None:
        state["i"] = (state["i"] + delta) % len(DEMO_PRODUCTS)
        promo.text = DEMO_PRODUCTS[state["i"]]

    window.product_next_requested.connect(lambda: step(+1))
    window.product_previous_requested.connect(lambda: step(-1))
    return window


def run_window(show_path: str | None = None, argv: list[str] | None = None) -> int:
    app = build_app(argv)
    window = build_window(app, show_path)
    window.show()
    return app.exec()


def main(argv: list[str] | None = None) -> int:
    """``live-console`` / ``live-console window [SHOW]``: open the console window."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "window":
        argv = argv[1:]
    show = argv[0] if argv and not argv[0].startswith("-") else None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run_window(show, sys.argv[:1])


if __name__ == "__main__":
    sys.exit(main())
