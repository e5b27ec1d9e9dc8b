"""Show state and the pure reducer that folds journal events into it.

Every value object is a frozen dataclass; the reducer never mutates, it returns a new state built
with copied dicts. Countdowns are absolute epoch times (``ends_at``), so ``remaining(now)`` is
true after a restart whatever happened in between.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from console.show.catalog import Product, product_from_dict
from console.show.journal import Event
from console.show.money import format_money

SHOW_PREFIX = "show."

# event kinds (the journal's ``kind`` column)
CATALOG_LOADED = "show.catalog_loaded"
PRODUCT_PINNED = "show.product_pinned"
PRODUCT_UNPINNED = "show.product_unpinned"
COUPON_LAUNCHED = "show.coupon_launched"
COUPON_STOPPED = "show.coupon_stopped"
FLASH_SALE_STARTED = "show.flash_sale_started"
FLASH_SALE_STOPPED = "show.flash_sale_stopped"
LOTTERY_OPENED = "show.lottery_opened"
LOTTERY_ENTRY_OPENED = "show.lottery_entry_opened"
LOTTERY_ENTRANT_ADDED = "show.lottery_entrant_added"
LOTTERY_CLOSED = "show.lottery_closed"
LOTTERY_DRAWN = "show.lottery_drawn"
POLL_STARTED = "show.poll_started"
POLL_VOTED = "show.poll_voted"
POLL_STOPPED = "show.poll_stopped"
SEGMENT_STARTED = "show.segment_started"
SEGMENT_OVERRUN = "show.segment_overrun"
SALE_RECORDED = "show.sale_recorded"
STOCK_ADJUSTED = "show.stock_adjusted"
CUE_FAILED = "show.cue_failed"
# every real destination down: timed promotions held, and resumed (console/show/uplink_hold.py)
PROMOTIONS_HELD = "show.promotions_held"
PROMOTIONS_RESUMED = "show.promotions_resumed"

# operator actions on the audience (replayed: a restart keeps the pin and the blocks)
COMMENT_PINNED = "show.comment_pinned"
COMMENT_UNPINNED = "show.comment_unpinned"
COMMENT_HIDDEN = "show.comment_hidden"
USER_BLOCKED = "show.user_blocked"
USER_UNBLOCKED = "show.user_unblocked"
# the live session (not show state: read by the report; kinds kept from before the live core)
SESSION_STARTED = "session.started"
SESSION_ENDED = "session.ended"
SESSION_MARKER = "session.marker"
HEALTH_SAMPLE = "health.sample"
# a session's recording file and where its media time 0 lies on the journal's clock (clips)
RECORDING_STARTED = "session.recording_started"


def _held_clock(now: float, held_at: float | None) -> float:
    """The time a countdown has reached: frozen at ``held_at`` while promotions are held."""
    return now if held_at is None else min(now, held_at)


@dataclass(frozen=True)
class Pinned:
    product_id: str
    since: float


@dataclass(frozen=True)
class PinnedComment:
    """A viewer's comment pinned onto the stream (``nick`` is masked when drawn)."""

    text: str
    nick: str = ""
    user_key: str = ""
    msg_id: str = ""
    platform: str = ""
    since: float = 0.0


@dataclass(frozen=True)
class CouponState:
    coupon_id: str
    kind: str
    title: str
    quantity: int
    threshold_cents: int
    discount_cents: int
    percent: int
    starts_at: float
    ends_at: float | None
    product_ids: tuple[str, ...] = ()
    used: int = 0
    stopped_at: float | None = None
    stop_reason: str = ""
    held_at: float | None = None  # the countdown is paused (stream down) since then

    @property
    def held(self) -> bool:
        return self.held_at is not None

    def active(self, now: float) -> bool:
        t = _held_clock(now, self.held_at)
        return (
            self.stopped_at is None
            and self.starts_at <= t
            and (self.ends_at is None or t < self.ends_at)
            and self.used < self.quantity
        )

    def live(self, now: float) -> bool:
        """Not stopped and not expired (possibly not started yet)."""
        t = _held_clock(now, self.held_at)
        return self.stopped_at is None and (self.ends_at is None or t < self.ends_at)

    def remaining(self, now: float) -> float | None:
        """Seconds of validity left (frozen while held); None for a coupon that runs until
        stopped."""
        if self.stopped_at is not None:
            return 0.0
        if self.ends_at is None:
            return None
        return max(0.0, self.ends_at - _held_clock(now, self.held_at))

    @property
    def left(self) -> int:
        return self.quantity - self.used

    def applies_to(self, product_id: str) -> bool:
        return not self.product_ids or product_id in self.product_ids


@dataclass(frozen=True)
class FlashSaleState:
    sale_id: str
    product_id: str
    sale_price_cents: int
    list_price_cents: int
    quantity: int
    remaining_quantity: int
    started_at: float
    ends_at: float
    ended_at: float | None = None
    end_reason: str = ""
    held_at: float | None = None  # the countdown is paused (stream down) since then

    @property
    def held(self) -> bool:
        return self.held_at is not None

    def active(self, now: float) -> bool:
        t = _held_clock(now, self.held_at)
        return self.ended_at is None and t < self.ends_at and self.remaining_quantity > 0

    def remaining(self, now: float) -> float:
        """Seconds left on the countdown (0 once ended; frozen while held)."""
        if self.ended_at is not None:
            return 0.0
        return max(0.0, self.ends_at - _held_clock(now, self.held_at))


@dataclass(frozen=True)
class Entrant:
    user_id: str
    display_name: str
    via: str
    ts: float


