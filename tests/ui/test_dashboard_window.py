"""The live dashboard inside the window: fed by the show, writes the report, journals the session."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from console.show.commands import PinProduct

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from console.ui.main_window import MainWindow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def journal_kinds(window: MainWindow) -> list[str]:
    return [e.kind for e in window.controller.journal.events()]


def test_dashboard_follows_the_show_and_writes_the_report(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window()
    assert window.dashboard is not None
    product = next(iter(window.controller.state.products.values()))
    event, reason = window.bridge.execute(PinProduct(product.id))
    assert event is not None, reason

    def pinned_shown() -> bool:
        window.dashboard.refresh()
        return product.title in window.dashboard.pinned.text()

    qtbot.waitUntil(pinned_shown, timeout=5000)
    window.dashboard_dock.raise_()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.dashboard_dock.grab().save(str(SCREENSHOTS / "dashboard.png"))

    window.export_report()
    report = window.show_folder.path / "reports" / "report.html"
    qtbot.waitUntil(report.exists, timeout=30000)
    html = report.read_text(encoding="utf-8")
    assert product.title in html


def test_a_session_is_journaled_with_health_samples(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window(rehearsal=True)
    qtbot.waitUntil(lambda: window.session.running, timeout=10000)
    window.go_live()
    qtbot.waitUntil(lambda: window.session.live, timeout=10000)
    window._last_health_sample = 0.0
    qtbot.waitUntil(lambda: "health.sample" in journal_kinds(window), timeout=10000)
    window.stop_live()
    qtbot.waitUntil(lambda: not window.session.live, timeout=10000)
    qtbot.waitUntil(lambda: "session.ended" in journal_kinds(window), timeout=10000)
    kinds = journal_kinds(window)
    assert (
        kinds.index("session.started") < kinds.index("health.sample") < kinds.index("session.ended")
    )
