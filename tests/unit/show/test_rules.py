"""Every validation rule refuses with a clear reason and journals nothing."""

from __future__ import annotations

import pytest

from console.errors import UserError
from console.show import commands as c
from tests.unit.show.helpers import T0, FakeClock, make_controller


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ctl(tmp_path, clock):
    controller = make_controller(tmp_path, clock)
    yield controller
    controller.close()


def refused(ctl, command, match: str) -> None:
    ctl.tick()  # due time transitions are journaled first, whatever the command
    before = ctl.journal.count()
    state = ctl.state
    with pytest.raises(UserError, match=match):
        ctl.execute(command)
    assert ctl.journal.count() == before
    assert ctl.state is state


# ---- products and stock


def test_unknown_product(ctl):
    refused(ctl, c.PinProduct("nope"), "unknown product 'nope'")
    refused(ctl, c.RecordSale("nope", 1), "unknown product")
    refused(ctl, c.AdjustStock("nope", 1), "unknown product")


def test_pin_twice_and_unpin_nothing(ctl):
    refused(ctl, c.UnpinProduct(), "no product is pinned")
    ctl.execute(c.PinProduct("cup"))
    refused(ctl, c.PinProduct("cup"), "already pinned")
    ctl.execute(c.PinProduct("mask"))
    assert ctl.state.pinned.product_id == "mask"


def test_stock_never_negative(ctl):
    refused(ctl, c.RecordSale("nuts", 1), "only 0 in stock")
    refused(ctl, c.RecordSale("cup", 101), "only 100 in stock")
    refused(ctl, c.AdjustStock("cup", -101), "would be negative")
    refused(ctl, c.AdjustStock("cup", 0), "non-zero")
    refused(ctl, c.RecordSale("cup", 0), "quantity sold")
    ctl.execute(c.AdjustStock("cup", -100))
    assert ctl.state.stock["cup"] == 0


# ---- coupons


@pytest.mark.parametrize(
    ("command", "match"),
    [
        (c.LaunchCoupon("bogus", 10), "kind 'bogus'"),
        (
            c.LaunchCoupon("threshold", 10, threshold_cents=3000, discount_cents=3000),
            "must be more than",
        ),
        (
            c.LaunchCoupon("threshold", 10, threshold_cents=3000, discount_cents=0),
            "discount must be positive",
        ),
        (c.LaunchCoupon("percent", 10, percent=0), r"percent must be 1\.\.99"),
        (c.LaunchCoupon("percent", 10, percent=100), r"percent must be 1\.\.99"),
        (c.LaunchCoupon("amount", 10, discount_cents=-5), "discount must be positive"),
        (
            c.LaunchCoupon("amount", 10, discount_cents=6000, product_ids=("mask",)),
            "not below the product price",
        ),
        (c.LaunchCoupon("amount", 0, discount_cents=500), "coupon quantity"),
        (c.LaunchCoupon("amount", 10, discount_cents=500, product_ids=("zzz",)), "unknown product"),
        (c.LaunchCoupon("amount", 10, discount_cents=500, ends_at=T0 - 1), "validity window"),
        (
            c.LaunchCoupon("amount", 10, discount_cents=500, ends_at=T0 + 9, duration_s=5),
            "not both",
        ),
        (c.LaunchCoupon("amount", 10, discount_cents=500, duration_s=0), "coupon duration"),
    ],
)
def test_coupon_rules(ctl, command, match):
    refused(ctl, command, match)


def test_coupon_labels_and_stop(ctl, clock):
    e = ctl.execute(c.LaunchCoupon("threshold", 10, threshold_cents=19900, discount_cents=3000))
    assert e.payload["title"] == "满199减30"
    e2 = ctl.execute(c.LaunchCoupon("percent", 10, percent=15, duration_s=60))
    assert e2.payload["title"] == "8.5折"
    ctl.execute(c.StopCoupon("coupon-1"))
    refused(ctl, c.StopCoupon("coupon-1"), "already ended")
    refused(ctl, c.StopCoupon("coupon-9"), "no coupon")
    clock.advance(61)
    refused(ctl, c.StopCoupon("coupon-2"), "already ended")
    refused(
        ctl, c.LaunchCoupon("amount", 1, discount_cents=100, coupon_id="coupon-2"), "already used"
    )


