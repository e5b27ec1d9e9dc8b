"""The live dashboard panel shows LiveStats' numbers (no window wiring here)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from console.analytics.live import LiveStats
from console.analytics.load import load_show
from tests.unit.analytics.scripted import T0, build_scripted_show

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def test_dashboard_shows_the_live_numbers(qtbot: QtBot, tmp_path: Path) -> None:
    from console.ui.dashboard import DashboardPanel

    events = load_show(build_scripted_show(tmp_path / "show")).events
    now = [T0 + 99]
    stats = LiveStats(clock=lambda: now[0])
    stats.replay(e for e in events if e.ts < T0 + 100)
    panel = DashboardPanel(stats, interval_ms=60_000)
    qtbot.addWidget(panel)
    values = {k: t.value.text() for k, t in panel.tiles.items()}
    assert values == {
        "viewers": "120",
        "comments": "2",
        "likes": "8",
        "orders": "3",
        "gmv": "¥326",
        "conversion": "42.9%",  # 3 buyers of the 7 viewers seen so far (u6 comes at 140)
    }
    assert "316不锈钢保温杯" in panel.pinned.text() and "1:29" in panel.pinned.text()
    assert "3 orders" in panel.pinned.text() and "50.0%" in panel.pinned.text()
    assert "0 dropped" in panel.health.text()

    stats.replay(e for e in events if e.ts >= T0 + 100)
    now[0] = T0 + 179
    panel.refresh()
    assert panel.tiles["orders"].value.text() == "6"
    assert panel.tiles["gmv"].value.text() == "¥613.90"
    assert panel.pinned.text() == "Pinned: –"
    with qtbot.waitSignal(panel.report_requested, timeout=1000):
        panel.report_button.click()
