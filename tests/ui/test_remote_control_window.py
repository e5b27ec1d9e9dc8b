"""Console ▸ Remote control on the window (issue 12): a real obs-websocket client (obsws-python)
against the window's live core hides an overlay layer and mutes an input; the window's layer
list and mixer strip show it (the same path as a click), and the header counts the client.

The client runs on its own thread: every request is handed to the window's UI thread, which the
test keeps turning (qtbot.waitUntil)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from console.qt.QtCore import Qt
from tests.fixtures.rtmp_servers import free_port

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from console.ui.main_window import MainWindow

obs = pytest.importorskip("obsws_python")


def _item(window: MainWindow, name: str):  # noqa: ANN202
    for i in range(window.layers_list.count()):
        item = window.layers_list.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == name:
            return item
    raise AssertionError(f"no layer {name} in the list")


def test_obs_client_toggles_a_layer_and_mutes_an_input_in_the_window(
    make_window: Callable[..., MainWindow], qtbot: QtBot
):
    window = make_window()
    qtbot.waitUntil(lambda: bool(window.session.running and window.strips), timeout=30000)
    port = free_port()
    window.set_remote_control(True, port)
    qtbot.waitUntil(lambda: window.remote_server is not None, timeout=10000)
    assert window.remote_action.isChecked()
    assert _item(window, "product_card").checkState() == Qt.CheckState.Checked
    assert not window.strips[0].mute.isChecked()

    def client() -> dict:
        cl = obs.ReqClient(host="127.0.0.1", port=port, password=window.remote_password, timeout=10)
        try:
            scene = cl.get_current_program_scene().scene_name
            items = {i["sourceName"]: i for i in cl.get_scene_item_list(scene).scene_items}
            cl.set_scene_item_enabled(scene, items["product_card"]["sceneItemId"], False)
            inputs = [i["inputName"] for i in cl.get_input_list().inputs]
            cl.set_input_mute(inputs[0], True)
            after = {i["sourceName"]: i for i in cl.get_scene_item_list(scene).scene_items}
            return {
                "scene": scene,
                "enabled": after["product_card"]["sceneItemEnabled"],
                "muted": cl.get_input_mute(inputs[0]).input_muted,
                "input": inputs[0],
                "status": cl.get_stream_status().output_active,
            }
        finally:
            cl.disconnect()

    with ThreadPoolExecutor(1) as pool:
        done = pool.submit(client)
        qtbot.waitUntil(done.done, timeout=30000)
        got = done.result()
    assert got["scene"] == "Portrait 9:16"
    assert got["enabled"] is False and got["muted"] is True and got["status"] is False
    # the window shows it: the layer unticked, the layer off in the picture, the strip muted
    assert _item(window, "product_card").checkState() == Qt.CheckState.Unchecked
    card = next(o for o in window.session.overlays if o.name == "product_card")
    assert getattr(card, "enabled", card.visible) is False
    assert window.strips[0].mute.isChecked()
    assert window.session.mixer.is_muted(got["input"])
    window.set_remote_control(False)
    assert window.remote_server is None and window.remote_badge.isHidden()


def test_header_counts_the_connected_client(make_window: Callable[..., MainWindow], qtbot: QtBot):
    window = make_window()
    qtbot.waitUntil(lambda: window.session.running, timeout=30000)
    port = free_port()
    window.set_remote_control(True, port)
    qtbot.waitUntil(lambda: window.remote_server is not None, timeout=10000)
    pool = ThreadPoolExecutor(1)
    connected = pool.submit(
        obs.ReqClient, host="127.0.0.1", port=port, password=window.remote_password, timeout=10
    )
    try:
        qtbot.waitUntil(connected.done, timeout=20000)
        cl = connected.result()
        qtbot.waitUntil(lambda: "remote: 1 connected" in window.remote_badge.text(), timeout=5000)
        assert not window.remote_badge.isHidden()
        cl.disconnect()
        qtbot.waitUntil(lambda: "remote: 0 connected" in window.remote_badge.text(), timeout=5000)
    finally:
        pool.shutdown()
