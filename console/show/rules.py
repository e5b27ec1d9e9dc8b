"""Validation: a command against the current state becomes event drafts, or a ``UserError``.

Pure except for the lottery seed, which comes from the ``token_bytes`` callable passed in and is
sealed into ``Context.seeds`` (outside the journal) before its commitment is journaled. Every
time-dependent value (``ends_at``, ``closes_at`` …) is resolved here from ``now`` and written into
the event, so the reducer needs no clock.
"""

from __future__ import annotations

from collections.abc import Callable

from console.show import commands as c
from console.show import state as s
from console.show.money import format_money
from console.show.rules_audience import (
    _add_marker,
    _block_user,
    _end_session,
    _hide_comment,
    _note_recording,
    _pin_comment,
    _record_health,
    _start_session,
    _unblock_user,
    _unpin_comment,
)
from console.show.rules_base import (
    Context,
    Draft,
    _count,
    _product,
    _reject,
)
from console.show.rules_promotions import (
    _add_entrant,
    _close_lottery,
    _draw_lottery,
    _hold_promotions,
    _launch_coupon,
    _open_lottery,
    _resume_promotions,
    _start_flash,
    _start_poll,
    _stop_coupon,
    _stop_flash,
    _stop_poll,
    _vote,
    close_draft,
    held_items,
)
from console.show.rundown import Rundown

__all__ = ["Context", "Draft", "close_draft", "decide", "due_drafts", "held_items", "segment_draft"]


def decide(state: s.ShowState, cmd: c.Command, now: float, ctx: Context) -> list[Draft]:
    handler = _HANDLERS.get(type(cmd))
    if handler is None:
        raise _reject(f"unsupported command {type(cmd).__name__}")
    return handler(state, cmd, now, ctx)


def _pin(state: s.ShowState, cmd: c.PinProduct, now: float, ctx: Context) -> list[Draft]:
    product = _product(state, cmd.product_id)
    if state.pinned and state.pinned.product_id == product.id:
        raise _reject(f"{product.title} is already pinned")
    return [Draft(s.PRODUCT_PINNED, {"product_id": product.id})]


def _unpin(state: s.ShowState, cmd: c.UnpinProduct, now: float, ctx: Context) -> list[Draft]:
    if state.pinned is None:
        raise _reject("no product is pinned")
    return [Draft(s.PRODUCT_UNPINNED, {"product_id": state.pinned.product_id})]


def segment_draft(rundown: Rundown, index: int) -> Draft:
    seg = rundown[index]
    return Draft(
        s.SEGMENT_STARTED,
        {
            "index": index,
            "segment_id": seg.id,
            "title": seg.title,
            "product_id": seg.product_id,
            "planned_s": seg.planned_s,
        },
    )


def _advance(state: s.ShowState, cmd: c.AdvanceRundown, now: float, ctx: Context) -> list[Draft]:
    if len(ctx.rundown) == 0:
        raise _reject("the show has no rundown: add segments to rundown.json")
    index = 0 if state.rundown is None else state.rundown.index + 1
    if index >= len(ctx.rundown):
        raise _reject("already at the last segment of the rundown")
    return [segment_draft(ctx.rundown, index)]


def _goto(state: s.ShowState, cmd: c.GotoSegment, now: float, ctx: Context) -> list[Draft]:
    return [segment_draft(ctx.rundown, ctx.rundown.index_of(cmd.segment))]


def _record_sale(state: s.ShowState, cmd: c.RecordSale, now: float, ctx: Context) -> list[Draft]:
    product = _product(state, cmd.product_id)
    quantity = _count(cmd.quantity, "quantity sold")
    stock = state.stock.get(product.id, 0)
    if quantity > stock:
        raise _reject(f"sale of {quantity} × {product.title}: only {stock} in stock")
    unit = product.price_cents
    if cmd.flash_sale_id:
        sale = state.flash_sales.get(cmd.flash_sale_id)
        if sale is None or sale.product_id != product.id:
            raise _reject(f"no flash sale {cmd.flash_sale_id!r} for {product.title}")
        if not sale.active(now):
            raise _reject(f"flash sale {sale.sale_id} has ended")
        if quantity > sale.remaining_quantity:
            raise _reject(
                f"flash sale {sale.sale_id}: only {sale.remaining_quantity} left at the sale price"
            )
        unit = sale.sale_price_cents
    if cmd.coupon_id:
        coupon = state.coupons.get(cmd.coupon_id)
        if coupon is None:
            raise _reject(f"no coupon {cmd.coupon_id!r} in this show")
        if not coupon.active(now):
            raise _reject(
                f"coupon {coupon.coupon_id} is not valid now (not started, ended or used up)"
            )
        if not coupon.applies_to(product.id):
            raise _reject(f"coupon {coupon.coupon_id} does not apply to {product.title}")
        if unit * quantity < coupon.threshold_cents:
            raise _reject(
                f"coupon {coupon.title}: the order {format_money(unit * quantity)} is below the "
                f"threshold {format_money(coupon.threshold_cents)}"
            )
    return [
        Draft(
            s.SALE_RECORDED,
            {
                "product_id": product.id,
                "quantity": quantity,
                "unit_price_cents": unit,
                "flash_sale_id": cmd.flash_sale_id or None,
                "coupon_id": cmd.coupon_id or None,
                "order_id": cmd.order_id,
            },
        )
    ]


