"""Composition root of the window: builds the Qt app, settings, the show, overlays and the window.

``live-console`` with no arguments (and ``live-console window``) call :func:`main`: the window
opens on the demo show — a copy of ``resources/demo_show`` made once in the user data folder and
kept (its journal, layout and state carry over between launches) — in rehearsal mode.
``live-console window SHOW`` opens that show folder.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from console.errors import UserError
from console.overlays.composition import default_rects, overlays_for
from console.show.layout_store import ShowLayoutStore
from console.show.opening import open_show

if TYPE_CHECKING:  # the window is built on demand (the CLI imports this module)
    from console.qt.QtWidgets import QApplication
    from console.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def build_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with theme, CJK-capable font and the language from the settings."""
    from console.qt.QtWidgets import QApplication
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
    from console.qt.QtGui import QIcon
    from console.resources import icon_path

    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        if icon_path(size).is_file():
            icon.addFile(str(icon_path(size)))
    app.setWindowIcon(icon)
    languages = LanguageManager()
    languages.set_language(load_settings().language)
    app._languages = languages  # type: ignore[attr-defined]  # kept alive with the app
    return app


def build_window(
    app: QApplication,
    show_path: str | Path | None = None,
    settings_folder: Path | None = None,
    clock: Callable[[], float] = time.time,
) -> MainWindow:
    """The main window on the show at ``show_path`` (None: the demo show).

    A folder that is not a usable show raises ``UserError`` (one line naming the file and the
    problem) before any window exists.
    """
    from console.live.audience import LiveAudience
    from console.overlays.chat import ChatFeed
    from console.settings import load_settings_report
    from console.ui.audience_bridge import AudienceBridge
    from console.ui.main_window import MainWindow
    from console.ui.show_bridge import ShowBridge

    settings, settings_problems = load_settings_report(settings_folder)
    app._languages.set_language(settings.language)
    folder, controller = open_show(show_path, clock)
    feed = ChatFeed(50)  # what the chat overlay draws: filled by the show's audience hub
    try:
        store = ShowLayoutStore(folder)
        window = MainWindow(
            settings,
            overlays_for(controller, folder, settings.canvas, feed),
            show_id=str(folder.path),
            show_title=folder.meta.title,
            languages=app._languages,
            settings_folder=settings_folder,
            layout_store=store,
        )
    except BaseException:
        controller.close()
        raise
    for problem in settings_problems:  # a newer file kept as is, a bad field defaulted
        log.warning("%s", problem)
        window.add_notice(problem)
    window.show_folder = folder
    window.controller = controller
    window.live.controller = controller  # the live core journals the session there
    window.default_layout = lambda orientation: default_rects(controller, folder, orientation)
    bridge = ShowBridge(controller, window)
    window.attach_show(bridge, controller.rundown, controller.promotions)
    # one audience hub per open show, the live core's (the window, the phone panel and the
    # control server see the same one): started here, stopped when the window closes (before
    # the show's journal closes); blocking plugin stops run in the window's workers
    live_audience = LiveAudience(
        controller,
        blocked_words=window.audience_prefs().blocked_words,
        rehearsal=settings.rehearsal,
    )
    live_audience.subscribe(feed, sampled=True)  # the chat overlay: a sample under overload
    audience = AudienceBridge(
        live_audience, feed, background=lambda fn: window.tasks.run(fn), parent=window
    )
    window.attach_audience(audience)
    window.attach_dashboard(controller)
    from console.ui.resume_part import offer_resume

    offer_resume(window)  # an unfinished session (a crash): offered once the preview runs
    return window


def _can_show_dialogs() -> bool:
    from console.qt.QtGui import QGuiApplication

    return QGuiApplication.platformName() not in ("offscreen", "minimal")


def run_window(show_path: str | None = None, argv: list[str] | None = None) -> int:
    app = build_app(argv)
    from console.ui.quit_signals import QuitOnSignals

    signals = QuitOnSignals()  # Ctrl-C / SIGTERM: a clean stop, even while the show opens
    try:
        window = build_window(app, show_path)
    except UserError as exc:
        signals.restore()
        if _can_show_dialogs():
            from console.qt.QtCore import Qt
            from console.qt.QtWidgets import QMessageBox

            box = QMessageBox(
                QMessageBox.Icon.Critical, "Live Console", f"The show could not be opened:\n\n{exc}"
            )
            box.setTextFormat(Qt.TextFormat.PlainText)  # a folder name is text, never markup
            box.exec()
        raise  # console.cli prints it as one line and exits non-zero
    window.show()
    quit_after = os.environ.get("LIVE_CONSOLE_QUIT_AFTER", "")  # smoke tests of an install
    if quit_after:
        from console.qt.QtCore import QTimer

        try:
            QTimer.singleShot(round(float(quit_after) * 1000), window.close)
        except ValueError:
            raise UserError(
                f"LIVE_CONSOLE_QUIT_AFTER must be a number of seconds, got {quit_after!r}"
            ) from None
    from console.runtime import freeze_startup_heap

    freeze_startup_heap()
    signals.bind(window.quit_without_asking)
    try:
        return app.exec()
    finally:
        signals.restore()


def main(argv: list[str] | None = None) -> int:
    """``live-console`` / ``live-console window [SHOW]``: open the console window."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "window":
        argv = argv[1:]
    show = argv[0] if argv and not argv[0].startswith("-") else None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from console.redaction import install_log_redaction
    from console.runtime import install_excepthook

    install_log_redaction()  # every handler: keys, URL credentials and tokens masked
    install_excepthook()  # a failing slot: one redacted line, the traceback in a 0600 report
    return run_window(show, sys.argv[:1])


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
