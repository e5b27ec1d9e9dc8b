"""The simulated audience: deterministic, reacts to the show, never on a real broadcast."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.audience.hub import AudienceHub
from console.audience.plugins import PluginHost
from console.audience.simulated import SimConfig, SimulatedAudience
from console.audience.sources import GO_LIVE_REFUSAL, check_go_live
from console.show.commands import OpenLottery, PinProduct, StartFlashSale
from tests.unit.show.helpers import T0, FakeClock, make_controller


def run(sim, start: float, seconds: float, step: float = 0.5):
    events = []
    t = start
    sim.step(t)
    for _ in range(int(seconds / step)):
        t += step
        events.extend(sim.step(t))
    return events


def test_same_seed_same_events_different_seed_different_events() -> None:
    a = [e.to_dict() for e in run(SimulatedAudience(SimConfig(seed=42, viewers=300)), T0, 60)]
    b = [e.to_dict() for e in run(SimulatedAudience(SimConfig(seed=42, viewers=300)), T0, 60)]
    c = [e.to_dict() for e in run(SimulatedAudience(SimConfig(seed=43, viewers=300)), T0, 60)]
    assert a == b
    assert a != c
    assert len(a) > 100
    kinds = {e["type"] for e in a}
    assert {"comment", "like", "member_join", "room_stats"} <= kinds
    texts = [e["text"] for e in a if e["type"] == "comment"]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts)  # Chinese
    assert any(t.isascii() and any(ch.isalpha() for ch in t) for t in texts)  # English


def test_deterministic_with_a_reacting_show(tmp_path: Path) -> None:
    def session(folder: Path):
        folder.mkdir()
        clock = FakeClock()
        controller = make_controller(folder, clock)
        hub = AudienceHub(controller)
        sim = SimulatedAudience(SimConfig(seed=5), state=lambda: controller.state)
        out = []
        sim.step(clock.t)
        controller.execute(PinProduct("cup"))
        controller.execute(StartFlashSale("cup", 5900, 10, 60))
        for _ in range(120):
            for e in sim.step(clock.advance(0.5)):
                out.append(e.to_dict())
                hub.submit(e)
            hub.process_pending()
        controller.close()
        return out

    assert session(tmp_path / "a") == session(tmp_path / "b")


@pytest.fixture
def show(tmp_path: Path):
    clock = FakeClock()
    controller = make_controller(tmp_path, clock)
    hub = AudienceHub(controller)
    sim = SimulatedAudience(
        SimConfig(seed=3, viewers=200, conversion_rate=0.05, flash_sale_boost=10),
        state=lambda: controller.state,
    )
    sim.step(clock.t)

    def advance(seconds: float):
        events = []
        for _ in range(int(seconds * 2)):
            batch = sim.step(clock.advance(0.5))
            events.extend(batch)
            for e in batch:
                hub.submit(e)
            hub.process_pending()
            controller.tick()
        return events

    advance(120)  # the room fills from empty to its size (two average stays)
    yield controller, hub, advance
    controller.close()


def orders(events, product_id: str | None = None) -> int:
    return sum(
        e.order.quantity
        for e in events
        if e.type == "order" and (product_id is None or e.order.product_id == product_id)
    )


def n_orders(events) -> int:
    return sum(e.type == "order" for e in events)


def test_questions_about_the_pinned_product(show) -> None:
    controller, hub, advance = show
    controller.execute(PinProduct("mask"))
    texts = [e.text for e in advance(60) if e.type == "comment"]
    assert sum("面膜" in t for t in texts) >= 5


def test_orders_rise_in_a_flash_sale_and_stop_at_stock_zero(show) -> None:
    controller, hub, advance = show
    controller.execute(PinProduct("buds"))  # stock 20
    before = n_orders(advance(60))  # per minute
    controller.execute(PinProduct("cup"))
    controller.execute(StartFlashSale("cup", 5900, 60, 120))
    during = n_orders(advance(30)) * 2  # per minute
    assert during > 4 * max(1, before)
    advance(90)
    sale = controller.state.flash_sales["flash-1"]
    assert sale.remaining_quantity == 0 and sale.end_reason == "sold_out"
    assert hub.stats.sales_recorded > 0
    # sell out the pinned product completely: orders for it stop
    stock = controller.state.stock["buds"]
    controller.execute(PinProduct("buds"))
    from console.show.commands import RecordSale

    if stock:  # the room may have bought it out already
        controller.execute(RecordSale("buds", stock))
    assert controller.state.stock["buds"] == 0
    assert orders(advance(120), "buds") == 0
    assert controller.state.stock["buds"] == 0


def test_keyword_entries_when_a_lottery_opens(show) -> None:
    controller, hub, advance = show
    assert [e for e in advance(20) if e.type == "comment" and "想要" in e.text] == []
    controller.execute(OpenLottery("耳机", 19900, "keyword", 2, 60, keyword="想要"))
    advance(30)
    entrants = controller.state.current_lottery().entrants
    assert len(entrants) >= 20
    assert all(uid.startswith("sim:sim-") for uid in entrants)
    assert hub.stats.lottery_refused == 0


def test_refuses_to_go_live_with_a_simulated_audience() -> None:
    sim = SimulatedAudience()
    assert sim.requires_rehearsal is True
    assert check_go_live([sim], rehearsal=True) is None
    reason = check_go_live([sim], rehearsal=False)
    assert reason is not None and reason.startswith(GO_LIVE_REFUSAL)
    assert "网络直播营销管理办法" in reason
    assert check_go_live([], rehearsal=False) is None


def test_go_live_check_sees_the_running_plugin() -> None:
    host = PluginHost(lambda e: True)
    host.discover(entry_points=False)
    host.start("simulated_audience", {"seed": 1})
    try:
        reason = check_go_live(host.attached(), rehearsal=False)
        assert reason and "simulated_audience" in reason
    finally:
        host.stop_all()
    assert check_go_live(host.attached(), rehearsal=False) is None
