"""Hypothesis: random command sequences keep the invariants, and replay reproduces the state."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.errors import UserError
from console.show import commands as c
from tests.unit.show.helpers import FakeClock, make_controller, replay

PRODUCTS = ["cup", "cup", "mask", "mask", "buds", "nuts", "ghost"]
pid = st.sampled_from(PRODUCTS)
sale_id = st.sampled_from(["flash-1", "flash-1", "flash-2", "flash-3"])
coupon_id = st.sampled_from(["coupon-1", "coupon-2", "coupon-3"])
lottery_id = st.sampled_from(["lottery-1", "lottery-2"])
cents = st.integers(-100, 25_000)
users = st.sampled_from([f"u{i}" for i in range(8)])

entrant = st.builds(
    c.AddLotteryEntrant,
    st.sampled_from(["lottery-1", "lottery-1", "lottery-2"]),
    users,
    st.just(""),
    st.sampled_from(["comment", "like", "join"]),
    st.sampled_from(["想要", "hi"]),
)
sale = st.builds(
    c.RecordSale,
    pid,
    st.integers(-1, 30),
    st.none() | st.none() | sale_id,
    st.none() | st.none() | coupon_id,
)
commands = st.one_of(
    st.builds(c.PinProduct, pid),
    st.just(c.UnpinProduct()),
    st.builds(
        c.StartFlashSale, pid, st.integers(-100, 9_000), st.integers(-1, 60), st.floats(-1, 300)
    ),
    st.builds(c.StopFlashSale, sale_id),
    sale,
    st.builds(c.AdjustStock, pid, st.integers(-120, 60)),
    st.builds(
        c.LaunchCoupon,
        st.sampled_from(["threshold", "percent", "amount", "x"]),
        st.integers(0, 5),
        threshold_cents=cents,
        discount_cents=cents,
        percent=st.integers(-1, 101),
        duration_s=st.none() | st.floats(1, 300),
    ),
    st.builds(c.StopCoupon, coupon_id),
    st.builds(
        c.OpenLottery,
        st.just("奖品"),
        st.integers(-1, 6_000_000),
        st.sampled_from(["keyword", "like", "follow", "present"]),
        st.integers(0, 3),
        st.floats(1, 200),
        keyword=st.sampled_from(["", "想要"]),
        opens_in_s=st.sampled_from([0.0, 10.0]),
    ),
    entrant,
    entrant,
    entrant,
    sale,
    sale,
    st.builds(c.CloseLottery, lottery_id),
    st.builds(c.DrawLottery, lottery_id),
    st.builds(c.AdvanceRundown),
)
waits = st.sampled_from([0.0, 0.0, 0.0, 0.5, 1.0, 5.0, 30.0, 90.0])
steps = st.lists(st.tuples(commands, waits), max_size=50)


def check_invariants(state, now, previous: dict) -> None:
    assert all(n >= 0 for n in state.stock.values()), state.stock
    if state.pinned is not None:
        assert state.pinned.product_id in state.products
    active = [s.product_id for s in state.flash_sales.values() if s.active(now)]
    assert len(active) == len(set(active)), "two flash sales on one product"
    for sale in state.flash_sales.values():
        assert 0 <= sale.remaining_quantity <= sale.quantity
    for coupon in state.coupons.values():
        assert 0 <= coupon.used <= coupon.quantity
    for lot in state.lotteries.values():
        assert len(lot.winners) <= lot.winners_count and set(lot.winners) <= set(lot.entrants)
    countdowns = {}
    for sale in state.flash_sales.values():
        countdowns["flash", sale.sale_id] = sale.remaining(now)
    for coupon in state.coupons.values():
        countdowns["coupon", coupon.coupon_id] = coupon.remaining(now)
    for lot in state.lotteries.values():
        countdowns["entry", lot.lottery_id] = lot.entry_remaining(now)
        countdowns["draw", lot.lottery_id] = lot.draw_in(now)
    for key, value in countdowns.items():
        if key in previous and value is not None and previous[key] is not None:
            assert value <= previous[key], f"countdown {key} went up: {previous[key]} → {value}"
    previous.update(countdowns)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_invariants_hold_and_replay_matches(sequence):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clock = FakeClock()
        ctl = make_controller(folder, clock)
        previous: dict = {}
        try:
            for command, wait in sequence:
                with contextlib.suppress(UserError):
                    ctl.execute(command)
                check_invariants(ctl.state, clock(), previous)
                clock.advance(wait)
                ctl.tick()
                check_invariants(ctl.state, clock(), previous)
            live = ctl.state
        finally:
            ctl.close()
        again = replay(folder, clock)
        try:
            assert again.state == live
        finally:
            again.close()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(users, st.sampled_from([0.0, 1.0, 20.0])), max_size=30),
    st.integers(1, 5),
    st.binary(min_size=32, max_size=32),
)
def test_lottery_entries_are_unique_frozen_and_verifiable(entries, winners, seed):
    from console.show.lottery import entrants_hash, verify_events

    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock()
        ctl = make_controller(Path(tmp), clock, seeds=lambda n: seed[:n])
        try:
            ctl.execute(c.OpenLottery("奖品", 100, "present", winners, 60.0))
            accepted = []
            for user, wait in entries:
                try:
                    ctl.execute(c.AddLotteryEntrant("lottery-1", user, "", "join"))
                    accepted.append(user)
                except UserError:
                    assert user in accepted or clock() >= ctl.state.lotteries["lottery-1"].closes_at
                clock.advance(wait)
            assert len(accepted) == len(set(accepted))
            clock.advance(60)
            ctl.execute(c.DrawLottery("lottery-1"))
            lot = ctl.state.lotteries["lottery-1"]
            assert list(lot.frozen_entrants) == sorted(accepted)
            assert lot.entrants_hash == entrants_hash(accepted)
            assert len(lot.winners) == min(winners, len(accepted))
            assert set(lot.winners) <= set(accepted)
            assert verify_events(ctl.journal.events("show."), "lottery-1").ok
        finally:
            ctl.close()
