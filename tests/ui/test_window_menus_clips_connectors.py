"""Recordings ▸ Clips and Audience ▸ Platform chat in the window (offscreen, real widgets).

The connector test runs the real Twitch connector through the window's plugin start path
against a fake Twitch IRC-over-WebSocket server on 127.0.0.1: the disabled state line in the
Audience menu follows ``on_state`` (connecting → connected → reconnecting in N s when the
server goes away).
"""

from __future__ import annotations

import asyncio
import re
import threading
from typing import TYPE_CHECKING

from console.clips import load_sessions
from tests.integration.test_connectors_twitch import FakeTwitch
from tests.ui.audience_helpers import write_audience_prefs

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from console.ui.main_window import MainWindow


def _menu(window: MainWindow, title: str):  # noqa: ANN202
    for act in window.menuBar().actions():
        if act.text().replace("&", "") == title:
            return act.menu()
    raise AssertionError(f"no {title} menu: {[a.text() for a in window.menuBar().actions()]}")


def _texts(menu) -> list[str]:  # noqa: ANN001
    return [a.text().replace("&", "") for a in menu.actions()]


def test_recordings_clips_opens_from_the_menu(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    write_audience_prefs(simulated=False)
    window = make_window()
    menu = _menu(window, "Recordings")
    action = next(a for a in menu.actions() if a.text().replace("&", "") == "Clips…")
    action.trigger()
    dialog = window.clips_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.show_path == window.show_folder.path
    assert dialog.sessions_list.count() == len(load_sessions(window.show_folder.path))
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_connector_state_in_the_audience_menu(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    write_audience_prefs(simulated=False)
    window = make_window()
    audience_menu = _menu(window, "Audience")
    platform = next(a.menu() for a in audience_menu.actions() if a.menu() is not None)
    assert _texts(platform)[:3] == ["Bilibili live room…", "Twitch channel…", "YouTube live chat…"]
    labels: list[str] = []  # every line the menu was given, in order
    window.audience.connector_changed.connect(lambda name, label: labels.append(label))
    dropped = threading.Event()

    async def drop_when_told(fake, ws, request) -> None:  # noqa: ANN001
        await asyncio.get_running_loop().run_in_executor(None, dropped.wait, 30)
        await ws.close()

    async def refuse(fake, ws, request) -> None:  # noqa: ANN001
        await ws.close()

    fake = FakeTwitch([drop_when_told, *[refuse] * 50])
    with fake:
        # the endpoint and backoff are settings besides the channel (never a key: keyring only)
        window.connector_settings["twitch_chat"] = {
            "url": f"ws://127.0.0.1:{fake.server.port}/",
            "backoff_initial_s": 1.0,
            "backoff_cap_s": 2.0,
        }
        asked = []
        window.ask_text = lambda title, label, default: asked.append(title) or "Shop"
        next(a for a in platform.actions() if a.text().startswith("&Twitch")).trigger()
        assert asked == ["Twitch"]
        qtbot.waitUntil(lambda: window.audience.running("twitch_chat"), timeout=5000)
        qtbot.waitUntil(lambda: "Twitch: connected" in _texts(audience_menu), timeout=10000)
        state = window.connector_state_actions["twitch_chat"]
        assert not state.isEnabled()  # a state line, not a command
        assert any("JOIN #shop" in line for line in fake.logins[0])
        # the platform drops the connection: the line says the connector reconnects, and when
        dropped.set()
        qtbot.waitUntil(
            lambda: any(t.startswith("reconnecting in ") for t in labels), timeout=15000
        )
        line = next(t for t in labels if t.startswith("reconnecting in "))
        assert re.fullmatch(r"reconnecting in \d+ s: .+", line), line
        after = labels.index(line)
        qtbot.waitUntil(
            lambda: state.text() in [f"Twitch: {t}" for t in labels[after:]], timeout=5000
        )
        seen = [t.split(" ")[0] for t in labels]
        assert seen.index("connected") < seen.index("reconnecting")
        window.stop_connectors()
        qtbot.waitUntil(lambda: not window.audience.running("twitch_chat"), timeout=10000)
    qtbot.waitUntil(lambda: "twitch_chat" not in window.connector_state_actions, timeout=5000)
    assert not any(t.startswith("Twitch:") for t in _texts(audience_menu))
