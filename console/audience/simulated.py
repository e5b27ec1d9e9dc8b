"""A simulated audience for rehearsals: comments, likes, joins, gifts and orders that react to
the show. **Rehearsal only** — faked comments, likes or orders on a real broadcast are forbidden
(网络直播营销管理办法), so the source says ``requires_rehearsal = True`` and
:func:`console.audience.sources.check_go_live` refuses a real destination while it is attached.

Deterministic: everything random comes from one ``random.Random(seed)`` and time only from the
``now`` the caller passes to :meth:`SimulatedAudience.step`, so the same seed, the same ``now``
sequence and the same show states give the same events — in tests, and in a rehearsal run
faster than real time.

Reactions to the show state (read through ``state()``, typically ``lambda: controller.state``):
- questions about the pinned product (its title and selling points);
- keyword comments (or likes/follows) while a lottery takes entries;
- orders: mostly for the pinned product, many more during a flash sale (at the sale price) and
  more with a coupon running; none for a product whose stock (or flash-sale quantity) is 0.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from console.audience.events import AUDIENCE_TYPES, AudienceEvent, Gift, Order, User
from console.audience.sources import Emit
from console.errors import UserError

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严"
_GIVEN = "子涵欣怡梓萱思雨紫轩雨桐浩然宇轩一诺佳琪晨曦诗涵若曦俊杰明轩嘉怡静雯晓燕丽娟志强建华秀英桂兰玉梅小红"
_HANDLES = (
    "小{a}爱购物",
    "{a}{b}的日常",
    "{s}{a}{b}",
    "{s}小{a}",
    "{a}{b}不吃香菜",
    "momo{n}",
    "{s}{a}{b}{n}",
)
_EN_NAMES = ("Amy", "Ben", "Chloe", "David", "Emma", "Frank", "Grace", "Henry", "Ivy", "Jack")

_CHAT_ZH = (
    "主播好！",
    "来了来了",
    "今天有什么福利？",
    "支持主播",
    "主播辛苦了",
    "第一次来，已关注",
    "有没有优惠券？",
    "什么时候抽奖？",
    "666",
    "哈哈哈哈",
    "画面好清晰",
    "声音有点小",
    "👍👍👍",
    "❤️❤️",
    "上次买的很好用，回购了",
    "发货快吗？",
    "老粉来报到",
    "主播今天好漂亮",
)
_CHAT_EN = (
    "Hi from Singapore!",
    "first time here 👋",
    "love this stream",
    "any discount today?",
    "👍",
    "what's the shipping time?",
    "greetings from Kuala Lumpur",
)
_ASK_ZH = (
    "{short}多少钱？",
    "{short}还有货吗？",
    "{short}怎么用？",
    "{short}有几种颜色？",
    "{short}能用多久？",
    "{short}发什么快递？",
    "{short}和上次的有什么区别？",
    "求{short}链接",
    "{short}想要！",
    "“{point}”是真的吗？",
    "{short}适合送人吗？",
    "{short}有赠品吗？",
)
_ASK_EN = (
    "How much is the {short}?",
    "Is the {short} still in stock?",
    "Does the {short} ship abroad?",
    "want the {short}!",
    "can you show the {short} up close?",
)
_FLASH = (
    "抢到了！",
    "没抢到，还能补货吗？",
    "秒杀开始了吗？",
    "手慢了😭",
    "冲冲冲",
    "已拍，等发货",
)
_COUPON = ("券领到了", "满减怎么用？", "优惠券能叠加吗？", "领券了，马上下单")
_GIFTS = (("小心心", 1), ("玫瑰", 10), ("棒棒糖", 10), ("加油鸭", 100), ("礼花筒", 990))


# Settings replaced by the calibrated model (a show.json that still names them gets told which
# setting took their place, not a bare "unknown setting").
_REPLACED = {
    "joins_per_s": "viewers and avg_stay_s (arrivals = viewers / avg_stay_s)",
    "carts_per_min": "cart_rate",
    "orders_per_min": "conversion_rate",
}
_LIMITS: dict[str, tuple[float, float]] = {
    "viewers": (1, 100_000),
    "avg_stay_s": (5, 7200),
    "interaction_rate": (0, 1),
    "cart_rate": (0, 1),
    "conversion_rate": (0, 0.9),
    "hot_pull": (1, 20),
    "flash_sale_boost": (1, 50),
    "coupon_boost": (1, 50),
    "lottery_entry_share": (0, 1),
    "comments_per_s": (0, 1000),
    "likes_per_s": (0, 1000),
    "follows_per_min": (0, 10_000),
    "shares_per_min": (0, 10_000),
    "gifts_per_min": (0, 10_000),
    "english_share": (0, 1),
    "question_share": (0, 1),
    "stats_every_s": (0.5, 3600),
    "max_step_s": (0.1, 3600),
}


@dataclass
class SimConfig:
    """The simulated room. Defaults are calibrated to published live-commerce funnel figures
    (docs/analytics.md, "Rehearsal calibration"); a show sets its own in the ``rehearsal`` block
    of ``show.json``.

    ``viewers`` is the room size: the number of people watching at once in the steady state.
    Viewers arrive (a Poisson stream of ``viewers / avg_stay_s`` a second, ``hot_pull`` times
    that while a flash sale runs or a lottery takes entries) and leave after an exponentially
    distributed stay of mean ``avg_stay_s``. Each arrival interacts at all with probability
    ``interaction_rate``, adds to cart with probability ``cart_rate`` and buys with probability
    ``conversion_rate`` over an average stay — ``flash_sale_boost`` / ``coupon_boost`` times more
    likely per second while a flash sale / a coupon runs. ``lottery_entry_share`` of the viewers
    present while a lottery takes entries enter it. Event rates (``comments_per_s`` …) are for the
    whole room at its configured size and scale with the viewers actually present.
    """

    seed: int = 1
    viewers: int = 50
    avg_stay_s: float = 60.0
    interaction_rate: float = 0.08
    cart_rate: float = 0.05
    conversion_rate: float = 0.012
    hot_pull: float = 1.5
    flash_sale_boost: float = 4.0
    coupon_boost: float = 1.5
    lottery_entry_share: float = 0.3
    comments_per_s: float = 0.4
    likes_per_s: float = 1.0
    follows_per_min: float = 1.5
    shares_per_min: float = 0.5
    gifts_per_min: float = 0.5
    english_share: float = 0.15
    question_share: float = 0.35  # of comments while a product is pinned
    stats_every_s: float = 5.0
    max_step_s: float = 5.0  # a longer gap (paused app) is simulated as this long
    platform: str = "sim"
    room_id: str = "rehearsal"

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "simulated audience") -> SimConfig:
        """Validated settings; a ``UserError`` names the bad setting and what it accepts."""
        if not isinstance(data, dict):
            raise UserError(f"{source}: expected an object of settings, got {type(data).__name__}")
        known = {f.name: f for f in fields(cls)}
        for name in sorted(data):
            if name in _REPLACED:
                raise UserError(
                    f"{source}: setting {name!r} is gone: set {_REPLACED[name]} instead"
                )
            if name not in known:
                raise UserError(
                    f"{source}: unknown setting {name!r} (known: {', '.join(sorted(known))})"
                )
        for name, value in data.items():
            if name in ("platform", "room_id"):
                if not isinstance(value, str) or not value.strip():
                    raise UserError(f"{source}: {name} must be a non-empty text")
                continue
            whole = name in ("seed", "viewers")
            number = isinstance(value, int) if whole else isinstance(value, int | float)
            if isinstance(value, bool) or not number or not math.isfinite(value):
                kind = "a whole number" if whole else "a number"
                raise UserError(f"{source}: {name} must be {kind}, got {value!r}")
            low, high = _LIMITS.get(name, (-math.inf, math.inf))
            if not low <= value <= high:
                raise UserError(f"{source}: {name} must be {low:g} to {high:g}, got {value!r}")
        return cls(**data)


def show_settings(show: str | Path) -> dict[str, Any]:
    """The ``rehearsal`` block of a show's ``show.json`` (``{}`` without one), checked: a bad
    setting is a ``UserError`` naming the file and the setting."""
    file = Path(show) / "show.json"
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{file}: cannot read the rehearsal settings: {exc}") from None
    block = data.get("rehearsal", {}) if isinstance(data, dict) else {}
    SimConfig.from_dict(block, source=f"{file}: rehearsal")
    return dict(block)


def show_config(show: str | Path, seed: int | None = None, **overrides: Any) -> SimConfig:
    """The show's room as a validated :class:`SimConfig` (defaults where the ``rehearsal`` block
    or a setting is absent); ``seed`` and ``overrides`` that are not None win over the file."""
    settings = show_settings(show)
    settings.update({k: v for k, v in overrides.items() if v is not None})
    if seed is not None:
        settings["seed"] = seed
    return SimConfig.from_dict(settings, source=f"{Path(show) / 'show.json'}: rehearsal")


@dataclass
class _Viewer:
    """One person in the room: when they leave and what they will do while there."""

    user: User
    leaves_at: float
    interacts: bool
    first_at: float  # their first interaction (interactors only)
    carts: bool
    carted: bool = False
    bought: bool = False


def _short(title: str) -> str:
    return title.split(" ")[0].split("（")[0][:12] or title[:12]


class SimulatedAudience:
    name = "simulated_audience"
    requires_rehearsal = True
    kinds = AUDIENCE_TYPES

    def __init__(
        self,
        config: SimConfig | None = None,
        state: Callable[[], Any] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config or SimConfig()
        self.state = state or (lambda: None)
        self.clock = clock
        self.rng = random.Random(self.config.seed)
        self._n = 0
        self._last: float | None = None
        self._next_stats = 0.0
        self._entered: dict[str, set[str]] = {}
        self._english: set[str] = set()
        self.users: list[User] = []  # everyone who came, in arrival order
        self.present: dict[str, _Viewer] = {}  # user id → the viewer, while in the room
        c = self.config
        # the chance to buy per second of stay that makes P(buy in an Exp(avg_stay_s) stay) equal
        # conversion_rate: p = h·S / (1 + h·S)  ⇒  h = p / (S·(1 − p)); the same for carts
        self._buy_hazard = c.conversion_rate / (c.avg_stay_s * (1 - c.conversion_rate))
        self._cart_given_arrival = min(1.0, c.cart_rate)

    # ---- the simulation

    @staticmethod
    def _hot(state: Any, now: float) -> bool:
        """A flash sale running or a lottery taking entries: the moments a room fills."""
        try:
            lottery = state.current_lottery()
            return bool(state.active_flash_sales(now)) or (
                lottery is not None and lottery.phase == "open"
            )
        except AttributeError:  # a bare state in tests
            return False

    def step(self, now: float) -> list[AudienceEvent]:
        """Events for the time since the previous call (none on the first call)."""
        if self._last is None:
            self._last = now
            self._next_stats = now
            return []
        dt = min(max(0.0, now - self._last), self.config.max_step_s)
        self._last = now
        state = self.state()
        c = self.config
        events: list[AudienceEvent] = []
        for uid in [u for u, v in self.present.items() if v.leaves_at <= now]:
            del self.present[uid]
        arrivals = c.viewers / c.avg_stay_s * (c.hot_pull if self._hot(state, now) else 1.0)
        for _ in range(self._poisson(arrivals * dt)):
            viewer = self._arrive(now)
            events.append(self._event(now, "member_join", viewer.user))
        if now >= self._next_stats:
            events.append(self._event(now, "room_stats", None, viewers=len(self.present)))
            self._next_stats = now + c.stats_every_s
        # everyone who interacts does so at least once while there
        for viewer in list(self.present.values()):
            if viewer.interacts and viewer.first_at <= now:
                viewer.first_at = math.inf
                if self.rng.random() < 0.6:
                    like = self.rng.randint(1, 15)
                    events.append(self._event(now, "like", viewer.user, like_count=like))
                else:
                    text = self._comment(state, now, viewer.user)
                    events.append(self._event(now, "comment", viewer.user, text=text))
        talkers = [v.user for v in self.present.values() if v.interacts]
        scale = len(self.present) / c.viewers
        if talkers:
            for _ in range(self._poisson(c.likes_per_s * scale * dt)):
                like = self.rng.randint(1, 15)
                events.append(self._event(now, "like", self.rng.choice(talkers), like_count=like))
            for _ in range(self._poisson(c.follows_per_min / 60 * scale * dt)):
                events.append(self._event(now, "follow", self.rng.choice(talkers)))
            for _ in range(self._poisson(c.shares_per_min / 60 * scale * dt)):
                events.append(self._event(now, "share", self.rng.choice(talkers)))
            for _ in range(self._poisson(c.gifts_per_min / 60 * scale * dt)):
                name, value = self.rng.choice(_GIFTS)
                gift = Gift(name, self.rng.choice((1, 1, 1, 3, 10)), value)
                events.append(self._event(now, "gift", self.rng.choice(talkers), gift=gift))
            for _ in range(self._poisson(c.comments_per_s * scale * dt)):
                user = self.rng.choice(talkers)
                text = self._comment(state, now, user)
                events.append(self._event(now, "comment", user, text=text))
        events.extend(self._lottery_entries(state, now, dt))
        events.extend(self._shopping(state, now, dt))
        return events

    def _arrive(self, now: float) -> _Viewer:
        c = self.config
        user = self._make_user(len(self.users))
        self.users.append(user)
        stay = min(6 * c.avg_stay_s, max(3.0, self.rng.expovariate(1.0 / c.avg_stay_s)))
        interacts = self.rng.random() < c.interaction_rate
        viewer = _Viewer(
            user=user,
            leaves_at=now + stay,
            interacts=interacts,
            first_at=now + self.rng.random() * min(stay, 45.0) if interacts else math.inf,
            carts=self.rng.random() < self._cart_given_arrival,
        )
        self.present[user.id] = viewer
        return viewer

    def _comment(self, state: Any, now: float, user: User) -> str:
        english = user.id in self._english
        product = state.pinned_product() if state is not None else None
        roll = self.rng.random()
        if product is not None and roll < self.config.question_share:
            points = product.selling_points or (product.title,)
            template = self.rng.choice(_ASK_EN if english else _ASK_ZH)
            return template.format(short=_short(product.title), point=self.rng.choice(points))
        if state is not None and not english:
            if state.active_flash_sales(now) and roll < 0.6:
                return self.rng.choice(_FLASH)
            if state.active_coupons(now) and roll < 0.5:
                return self.rng.choice(_COUPON)
        return self.rng.choice(_CHAT_EN if english else _CHAT_ZH)

    def _lottery_entries(self, state: Any, now: float, dt: float) -> list[AudienceEvent]:
        lottery = state.current_lottery() if state is not None else None
        if lottery is None or lottery.phase != "open" or now >= lottery.closes_at:
            return []
        entered = self._entered.setdefault(lottery.lottery_id, set())
        window = max(1.0, lottery.closes_at - lottery.opens_at)
        # a viewer present for the whole window enters with probability lottery_entry_share;
        # one there for part of it, proportionally less (at least once a stay of 30 s)
        chance = min(1.0, self.config.lottery_entry_share * dt / min(window, 30.0))
        events = []
        for viewer in list(self.present.values()):
            if viewer.user.id in entered or self.rng.random() >= chance:
                continue
            entered.add(viewer.user.id)
            user = viewer.user
            if lottery.entry_rule == "keyword" and lottery.keyword:
                text = self.rng.choice(
                    (
                        lottery.keyword,
                        lottery.keyword * 2,
                        f"{lottery.keyword}！",
                        f"{lottery.keyword}🙏",
                    )
                )
                events.append(self._event(now, "comment", user, text=text))
            elif lottery.entry_rule == "like":
                events.append(self._event(now, "like", user, like_count=1))
            elif lottery.entry_rule == "follow":
                events.append(self._event(now, "follow", user))
        return events

    def _shopping(self, state: Any, now: float, dt: float) -> list[AudienceEvent]:
        if state is None or not state.products:
            return []
        c = self.config
        sales = [s for s in state.active_flash_sales(now) if state.stock.get(s.product_id, 0) > 0]
        hazard = self._buy_hazard
        if sales:
            hazard *= c.flash_sale_boost
        if state.active_coupons(now):
            hazard *= c.coupon_boost
        buy = 1.0 - math.exp(-hazard * dt)
        # a cart-adder adds, on average, a third of the way into their stay
        cart = 1.0 - math.exp(-3.0 * dt / c.avg_stay_s)
        events = []
        for viewer in list(self.present.values()):
            if viewer.carts and not viewer.carted and self.rng.random() < cart:
                viewer.carted = True
                pid = self._pick_product(state, sales)
                if pid:
                    order = Order(pid, 1, 0, "created")
                    events.append(self._event(now, "cart", viewer.user, order=order))
            if viewer.bought or self.rng.random() >= buy:
                continue
            pid = self._pick_product(state, sales)
            if not pid:
                continue
            left = state.stock.get(pid, 0)
            sale = next((s for s in sales if s.product_id == pid), None)
            if sale is not None:
                left = min(left, sale.remaining_quantity)
            if left <= 0:
                continue
            viewer.bought = True
            qty = min(left, self.rng.choice((1, 1, 1, 1, 2, 2, 3)))
            unit = sale.sale_price_cents if sale is not None else state.products[pid].price_cents
            order = Order(pid, qty, unit * qty, "paid")
            events.append(self._event(now, "order", viewer.user, order=order))
        return events

    def _pick_product(self, state: Any, sales: list[Any]) -> str:
        in_stock = sorted(pid for pid, n in state.stock.items() if n > 0)
        if not in_stock:
            return ""
        if sales and self.rng.random() < 0.85:
            return self.rng.choice(sales).product_id
        pinned = state.pinned.product_id if state.pinned else ""
        if pinned in in_stock and self.rng.random() < 0.75:
            return pinned
        return self.rng.choice(in_stock)

    # ---- helpers

    def _poisson(self, lam: float) -> int:
        if lam <= 0:
            return 0
        if lam > 30:
            return max(0, round(self.rng.gauss(lam, math.sqrt(lam))))
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def _make_user(self, index: int) -> User:
        user_id = f"sim-{index:05d}"
        if self.rng.random() < self.config.english_share:
            self._english.add(user_id)
            nick = f"{self.rng.choice(_EN_NAMES)}{self.rng.randint(1, 999)}"
        else:
            nick = self.rng.choice(_HANDLES).format(
                s=self.rng.choice(_SURNAMES),
                a=self.rng.choice(_GIVEN),
                b=self.rng.choice(_GIVEN),
                n=self.rng.randint(1, 99),
            )
        return User(id=user_id, nick=nick)

    def _event(self, now: float, kind: str, user: User | None, **parts: Any) -> AudienceEvent:
        self._n += 1
        return AudienceEvent(
            platform=self.config.platform,
            msg_id=f"sim{self.config.seed}-{self._n}",
            ts_ms=int(now * 1000),
            type=kind,
            room_id=self.config.room_id,
            user=user,
            **parts,
        )

    # ---- as a source

    def run(self, emit: Emit, stop: threading.Event, interval: float = 0.25) -> None:
        """Step on the real clock every ``interval`` seconds until ``stop`` is set."""
        while not stop.is_set():
            for event in self.step(self.clock()):
                emit(event)
            stop.wait(interval)


def create(context: Any) -> SimulatedAudience:
    """Plugin factory (``console.audience.simulated:create``)."""
    config = SimConfig.from_dict(dict(getattr(context, "config", {}) or {}))
    return SimulatedAudience(
        config, state=getattr(context, "state", None), clock=getattr(context, "clock", time.time)
    )
