"""Fixtures for the window tests: a QApplication set up like the real one, and the window."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from console.qt.QtWidgets import QApplication
    from tests.fixtures.media import MemoryKeyring


@pytest.fixture
def console_app(qapp: QApplication):  # noqa: ANN201 - pytest-qt's QApplication
    from console.qt.QtWidgets import QApplication

    if not isinstance(qapp, QApplication):
        pytest.fail(
            "a QGuiApplication was created before the window tests: widgets need QApplication"
        )
    from console.app import build_app

    return build_app()


@pytest.fixture
def make_window(console_app: QApplication, qtbot: QtBot, memory_keyring: MemoryKeyring) -> Iterator:
    """Factory: ``make_window(**settings_changes)`` → a shown MainWindow on the demo show."""
    from console.app import build_window
    from console.settings import load_settings, save_settings

    windows = []

    def make(show_path=None, clock=None, **changes):  # noqa: ANN001, ANN003, ANN202
        """``clock``: the show controller's clock (a fake for lotteries); ``show_path``: a show
        folder (default: the demo show copied into the private data folder)."""
        import time

        settings = load_settings()
        for name, value in changes.items():
            setattr(settings, name, value)
        settings.language = changes.get("language", "en")
        save_settings(settings)
        window = build_window(console_app, show_path, clock=clock or time.time)
        window.confirmations = []

        def confirm(title: str, text: str) -> bool:
            window.confirmations.append((title, text))
            return window.confirm_answer

        window.confirm_answer = True
        window.confirm = confirm

        def ask_resume(offer) -> bool:  # noqa: ANN001 - the crash-resume dialog, replaced
            window.confirmations.append(("resume", offer.text()))
            return window.confirm_answer

        window.ask_resume = ask_resume
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        qtbot.waitUntil(lambda w=window: w.closed, timeout=30000)
        assert window.tasks.wait(10000)
    console_app._languages.set_language("en")
