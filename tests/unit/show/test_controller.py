"""ShowController: publish, subscribers, threads, time-driven transitions, rundown cues."""

from __future__ import annotations

import logging
import threading

import pytest

from console.errors import UserError
from console.show import commands as c
from console.show.catalog import Catalog
from console.show.rundown import overrun, segment_elapsed
from console.show.state import ShowState
from tests.unit.show.helpers import T0, FakeClock, make_controller, products, replay


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def ctl(tmp_path, clock):
    controller = make_controller(tmp_path, clock)
    yield controller
    controller.close()


def test_execute_returns_the_journaled_event(ctl, clock):
    event = ctl.execute(c.PinProduct("cup"), actor="assistant")
    assert (event.kind, event.payload, event.actor, event.ts) == (
        "show.product_pinned",
        {"product_id": "cup"},
        "assistant",
        T0,
    )
    assert ctl.state.last_seq == event.seq
    assert ctl.state.pinned.since == T0


def test_subscribers_get_event_and_state_and_a_failing_one_is_isolated(ctl, caplog):
    seen: list[tuple[str, ShowState]] = []

    def broken(event, state):
        raise RuntimeError("overlay bug")

    ctl.subscribe(broken)
    unsubscribe = ctl.subscribe(lambda e, s: seen.append((e.kind, s)))
    with caplog.at_level(logging.ERROR):
        ctl.execute(c.PinProduct("cup"))
    assert seen[0][0] == "show.product_pinned" and seen[0][1].pinned.product_id == "cup"
    assert "overlay bug" in caplog.text
    unsubscribe()
    ctl.execute(c.UnpinProduct())
    assert len(seen) == 1
    unsubscribe()  # twice is harmless


def test_subscriber_may_execute_and_order_is_kept(ctl):
    kinds: list[str] = []

    def react(event, state):
        kinds.append(event.kind)
        if event.kind == "show.product_pinned":
            ctl.execute(c.StartFlashSale("cup", 5900, 5, 60), actor="automation")

    ctl.subscribe(react)
    ctl.execute(c.PinProduct("cup"))
    assert kinds == ["show.product_pinned", "show.flash_sale_started"]


def test_threads_keep_stock_exact_and_publish_in_journal_order(ctl):
    seqs: list[int] = []
    ctl.subscribe(lambda e, s: seqs.append(e.seq))
    errors: list[Exception] = []

    def sell():
        for _ in range(30):
            try:
                ctl.execute(c.RecordSale("cup", 1))
            except UserError as exc:
                errors.append(exc)

    threads = [threading.Thread(target=sell) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 150 attempts on 100 in stock: exactly 100 sold, 50 refused, never negative
    assert ctl.state.stock["cup"] == 0 and ctl.state.sold["cup"] == 100
    assert len(errors) == 50
    assert seqs == sorted(seqs) and len(seqs) == 100


def test_tick_journals_time_driven_transitions(ctl, clock):
    ctl.execute(c.StartFlashSale("cup", 5900, 5, 120))
    ctl.execute(c.OpenLottery("耳机", 19900, "present", 1, 60, opens_in_s=30))
    assert ctl.tick() == []
    clock.advance(30)
    assert [e.kind for e in ctl.tick()] == ["show.lottery_entry_opened"]
    ctl.execute(c.AddLotteryEntrant("lottery-1", "u1", "", "join"))
    clock.advance(60)
    events = ctl.tick()
    assert [e.kind for e in events] == ["show.lottery_closed"]
    assert events[0].payload["at"] == T0 + 90 and events[0].payload["entrants"] == ["u1"]
    clock.advance(1000)
    events = ctl.tick()
    assert [(e.kind, e.payload["reason"], e.payload["at"]) for e in events] == [
        ("show.flash_sale_stopped", "expired", T0 + 120)
    ]
    assert ctl.tick() == []


def test_countdowns_are_true_after_a_restart(tmp_path, clock):
    ctl = make_controller(tmp_path, clock)
    ctl.execute(c.StartFlashSale("cup", 5900, 5, 120))
    ctl.close()
    clock.advance(45)  # the console was down for 45 s
    again = replay(tmp_path, clock)
    sale = again.state.flash_sales["flash-1"]
    assert sale.remaining(clock()) == 75
    assert sale.ends_at == T0 + 120
    again.close()


def test_restart_after_expiry_ends_the_sale_at_its_time(tmp_path, clock):
    ctl = make_controller(tmp_path, clock)
    ctl.execute(c.StartFlashSale("cup", 5900, 5, 120))
    ctl.close()
    clock.advance(500)
    again = replay(tmp_path, clock)
    again.tick()
    sale = again.state.flash_sales["flash-1"]
    assert (sale.ended_at, sale.end_reason, sale.remaining(clock())) == (T0 + 120, "expired", 0)
    again.close()


def test_rundown_cues_run_through_the_journal(ctl, clock):
    ctl.execute(c.AdvanceRundown())
    assert ctl.state.rundown.segment_id == "open"
    assert [x.title for x in ctl.state.coupons.values()] == ["满199减30"]
    clock.advance(70)
    assert segment_elapsed(ctl.state, clock()) == 70 and overrun(ctl.state, clock()) == 10
    assert [e.kind for e in ctl.tick()] == ["show.segment_overrun"]
    assert ctl.tick() == []  # reported once
    ctl.execute(c.AdvanceRundown())
    state = ctl.state
    assert state.pinned.product_id == "cup"
    assert state.flash_sale_for("cup", clock()).sale_price_cents == 5900
    actors = [e.actor for e in ctl.journal.events("show.")][-3:]
    assert actors == ["host", "rundown", "rundown"]
    assert overrun(state, clock()) == 0


def test_failed_cue_is_journaled_and_the_rest_still_run(ctl):
    ctl.execute(c.StartFlashSale("cup", 5000, 5, 600))  # blocks the segment's flash-sale cue
    ctl.execute(c.GotoSegment("cup"))
    failed = list(ctl.journal.events("show.cue_failed"))
    assert len(failed) == 1 and "already has a flash sale" in failed[0].payload["reason"]
    assert ctl.state.pinned.product_id == "cup"


def test_changed_catalog_is_journaled_on_open(tmp_path, clock):
    ctl = make_controller(tmp_path, clock)
    ctl.execute(c.RecordSale("cup", 10))
    assert ctl.state.stock["cup"] == 90
    ctl.load_catalog(Catalog(products()[:2]))
    assert set(ctl.state.products) == {"cup", "mask"} and ctl.state.stock["cup"] == 100
    assert ctl.state.sold["cup"] == 10
    ctl.close()
