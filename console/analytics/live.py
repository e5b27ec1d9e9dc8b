"""Live dashboard numbers: an incremental aggregator fed event by event.

    stats = LiveStats(clock=controller.now)
    stats.replay(controller.journal.events())           # catch up after a restart
    controller.subscribe(stats.on_show_event)           # show events (pin, sales, …)
    hub.subscribe(stats.on_audience_item)               # audience events after the hub
    snap = stats.snapshot()                             # from a UI timer every few seconds

Thread-safe (a lock around every update; the snapshot is a frozen copy), O(1) per event apart
from the one-minute comment window. Counts the same way as the post-show report
(:mod:`console.analytics.facts`, ``docs/analytics.md``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from console.analytics import facts
from console.show.journal import Event


@dataclass(frozen=True)
class PinnedStats:
    product_id: str
    title: str
    since: float
    viewers: int  # distinct users seen since it was pinned
    comments: int
    carts: int
    orders: int
    units: int
    gmv_cents: int
    buyers: int

    @property
    def conversion(self) -> float | None:
        return self.buyers / self.viewers if self.viewers else None


@dataclass(frozen=True)
class LiveSnapshot:
    at: float
    viewers_now: int
    peak_viewers: int
    unique_viewers: int
    comments_per_min: int  # comments in the last 60 s
    comments: int
    likes: int
    orders: int
    gmv_cents: int
    buyers: int
    pinned: PinnedStats | None
    drops: int  # from the last health sample (cumulative since the stream started)
    reconnects: int
    bitrate_kbps: float | None

    @property
    def conversion(self) -> float | None:
        """Buyers ÷ unique viewers, as in the report's funnel."""
        return self.buyers / self.unique_viewers if self.unique_viewers else None


class LiveStats:
    def __init__(self, clock: Callable[[], float] = time.time, window_s: float = 60.0) -> None:
        self.clock = clock
        self.window_s = window_s
        self._lock = threading.Lock()
        self._catalog = facts.ProductIndex()
        self._viewers_now = 0
        self._peak = 0
        self._seen: set[str] = set()
        self._buyers: set[str] = set()
        self._recent: deque[float] = deque()
        self._comments = 0
        self._likes = 0
        self._orders = 0
        self._gmv = 0
        self._pinned: dict[str, Any] | None = None
        self._health: dict[str, Any] = {}

    # ---- feeding

    def replay(self, events: Iterable[Event]) -> None:
        for event in events:
            self.feed(event.kind, event.payload, event.ts, event.actor)

    def on_show_event(self, event: Event, state: Any = None) -> None:
        """``controller.subscribe`` callback."""
        self.feed(event.kind, event.payload, event.ts, event.actor)

    def on_audience_item(self, item: Any) -> None:
        """``hub.subscribe`` callback (an ``AudienceItem``)."""
        event = item.event
        self.feed("audience." + event.type, event.to_dict(), float(self.clock()))

    def feed(self, kind: str, payload: dict[str, Any], ts: float, actor: str = "") -> None:
        """One journal-shaped event; malformed ones are ignored (the report names them)."""
        try:
            with self._lock:
                self._feed(kind, payload, ts, actor)
        except (facts.BadEvent, KeyError, TypeError, ValueError):
            pass

    def _feed(self, kind: str, p: dict[str, Any], ts: float, actor: str) -> None:
        pinned = self._pinned
        if kind.startswith(facts.AUDIENCE):
            atype = kind[len(facts.AUDIENCE) :]
            if atype == "room_stats":
                self._viewers_now = int(p["viewers"])
                self._peak = max(self._peak, self._viewers_now)
                return
            user = facts.user_key(p)
            if user:
                self._seen.add(user)
                if pinned is not None:
                    pinned["viewers"].add(user)
            if atype == "comment":
                self._comments += 1
                self._recent.append(ts)
                if pinned is not None:
                    pinned["comments"] += 1
            elif atype == "like":
                self._likes += int(p.get("like_count") or 1)
            elif atype in ("cart", "order"):
                order = facts.order_fact(p)
                pid = self._catalog.resolve(order.product_ref)
                on_pinned = pinned is not None and pinned["product_id"] == pid
                if atype == "cart":
                    if on_pinned and pinned is not None:
                        pinned["carts"] += 1
                    return
                if order.status != "paid":
                    return
                amount = order.amount_cents or self._catalog.prices.get(pid, 0) * order.quantity
                self._orders += 1
                self._gmv += amount
                if user:
                    self._buyers.add(user)
                if on_pinned and pinned is not None:
                    pinned["orders"] += 1
                    pinned["units"] += order.quantity
                    pinned["gmv"] += amount
                    if user:
                        pinned["buyers"].add(user)
        elif kind == "show.catalog_loaded":
            self._catalog.load(p["products"])
        elif kind == "show.product_pinned":
            pid = str(p["product_id"])
            self._pinned = {
                "product_id": pid,
                "since": ts,
                "viewers": set(),
                "buyers": set(),
                "comments": 0,
                "carts": 0,
                "orders": 0,
                "units": 0,
                "gmv": 0,
            }
        elif kind == "show.product_unpinned":
            self._pinned = None
        elif kind == "show.sale_recorded":
            if actor == "audience":
                return  # the hub's sale for an audience order: counted from the order
            amount = int(p["unit_price_cents"]) * int(p["quantity"])
            self._orders += 1
            self._gmv += amount
            if pinned is not None and pinned["product_id"] == p["product_id"]:
                pinned["orders"] += 1
                pinned["units"] += int(p["quantity"])
                pinned["gmv"] += amount
        elif kind.startswith(facts.HEALTH):
            self._health = p
        elif kind == facts.COALESCED:  # likes counted, not journaled one by one (overload)
            fact = facts.coalesced_fact(p)
            if fact.type == "like":
                self._likes += fact.units

    # ---- reading

    def snapshot(self, now: float | None = None) -> LiveSnapshot:
        now = float(self.clock()) if now is None else now
        with self._lock:
            while self._recent and self._recent[0] <= now - self.window_s:
                self._recent.popleft()
            p = self._pinned
            pinned = None
            if p is not None:
                pinned = PinnedStats(
                    product_id=p["product_id"],
                    title=self._catalog.title(p["product_id"]),
                    since=p["since"],
                    viewers=len(p["viewers"] | p["buyers"]),
                    comments=p["comments"],
                    carts=p["carts"],
                    orders=p["orders"],
                    units=p["units"],
                    gmv_cents=p["gmv"],
                    buyers=len(p["buyers"]),
                )
            h = self._health
            outputs = h.get("outputs") or []
            drops = sum(int(v) for v in (h.get("dropped") or {}).values()) + sum(
                int(v) for o in outputs for v in (o.get("dropped") or {}).values()
            )
            rates = [float(o["bitrate_kbps"]) for o in outputs if o.get("bitrate_kbps") is not None]
            return LiveSnapshot(
                at=now,
                viewers_now=self._viewers_now,
                peak_viewers=self._peak,
                unique_viewers=len(self._seen),
                comments_per_min=sum(1 for t in self._recent if t <= now),
                comments=self._comments,
                likes=self._likes,
                orders=self._orders,
                gmv_cents=self._gmv,
                buyers=len(self._buyers),
                pinned=pinned,
                drops=drops,
                reconnects=sum(int(o.get("reconnects", 0)) for o in outputs),
                bitrate_kbps=sum(rates) if rates else None,
            )