def _adjust_stock(state: s.ShowState, cmd: c.AdjustStock, now: float, ctx: Context) -> list[Draft]:
    product = _product(state, cmd.product_id)
    if isinstance(cmd.delta, bool) or not isinstance(cmd.delta, int) or cmd.delta == 0:
        raise _reject("stock adjustment must be a non-zero whole number")
    stock = state.stock.get(product.id, 0)
    if stock + cmd.delta < 0:
        raise _reject(f"{product.title}: stock {stock} {cmd.delta:+d} would be negative")
    if stock + cmd.delta > 10_000_000:
        raise _reject(f"{product.title}: stock over 10,000,000 is surely a typo")
    return [
        Draft(
            s.STOCK_ADJUSTED, {"product_id": product.id, "delta": cmd.delta, "reason": cmd.reason}
        )
    ]


_HANDLERS: dict[type, Callable[..., list[Draft]]] = {
    c.PinProduct: _pin,
    c.UnpinProduct: _unpin,
    c.LaunchCoupon: _launch_coupon,
    c.StopCoupon: _stop_coupon,
    c.StartFlashSale: _start_flash,
    c.StopFlashSale: _stop_flash,
    c.OpenLottery: _open_lottery,
    c.CloseLottery: _close_lottery,
    c.DrawLottery: _draw_lottery,
    c.AddLotteryEntrant: _add_entrant,
    c.StartPoll: _start_poll,
    c.VotePoll: _vote,
    c.StopPoll: _stop_poll,
    c.AdvanceRundown: _advance,
    c.GotoSegment: _goto,
    c.RecordSale: _record_sale,
    c.AdjustStock: _adjust_stock,
    # operator actions on the audience and the live session
    c.PinComment: _pin_comment,
    c.UnpinComment: _unpin_comment,
    c.HideComment: _hide_comment,
    c.BlockUser: _block_user,
    c.UnblockUser: _unblock_user,
    c.StartSession: _start_session,
    c.EndSession: _end_session,
    c.RecordHealth: _record_health,
    c.AddMarker: _add_marker,
    c.NoteRecording: _note_recording,  # console/clips
    # promotions held while every real destination is down (console/show/uplink_hold.py)
    c.HoldPromotions: _hold_promotions,
    c.ResumePromotions: _resume_promotions,
}


def due_drafts(state: s.ShowState, now: float) -> list[Draft]:
    """Time-driven transitions that are due at ``now`` (one pass; apply, then ask again)."""
    drafts: list[Draft] = []
    for sale in state.flash_sales.values():
        if sale.ended_at is None and sale.held_at is None and now >= sale.ends_at:
            drafts.append(
                Draft(
                    s.FLASH_SALE_STOPPED,
                    {"sale_id": sale.sale_id, "reason": "expired", "at": sale.ends_at},
                )
            )
    for coupon in state.coupons.values():
        if coupon.held_at is not None:
            continue  # its countdown is held: the stream is down
        if coupon.stopped_at is None and coupon.ends_at is not None and now >= coupon.ends_at:
            drafts.append(
                Draft(
                    s.COUPON_STOPPED,
                    {"coupon_id": coupon.coupon_id, "reason": "expired", "at": coupon.ends_at},
                )
            )
    for lottery in state.lotteries.values():
        if lottery.held_at is not None:
            continue  # entry's countdown is held: the stream is down
        if lottery.phase == "announced" and now >= lottery.opens_at:
            drafts.append(Draft(s.LOTTERY_ENTRY_OPENED, {"lottery_id": lottery.lottery_id}))
        elif lottery.phase == "open" and now >= lottery.closes_at:
            drafts.append(close_draft(lottery, lottery.closes_at))
    for poll in state.polls.values():
        if poll.stopped_at is None and poll.ends_at is not None and now >= poll.ends_at:
            drafts.append(
                Draft(
                    s.POLL_STOPPED,
                    {"poll_id": poll.poll_id, "reason": "expired", "at": poll.ends_at},
                )
            )
    position = state.rundown
    if (
        position
        and not position.overrun_reported
        and position.planned_s > 0
        and position.overrun(now) > 0
    ):
        drafts.append(
            Draft(s.SEGMENT_OVERRUN, {"index": position.index, "planned_s": position.planned_s})
        )
    return drafts