def test_coupon_use_on_sale(ctl):
    ctl.execute(c.LaunchCoupon("threshold", 1, threshold_cents=19900, discount_cents=3000))
    refused(ctl, c.RecordSale("cup", 2, coupon_id="coupon-1"), "below the threshold")
    ctl.execute(c.RecordSale("cup", 3, coupon_id="coupon-1"))
    assert ctl.state.coupons["coupon-1"].used == 1
    refused(ctl, c.RecordSale("cup", 3, coupon_id="coupon-1"), "not valid now")
    ctl.execute(c.LaunchCoupon("amount", 5, discount_cents=100, product_ids=("mask",)))
    refused(ctl, c.RecordSale("cup", 1, coupon_id="coupon-2"), "does not apply")


# ---- flash sales


@pytest.mark.parametrize(
    ("command", "match"),
    [
        (c.StartFlashSale("cup", 0, 5, 60), "price must be positive"),
        (c.StartFlashSale("cup", 8900, 5, 60), "below the list price"),
        (c.StartFlashSale("cup", 9900, 5, 60), "below the list price"),
        (c.StartFlashSale("cup", 5900, 101, 60), "only 100 in stock"),
        (c.StartFlashSale("cup", 5900, 0, 60), "flash-sale quantity"),
        (c.StartFlashSale("cup", 5900, 5, 0), "flash-sale duration"),
        (c.StartFlashSale("zzz", 5900, 5, 60), "unknown product"),
    ],
)
def test_flash_sale_rules(ctl, command, match):
    refused(ctl, command, match)


def test_one_flash_sale_per_product(ctl, clock):
    ctl.execute(c.StartFlashSale("cup", 5900, 5, 60))
    refused(ctl, c.StartFlashSale("cup", 5000, 5, 60), "already has a flash sale")
    ctl.execute(c.StartFlashSale("mask", 3900, 5, 60))  # another product is fine
    clock.advance(60)
    ctl.execute(c.StartFlashSale("cup", 5000, 5, 60))  # the first one expired
    assert ctl.state.flash_sales["flash-1"].end_reason == "expired"
    refused(ctl, c.StopFlashSale("flash-1"), "already ended")
    refused(ctl, c.StopFlashSale("nope"), "no flash sale")


def test_flash_sale_stock_is_separate(ctl):
    ctl.execute(c.StartFlashSale("cup", 5900, 5, 60))
    refused(ctl, c.RecordSale("cup", 6, flash_sale_id="flash-1"), "only 5 left")
    refused(ctl, c.RecordSale("mask", 1, flash_sale_id="flash-1"), "no flash sale")
    ctl.execute(c.RecordSale("cup", 2, flash_sale_id="flash-1"))
    ctl.execute(c.RecordSale("cup", 10))  # at the list price: only product stock counts
    sale = ctl.state.flash_sales["flash-1"]
    assert (sale.remaining_quantity, ctl.state.stock["cup"]) == (3, 88)
    ctl.execute(c.RecordSale("cup", 3, flash_sale_id="flash-1"))
    assert ctl.state.flash_sales["flash-1"].end_reason == "sold_out"
    refused(ctl, c.RecordSale("cup", 1, flash_sale_id="flash-1"), "has ended")


# ---- lotteries


def open_lottery(**kw) -> c.OpenLottery:
    args = dict(
        prize="耳机",
        prize_value_cents=19900,
        entry_rule="keyword",
        winners=2,
        entry_duration_s=60,
        keyword="想要",
    )
    args.update(kw)
    return c.OpenLottery(**args)


@pytest.mark.parametrize(
    ("command", "match"),
    [
        (open_lottery(prize=" "), "name the prize"),
        (open_lottery(prize_value_cents=5_000_001), "over the legal cap"),
        (open_lottery(prize_value_cents=0), "prize value must be positive"),
        (open_lottery(winners=0), "number of winners"),
        (open_lottery(entry_rule="dance"), "entry rule 'dance'"),
        (open_lottery(keyword=""), "needs the keyword"),
        (open_lottery(entry_duration_s=0), "entry duration"),
        (open_lottery(draw_at=T0 + 30), "draw time is before entry closes"),
    ],
)
def test_lottery_open_rules(ctl, command, match):
    refused(ctl, command, match)


