"""The pure reducer that folds journal events into the show state (console/show/state.py).

It never mutates: every reducer returns a new state built with copied dicts; events of other
kinds leave the state unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from console.show.catalog import product_from_dict
from console.show.journal import Event
from console.show.state import (
    CATALOG_LOADED,
    COMMENT_HIDDEN,
    COMMENT_PINNED,
    COMMENT_UNPINNED,
    COUPON_LAUNCHED,
    COUPON_STOPPED,
    CUE_FAILED,
    FLASH_SALE_STARTED,
    FLASH_SALE_STOPPED,
    LOTTERY_CLOSED,
    LOTTERY_DRAWN,
    LOTTERY_ENTRANT_ADDED,
    LOTTERY_ENTRY_OPENED,
    LOTTERY_OPENED,
    POLL_STARTED,
    POLL_STOPPED,
    POLL_VOTED,
    PRODUCT_PINNED,
    PRODUCT_UNPINNED,
    PROMOTIONS_HELD,
    PROMOTIONS_RESUMED,
    SALE_RECORDED,
    SEGMENT_OVERRUN,
    SEGMENT_STARTED,
    STOCK_ADJUSTED,
    USER_BLOCKED,
    USER_UNBLOCKED,
    CouponState,
    Entrant,
    FlashSaleState,
    LotteryState,
    Pinned,
    PinnedComment,
    PollState,
    PromotionsHold,
    RundownPosition,
    ShowState,
)


def _with(mapping: dict, key: str, value: Any) -> dict:
    copy = dict(mapping)
    copy[key] = value
    return copy


def _catalog_loaded(state: ShowState, e: Event) -> ShowState:
    products = {}
    for item in e.payload["products"]:
        product = product_from_dict(item)
        products[product.id] = product
    return replace(
        state,
        products=products,
        stock={pid: p.stock for pid, p in products.items()},
        sold={pid: state.sold.get(pid, 0) for pid in products},
        catalog_hash=e.payload.get("hash", ""),
    )


def _pinned(state: ShowState, e: Event) -> ShowState:
    return replace(state, pinned=Pinned(e.payload["product_id"], e.ts))


def _unpinned(state: ShowState, e: Event) -> ShowState:
    return replace(state, pinned=None)


def _coupon_launched(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    coupon = CouponState(
        coupon_id=p["coupon_id"],
        kind=p["kind"],
        title=p["title"],
        quantity=p["quantity"],
        threshold_cents=p["threshold_cents"],
        discount_cents=p["discount_cents"],
        percent=p["percent"],
        starts_at=p["starts_at"],
        ends_at=p["ends_at"],
        product_ids=tuple(p["product_ids"]),
    )
    return replace(state, coupons=_with(state.coupons, coupon.coupon_id, coupon))


def _coupon_stopped(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    coupon = replace(state.coupons[p["coupon_id"]], stopped_at=p["at"], stop_reason=p["reason"])
    return replace(state, coupons=_with(state.coupons, coupon.coupon_id, coupon))


def _flash_started(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    sale = FlashSaleState(
        sale_id=p["sale_id"],
        product_id=p["product_id"],
        sale_price_cents=p["sale_price_cents"],
        list_price_cents=p["list_price_cents"],
        quantity=p["quantity"],
        remaining_quantity=p["quantity"],
        started_at=e.ts,
        ends_at=p["ends_at"],
    )
    return replace(state, flash_sales=_with(state.flash_sales, sale.sale_id, sale))


def _flash_stopped(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    sale = replace(state.flash_sales[p["sale_id"]], ended_at=p["at"], end_reason=p["reason"])
    return replace(state, flash_sales=_with(state.flash_sales, sale.sale_id, sale))


def _lottery_opened(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    lottery = LotteryState(
        lottery_id=p["lottery_id"],
        prize=p["prize"],
        prize_value_cents=p["prize_value_cents"],
        entry_rule=p["entry_rule"],
        keyword=p["keyword"],
        winners_count=p["winners"],
        claim_rules=p["claim_rules"],
        announced_at=e.ts,
        opens_at=p["opens_at"],
        closes_at=p["closes_at"],
        draw_at=p["draw_at"],
        seed_hash=p["seed_hash"],
        phase="open" if p["opens_at"] <= e.ts else "announced",
        secret_seed=p.get("seed", ""),
        format=int(p.get("format", 1)),
    )
    return replace(state, lotteries=_with(state.lotteries, lottery.lottery_id, lottery))


def _lottery_update(state: ShowState, lottery_id: str, **changes: Any) -> ShowState:
    lottery = replace(state.lotteries[lottery_id], **changes)
    return replace(state, lotteries=_with(state.lotteries, lottery_id, lottery))


def _lottery_entry_opened(state: ShowState, e: Event) -> ShowState:
    return _lottery_update(state, e.payload["lottery_id"], phase="open")


def _lottery_entrant(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    lottery = state.lotteries[p["lottery_id"]]
    entrant = Entrant(p["user_id"], p["display_name"], p["via"], e.ts)
    return _lottery_update(
        state, lottery.lottery_id, entrants=_with(lottery.entrants, entrant.user_id, entrant)
    )


def _lottery_closed(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    lottery = state.lotteries[p["lottery_id"]]
    return _lottery_update(
        state,
        p["lottery_id"],
        phase="closed",
        frozen_entrants=tuple(p["entrants"]),
        entrants_hash=p["entrants_hash"],
        closed_at=p["at"],
        closed_early=bool(p.get("early")) or p["at"] < lottery.closes_at,
        close_reason=str(p.get("reason", "")),
    )


def _lottery_drawn(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    return _lottery_update(
        state, p["lottery_id"], phase="drawn", winners=tuple(p["winners"]), revealed_seed=p["seed"]
    )


def _poll_started(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    poll = PollState(
        poll_id=p["poll_id"],
        question=p["question"],
        options=tuple(p["options"]),
        answer=p["answer"],
        started_at=e.ts,
        ends_at=p["ends_at"],
    )
    return replace(state, polls=_with(state.polls, poll.poll_id, poll))


def _poll_voted(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    poll = state.polls[p["poll_id"]]
    poll = replace(poll, votes=_with(poll.votes, p["user_id"], p["option"]))
    return replace(state, polls=_with(state.polls, poll.poll_id, poll))


def _poll_stopped(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    poll = replace(state.polls[p["poll_id"]], stopped_at=p["at"])
    return replace(state, polls=_with(state.polls, poll.poll_id, poll))


def _segment_started(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    position = RundownPosition(
        index=p["index"],
        segment_id=p["segment_id"],
        title=p["title"],
        product_id=p["product_id"],
        planned_s=p["planned_s"],
        started_at=e.ts,
    )
    return replace(state, rundown=position)


def _segment_overrun(state: ShowState, e: Event) -> ShowState:
    assert state.rundown is not None
    return replace(state, rundown=replace(state.rundown, overrun_reported=True))


def _sale_recorded(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    pid, qty = p["product_id"], p["quantity"]
    changes: dict[str, Any] = {
        "stock": _with(state.stock, pid, state.stock[pid] - qty),
        "sold": _with(state.sold, pid, state.sold.get(pid, 0) + qty),
    }
    if p.get("flash_sale_id"):
        sale = state.flash_sales[p["flash_sale_id"]]
        left = sale.remaining_quantity - qty
        sale = replace(sale, remaining_quantity=left)
        if left == 0:
            sale = replace(sale, ended_at=e.ts, end_reason="sold_out")
        changes["flash_sales"] = _with(state.flash_sales, sale.sale_id, sale)
    if p.get("coupon_id"):
        coupon = state.coupons[p["coupon_id"]]
        changes["coupons"] = _with(
            state.coupons, coupon.coupon_id, replace(coupon, used=coupon.used + 1)
        )
    return replace(state, **changes)


def _stock_adjusted(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    pid = p["product_id"]
    return replace(state, stock=_with(state.stock, pid, state.stock[pid] + p["delta"]))


def _comment_pinned(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    pinned = PinnedComment(
        str(p["text"]),
        str(p.get("nick", "")),
        str(p.get("user_key", "")),
        str(p.get("msg_id", "")),
        str(p.get("platform", "")),
        e.ts,
    )
    return replace(state, pinned_comment=pinned)


def _comment_unpinned(state: ShowState, e: Event) -> ShowState:
    return replace(state, pinned_comment=None)


def _comment_hidden(state: ShowState, e: Event) -> ShowState:
    pinned = state.pinned_comment
    if pinned is not None and pinned.msg_id and pinned.msg_id == e.payload.get("msg_id"):
        return replace(state, pinned_comment=None)
    return state


def _user_blocked(state: ShowState, e: Event) -> ShowState:
    return replace(state, blocked_users=state.blocked_users | {str(e.payload["user_key"])})


def _user_unblocked(state: ShowState, e: Event) -> ShowState:
    return replace(state, blocked_users=state.blocked_users - {str(e.payload["user_key"])})


HOLD_KINDS = ("flash_sale", "coupon", "lottery")


def _set_held(state: ShowState, kind: str, ref: str, **changes: Any) -> ShowState:
    field_name = {"flash_sale": "flash_sales", "coupon": "coupons", "lottery": "lotteries"}[kind]
    items = getattr(state, field_name)
    item = replace(items[ref], **changes)
    changes_of_state: dict[str, Any] = {field_name: _with(items, ref, item)}
    return replace(state, **changes_of_state)


def _promotions_held(state: ShowState, e: Event) -> ShowState:
    p = e.payload
    at = float(p["at"])
    items = tuple((str(i["kind"]), str(i["id"]), str(i.get("title", ""))) for i in p["items"])
    for kind, ref, _title in items:
        state = _set_held(state, kind, ref, held_at=at)
    return replace(state, promotions_hold=PromotionsHold(at, str(p.get("reason", "")), items))


def _promotions_resumed(state: ShowState, e: Event) -> ShowState:
    """Every held countdown is moved on by the time it was held (from the payload: replayable)."""
    for item in e.payload["items"]:
        kind, ref, by = str(item["kind"]), str(item["id"]), float(item["extended_s"])
        if kind == "flash_sale":
            sale = state.flash_sales[ref]
            state = _set_held(state, kind, ref, held_at=None, ends_at=sale.ends_at + by)
        elif kind == "coupon":
            coupon = state.coupons[ref]
            changes: dict[str, Any] = {"held_at": None}
            if coupon.ends_at is not None:
                changes["ends_at"] = coupon.ends_at + by
            if coupon.held_at is not None and coupon.starts_at > coupon.held_at:
                changes["starts_at"] = coupon.starts_at + by
            state = _set_held(state, kind, ref, **changes)
        elif kind == "lottery":
            lottery = state.lotteries[ref]
            changes = {"held_at": None, "held_s": lottery.held_s + by}
            if lottery.phase in ("announced", "open"):
                changes["closes_at"] = lottery.closes_at + by
                changes["draw_at"] = lottery.draw_at + by
            if lottery.phase == "announced":
                changes["opens_at"] = lottery.opens_at + by
            state = _set_held(state, kind, ref, **changes)
    return replace(state, promotions_hold=None)


def _started_held(
    reducer: Callable[[ShowState, Event], ShowState], kind: str, key: str
) -> Callable[[ShowState, Event], ShowState]:
    """A timed promotion started while promotions are held starts held."""

    def reduce_started(state: ShowState, e: Event) -> ShowState:
        new = reducer(state, e)
        if state.promotions_hold is None:
            return new
        return _set_held(new, kind, str(e.payload[key]), held_at=e.ts)

    return reduce_started


def _no_change(state: ShowState, e: Event) -> ShowState:
    return state


REDUCERS: dict[str, Callable[[ShowState, Event], ShowState]] = {
    CATALOG_LOADED: _catalog_loaded,
    PRODUCT_PINNED: _pinned,
    PRODUCT_UNPINNED: _unpinned,
    COUPON_LAUNCHED: _coupon_launched,
    COUPON_STOPPED: _coupon_stopped,
    FLASH_SALE_STARTED: _flash_started,
    FLASH_SALE_STOPPED: _flash_stopped,
    LOTTERY_OPENED: _lottery_opened,
    LOTTERY_ENTRY_OPENED: _lottery_entry_opened,
    LOTTERY_ENTRANT_ADDED: _lottery_entrant,
    LOTTERY_CLOSED: _lottery_closed,
    LOTTERY_DRAWN: _lottery_drawn,
    POLL_STARTED: _poll_started,
    POLL_VOTED: _poll_voted,
    POLL_STOPPED: _poll_stopped,
    SEGMENT_STARTED: _segment_started,
    SEGMENT_OVERRUN: _segment_overrun,
    SALE_RECORDED: _sale_recorded,
    STOCK_ADJUSTED: _stock_adjusted,
    CUE_FAILED: _no_change,
    COMMENT_PINNED: _comment_pinned,
    COMMENT_UNPINNED: _comment_unpinned,
    COMMENT_HIDDEN: _comment_hidden,
    USER_BLOCKED: _user_blocked,
    USER_UNBLOCKED: _user_unblocked,
}

REDUCERS.update(
    {
        PROMOTIONS_HELD: _promotions_held,
        PROMOTIONS_RESUMED: _promotions_resumed,
        FLASH_SALE_STARTED: _started_held(_flash_started, "flash_sale", "sale_id"),
        COUPON_LAUNCHED: _started_held(_coupon_launched, "coupon", "coupon_id"),
        LOTTERY_OPENED: _started_held(_lottery_opened, "lottery", "lottery_id"),
    }
)


def reduce(state: ShowState, event: Event) -> ShowState:
    """Fold one event into the state. Pure; events of other kinds leave the state unchanged."""
    reducer = REDUCERS.get(event.kind)
    if reducer is None:
        return state
    return replace(reducer(state, event), last_seq=event.seq)
