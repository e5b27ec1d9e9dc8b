"""The rules of the promotions: coupons, flash sales, the lottery, polls, and holding their
countdowns while every real destination is down (console/show/uplink_hold.py)."""

from __future__ import annotations

from typing import Any

from console.show import commands as c
from console.show import lottery as lot
from console.show import state as s
from console.show.money import format_money
from console.show.rules_base import (
    MAX_DURATION_S,
    MAX_POLL_OPTIONS,
    MAX_PRIZE_CENTS,
    MAX_WINNERS,
    Context,
    Draft,
    _count,
    _duration,
    _money,
    _new_id,
    _product,
    _reject,
)


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