def test_lottery_prize_cap_is_inclusive(ctl):
    ctl.execute(open_lottery(prize_value_cents=5_000_000))


def test_lottery_lifecycle_rules(ctl, clock):
    ctl.execute(open_lottery(opens_in_s=10, draw_delay_s=30))
    lot = ctl.state.lotteries["lottery-1"]
    assert lot.phase == "announced" and lot.prize and lot.winners_count == 2  # announced first
    refused(ctl, open_lottery(), "still taking entries")
    refused(ctl, c.AddLotteryEntrant("lottery-1", "u1", "", "comment", "想要"), "not opened yet")
    refused(ctl, c.CloseLottery("lottery-1"), "not opened yet")
    refused(ctl, c.DrawLottery("lottery-1"), "can't draw before entry closes")
    clock.advance(10)
    ctl.execute(c.AddLotteryEntrant("lottery-1", "u1", "小明", "comment", "我想要！"))
    refused(
        ctl, c.AddLotteryEntrant("lottery-1", "u1", "小明", "comment", "想要"), "already entered"
    )
    refused(
        ctl,
        c.AddLotteryEntrant("lottery-1", "u2", "", "comment", "好看"),
        "does not contain the keyword",
    )
    refused(ctl, c.AddLotteryEntrant("lottery-1", "u2", "", "like"), "takes entries by keyword")
    refused(ctl, c.AddLotteryEntrant("lottery-1", " ", "", "comment", "想要"), "without a user id")
    refused(ctl, c.AddLotteryEntrant("nope", "u2"), "no lottery 'nope'")
    ctl.execute(c.AddLotteryEntrant("lottery-1", "u2", "", "manual"))
    refused(ctl, c.DrawLottery("lottery-1"), "can't draw before entry closes")
    refused(ctl, c.CloseLottery("lottery-1"), "closing early needs a reason")
    closed = ctl.execute(c.CloseLottery("lottery-1", reason="prize stock ran out"))
    assert closed.payload["early"] is True and closed.payload["reason"] == "prize stock ran out"
    assert ctl.state.lotteries["lottery-1"].closed_early
    refused(ctl, c.CloseLottery("lottery-1"), "already closed")
    refused(ctl, c.AddLotteryEntrant("lottery-1", "u3", "", "comment", "想要"), "entry is closed")
    refused(ctl, c.DrawLottery("lottery-1"), "announced draw time is in")
    clock.advance(90)
    ctl.execute(c.DrawLottery("lottery-1"))
    refused(ctl, c.DrawLottery("lottery-1"), "already drawn")
    assert sorted(ctl.state.lotteries["lottery-1"].winners) == ["u1", "u2"]


# ---- polls and rundown


@pytest.mark.parametrize(
    ("command", "match"),
    [
        (c.StartPoll("", ("a", "b")), "write the question"),
        (c.StartPoll("q", ("a",)), "2 to 6 options"),
        (c.StartPoll("q", ("a", "a")), "different"),
        (c.StartPoll("q", ("a", "b"), answer=2), "answer must be an option"),
        (c.StartPoll("q", ("a", "b"), duration_s=-1), "poll duration"),
    ],
)
def test_poll_rules(ctl, command, match):
    refused(ctl, command, match)


def test_poll_votes(ctl, clock):
    ctl.execute(c.StartPoll("哪个颜色？", ("红", "蓝"), duration_s=30))
    refused(ctl, c.StartPoll("q", ("a", "b")), "still running")
    ctl.execute(c.VotePoll("poll-1", "u1", 1))
    refused(ctl, c.VotePoll("poll-1", "u1", 0), "already voted")
    refused(ctl, c.VotePoll("poll-1", "u2", 2), "option must be")
    assert ctl.state.polls["poll-1"].counts == (0, 1)
    clock.advance(30)
    refused(ctl, c.VotePoll("poll-1", "u2", 0), "has ended")


def test_rundown_rules(ctl):
    refused(ctl, c.GotoSegment(7), "no segment #7")
    refused(ctl, c.GotoSegment("zzz"), "no segment 'zzz'")
    ctl.execute(c.GotoSegment("end"))
    refused(ctl, c.AdvanceRundown(), "last segment")
