"""Operator actions on viewers are show commands (issue 12, item 2): pinning a viewer's comment
and blocking a user in the window are journaled with the actor ``window`` and survive a
restart — the reopened show pins the same comment and keeps the user blocked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from console.show.demo import copy_demo_show
from tests.ui.audience_helpers import comment, write_audience_prefs

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from console.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _quiet_audience() -> None:
    write_audience_prefs(simulated=False)  # only the events the test submits


def submit(window, qtbot, *events: dict) -> list:  # noqa: ANN001
    model = window.chat.model
    before = model.rowCount()
    for event in events:
        assert window.audience.hub.submit(event)
    qtbot.waitUntil(lambda: model.rowCount() >= before + len(events), timeout=5000)
    return model.items[before:]


def close(window: MainWindow, qtbot: QtBot) -> None:
    window.close()
    qtbot.waitUntil(lambda: window.closed, timeout=20000)


def test_pin_and_block_are_journaled_by_the_window_and_survive_a_restart(
    make_window: Callable[..., MainWindow], qtbot: QtBot, tmp_path: Path
) -> None:
    show = copy_demo_show(tmp_path / "show")
    window = make_window(show_path=show)
    qtbot.waitUntil(lambda: window.session.running, timeout=20000)
    question, rude = submit(
        window,
        qtbot,
        comment("这个保温杯能装多少水？", user="u2", nick="李小花"),
        comment("主播好丑", user="u7", nick="键盘侠"),
    )
    assert window.chat.pin(question)
    assert window.chat.block(rude)
    rows = [(e.kind, e.actor, e.payload) for e in window.controller.journal.events("show.")]
    pinned = [r for r in rows if r[0] == "show.comment_pinned"]
    blocked = [r for r in rows if r[0] == "show.user_blocked"]
    assert [(k, a) for k, a, _ in pinned] == [("show.comment_pinned", "window")]
    assert pinned[0][2]["text"] == "这个保温杯能装多少水？"
    assert [(k, a) for k, a, _ in blocked] == [("show.user_blocked", "window")]
    assert blocked[0][2]["user_key"] == "douyin:u7"
    close(window, qtbot)

    again = make_window(show_path=show)
    layer = next(o for o in again.session.overlays if o.name == "pinned_comment")
    assert layer.visible and layer.text == "置顶 · 李**：这个保温杯能装多少水？"
    assert "douyin:u7" in again.audience.moderator.blocked_users
    assert again.controller.state.blocked_users == frozenset({"douyin:u7"})
    (later,) = submit(again, qtbot, comment("还是很丑", user="u7", nick="键盘侠"))
    assert later.hidden and "blocked user" in later.flags  # still hidden from the stream
