"""The show in the window: assistant panel, rundown + teleprompter, show layers, layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from tests.ui.audience_helpers import write_audience_prefs

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from console.qt.QtWidgets import QApplication
    from console.ui.main_window import MainWindow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(autouse=True)
def _quiet_audience() -> None:
    """No simulated audience here: its orders and lottery entries would join the journal."""
    write_audience_prefs(simulated=False)


class FakeClock:
    """The show controller's clock, moved by the test (lotteries wait for the announced time)."""

    def __init__(self) -> None:
        import time

        self.t = float(int(time.time()))

    def __call__(self) -> float:
        return self.t


def layer(window: MainWindow, name: str):  # noqa: ANN201
    return next(lay for lay in window.session.scene.layers if lay.name == name)


def capture_frames(window: MainWindow) -> dict:
    """Keep the newest full-size composited frame the pipeline hands to the preview."""
    box: dict = {"n": 0, "frame": None}
    bridge = window.session.preview

    def offer(frame: np.ndarray) -> None:
        box["frame"] = frame
        box["n"] += 1
        bridge.offer(frame)

    window.session.pipeline.set_preview(offer, 30)
    return box


def render_alone(lay, width: int, height: int) -> np.ndarray:  # noqa: ANN001
    """The layer painted on its own, as the compositor does (premultiplied BGRA)."""
    from console.qt.QtCore import Qt
    from console.qt.QtGui import QImage, QPainter

    _, _, w, h = lay.rect.to_pixels(width, height)
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    lay.paint(p, w, h, 0.0)
    p.end()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine() // 4, 4)
    return rows[:, :w].copy()  # copy: the QImage's buffer goes with it


