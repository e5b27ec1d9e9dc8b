"""Composition root of the window: builds the Qt app, settings, the show, overlays and the window.

``live-console`` with no arguments (and ``live-console window``) call :func:`main`: the window
opens on the demo show — a copy of ``resources/demo_show`` made once in the user data folder and
kept (its journal, layout and state carry over between launches) — in rehearsal mode.
``live-console window SHOW`` opens that show folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.media.compositor import NormRect
from console.settings import CanvasSettings, LayerPlacement

log = logging.getLogger(__name__)

DEMO_SHOW_ID = "demo"
DEMO_TITLE = "演示直播间 · Demo show"


def demo_layout(orientation: str) -> dict[str, NormRect]:
    """Placements of the window's own layers (the rehearsal badge)."""
    if orientation == "portrait":
        return {"rehearsal": NormRect(0.03, 0.045, 0.34, 0.035)}
    return {"rehearsal": NormRect(0.02, 0.025, 0.2, 0.06)}


def rehearsal_layer(orientation: str):  # noqa: ANN201 - a Layer
    from console.overlays.basic import BannerLayer, BannerStyle

    return BannerLayer(
        "彩排 REHEARSAL",
        demo_layout(orientation)["rehearsal"],
        BannerStyle(background="#E6F5A623", foreground="#FF1A1A1A"),
        name="rehearsal",
    )


def show_layers(controller, folder, canvas: CanvasSettings) -> list:  # noqa: ANN001
    """The show's overlay layers (product card, coupon, flash sale, lottery, poll) for ``canvas``."""
    from console.overlays.show_layers import build_show_layers

    get_state = lambda: controller.state  # noqa: E731 - read from the render thread: safe
    return list(
        build_show_layers(
            get_state,
            controller.now,
            (canvas.width, canvas.height),
            folder.path,
            layout=folder.load_layout(),
        )
    )


def overlays_for(controller, folder, canvas: CanvasSettings, feed=None) -> list:  # noqa: ANN001
    """Every overlay of the window: the show's layers, the chat overlay (fed by ``feed``, a
    ``ChatFeed``) and the pinned-comment banner, and on top the rehearsal badge."""
    from console.overlays.chat import ChatFeed
    from console.ui.audience_bridge import audience_layers

    return [
        *show_layers(controller, folder, canvas),
        *audience_layers(
            feed if feed is not None else ChatFeed(50),
            canvas.orientation,
            state=lambda: controller.state,  # the pinned comment is show state
        ),
        rehearsal_layer(canvas.orientation),
    ]


def default_rects(controller, folder, orientation: str) -> dict[str, NormRect]:  # noqa: ANN001
    """Default placements of every overlay for an orientation (a new orientation starts here)."""
    canvas = CanvasSettings(720, 1280) if orientation == "portrait" else CanvasSettings(1280, 720)
    return {lay.name: lay.rect for lay in overlays_for(controller, folder, canvas)}


# ---------------------------------------------------------------------------- the show folder


def demo_show_folder() -> Path:
    """The user's copy of the demo show, made once (atomically) and then kept."""
    from platformdirs import user_data_dir

    from console.show.demo import copy_demo_show

    dest = Path(user_data_dir("live-console")) / "shows" / "demo"
    if (dest / "show.json").is_file():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    import tempfile

    # an unpredictable, exclusively created folder: nothing planted can redirect the copy
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".demo-", suffix=".tmp"))
    copy_demo_show(tmp)
    if dest.exists():  # an incomplete earlier copy (no show.json): replace it
        shutil.rmtree(dest)
    tmp.rename(dest)
    from console.settings import config_dir

    print(  # first run on this account: say what was set up, and where
        f"live-console: first run: copied the demo show to {dest}; "
        f"settings will be kept in {config_dir()}",
        file=sys.stderr,
    )
    return dest


class ShowLayoutStore:
    """Overlay placements per orientation in the show folder's ``layout.json``.

    The format of ``console.overlays.show_layers`` (``layout_of`` / ``merge_layout``):
    ``{"portrait": {name: {"x", "y", "w", "h", "visible"}, …}, "landscape": {…}, "style": {…}}``;
    the order of the names is the stacking order (bottom first); ``visible`` is the user's
    on/off. Other keys (the overlays' ``"style"``) are kept. Edits are kept in memory and
    written by :meth:`flush` (the window's debounced save).
    """

    def __init__(self, folder) -> None:  # noqa: ANN001 - ShowFolder
        self.folder = folder
        self.data: dict[str, Any] = dict(folder.load_layout())
        self.dirty = False

    def load(self, orientation: str) -> list[LayerPlacement] | None:
        items = self.data.get(orientation)
        if not isinstance(items, dict):
            return None
        placements = []
        for name, item in items.items():
            try:
                placements.append(
                    LayerPlacement(
                        str(name),
                        float(item["x"]),
                        float(item["y"]),
                        float(item["w"]),
                        float(item["h"]),
                        bool(item.get("visible", True)),
                    )
                )
            except (KeyError, TypeError, ValueError):
                log.warning("layout.json: ignoring a bad %s placement: %r", orientation, item)
        return placements or None

    def save(self, orientation: str, placements: list[LayerPlacement]) -> None:
        self.data[orientation] = {
            p.name: {
                "x": round(p.x, 4),
                "y": round(p.y, 4),
                "w": round(p.w, 4),
                "h": round(p.h, 4),
                "visible": bool(p.visible),
            }
            for p in placements
        }
        self.dirty = True

    def flush(self) -> None:
        if self.dirty:
            self.folder.save_layout(self.data)
            self.dirty = False


def open_show(show_path: str | Path | None, clock: Callable[[], float] = time.time):  # noqa: ANN201
    """``(folder, controller)`` for ``show_path`` (None: the demo copy); UserError if unusable.

    The window is the show's writer: the folder's writer lock is taken before anything is read
    and held until ``controller.close()``; a show another process has open is refused in one
    line naming it (pid, command, since when)."""
    from console.show.controller import ShowController
    from console.show.folder import ShowFolder

    path = demo_show_folder() if show_path is None else Path(show_path)
    folder = ShowFolder.open(path, writer=True)
    try:
        return folder, ShowController.open(folder, clock=clock)
    except BaseException:
        folder.close()
        raise


def build_app(argv: list[str] | None = None):  # noqa: ANN201 - QApplication
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
    app,  # noqa: ANN001
    show_path: str | Path | None = None,
    settings_folder: Path | None = None,
    clock: Callable[[], float] = time.time,
):  # noqa: ANN201 - MainWindow
    """The main window on the show at ``show_path`` (None: the demo show).

    A folder that is not a usable show raises ``UserError`` (one line naming the file and the
    problem) before any window exists.
    """
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
    # one audience hub per open show: started here, stopped when the window closes (before
    # the show's journal closes); blocking plugin stops run in the window's workers
    audience = AudienceBridge(
        controller,
        feed,
        blocked_words=window.audience_prefs().blocked_words,
        rehearsal=settings.rehearsal,
        background=lambda fn: window.tasks.run(fn),
        parent=window,
    )
    window.attach_audience(audience)
    window.attach_dashboard(controller)
    return window


def _can_show_dialogs() -> bool:
    from console.qt.QtGui import QGuiApplication

    return QGuiApplication.platformName() not in ("offscreen", "minimal")


def run_window(show_path: str | None = None, argv: list[str] | None = None) -> int:
    app = build_app(argv)
    try:
        window = build_window(app, show_path)
    except UserError as exc:
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
    return app.exec()


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
