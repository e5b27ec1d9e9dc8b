"""The assistant while the stream is down: the hold and the resume are one line each in its log,
and a draw asks first, then is journaled as an override."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from console.show.commands import AddLotteryEntrant, OpenLottery
from console.show.uplink_hold import UplinkWatcher
from tests.ui.audience_helpers import write_audience_prefs

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from console.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _quiet_audience() -> None:
    write_audience_prefs(simulated=False)


class FakeClock:
    def __init__(self) -> None:
        import time

        self.t = float(int(time.time()))

    def __call__(self) -> float:
        return self.t


def test_a_draw_while_the_stream_is_down_asks_and_is_journaled(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    clock = FakeClock()
    window = make_window(clock=clock)
    panel, controller = window.assistant, window.controller
    controller.execute(OpenLottery("耳机", 19900, "like", 1, 30))
    controller.execute(AddLotteryEntrant("lottery-1", "u1", "小王", via="like"))
    clock.t += 31
    controller.tick()
    watcher = UplinkWatcher(controller)
    watcher.update(True)
    qtbot.waitUntil(lambda: "Stream down" in panel.log.item(0).text(), timeout=3000)

    asked: list[bool] = []
    panel.confirm_draw_while_down = lambda: asked.append(True) or False  # the host says no
    seq = controller.state.last_seq
    assert not panel.draw_lottery()
    assert asked == [True] and controller.state.last_seq == seq
    panel.confirm_draw_while_down = lambda: True  # the host says yes
    assert panel.draw_lottery(), panel.last_error
    drawn = list(controller.journal.events("show.lottery_drawn"))
    assert len(drawn) == 1 and drawn[0].payload["override"] == "stream_down"

    clock.t += 5
    watcher.update(False)
    qtbot.waitUntil(lambda: "Stream back: held" in panel.log.item(0).text(), timeout=3000)
