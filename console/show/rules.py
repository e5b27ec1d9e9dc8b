"""Validation: a command against the current state becomes event drafts, or a ``UserError``.

Pure except for the lottery seed, which comes from the ``token_bytes`` callable passed in and is
sealed into ``Context.seeds`` (outside the journal) before its commitment is journaled. Every
time-dependent value (``ends_at``, ``closes_at`` …) is resolved here from ``now`` and written into
the event, so the reducer needs no clock.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from console.errors import UserError
from console.show import commands as c
from console.show import lottery as lot
from console.show import state as s
from console.show.catalog import Product
from console.show.money import format_money
from console.show.rundown import Rundown

MAX_PRIZE_CENTS = 5_000_000  # ¥50,000: the legal cap for a lottery-style prize
MAX_DURATION_S = 24 * 3600
MAX_QUANTITY = 1_000_000
MAX_WINNERS = 1000
MAX_POLL_OPTIONS = 6


@dataclass(frozen=True)
class Draft:
    kind: str
    payload: dict[str, Any]


@dataclass
class Context:
    rundown: Rundown
    token_bytes: Callable[[int], bytes] = secrets.token_bytes
    seeds: lot.SeedVault | None = None  # where lottery seeds wait, sealed, for the draw


def _reject(message: str) -> UserError:
    return UserError(message)


def _product(state: s.ShowState, product_id: str) -> Product:
    product = state.products.get(product_id)
    if product is None:
        raise _reject(f"unknown product {product_id!r}: pick one from the catalog")
    return product


def _new_id(prefix: str, existing: dict[str, Any], wanted: str | None) -> str:
    if wanted is not None:
        wanted = str(wanted).strip()
        if not wanted:
            raise _reject(f"empty {prefix} id: leave it out to get one assigned")
        if wanted in existing:
            raise _reject(f"{prefix} id {wanted!r} is already used in this show: pick another")
        return wanted
    n = len(existing) + 1
    while f"{prefix}-{n}" in existing:
        n += 1
    return f"{prefix}-{n}"


def _duration(value: float | None, what: str) -> float:
    if (
        value is None
        or isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_DURATION_S
    ):
        raise _reject(f"{what} must be 1 s to 24 h, got {value!r}")
    return float(value)


def _count(value: int, what: str, low: int = 1, high: int = MAX_QUANTITY) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _reject(f"{what} must be a whole number from {low} to {high}, got {value!r}")
    return value


def _money(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _reject(f"{what} must be an amount in cents (whole number), got {value!r}")
    return value


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


def _launch_coupon(
    state: s.ShowState, cmd: c.LaunchCoupon, now: float, ctx: Context
) -> list[Draft]:
    if cmd.kind not in c.COUPON_KINDS:
        raise _reject(f"coupon kind {cmd.kind!r} is not one of {', '.join(c.COUPON_KINDS)}")
    quantity = _count(cmd.quantity, "coupon quantity")
    threshold = _money(cmd.threshold_cents, "coupon threshold")
    discount = _money(cmd.discount_cents, "coupon discount")
    percent = cmd.percent
    for pid in cmd.product_ids:
        _product(state, pid)
    if threshold < 0:
        raise _reject("coupon threshold must not be negative")
    if cmd.kind == "threshold":
        if discount <= 0:
            raise _reject("满减 coupon: the discount must be positive")
        if threshold <= discount:
            raise _reject(
                f"满减 coupon: spend {format_money(threshold)} must be more than the saving "
                f"{format_money(discount)}"
            )
        percent = 0
    elif cmd.kind == "percent":
        if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 99:
            raise _reject(f"percent-off coupon: percent must be 1..99, got {percent!r}")
        discount = 0
    else:
        if discount <= 0:
            raise _reject("amount-off coupon: the discount must be positive")
        if threshold and threshold <= discount:
            raise _reject("amount-off coupon: the threshold must be more than the discount")
        prices = [state.products[pid].price_cents for pid in cmd.product_ids]
        if prices and discount >= min(prices):
            raise _reject(
                f"amount-off coupon: {format_money(discount)} off is not below the product price "
                f"{format_money(min(prices))}"
            )
        percent = 0
    starts_at = now if cmd.starts_at is None else float(cmd.starts_at)
    if cmd.ends_at is not None and cmd.duration_s is not None:
        raise _reject("coupon: give either an end time or a duration, not both")
    ends_at: float | None = None
    if cmd.duration_s is not None:
        ends_at = starts_at + _duration(cmd.duration_s, "coupon duration")
    elif cmd.ends_at is not None:
        ends_at = float(cmd.ends_at)
    if ends_at is not None and ends_at <= max(starts_at, now):
        raise _reject("coupon: the validity window ends before it starts (or is already over)")
    coupon_id = _new_id("coupon", state.coupons, cmd.coupon_id)
    title = cmd.title.strip() or s.coupon_label(cmd.kind, threshold, discount, percent)
    return [
        Draft(
            s.COUPON_LAUNCHED,
            {
                "coupon_id": coupon_id,
                "kind": cmd.kind,
                "title": title,
                "quantity": quantity,
                "threshold_cents": threshold,
                "discount_cents": discount,
                "percent": percent,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "product_ids": list(cmd.product_ids),
            },
        )
    ]


def _stop_coupon(state: s.ShowState, cmd: c.StopCoupon, now: float, ctx: Context) -> list[Draft]:
    coupon = state.coupons.get(cmd.coupon_id)
    if coupon is None:
        raise _reject(f"no coupon {cmd.coupon_id!r} in this show")
    if not coupon.live(now):
        raise _reject(f"coupon {cmd.coupon_id} has already ended")
    return [
        Draft(s.COUPON_STOPPED, {"coupon_id": coupon.coupon_id, "reason": "stopped", "at": now})
    ]


def _start_flash(
    state: s.ShowState, cmd: c.StartFlashSale, now: float, ctx: Context
) -> list[Draft]:
    product = _product(state, cmd.product_id)
    price = _money(cmd.sale_price_cents, "flash-sale price")
    if price <= 0:
        raise _reject("flash-sale price must be positive")
    if price >= product.price_cents:
        raise _reject(
            f"flash-sale price {format_money(price)} must be below the list price "
            f"{format_money(product.price_cents)} of {product.title}"
        )
    quantity = _count(cmd.quantity, "flash-sale quantity")
    stock = state.stock.get(product.id, 0)
    if quantity > stock:
        raise _reject(
            f"flash sale of {quantity} × {product.title}: only {stock} in stock — lower the quantity"
        )
    duration = _duration(cmd.duration_s, "flash-sale duration")
    running = state.flash_sale_for(product.id, now)
    if running is not None:
        raise _reject(
            f"{product.title} already has a flash sale running ({running.sale_id}): stop it first"
        )
    sale_id = _new_id("flash", state.flash_sales, cmd.sale_id)
    return [
        Draft(
            s.FLASH_SALE_STARTED,
            {
                "sale_id": sale_id,
                "product_id": product.id,
                "sale_price_cents": price,
                "list_price_cents": product.price_cents,
                "quantity": quantity,
                "ends_at": now + duration,
            },
        )
    ]


def _stop_flash(state: s.ShowState, cmd: c.StopFlashSale, now: float, ctx: Context) -> list[Draft]:
    sale = state.flash_sales.get(cmd.sale_id)
    if sale is None:
        raise _reject(f"no flash sale {cmd.sale_id!r} in this show")
    if not sale.active(now):
        raise _reject(f"flash sale {cmd.sale_id} has already ended")
    return [Draft(s.FLASH_SALE_STOPPED, {"sale_id": sale.sale_id, "reason": "stopped", "at": now})]


def _open_lottery(state: s.ShowState, cmd: c.OpenLottery, now: float, ctx: Context) -> list[Draft]:
    prize = cmd.prize.strip()
    if not prize:
        raise _reject("lottery: name the prize (it must be announced before entry opens)")
    value = _money(cmd.prize_value_cents, "prize value")
    if value <= 0:
        raise _reject("lottery: the prize value must be positive")
    if value > MAX_PRIZE_CENTS:
        raise _reject(
            f"lottery: prize value {format_money(value)} is over the legal cap of "
            f"{format_money(MAX_PRIZE_CENTS)} for a lottery-style prize"
        )
    if cmd.entry_rule not in c.ENTRY_RULES:
        raise _reject(
            f"lottery entry rule {cmd.entry_rule!r} is not one of {', '.join(c.ENTRY_RULES)}"
        )
    keyword = cmd.keyword.strip()
    if cmd.entry_rule == "keyword" and not keyword:
        raise _reject("lottery: a keyword entry rule needs the keyword viewers must comment")
    winners = _count(cmd.winners, "number of winners", 1, MAX_WINNERS)
    duration = _duration(cmd.entry_duration_s, "lottery entry duration")
    if not isinstance(cmd.opens_in_s, int | float) or not 0 <= cmd.opens_in_s <= MAX_DURATION_S:
        raise _reject(f"lottery: opens_in_s must be 0 s to 24 h, got {cmd.opens_in_s!r}")
    opens_at = now + float(cmd.opens_in_s)
    closes_at = opens_at + duration
    if cmd.draw_at is not None:
        draw_at = float(cmd.draw_at)
        if draw_at < closes_at:
            raise _reject("lottery: the announced draw time is before entry closes")
    else:
        if (
            not isinstance(cmd.draw_delay_s, int | float)
            or not 0 <= cmd.draw_delay_s <= MAX_DURATION_S
        ):
            raise _reject(f"lottery: draw_delay_s must be 0 s to 24 h, got {cmd.draw_delay_s!r}")
        draw_at = closes_at + float(cmd.draw_delay_s)
    for other in state.lotteries.values():
        if other.phase in ("announced", "open"):
            raise _reject(f"lottery {other.lottery_id} is still taking entries: close it first")
    lottery_id = _new_id("lottery", state.lotteries, cmd.lottery_id)
    if ctx.seeds is None:
        raise _reject("lottery: this show has no folder to keep the seed sealed in: open a show")
    seed = ctx.token_bytes(32)
    # durable before the commitment is journaled, so a crash right after still draws verifiably
    ctx.seeds.seal(lottery_id, seed)
    return [
        Draft(
            s.LOTTERY_OPENED,
            {
                "lottery_id": lottery_id,
                "prize": prize,
                "prize_value_cents": value,
                "entry_rule": cmd.entry_rule,
                "keyword": keyword if cmd.entry_rule == "keyword" else "",
                "winners": winners,
                "claim_rules": cmd.claim_rules.strip(),
                "opens_at": opens_at,
                "closes_at": closes_at,
                "draw_at": draw_at,
                "entry_duration_s": duration,
                "seed_hash": lot.seed_hash(seed),  # the commitment; the seed stays sealed
                "format": lot.LOTTERY_FORMAT,
            },
        )
    ]


def _lottery(state: s.ShowState, lottery_id: str) -> s.LotteryState:
    lottery = state.lotteries.get(lottery_id)
    if lottery is None:
        raise _reject(f"no lottery {lottery_id!r} in this show")
    return lottery


def close_draft(lottery: s.LotteryState, at: float, reason: str = "") -> Draft:
    """Freeze the entrants. ``at`` before the announced close time is an early close."""
    ids = sorted(uid for uid, e in lottery.entrants.items() if e.ts < lottery.closes_at)
    payload: dict[str, Any] = {
        "lottery_id": lottery.lottery_id,
        "entrants": ids,
        "entrants_hash": lot.entrants_hash(ids),
        "at": at,
        "early": at < lottery.closes_at,
    }
    if payload["early"]:
        payload["reason"] = reason
        payload["announced_closes_at"] = lottery.closes_at
    return Draft(s.LOTTERY_CLOSED, payload)


def _close_lottery(
    state: s.ShowState, cmd: c.CloseLottery, now: float, ctx: Context
) -> list[Draft]:
    lottery = _lottery(state, cmd.lottery_id)
    if lottery.phase == "announced":
        raise _reject(f"lottery {lottery.lottery_id}: entry has not opened yet")
    if lottery.phase != "open":
        raise _reject(f"lottery {lottery.lottery_id}: entry is already closed")
    reason = " ".join(str(cmd.reason or "").split())[:200]
    if now < lottery.closes_at and not reason:
        raise _reject(
            f"lottery {lottery.lottery_id}: entry is announced to close in "
            f"{lottery.closes_at - now:.0f} s: closing early needs a reason (it is journaled and "
            "reported by verify-lottery)"
        )
    return [close_draft(lottery, min(now, lottery.closes_at), reason)]


def _draw_lottery(state: s.ShowState, cmd: c.DrawLottery, now: float, ctx: Context) -> list[Draft]:
    lottery = _lottery(state, cmd.lottery_id)
    if lottery.phase in ("announced", "open"):
        raise _reject(f"lottery {lottery.lottery_id}: can't draw before entry closes")
    if lottery.phase == "drawn":
        raise _reject(f"lottery {lottery.lottery_id} is already drawn")
    hold = state.promotions_hold
    if hold is not None and not cmd.override:
        raise _reject(
            f"lottery {lottery.lottery_id}: the stream is down (every destination lost for "
            f"{max(0.0, now - hold.since):.0f} s), so viewers would not see the draw: wait until "
            "it is back, or draw anyway with override (journaled)"
        )
    if now < lottery.draw_at:
        raise _reject(
            f"lottery {lottery.lottery_id}: the announced draw time is in "
            f"{lottery.draw_at - now:.0f} s: draw then"
        )
    if lottery.secret_seed:  # a format 1 journal: the seed was journaled at open
        seed = bytes.fromhex(lottery.secret_seed)
    elif ctx.seeds is None:
        raise _reject(f"lottery {lottery.lottery_id}: no show folder holds its sealed seed")
    else:
        seed = ctx.seeds.unseal(lottery.lottery_id, lottery.seed_hash)
    winners = lot.draw_winners(
        seed, lottery.entrants_hash, lottery.frozen_entrants, lottery.winners_count
    )
    payload: dict[str, Any] = {
        "lottery_id": lottery.lottery_id,
        "seed": seed.hex(),
        "winners": winners,
    }
    if hold is not None:  # drawn by the host's override while viewers could not see it
        payload["override"] = "stream_down"
        payload["stream_down_s"] = max(0.0, now - hold.since)
    return [Draft(s.LOTTERY_DRAWN, payload)]


_RULE_VIAS = {"keyword": ("comment",), "like": ("like",), "follow": ("follow",)}


def _add_entrant(
    state: s.ShowState, cmd: c.AddLotteryEntrant, now: float, ctx: Context
) -> list[Draft]:
    lottery = _lottery(state, cmd.lottery_id)
    if lottery.phase == "announced" or now < lottery.opens_at:
        raise _reject(f"lottery {lottery.lottery_id}: entry has not opened yet")
    if lottery.phase != "open" or lottery.entry_remaining(now) <= 0:
        raise _reject(f"lottery {lottery.lottery_id}: entry is closed")
    user_id = lot.entrant_id(cmd.user_id)
    if user_id in lottery.entrants:
        raise _reject(f"{cmd.display_name or user_id} has already entered (one entry per user)")
    if cmd.via not in c.ENTRY_VIAS:
        raise _reject(f"entry via {cmd.via!r} is not one of {', '.join(c.ENTRY_VIAS)}")
    allowed = _RULE_VIAS.get(lottery.entry_rule)
    if allowed and cmd.via not in allowed and cmd.via != "manual":
        raise _reject(
            f"lottery {lottery.lottery_id} takes entries by {lottery.entry_rule}, not {cmd.via}"
        )
    if lottery.entry_rule == "keyword" and cmd.via == "comment" and lottery.keyword not in cmd.text:
        raise _reject(f"comment does not contain the keyword “{lottery.keyword}”")
    return [
        Draft(
            s.LOTTERY_ENTRANT_ADDED,
            {
                "lottery_id": lottery.lottery_id,
                "user_id": user_id,
                "display_name": cmd.display_name.strip() or user_id,
                "via": cmd.via,
            },
        )
    ]


def _start_poll(state: s.ShowState, cmd: c.StartPoll, now: float, ctx: Context) -> list[Draft]:
    question = cmd.question.strip()
    if not question:
        raise _reject("poll: write the question")
    options = [str(o).strip() for o in cmd.options]
    if not 2 <= len(options) <= MAX_POLL_OPTIONS:
        raise _reject(f"poll: give 2 to {MAX_POLL_OPTIONS} options, got {len(options)}")
    if any(not o for o in options) or len(set(options)) != len(options):
        raise _reject("poll: options must be non-empty and different")
    if cmd.answer is not None and (
        isinstance(cmd.answer, bool)
        or not isinstance(cmd.answer, int)
        or not 0 <= cmd.answer < len(options)
    ):
        raise _reject(f"quiz: the answer must be an option number 0..{len(options) - 1}")
    ends_at = None if cmd.duration_s is None else now + _duration(cmd.duration_s, "poll duration")
    running = state.active_poll(now)
    if running is not None:
        raise _reject(f"poll {running.poll_id} is still running: stop it first")
    poll_id = _new_id("poll", state.polls, cmd.poll_id)
    return [
        Draft(
            s.POLL_STARTED,
            {
                "poll_id": poll_id,
                "question": question,
                "options": options,
                "answer": cmd.answer,
                "ends_at": ends_at,
            },
        )
    ]


def _poll(state: s.ShowState, poll_id: str, now: float) -> s.PollState:
    poll = state.polls.get(poll_id)
    if poll is None:
        raise _reject(f"no poll {poll_id!r} in this show")
    if not poll.active(now):
        raise _reject(f"poll {poll_id} has ended")
    return poll


def _vote(state: s.ShowState, cmd: c.VotePoll, now: float, ctx: Context) -> list[Draft]:
    poll = _poll(state, cmd.poll_id, now)
    if (
        isinstance(cmd.option, bool)
        or not isinstance(cmd.option, int)
        or not 0 <= cmd.option < len(poll.options)
    ):
        raise _reject(f"poll {poll.poll_id}: option must be 0..{len(poll.options) - 1}")
    if not str(cmd.user_id).strip():
        raise _reject("vote without a user id")
    if cmd.user_id in poll.votes:
        raise _reject(f"{cmd.user_id} has already voted (one vote per user)")
    return [
        Draft(s.POLL_VOTED, {"poll_id": poll.poll_id, "user_id": cmd.user_id, "option": cmd.option})
    ]


def _stop_poll(state: s.ShowState, cmd: c.StopPoll, now: float, ctx: Context) -> list[Draft]:
    poll = _poll(state, cmd.poll_id, now)
    return [Draft(s.POLL_STOPPED, {"poll_id": poll.poll_id, "reason": "stopped", "at": now})]


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


# ---- operator actions on the audience and the live session ---------------------------------

MAX_COMMENT_CHARS = 500


def _pin_comment(state: s.ShowState, cmd: c.PinComment, now: float, ctx: Context) -> list[Draft]:
    text = str(cmd.text).strip()
    if not text:
        raise _reject("only a comment with text can be pinned")
    if len(text) > MAX_COMMENT_CHARS:
        raise _reject(f"a pinned comment is at most {MAX_COMMENT_CHARS} characters")
    if cmd.user_key and cmd.user_key in state.blocked_users:
        raise _reject("that user is blocked: unblock them before pinning their comment")
    payload = {
        "text": text,
        "nick": str(cmd.nick),
        "user_key": str(cmd.user_key),
        "msg_id": str(cmd.msg_id),
        "platform": str(cmd.platform),
    }
    return [Draft(s.COMMENT_PINNED, payload)]


def _unpin_comment(
    state: s.ShowState, cmd: c.UnpinComment, now: float, ctx: Context
) -> list[Draft]:
    if state.pinned_comment is None:
        raise _reject("no comment is pinned")
    return [Draft(s.COMMENT_UNPINNED, {"msg_id": state.pinned_comment.msg_id})]


def _hide_comment(state: s.ShowState, cmd: c.HideComment, now: float, ctx: Context) -> list[Draft]:
    if not str(cmd.msg_id).strip():
        raise _reject("this message has no id to hide")
    payload = {
        "msg_id": str(cmd.msg_id),
        "platform": str(cmd.platform),
        "user_key": str(cmd.user_key),
        "text": str(cmd.text)[:MAX_COMMENT_CHARS],
    }
    return [Draft(s.COMMENT_HIDDEN, payload)]


def _block_user(state: s.ShowState, cmd: c.BlockUser, now: float, ctx: Context) -> list[Draft]:
    key = str(cmd.user_key).strip()
    if not key:
        raise _reject("this message has no user to block")
    if key in state.blocked_users:
        raise _reject("that user is already blocked")
    drafts = [Draft(s.USER_BLOCKED, {"user_key": key, "nick": str(cmd.nick)})]
    pinned = state.pinned_comment
    if pinned is not None and pinned.user_key == key:  # their pinned comment goes too
        drafts.append(Draft(s.COMMENT_UNPINNED, {"msg_id": pinned.msg_id, "reason": "blocked"}))
    return drafts


def _unblock_user(state: s.ShowState, cmd: c.UnblockUser, now: float, ctx: Context) -> list[Draft]:
    key = str(cmd.user_key).strip()
    if key not in state.blocked_users:
        raise _reject("that user is not blocked")
    return [Draft(s.USER_UNBLOCKED, {"user_key": key})]


SESSION_MODES = ("rehearsal", "live")


def _mode(mode: str) -> str:
    if mode not in SESSION_MODES:
        raise _reject(f"session mode must be rehearsal or live, got {mode!r}")
    return mode


def _start_session(
    state: s.ShowState, cmd: c.StartSession, now: float, ctx: Context
) -> list[Draft]:
    payload = {
        "mode": _mode(cmd.mode),
        "destinations": _count(cmd.destinations, "destinations", 0, 64),
        "recording": bool(cmd.recording),
    }
    extra = cmd.details if isinstance(cmd.details, dict) else {}
    return [Draft(s.SESSION_STARTED, {**extra, **payload})]


def _end_session(state: s.ShowState, cmd: c.EndSession, now: float, ctx: Context) -> list[Draft]:
    payload: dict[str, Any] = {"mode": _mode(cmd.mode)}
    if cmd.reason:
        payload["reason"] = str(cmd.reason)
    return [Draft(s.SESSION_ENDED, payload)]


def _record_health(
    state: s.ShowState, cmd: c.RecordHealth, now: float, ctx: Context
) -> list[Draft]:
    if not isinstance(cmd.sample, dict):
        raise _reject("a health sample is an object of numbers")
    return [Draft(s.HEALTH_SAMPLE, dict(cmd.sample))]


def _add_marker(state: s.ShowState, cmd: c.AddMarker, now: float, ctx: Context) -> list[Draft]:
    label = str(cmd.label).strip()
    if not label or len(label) > 200:
        raise _reject("a marker needs a label of 1 to 200 characters")
    return [Draft(s.SESSION_MARKER, {"label": label})]


# ---- a session's recording (console/clips) -----------------------------------------------

RECORDING_REASONS = ("start", "resume", "restart", "reconnect")


def _note_recording(
    state: s.ShowState, cmd: c.NoteRecording, now: float, ctx: Context
) -> list[Draft]:
    path = str(cmd.path).strip()
    if not path or len(path) > 1000 or "\x00" in path:
        raise _reject("a recording needs a file path of 1 to 1000 characters")
    if cmd.reason not in RECORDING_REASONS:
        raise _reject(f"recording reason must be one of {', '.join(RECORDING_REASONS)}")
    payload = {
        "path": path,
        "journal_t": float(cmd.journal_t),
        "media_t0": float(cmd.media_t0),
        "reason": cmd.reason,
    }
    if cmd.session:
        payload["session"] = int(cmd.session)
    return [Draft(s.RECORDING_STARTED, payload)]


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
}


# ---- promotions held while every real destination is down (console/show/uplink_hold.py)


def held_items(state: s.ShowState, now: float) -> list[dict[str, str]]:
    """The timed promotions a hold would freeze now: running flash sales, coupons with an end
    time that have not ended, lotteries taking (or about to take) entries."""
    items = []
    for sale in state.flash_sales.values():
        if sale.active(now) and sale.held_at is None:
            title = (
                state.products[sale.product_id].title if sale.product_id in state.products else ""
            )
            items.append({"kind": "flash_sale", "id": sale.sale_id, "title": title})
    for coupon in state.coupons.values():
        if coupon.ends_at is not None and coupon.live(now) and coupon.held_at is None:
            items.append({"kind": "coupon", "id": coupon.coupon_id, "title": coupon.title})
    for lottery in state.lotteries.values():
        if lottery.phase in ("announced", "open") and lottery.held_at is None:
            items.append({"kind": "lottery", "id": lottery.lottery_id, "title": lottery.prize})
    return items


def _hold_promotions(
    state: s.ShowState, cmd: c.HoldPromotions, now: float, ctx: Context
) -> list[Draft]:
    if state.promotions_hold is not None:
        raise _reject("promotions are already held (the stream is down)")
    reason = " ".join(str(cmd.reason or "stream_down").split())[:100]
    return [
        Draft(s.PROMOTIONS_HELD, {"at": now, "reason": reason, "items": held_items(state, now)})
    ]


def _resume_promotions(
    state: s.ShowState, cmd: c.ResumePromotions, now: float, ctx: Context
) -> list[Draft]:
    hold = state.promotions_hold
    if hold is None:
        raise _reject("promotions are not held")
    items = []
    held: list[tuple[str, str, str, float | None]] = [
        (
            "flash_sale",
            x.sale_id,
            state.products[x.product_id].title if x.product_id in state.products else "",
            x.held_at,
        )
        for x in state.flash_sales.values()
    ]
    held += [("coupon", x.coupon_id, x.title, x.held_at) for x in state.coupons.values()]
    held += [("lottery", x.lottery_id, x.prize, x.held_at) for x in state.lotteries.values()]
    for kind, ref, title, held_at in held:
        if held_at is not None:
            extended = max(0.0, now - held_at)
            items.append({"kind": kind, "id": ref, "title": title, "extended_s": extended})
    payload = {"at": now, "held_s": max(0.0, now - hold.since), "reason": hold.reason}
    return [Draft(s.PROMOTIONS_RESUMED, {**payload, "items": items})]


_HANDLERS.update({c.HoldPromotions: _hold_promotions, c.ResumePromotions: _resume_promotions})


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