def test_window_runs_the_demo_show_from_the_assistant_panel(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    from platformdirs import user_data_dir

    from console.show import state as st

    window = make_window()
    panel, controller = window.assistant, window.controller
    assert window.show_folder.path == Path(user_data_dir("live-console")) / "shows" / "demo"
    assert window.show_title == "冬季好物专场（演示）"
    assert window.assistant_dock.widget() is panel
    qtbot.waitUntil(lambda: window.session.running, timeout=20000)
    names = [lay.name for lay in window.session.scene.layers]
    assert {"product_card", "flash_sale", "coupon_banner", "lottery_panel", "poll_panel"} <= set(
        names
    )
    assert names[-1] == "rehearsal"

    # search by SKU and by title
    panel.search.setText("earbuds")
    assert panel.visible_products() == ["EARBUDS-BT53"]
    panel.search.setText("面膜")
    assert panel.visible_products() == ["MASK-HA-10"]
    panel.search.clear()
    assert len(panel.visible_products()) == len(controller.state.products)

    # one click pins: state, journal, the panel's log, the product card in the video
    frames = capture_frames(window)
    seq = controller.state.last_seq
    panel.rows["MASK-HA-10"].button.click()
    assert controller.state.pinned.product_id == "MASK-HA-10"
    kinds = [e.kind for e in controller.journal.events("show.", after_seq=seq)]
    assert kinds == [st.PRODUCT_PINNED]
    qtbot.waitUntil(lambda: panel.log.item(0).text().endswith("Pinned 玻尿酸补水面膜 10片装"))
    assert panel.rows["MASK-HA-10"].button.text() == "Unpin"
    assert "玻尿酸补水面膜" in panel.glance.text()
    card = layer(window, "product_card")
    assert card.visible
    start = frames["n"]
    qtbot.waitUntil(lambda: frames["n"] >= start + 3, timeout=10000)
    frame = frames["frame"]
    h, w = frame.shape[:2]
    alone = render_alone(card, w, h)
    x, y, cw, ch = card.rect.to_pixels(w, h)
    region = frame[y : y + ch, x : x + cw]
    opaque = alone[..., 3] >= 240  # the card is near-opaque: the video barely shows through
    assert opaque.mean() > 0.3
    diff = np.abs(region[opaque][:, :3].astype(int) - alone[opaque][:, :3].astype(int))
    assert diff.mean() < 10, diff.mean()  # the card is what the video shows there

    # PgDown / PgUp pin the next / previous catalog product through commands
    ids = list(controller.state.products)
    window.shortcuts["next_product"].activated.emit()
    assert controller.state.pinned.product_id == ids[(ids.index("MASK-HA-10") + 1) % len(ids)]
    window.shortcuts["previous_product"].activated.emit()
    assert controller.state.pinned.product_id == "MASK-HA-10"

    # the rundown: Next runs the segment's cues (pin + flash sale); the teleprompter follows
    rundown = window.rundown_panel
    assert rundown.next()  # opening: launches coupon-199-30
    assert rundown.teleprompter.points == controller.rundown[0].talking_points
    assert "欢迎新进直播间" in rundown.teleprompter.text()
    assert rundown.next()  # thermos: pins the cup, starts its flash sale
    state = controller.state
    assert state.rundown.index == 1
    assert state.pinned.product_id == "CUP-316-500"
    assert state.flash_sale_for("CUP-316-500", controller.now()) is not None
    assert rundown.teleprompter.points == controller.rundown[1].talking_points
    assert rundown.segment_title.text().startswith("2/8")
    assert rundown.timer_level == "ok"
    # the teleprompter is a widget of the window, never a layer of the video
    scene_layers = window.session.scene.layers
    assert rundown.teleprompter not in scene_layers and rundown not in scene_layers
    assert not any("prompt" in lay.name or "rundown" in lay.name for lay in scene_layers)

    # templates: a coupon and a flash sale
    def launch(template_id: str) -> None:
        row = next(
            i
            for i in range(panel.templates.count())
            if panel.templates.item(i).data(256) == template_id  # Qt.UserRole
        )
        panel.templates.setCurrentRow(row)
        panel.launch_button.click()

    launch("coupon-mask-9zhe")
    launch("flash-pods-29")
    now = controller.now()
    assert {c.title for c in controller.state.active_coupons(now)} >= {"面膜9折券", "满199减30"}
    assert controller.state.flash_sale_for("PODS-52", now) is not None
    assert panel.last_error == ""
    assert "面膜9折券" in panel.glance.text()
    qtbot.waitUntil(lambda: layer(window, "flash_sale").visible, timeout=3000)

    # an invalid command (sale price above the list price) is refused inline, nothing changes
    seq = controller.state.last_seq
    panel.flash_product.setCurrentIndex(panel.flash_product.findData("NUTS-GIFT-1KG"))
    panel.flash_price.setValue(999.0)
    assert not panel.start_flash_form()
    assert controller.state.last_seq == seq
    assert panel.status.isVisible() and panel.status.objectName() == "commandError"
    assert "Not done" in panel.status.text() and panel.last_error in panel.status.text()
    assert "list price" in panel.last_error or "below" in panel.last_error
    assert controller.state.flash_sale_for("NUTS-GIFT-1KG", controller.now()) is None

    # a coupon from the form
    panel.coupon_kind.setCurrentIndex(panel.coupon_kind.findData("amount"))
    panel.coupon_discount.setValue(5.0)
    panel.coupon_quantity.setValue(20)
    panel.coupon_title.setText("立减5元")
    assert panel.launch_coupon_form()
    assert any(c.title == "立减5元" for c in controller.state.active_coupons(controller.now()))

    # the journal reads as text, latest first
    qtbot.waitUntil(lambda: "立减5元" in panel.log.item(0).text())
    assert any(
        "Segment 2: 保温杯讲解" in panel.log.item(i).text() for i in range(panel.log.count())
    )

    # layout saved with the show
    window._store_layout()
    window.save_now()
    layout = json.loads((window.show_folder.path / "layout.json").read_text("utf-8"))
    assert layout["portrait"]["product_card"]["w"] == pytest.approx(card.rect.w, abs=1e-3)

    # screenshot of the window with the assistant panel
    panel.tabs.setCurrentIndex(0)
    panel.catalog.scrollToTop()
    start = frames["n"]
    qtbot.waitUntil(lambda: frames["n"] >= start + 3, timeout=10000)
    qtbot.waitUntil(lambda: window.health.values["encoder"].text() not in ("", "–"), timeout=5000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SCREENSHOTS / "assistant-panel.png"))

    # the panel can be its own window (e.g. on a second screen) and come back
    window.detach_assistant()
    assert window.assistant_dock.isFloating()
    assert window.assistant_dock.isVisible()
    window.assistant_dock.setFloating(False)
    assert not window.assistant_dock.isFloating()


