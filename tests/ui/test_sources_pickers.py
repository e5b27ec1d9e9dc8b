"""The sources panel's file pickers (one ``_pick``): a real file dialog, answered by a user."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from console.qt.QtCore import QTimer
from console.qt.QtGui import QColor, QImage
from console.qt.QtWidgets import QApplication, QFileDialog

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from console.ui.main_window import MainWindow


def _answer_file_dialog(path: Path | None) -> QTimer:
    """Pick ``path`` (or cancel with None) in the next modal file dialog that opens."""
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            timer.stop()
            if path is None:
                dialog.reject()
            else:
                dialog.selectFile(str(path))
                dialog.accept()

    timer.timeout.connect(poll)
    timer.start()
    return timer


def test_image_picker_switches_the_video_and_cancel_keeps_it(
    make_window: Callable[..., MainWindow], qtbot: QtBot, tmp_path: Path
):
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    png = tmp_path / "slide.png"
    assert image.save(str(png))
    window = make_window()
    choice = window.video_choice

    timer = _answer_file_dialog(png)
    window._video_chosen(choice.findData("pick:image"))
    assert not timer.isActive()
    spec = f"image:{png}"
    qtbot.waitUntil(lambda: choice.findData(spec) >= 0, timeout=20000)

    timer = _answer_file_dialog(None)
    before = [choice.itemData(i) for i in range(choice.count())]
    window._video_chosen(choice.findData("pick:file"))
    assert not timer.isActive()
    assert choice.findData("file:") < 0
    assert [choice.itemData(i) for i in range(choice.count())] == before
