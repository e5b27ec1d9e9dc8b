"""Stream-aware promotions: while every real destination is down the countdowns are held, a draw
is refused (or overridden, journaled), and on resume every end time moves on by the hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.errors import UserError
from console.overlays.coupon_banner import coupon_timer
from console.show.commands import (
    AddLotteryEntrant,
    CloseLottery,
    DrawLottery,
    LaunchCoupon,
    OpenLottery,
    ResumePromotions,
    StartFlashSale,
)
from console.show.lottery import verify_events
from console.show.uplink_hold import UplinkWatcher, all_real_down, room_close_s
from tests.unit.show.helpers import T0, FakeClock, make_controller, replay


@pytest.fixture
def show(tmp_path: Path):
    clock = FakeClock()
    controller = make_controller(tmp_path, clock)
    notices: list[str] = []
    watcher = UplinkWatcher(controller, room_close_s=120, notify=notices.append)
    yield controller, clock, watcher, notices
    controller.close()


def test_all_real_down_counts_only_real_destinations() -> None:
    assert all_real_down([("reconnecting", True), ("failed", True), ("live", False)])
    assert not all_real_down([("reconnecting", True), ("live", True)])
    assert not all_real_down([("live", False)])  # only a recording: nothing to hold for
    assert not all_real_down([])
    assert room_close_s("kuaishou") == 60 and room_close_s("no-such-platform") == 60


def test_a_flash_sale_and_a_coupon_are_held_while_the_stream_is_down(show, tmp_path) -> None:
    controller, clock, watcher, notices = show
    controller.execute(StartFlashSale("cup", 5900, 10, 60))
    controller.execute(LaunchCoupon("threshold", 50, 19900, 3000, duration_s=90, title="满199减30"))
    clock.advance(20)
    held = watcher.update(True)
    assert held is not None and held.kind == "show.promotions_held" and held.actor == "stream"
    assert {(i["kind"], i["id"]) for i in held.payload["items"]} == {
        ("flash_sale", "flash-1"),
        ("coupon", "coupon-1"),
    }
    assert watcher.update(True) is None  # still down: nothing more journaled
    clock.advance(100)  # past both original end times
    assert controller.tick() == []  # nothing expires while held
    state = controller.state
    sale, coupon = state.flash_sales["flash-1"], state.coupons["coupon-1"]
    assert sale.held and sale.active(clock.t) and sale.remaining(clock.t) == 40
    assert coupon.held and coupon.active(clock.t) and coupon.remaining(clock.t) == 70
    assert coupon_timer(coupon, clock.t) == ("暂停中 · 剩01:10", 70)

    resumed = watcher.update(False)
    assert resumed is not None and resumed.kind == "show.promotions_resumed"
    assert resumed.actor == "stream" and resumed.payload["held_s"] == 100
    assert notices == ["stream back: promotions held 100 s: flash sale 保温杯, coupon 满199减30"]
    state = controller.state
    sale, coupon = state.flash_sales["flash-1"], state.coupons["coupon-1"]
    assert not sale.held and sale.ends_at == T0 + 160 and sale.remaining(clock.t) == 40
    assert coupon.ends_at == T0 + 190 and coupon_timer(coupon, clock.t)[0] == "01:10 后失效"
    clock.advance(40)
    expired = [e.payload.get("sale_id") for e in controller.tick()]
    assert expired == ["flash-1"]  # ends after the time it had left, not before
    # the journal replays to the same countdowns (the reducer reads the payload, not a clock)
    controller.close()
    again = replay(tmp_path, clock)
    assert again.state.coupons["coupon-1"].ends_at == T0 + 190
    assert again.state.flash_sales["flash-1"].end_reason == "expired"
    assert again.state.flash_sales["flash-1"].ended_at == T0 + 160
    again.close()


def test_a_promotion_started_while_held_starts_held(show) -> None:
    controller, clock, watcher, notices = show
    watcher.update(True)
    controller.execute(StartFlashSale("mask", 3990, 5, 30))
    clock.advance(50)
    assert controller.tick() == []
    assert controller.state.flash_sales["flash-1"].remaining(clock.t) == 30
    watcher.update(False)
    assert controller.state.flash_sales["flash-1"].ends_at == T0 + 80
    assert "held 50 s: flash sale 面膜" in notices[0]


def test_lottery_entry_is_held_and_a_draw_is_refused_unless_overridden(show) -> None:
    controller, clock, watcher, notices = show
    controller.execute(OpenLottery("耳机", 19900, "keyword", 1, 60, keyword="想要"))
    controller.execute(AddLotteryEntrant("lottery-1", "u1", "甲", text="想要"))
    clock.advance(50)
    watcher.update(True)
    clock.advance(30)  # past the original close time: entry is still open, 10 s left
    assert controller.tick() == []
    lottery = controller.state.lotteries["lottery-1"]
    assert lottery.held and lottery.phase == "open" and lottery.entry_remaining(clock.t) == 10
    controller.execute(AddLotteryEntrant("lottery-1", "u2", "乙", text="想要"))
    watcher.update(False)
    lottery = controller.state.lotteries["lottery-1"]
    assert lottery.closes_at == T0 + 90 and lottery.draw_at == T0 + 90 and lottery.held_s == 30
    clock.advance(10)
    controller.tick()
    assert controller.state.lotteries["lottery-1"].phase == "closed"
    # the stream goes down again before the draw: refused, with the reason, unless overridden
    watcher.update(True)
    clock.advance(5)
    with pytest.raises(UserError, match="the stream is down .* override"):
        controller.execute(DrawLottery("lottery-1"))
    drawn = controller.execute(DrawLottery("lottery-1", override=True))
    assert drawn.payload["override"] == "stream_down" and drawn.payload["stream_down_s"] == 5
    events = list(controller.journal.events("show."))
    report = verify_events(events, "lottery-1")
    assert report.ok and report.entrant_count == 2, report.to_text()
    assert any("held 30 s while the stream was down" in n for n in report.notes)
    assert not report.closed_early


def test_hold_and_resume_are_refused_twice_and_close_early_still_needs_a_reason(show) -> None:
    controller, clock, watcher, notices = show
    with pytest.raises(UserError, match="promotions are not held"):
        controller.execute(ResumePromotions())
    controller.execute(OpenLottery("耳机", 19900, "keyword", 1, 60, keyword="想要"))
    watcher.update(True)
    with pytest.raises(UserError, match="closing early needs a reason"):
        controller.execute(CloseLottery("lottery-1"))
    clock.advance(121)
    watcher.update(False)
    assert len(notices) == 1
    assert "down longer than the 120 s a room stays open" in notices[0]
    assert "lottery 耳机" in notices[0]
