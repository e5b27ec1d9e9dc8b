"""The console window, driven for real: preview, destinations, go live to nginx, stop."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import av
import pytest

from console.media.output import OutputState
from console.settings import config_dir
from tests.ui.audience_helpers import write_audience_prefs

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from console.ui.main_window import MainWindow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SECRET = "uiSECRETkey42"


@pytest.fixture(autouse=True)
def _quiet_audience() -> None:
    """No simulated audience here: its orders and lottery entries would join the journal."""
    write_audience_prefs(simulated=False)


def wait_frames(qtbot: QtBot, window: MainWindow, n: int = 10, timeout: int = 20000) -> None:
    start = window.preview.frames_received
    qtbot.waitUntil(lambda: window.preview.frames_received >= start + n, timeout=timeout)


def test_window_opens_on_the_demo_and_previews(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window()
    assert window.settings.rehearsal
    assert "REHEARSAL" in window.mode_badge.text()
    assert "REHEARSAL" in window.windowTitle()
    wait_frames(qtbot, window, 30)
    qtbot.waitUntil(lambda: window.preview.paint_fps() >= 25, timeout=10000)
    assert window.session.video_spec == "testpattern"
    names = [o.name for o in window.session.overlays]
    assert "product_card" in names and names[-1] == "rehearsal"  # the badge on top
    assert window.controller is not None and window.assistant is not None
    # the meters move with the test tone
    qtbot.waitUntil(
        lambda: bool(window.strips) and window.strips[0].meter.rms_db > -40, timeout=5000
    )
    # health fills in
    qtbot.waitUntil(lambda: window.health.values["encoder"].text() not in ("", "–"), timeout=5000)


def test_go_live_to_nginx_health_and_recording(
    make_window,
    qtbot,
    nginx_rtmp,
    memory_keyring,
    tmp_path,  # noqa: ANN001
) -> None:
    window = make_window(rehearsal=False, safe_zone_preset="douyin")
    wait_frames(qtbot, window)
    expire = int(time.time()) + 6 * 3600
    dialog = window.open_destination_dialog()
    dialog.push_url.setText(f"{nginx_rtmp.url()}/{SECRET}?expire={expire}&sign=abc")
    assert dialog.server.text() == nginx_rtmp.url() + "/"
    assert dialog.key.text() == f"{SECRET}?expire={expire}&sign=abc"
    assert dialog.key.echoMode() == dialog.key.EchoMode.Password
    dialog.reveal.click()
    assert dialog.key.echoMode() == dialog.key.EchoMode.Normal
    assert "valid until" in dialog.expiry.text()
    dialog.name.setText("Local nginx")
    dialog.buttons.accepted.emit()
    dest = window.settings.destinations[0]
    qtbot.waitUntil(lambda: ("live-console", dest.key_name) in memory_keyring.store, timeout=5000)
    assert dest.key_expires_at == expire

    window.go_live()
    qtbot.waitUntil(lambda: window.session.live, timeout=10000)
    assert window.confirmations and "Local nginx" in window.confirmations[-1][1]
    row = window.destinations.rows[dest.id]
    qtbot.waitUntil(lambda: row.output_state == OutputState.LIVE, timeout=15000)
    qtbot.waitUntil(lambda: row.bitrate_kbps > 0, timeout=15000)
    qtbot.waitUntil(lambda: "kbps" in window.health.values["bitrate"].text(), timeout=5000)
    assert window.health.values["bitrate"].text() != "0 kbps"
    assert window.last_health is not None and window.last_health.level in ("ok", "warning")
    stats = window.session.stats()
    assert stats.render_fps > 20
    assert "ON AIR" in window.mode_badge.text()
    assert not window.apply_canvas.isEnabled()  # canvas is locked while live

    # switch the video source while live: the stream goes on
    image = tmp_path / "card.png"
    from console.qt.QtGui import QColor, QImage

    img = QImage(360, 640, QImage.Format.Format_RGB32)
    img.fill(QColor("#3060a0"))
    assert img.save(str(image))
    window.choose_video(f"image:{image}")
    qtbot.waitUntil(lambda: window.session.video_spec == f"image:{image}", timeout=5000)
    wait_frames(qtbot, window, 10)
    window.choose_video("testpattern")
    qtbot.waitUntil(lambda: window.session.video_spec == "testpattern", timeout=5000)
    wait_frames(qtbot, window, 10)
    assert row.output_state == OutputState.LIVE

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SCREENSHOTS / "window-portrait.png"))

    with qtbot.waitSignal(window.live_stopped, timeout=15000):
        window.stop_live()
    assert "Stop" in window.confirmations[-1][0]
    assert not window.session.live
    path = nginx_rtmp.wait_recording(SECRET, timeout=15)
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert (video.codec_context.width, video.codec_context.height) == (720, 1280)
        frames = sum(1 for _ in container.decode(video=0))
    assert frames > 30
    assert window.recording.exists() and window.recording.stat().st_size > 10_000

    # the key is in the keyring only: never in any file of the config folder
    window.save_now()
    window._save_geometry()
    files = [p for p in config_dir().rglob("*") if p.is_file()]
    assert any(p.name == "settings.json" for p in files)
    assert any(p.name == "window.ini" for p in files)
    for p in files:
        data = p.read_bytes()
        assert SECRET.encode() not in data, p
        assert b"sign=abc" not in data, p


def test_rehearsal_refuses_a_real_destination(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    from console.settings import DestinationSettings

    window = make_window(rehearsal=True)
    wait_frames(qtbot, window, 5)
    window.save_destination(
        DestinationSettings(
            id="bili",
            name="Bilibili",
            preset="bilibili",
            server="rtmp://live-push.bilivideo.com/live-bvc/",
            key_name="bili",
        ),
        "?streamname=live_1_2&key=0123456789abcdef0123456789abcdef",
    )
    window.go_live()
    assert not window.session.live and not window.going_live
    assert any("Rehearsal cannot reach Bilibili" in n for n in window.notices)
    assert window.confirmations == []
    assert window.session.hub.outputs == []


def test_expiring_key_is_warned_before_going_live(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window(rehearsal=False)
    wait_frames(qtbot, window, 5)
    expire = int(time.time()) + 20 * 60
    dialog = window.open_destination_dialog()
    dialog.push_url.setText(
        f"rtmp://push-rtmp-l6.douyincdn.com/third/stream-9988?expire={expire}&sign=f00d"
    )
    assert dialog.current_preset().id == "douyin"
    assert dialog.server.text() == "rtmp://push-rtmp-l6.douyincdn.com/third/"
    assert dialog.key.text() == f"stream-9988?expire={expire}&sign=f00d"
    assert "expires in" in dialog.expiry.text()
    dialog.buttons.accepted.emit()
    window.confirm_answer = False  # look at the question, then say no: nothing connects
    window.go_live()
    qtbot.waitUntil(lambda: bool(window.confirmations or window.notices), timeout=5000)
    assert not window.notices, window.notices
    title, text = window.confirmations[-1]
    assert "Key expires in" in text
    assert not window.session.live and window.session.hub.outputs == []


def test_language_switch_changes_labels(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window()
    assert window.destinations_box.title() == "Destinations"
    window.set_language("zh_CN")
    qtbot.waitUntil(lambda: window.destinations_box.title() != "Destinations", timeout=3000)
    assert window.destinations_box.title() == "推流目的地"
    assert window.go_live_button.text() == "开始彩排"
    window.set_language("en")
    qtbot.waitUntil(lambda: window.destinations_box.title() == "Destinations", timeout=3000)


def test_landscape_canvas_and_layout_editing(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    from console.qt.QtCore import QPoint, Qt
    from console.settings import CanvasSettings, load_settings

    window = make_window()
    wait_frames(qtbot, window, 5)
    window.apply_canvas_settings(CanvasSettings(1280, 720, 30, 3000, "libx264"))
    qtbot.waitUntil(
        lambda: window.session.running and window.session.canvas.width == 1280, timeout=20000
    )
    wait_frames(qtbot, window, 10)
    assert window.preview._canvas_size == (1280, 720)

    # drag the rehearsal badge on the preview (show layers hide while they have nothing)
    badge = next(o for o in window.session.overlays if o.name == "rehearsal")
    before = (badge.rect.x, badge.rect.y)
    r = window.preview._to_widget(badge.rect)
    start = QPoint(int(r.center().x()), int(r.center().y()))
    qtbot.mousePress(window.preview, Qt.MouseButton.LeftButton, pos=start)
    assert window.preview.selected == "rehearsal"
    qtbot.mouseMove(window.preview, start + QPoint(40, 60))
    qtbot.mouseRelease(window.preview, Qt.MouseButton.LeftButton, pos=start + QPoint(40, 60))
    assert (badge.rect.x, badge.rect.y) != before
    # switch a layer off from the layers list
    name = next(o.name for o in window.session.overlays if o.name != "rehearsal")
    item = next(
        window.layers_list.item(i)
        for i in range(window.layers_list.count())
        if window.layers_list.item(i).text() == name
    )
    item.setCheckState(Qt.CheckState.Unchecked)
    assert not next(o for o in window.session.overlays if o.name == name).visible
    window.safe_zone_choice.setCurrentIndex(window.safe_zone_choice.findData("youtube"))
    window._safe_zone_chosen(window.safe_zone_choice.currentIndex())
    wait_frames(qtbot, window, 5)
    window.grab().save(str(SCREENSHOTS / "window-landscape.png"))
    window.save_now()
    saved = load_settings()
    assert saved.canvas.width == 1280
    # placements are saved with the show (layout.json), not in settings.json
    import json

    layout = json.loads((window.show_folder.path / "layout.json").read_text("utf-8"))
    assert layout["landscape"]["rehearsal"]["x"] == pytest.approx(badge.rect.x, abs=1e-3)
    assert layout["landscape"][name]["visible"] is False


def test_hotkeys_are_bound_and_listed(make_window: Callable[..., MainWindow], qtbot: QtBot) -> None:
    from console.ui.hotkeys import HOTKEYS

    window = make_window()
    assert set(window.shortcuts) == {h.action for h in HOTKEYS}
    with qtbot.waitSignal(window.product_next_requested, timeout=1000):
        window.shortcuts["next_product"].activated.emit()
    first = next(iter(window.controller.state.products))
    assert window.controller.state.pinned.product_id == first  # PgDown pins via a command
    dialog = window.show_hotkeys()
    assert dialog.table.rowCount() == len(HOTKEYS)
    dialog.close()
