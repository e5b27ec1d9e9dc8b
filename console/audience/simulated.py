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

import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from console.audience.events import AudienceEvent, Gift, Order, User
from console.audience.sources import Emit

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


@dataclass
class SimConfig:
    """Rates are per second of simulated time (orders etc. per minute where named so)."""

    seed: int = 1
    viewers: int = 300
    comments_per_s: float = 1.5
    likes_per_s: float = 3.0
    joins_per_s: float = 0.5
    follows_per_min: float = 3.0
    shares_per_min: float = 1.0
    gifts_per_min: float = 2.0
    carts_per_min: float = 4.0
    orders_per_min: float = 3.0
    english_share: float = 0.15
    question_share: float = 0.35  # of comments while a product is pinned
    flash_sale_boost: float = 10.0  # order rate × during a flash sale
    coupon_boost: float = 2.0  # order rate × while a coupon is valid
    lottery_entry_share: float = 0.6  # of viewers who enter during the entry window
    stats_every_s: float = 5.0
    max_step_s: float = 5.0  # a longer gap (paused app) is simulated as this long
    platform: str = "sim"
    room_id: str = "rehearsal"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SimConfig:
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"simulated audience: unknown setting {unknown[0]!r}")
        return cls(**data)


def _short(title: str) -> str:
    return title.split(" ")[0].split("（")[0][:12] or title[:12]


class SimulatedAudience:
    name = "simulated_audience"
    requires_rehearsal = True
    kinds = (
        "comment",
        "like",
        "gift",
        "member_join",
        "follow",
        "share",
        "cart",
        "order",
        "room_stats",
    )

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
        self._viewers = self.config.viewers
        self._entered: dict[str, set[int]] = {}
        self._english: set[str] = set()
        self.users = [self._make_user(i) for i in range(max(1, min(self.config.viewers, 5000)))]

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
        if now >= self._next_stats:
            # Viewers drift around the configured room size, drawn up by a flash sale or an
            # open lottery and back down after (mean-reverting, not a random walk that grows).
            target = c.viewers * (1.35 if self._hot(state, now) else 1.0)
            drift = (target - self._viewers) * 0.15
            noise = self.rng.gauss(0.0, 0.02 * c.viewers)
            self._viewers = max(0, round(self._viewers + drift + noise))
            events.append(self._event(now, "room_stats", None, viewers=self._viewers))
            self._next_stats = now + c.stats_every_s
        for _ in range(self._poisson(c.joins_per_s * dt)):
            events.append(self._event(now, "member_join", self._pick_user()))
        for _ in range(self._poisson(c.likes_per_s * dt)):
            events.append(
                self._event(now, "like", self._pick_user(), like_count=self.rng.randint(1, 15))
            )
        for _ in range(self._poisson(c.follows_per_min / 60 * dt)):
            events.append(self._event(now, "follow", self._pick_user()))
        for _ in range(self._poisson(c.shares_per_min / 60 * dt)):
            events.append(self._event(now, "share", self._pick_user()))
        for _ in range(self._poisson(c.gifts_per_min / 60 * dt)):
            name, value = self.rng.choice(_GIFTS)
            gift = Gift(name, self.rng.choice((1, 1, 1, 3, 10)), value)
            events.append(self._event(now, "gift", self._pick_user(), gift=gift))
        for _ in range(self._poisson(c.comments_per_s * dt)):
            user = self._pick_user()
            events.append(self._event(now, "comment", user, text=self._comment(state, now, user)))
        events.extend(self._lottery_entries(state, now, dt))
        events.extend(self._shopping(state, now, dt))
        return events

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
        rate = len(self.users) * self.config.lottery_entry_share / window
        events = []
        for _ in range(self._poisson(rate * dt)):
            free = len(self.users) - len(entered)
            if free <= 0:
                break
            index = self.rng.randrange(len(self.users))
            while index in entered:  # a viewer enters once (real viewers repeat; harmless)
                index = (index + 1) % len(self.users)
            entered.add(index)
            user = self.users[index]
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
        rate = c.orders_per_min / 60
        if sales:
            rate *= c.flash_sale_boost
        if state.active_coupons(now):
            rate *= c.coupon_boost
        events = []
        for _ in range(self._poisson(c.carts_per_min / 60 * dt)):
            pid = self._pick_product(state, sales)
            if pid:
                events.append(
                    self._event(now, "cart", self._pick_user(), order=Order(pid, 1, 0, "created"))
                )
        for _ in range(self._poisson(rate * dt)):
            pid = self._pick_product(state, sales)
            if not pid:
                continue
            left = state.stock.get(pid, 0)
            sale = next((s for s in sales if s.product_id == pid), None)
            if sale is not None:
                left = min(left, sale.remaining_quantity)
            if left <= 0:
                continue
            qty = min(left, self.rng.choice((1, 1, 1, 1, 2, 2, 3)))
            unit = sale.sale_price_cents if sale is not None else state.products[pid].price_cents
            order = Order(pid, qty, unit * qty, "paid")
            events.append(self._event(now, "order", self._pick_user(), order=order))
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

    def _pick_user(self) -> User:
        return self.rng.choice(self.users)

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