@dataclass(frozen=True)
class LotteryState:
    """Phases: ``announced`` → ``open`` → ``closed`` → ``drawn``."""

    lottery_id: str
    prize: str
    prize_value_cents: int
    entry_rule: str
    keyword: str
    winners_count: int
    claim_rules: str
    announced_at: float
    opens_at: float
    closes_at: float
    draw_at: float
    seed_hash: str
    phase: str
    entrants: dict[str, Entrant] = field(default_factory=dict)
    frozen_entrants: tuple[str, ...] = ()
    entrants_hash: str = ""
    closed_at: float | None = None
    winners: tuple[str, ...] = ()
    revealed_seed: str = ""
    # format 1 journals only: the seed was journaled at open. Format 2 seals it outside the
    # journal (lottery.SeedVault) and the state never holds it before the draw.
    secret_seed: str = field(default="", repr=False)
    format: int = 1
    closed_early: bool = False
    close_reason: str = ""
    held_at: float | None = None  # entry's countdown is paused (stream down) since then
    held_s: float = 0.0  # seconds entry was held in all (closes_at and draw_at moved by this)

    @property
    def held(self) -> bool:
        return self.held_at is not None

    def entry_remaining(self, now: float) -> float:
        if self.phase not in ("announced", "open"):
            return 0.0
        return max(0.0, self.closes_at - _held_clock(now, self.held_at))

    def opens_in(self, now: float) -> float:
        t = _held_clock(now, self.held_at)
        return max(0.0, self.opens_at - t) if self.phase == "announced" else 0.0

    def draw_in(self, now: float) -> float:
        t = _held_clock(now, self.held_at)
        return 0.0 if self.phase == "drawn" else max(0.0, self.draw_at - t)

    def how_to_enter(self) -> str:
        return {
            "keyword": f"评论“{self.keyword}”参与",
            "like": "点赞参与",
            "follow": "关注主播参与",
            "present": "在直播间即可参与",
        }.get(self.entry_rule, self.entry_rule)


@dataclass(frozen=True)
class PollState:
    poll_id: str
    question: str
    options: tuple[str, ...]
    answer: int | None
    started_at: float
    ends_at: float | None
    votes: dict[str, int] = field(default_factory=dict)
    stopped_at: float | None = None

    def active(self, now: float) -> bool:
        return self.stopped_at is None and (self.ends_at is None or now < self.ends_at)

    def remaining(self, now: float) -> float | None:
        if self.stopped_at is not None:
            return 0.0
        return None if self.ends_at is None else max(0.0, self.ends_at - now)

    @property
    def counts(self) -> tuple[int, ...]:
        counts = [0] * len(self.options)
        for option in self.votes.values():
            counts[option] += 1
        return tuple(counts)

    @property
    def is_quiz(self) -> bool:
        return self.answer is not None


@dataclass(frozen=True)
class RundownPosition:
    index: int
    segment_id: str
    title: str
    product_id: str
    planned_s: float
    started_at: float
    overrun_reported: bool = False

    def elapsed(self, now: float) -> float:
        return max(0.0, now - self.started_at)

    def overrun(self, now: float) -> float:
        """Seconds past the planned duration (0 while within it or with no plan)."""
        if self.planned_s <= 0:
            return 0.0
        return max(0.0, self.elapsed(now) - self.planned_s)


@dataclass(frozen=True)
class PromotionsHold:
    """Every real destination is down: viewers see nothing, so timed promotions are held."""

    since: float
    reason: str
    items: tuple[tuple[str, str, str], ...] = ()  # (kind, id, title) held at the start


@dataclass(frozen=True)
class ShowState:
    products: dict[str, Product] = field(default_factory=dict)
    stock: dict[str, int] = field(default_factory=dict)
    sold: dict[str, int] = field(default_factory=dict)
    pinned: Pinned | None = None
    coupons: dict[str, CouponState] = field(default_factory=dict)
    flash_sales: dict[str, FlashSaleState] = field(default_factory=dict)
    lotteries: dict[str, LotteryState] = field(default_factory=dict)
    polls: dict[str, PollState] = field(default_factory=dict)
    rundown: RundownPosition | None = None
    catalog_hash: str = ""
    last_seq: int = 0
    promotions_hold: PromotionsHold | None = None  # every real destination down since …
    pinned_comment: PinnedComment | None = None
    blocked_users: frozenset[str] = frozenset()

    # ---- convenience views for overlays and panels

    def active_coupons(self, now: float) -> list[CouponState]:
        return [c for c in self.coupons.values() if c.active(now)]

    def active_flash_sales(self, now: float) -> list[FlashSaleState]:
        return [s for s in self.flash_sales.values() if s.active(now)]

    def flash_sale_for(self, product_id: str, now: float) -> FlashSaleState | None:
        for sale in self.flash_sales.values():
            if sale.product_id == product_id and sale.active(now):
                return sale
        return None

    def current_lottery(self) -> LotteryState | None:
        """The most recent lottery (whatever its phase), for the lottery panel."""
        return next(reversed(self.lotteries.values()), None)

    def active_poll(self, now: float) -> PollState | None:
        for poll in self.polls.values():
            if poll.active(now):
                return poll
        return None

    def pinned_product(self) -> Product | None:
        return self.products.get(self.pinned.product_id) if self.pinned else None


def coupon_label(kind: str, threshold_cents: int, discount_cents: int, percent: int) -> str:
    """满199减30 / 满100打9折 / 9折 / 立减20 (amounts in yuan, no currency sign)."""

    def yuan(cents: int) -> str:
        return format_money(cents, "CNY").lstrip("¥")

    if kind == "threshold":
        return f"满{yuan(threshold_cents)}减{yuan(discount_cents)}"
    if kind == "percent":
        off = f"{(100 - percent) / 10:g}折"
        return f"满{yuan(threshold_cents)}打{off}" if threshold_cents else off
    return f"立减{yuan(discount_cents)}"


# ---------------------------------------------------------------------------- reducer


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
