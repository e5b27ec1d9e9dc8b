"""Show state: the event kinds and the frozen value objects (console/show/reducer.py folds the
journal's events into them).

Every value object is a frozen dataclass; the reducer never mutates, it returns a new state built
with copied dicts. Countdowns are absolute epoch times (``ends_at``), so ``remaining(now)`` is
true after a restart whatever happened in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from console.show.catalog import Product
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
