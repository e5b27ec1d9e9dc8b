"""The hub's overload policy: what is dropped is decided, and every event is accounted for."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from console.audience.hub import COALESCED_KIND, AudienceHub
from console.show.commands import OpenLottery
from tests.unit.audience.test_hub_batching import ev
from tests.unit.show.helpers import FakeClock, make_controller


@pytest.fixture
def controller(tmp_path: Path):
    c = make_controller(tmp_path, FakeClock())
    yield c
    c.close()


def order(msg_id: str) -> object:
    return ev(
        msg_id,
        "order",
        order={"product_id": "cup", "quantity": 1, "status": "paid"},
    )


def test_orders_gifts_and_lottery_entries_pass_a_full_queue(controller) -> None:
    controller.execute(OpenLottery("耳机", 19900, "keyword", 1, 60, keyword="抽奖"))
    hub = AudienceHub(controller, queue_size=20)
    for i in range(40):  # the normal lane overflows
        hub.submit(ev(f"c{i}", text="hello"))
    assert hub.stats.dropped["queue_full"] == 20
    assert hub.submit(order("o1"))
    assert hub.submit(ev("g1", "gift", gift={"name": "rose", "count": 3}))
    assert hub.submit(ev("l1", user="lucky", text="我要抽奖"))
    assert hub.stats.priority == 3
    hub.process_pending()
    assert hub.stats.sales_recorded == 1 and hub.stats.lottery_entries == 1
    acc = hub.accounting()
    assert acc["unaccounted"] == 0 and acc["dropped:queue_full"] == 20 and acc["accepted"] == 23


def test_likes_and_joins_are_coalesced_first_then_room_stats_dropped(controller) -> None:
    hub = AudienceHub(controller, queue_size=40)  # coalesce at 10, shed room stats at 20
    for i in range(10):
        hub.submit(ev(f"c{i}"))
    for i in range(5):
        hub.submit(ev(f"like{i}", "like", user=f"u{i}"))
        hub.submit(ev(f"join{i}", "member_join", user=f"u{i}"))
    assert hub.stats.coalesced == 10 and hub.pending == 10
    hub.submit(ev("rs0", "room_stats", viewers=100))  # below 20: still queued
    for i in range(10, 20):
        hub.submit(ev(f"c{i}"))
    assert not hub.submit(ev("rs1", "room_stats", viewers=120))
    assert hub.stats.dropped["room_stats"] == 1
    hub.process_pending()
    rows = list(controller.journal.events(COALESCED_KIND))
    counts = {(r.payload["type"]): r.payload["count"] for r in rows}
    assert counts == {"like": 5, "member_join": 5}
    acc = hub.accounting()
    assert acc["unaccounted"] == 0 and acc["coalesced"] == 10 and acc["received"] == 32


def test_comments_are_sampled_for_the_overlay_but_all_journaled(controller) -> None:
    hub = AudienceHub(controller, overlay_quota=10)
    overlay, panel = [], []
    hub.subscribe(overlay.append, sampled=True)
    hub.subscribe(panel.append)
    for i in range(100):
        hub.submit(ev(f"c{i}", user=f"u{i}"))
    hub.submit(order("o1"))
    hub.process_pending()
    comments = [i for i in overlay if i.event.type == "comment"]
    assert len(comments) == 10 and any(i.event.type == "order" for i in overlay)
    assert len(panel) == 101 and hub.stats.journaled == 101
    assert hub.stats.sampled_for_overlay == 90
    assert hub.accounting()["unaccounted"] == 0


def test_past_the_memory_cap_the_producer_waits_for_the_hub(controller) -> None:
    hub = AudienceHub(controller, priority_cap_bytes=2000, priority_block_s=10.0)
    assert hub.submit(order("o0")) and hub.submit(order("o1")) and hub.submit(order("o2"))
    done = threading.Event()
    result = []

    def produce() -> None:
        result.append(hub.submit(order("o3")))  # past the cap: waits
        done.set()

    threading.Thread(target=produce, daemon=True).start()
    assert not done.wait(0.3)  # still waiting (the lane is full)
    hub.process_pending()  # the hub catches up: the producer goes on
    assert done.wait(10) and result == [True]
    hub.process_pending()
    assert hub.stats.sales_recorded == 4 and hub.stats.dropped == {}