def test_lottery_open_close_draw_from_the_panel(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    from console.show.commands import AddLotteryEntrant

    clock = FakeClock()
    window = make_window(clock=clock)
    panel, controller = window.assistant, window.controller

    # announce from the form: prize, rule, winners and draw time are fixed and shown
    panel.lottery_prize.setText("保温杯 1个")
    panel.lottery_value.setValue(89.0)
    panel.lottery_rule.setCurrentIndex(panel.lottery_rule.findData("keyword"))
    panel.lottery_keyword.setText("想要")
    panel.lottery_winners.setValue(2)
    panel.lottery_entry_s.setValue(120)
    panel.lottery_delay_s.setValue(10)
    panel.lottery_claim.setText("私信助理登记地址")
    assert panel.open_lottery_form(), panel.last_error
    lottery = controller.state.current_lottery()
    assert lottery.phase == "open"
    assert lottery.seed_hash in panel.lottery_info.text()
    assert "评论“想要”参与" in panel.lottery_info.text()
    assert panel.lottery_close.isEnabled() and not panel.lottery_draw.isEnabled()

    for i, name in enumerate(["小王", "阿花", "Lee", "老张"]):
        controller.execute(
            AddLotteryEntrant(lottery.lottery_id, f"u{i}", name, via="comment", text="想要！"),
            actor="audience",
        )
    qtbot.waitUntil(lambda: "4 entrants" in panel.glance.text(), timeout=3000)

    # before the announced close time: refused without a reason, nothing journaled
    seq = controller.state.last_seq
    panel.lottery_close.click()
    assert controller.state.last_seq == seq and "needs a reason" in panel.status.text()
    panel.lottery_close_reason.setText("奖品已送完")
    panel.lottery_close.click()
    lottery = controller.state.current_lottery()
    assert lottery.phase == "closed" and len(lottery.frozen_entrants) == 4
    assert lottery.closed_early and "奖品已送完" in panel.lottery_info.text()
    # too early: the announced draw time has not come — refused inline, nothing journaled
    seq = controller.state.last_seq
    assert not panel.draw_lottery()
    assert controller.state.last_seq == seq
    assert "draw time" in panel.status.text()

    clock.t = lottery.draw_at + 1
    panel.lottery_draw.click()
    lottery = controller.state.current_lottery()
    assert lottery.phase == "drawn" and len(lottery.winners) == 2
    text = panel.lottery_info.text()
    names = {e.user_id: e.display_name for e in lottery.entrants.values()}
    assert all(names[w] in text for w in lottery.winners)
    assert lottery.seed_hash in text and lottery.revealed_seed in text
    assert lottery.entrants_hash in text
    qtbot.waitUntil(lambda: "drawn" in panel.log.item(0).text(), timeout=3000)

    # the draw is verifiable from the journal
    from console.show.lottery import verify_lottery

    report = verify_lottery(window.show_folder.path, lottery.lottery_id)
    assert report.checks_ok and report.closed_early and report.verdict == "CLOSED EARLY"
    assert "奖品已送完" in report.to_text() and "by assistant" in report.to_text()


def test_bad_show_folder_is_one_clear_line(
    console_app: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from console.app import build_window
    from console.cli import main
    from console.errors import UserError

    (tmp_path / "show.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="show.json is not valid JSON"):
        build_window(console_app, str(tmp_path))
    assert main(["window", str(tmp_path / "missing")]) != 0
    err = capsys.readouterr().err
    assert "not found" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_timer_turns_amber_then_red() -> None:
    from console.ui.rundown import timer_level

    assert timer_level(10, 300) == "ok"
    assert timer_level(275, 300) == "warning"
    assert timer_level(301, 300) == "over"
    assert timer_level(50, 60) == "warning"  # 80 % of a short segment
    assert timer_level(5000, 0) == "ok"  # no plan, no warning
