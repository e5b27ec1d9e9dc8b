"""Post-show analytics from the journal: one pass over the events in journal order.

``analyze(events)`` gives a :class:`ShowAnalytics` with the per-minute timeline, the bands
(pinned products, coupons, flash sales, lottery entry windows), the funnel for the show and for
each pinned product, the per-product table, top questions, lottery audits and stream health.
Every definition is in ``docs/analytics.md``; the live dashboard (:mod:`console.analytics.live`)
uses the same helpers from :mod:`console.analytics.facts`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from console.analytics import facts
from console.errors import UserError
from console.show.journal import Event
from console.show.lottery import verify_events

# ---------------------------------------------------------------------------- results


@dataclass
class Minute:
    index: int
    start: float
    viewers: int = 0  # the last room_stats value at or before the end of the minute
    comments: int = 0
    likes: int = 0
    orders: int = 0
    gmv_cents: int = 0


@dataclass
class Band:
    kind: str  # product | coupon | flash_sale | lottery
    ref: str  # product id / coupon id / sale id / lottery id
    label: str
    start: float
    end: float


@dataclass
class Funnel:
    scope: str  # "show" or a product id
    label: str
    viewers: int = 0
    interacted: int = 0
    carted: int = 0
    ordered: int = 0

    STAGES = (
        ("viewers", "观看", "Viewers"),
        ("interacted", "互动", "Interacted"),
        ("carted", "加购", "Added to cart"),
        ("ordered", "下单", "Ordered"),
    )

    def counts(self) -> list[int]:
        return [self.viewers, self.interacted, self.carted, self.ordered]

    @property
    def conversion(self) -> float | None:
        """Ordered ÷ viewers (None without viewers)."""
        return self.ordered / self.viewers if self.viewers else None


@dataclass
class ProductRow:
    product_id: str
    title: str
    pinned_s: float = 0.0
    pins: int = 0
    orders: int = 0
    units: int = 0
    gmv_cents: int = 0
    carts: int = 0
    orders_pinned: int = 0
    gmv_pinned_cents: int = 0
    viewers_pinned: int = 0
    buyers_pinned: int = 0

    @property
    def conversion_pinned(self) -> float | None:
        return self.buyers_pinned / self.viewers_pinned if self.viewers_pinned else None


@dataclass
class Question:
    text: str  # the first wording seen
    count: int
    users: int
    product_id: str  # pinned when first asked ("" if none)
    first_ts: float


@dataclass
class LotteryResult:
    lottery_id: str
    prize: str
    entry_rule: str
    keyword: str
    winners_count: int
    phase: str
    announced_at: float
    seed_hash: str
    entrants: int = 0
    entrants_hash: str = ""
    seed: str = ""
    winners: list[tuple[str, str]] = field(default_factory=list)  # (user id, display name)
    verified: bool | None = None  # None: not drawn yet
    checks: str = ""


@dataclass
class HealthSummary:
    samples: int = 0
    drops: dict[str, int] = field(default_factory=dict)
    reconnects: dict[str, int] = field(default_factory=dict)  # output → reconnects
    outages: int = 0  # times an output went from live to reconnecting or failed
    min_fps: float | None = None
    avg_bitrate_kbps: dict[str, float] = field(default_factory=dict)
    # (ts, output, kbps, that output's drops so far) per sample, for the per-destination chart
    series: list[tuple[float, str, float, int]] = field(default_factory=list)
    # a crash resumed (console/live/resume.py): (nothing sent since, back on air at) — a gap
    gaps: list[tuple[float, float]] = field(default_factory=list)

    @property
    def drops_total(self) -> int:
        return sum(self.drops.values())

    @property
    def reconnects_total(self) -> int:
        return sum(self.reconnects.values())


#: the hub's accounting keys that are levels, not cumulative counters
_LEVELS = ("pending", "unaccounted")


@dataclass
class AudienceAccounting:
    """Where the audience events went (docs/audience.md "Overload"): the journaled
    ``hub.coalesced`` rows by (platform, type) → [events, units], and the hub's accounting by
    cause as of the last health sample that carried it (``hub``: the growth of its cumulative
    counters; ``pending`` / ``unaccounted`` as last seen). Empty when nothing was coalesced and
    no sample carried the accounting."""

    coalesced: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    hub: dict[str, int] = field(default_factory=dict)
    samples: int = 0

    @property
    def coalesced_events(self) -> int:
        return sum(n for n, _ in self.coalesced.values())

    def rows(self) -> list[tuple[str, int]]:
        """(cause, events) for the report's table, in a fixed order; dropped causes last."""
        if not self.hub:
            return [
                (f"coalesced ({t}, {p})", n) for (p, t), (n, _) in sorted(self.coalesced.items())
            ]
        order = ["received", "accepted", "duplicate", "coalesced", "sampled_for_overlay"]
        order += ["priority", "failed", "pending", "rejected"]
        out = [(k, self.hub.get(k, 0)) for k in order]
        out += sorted((k, n) for k, n in self.hub.items() if k.startswith("dropped:"))
        out.append(("unaccounted", self.hub.get("unaccounted", 0)))
        return out


@dataclass
class Segment:
    index: int
    segment_id: str
    title: str
    start: float
    end: float
    planned_s: float


@dataclass
class JournalOrder:
    order_id: str
    product_id: str  # catalog id when known
    quantity: int
    amount_cents: int
    ts: float
    user: str  # "" for a sale recorded by hand
    status: str = "paid"


@dataclass
class ShowAnalytics:
    title: str
    currency: str
    mode: str  # "rehearsal", "live" or "" (no session marker)
    start: float
    end: float
    minutes: list[Minute]
    bands: list[Band]
    segments: list[Segment]
    funnel: Funnel
    product_funnels: list[Funnel]
    products: list[ProductRow]
    questions: list[Question]
    questions_total: int
    lotteries: list[LotteryResult]
    health: HealthSummary
    orders: list[JournalOrder]
    totals: dict[str, Any]
    catalog: facts.ProductIndex = field(default_factory=facts.ProductIndex)
    audience: AudienceAccounting = field(default_factory=AudienceAccounting)

    @property
    def duration_s(self) -> float:
        return self.end - self.start


# ---------------------------------------------------------------------------- analysis


def _gmv_of(amount: int, sale: dict[str, Any] | None, price: int, quantity: int) -> int:
    if amount:
        return amount
    if sale is not None:
        return int(sale["unit_price_cents"]) * int(sale["quantity"])
    return price * quantity


def analyze(
    events: Iterable[Event], title: str = "", currency: str = "CNY", top_questions: int = 10
) -> ShowAnalytics:
    """Everything the report shows, from journal events (any order; sorted by ``seq``)."""
    events = sorted(events, key=lambda e: e.seq)
    if not events:
        raise UserError("the journal is empty: nothing to report")
    bad: Event | None = None
    try:
        return _analyze(events, title, currency, top_questions)
    except _Malformed as malformed:
        bad, cause = malformed.event, malformed.cause
    except (facts.BadEvent, KeyError, TypeError, ValueError) as exc:
        cause = exc
    where = f"event #{bad.seq} ({bad.kind})" if bad is not None else "an event"
    raise UserError(
        f"journal: {where} is malformed ({cause.__class__.__name__}: {cause}): "
        "restore the journal from a backup"
    ) from None


class _Malformed(Exception):
    """An event the analysis could not read: the event and what went wrong."""

    def __init__(self, event: Event, cause: Exception) -> None:
        super().__init__(str(cause))
        self.event, self.cause = event, cause


def _span(events: list[Event]) -> tuple[float, float, str]:
    mode = ""
    start = None
    for e in events:
        if e.kind == facts.SESSION_STARTED:
            mode = mode or str(e.payload.get("mode", ""))
            start = e.ts if start is None else start
            break
    if start is None:
        real = [e.ts for e in events if e.kind != "show.catalog_loaded"]
        start = min(real) if real else events[0].ts
    end = max(e.ts for e in events)
    return start, max(end, start), mode


def _analyze(events: list[Event], title: str, currency: str, top_questions: int) -> ShowAnalytics:
    start, end, mode = _span(events)
    n_minutes = max(1, math.ceil((end - start) / 60))
    minutes = [Minute(i, start + 60 * i) for i in range(n_minutes)]

    def minute(ts: float) -> Minute:
        return minutes[min(n_minutes - 1, max(0, int((ts - start) // 60)))]

    catalog = facts.ProductIndex()
    sales_by_order: dict[str, dict[str, Any]] = {}
    for e in events:  # first pass: catalog and which sales belong to which audience order
        if e.kind == "show.catalog_loaded":
            catalog.load(e.payload["products"])
        elif e.kind == "show.sale_recorded" and e.payload.get("order_id"):
            sales_by_order.setdefault(str(e.payload["order_id"]), e.payload)

    rows: dict[str, ProductRow] = {}

    def row(pid: str) -> ProductRow:
        if pid not in rows:
            rows[pid] = ProductRow(pid, catalog.title(pid))
        return rows[pid]

    # sets for the funnel (show) and per pinned product
    seen: set[str] = set()
    interacted: set[str] = set()
    carted: set[str] = set()
    ordered: set[str] = set()
    p_seen: dict[str, set[str]] = defaultdict(set)
    p_inter: dict[str, set[str]] = defaultdict(set)
    p_cart: dict[str, set[str]] = defaultdict(set)
    p_order: dict[str, set[str]] = defaultdict(set)

    bands: list[Band] = []
    open_bands: dict[tuple[str, str], Band] = {}
    flash_left: dict[str, int] = {}
    segments: list[Segment] = []
    pinned: str = ""
    pinned_since = 0.0
    last_viewers = 0
    peak_viewers = 0
    viewer_samples: list[int] = []
    q_groups: dict[str, dict[str, Any]] = {}
    q_total = 0
    orders: list[JournalOrder] = []
    counts: Counter[str] = Counter()
    health = HealthSummary()
    health_prev: dict[str, Any] = {}
    accounting = AudienceAccounting()
    accounting_prev: dict[str, int] = {}
    lottery_events: list[Event] = []
    lotteries: dict[str, LotteryResult] = {}
    entrant_names: dict[tuple[str, str], str] = {}

    def open_band(kind: str, ref: str, label: str, at: float) -> None:
        band = Band(kind, ref, label, at, end)
        open_bands[(kind, ref)] = band
        bands.append(band)

    def close_band(kind: str, ref: str, at: float) -> None:
        band = open_bands.pop((kind, ref), None)
        if band is not None:
            band.end = max(band.start, min(at, band.end))

    def unpin(at: float) -> None:
        nonlocal pinned
        if pinned:
            row(pinned).pinned_s += max(0.0, at - pinned_since)
            close_band("product", pinned, at)
        pinned = ""

    for e in events:
        p = e.payload
        kind = e.kind
        try:
            if kind.startswith(facts.AUDIENCE):
                atype = kind[len(facts.AUDIENCE) :]
                user = facts.user_key(p)
                m = minute(e.ts)
                if atype == "room_stats":
                    last_viewers = int(p["viewers"])
                    peak_viewers = max(peak_viewers, last_viewers)
                    viewer_samples.append(last_viewers)
                    m.viewers = last_viewers
                    continue
                counts[atype] += 1
                if user:
                    seen.add(user)
                    if pinned:
                        p_seen[pinned].add(user)
                if atype in facts.INTERACTIONS and user:
                    interacted.add(user)
                    if pinned:
                        p_inter[pinned].add(user)
                if atype == "comment":
                    m.comments += 1
                    if facts.hidden(p):
                        counts["comment_hidden"] += 1
                    elif facts.is_question_text(str(p.get("text", ""))):
                        q_total += 1
                        text = str(p["text"])
                        key = facts.question_key(text) or text
                        group = q_groups.setdefault(
                            key,
                            {"text": text, "count": 0, "users": set(), "pid": pinned, "ts": e.ts},
                        )
                        group["count"] += 1
                        group["users"].add(user)
                elif atype == "like":
                    n = int(p.get("like_count") or 1)
                    m.likes += n
                    counts["like_total"] += n
                elif atype in ("cart", "order"):
                    order = facts.order_fact(p)
                    pid = catalog.resolve(order.product_ref)
                    if atype == "cart":
                        row(pid).carts += 1
                        if user:
                            carted.add(user)
                            if pinned == pid:
                                p_cart[pid].add(user)
                        continue
                    if order.status != "paid":
                        counts[f"order_{order.status}"] += 1
                        continue
                    sale = sales_by_order.get(str(p.get("msg_id", "")))
                    gmv = _gmv_of(
                        order.amount_cents, sale, catalog.prices.get(pid, 0), order.quantity
                    )
                    _count_order(row(pid), m, order.quantity, gmv, pinned == pid)
                    orders.append(
                        JournalOrder(order.order_id, pid, order.quantity, gmv, e.ts, user)
                    )
                    if user:
                        ordered.add(user)
                        if pinned == pid:
                            p_order[pid].add(user)
            elif kind.startswith(facts.HEALTH):
                _health(health, health_prev, p, e.ts)
                if isinstance(p.get("audience"), dict):
                    _accounting(accounting, accounting_prev, p["audience"])
            elif kind == facts.COALESCED:  # likes / joins counted by the hub under overload
                fact = facts.coalesced_fact(p)
                slot = accounting.coalesced.setdefault((fact.platform, fact.type), [0, 0])
                slot[0] += fact.events
                slot[1] += fact.units
                if fact.type == "like":
                    minute(e.ts).likes += fact.units
                    counts["like_total"] += fact.units
                    counts["like_coalesced"] += fact.units
                elif fact.type == "member_join":
                    counts["member_join"] += fact.units
                    counts["join_coalesced"] += fact.units
            elif kind == facts.SESSION_STARTED and p.get("resumes"):  # a crash, resumed
                health.gaps.append((e.ts - float(p.get("gap_s", 0.0)), e.ts))
            elif kind == "show.sale_recorded":
                if p.get("flash_sale_id") and p["flash_sale_id"] in flash_left:
                    sid = p["flash_sale_id"]
                    flash_left[sid] -= int(p["quantity"])
                    if flash_left[sid] <= 0:
                        close_band("flash_sale", sid, e.ts)
                order_id = str(p.get("order_id") or "")
                if e.actor == "audience":
                    continue  # the hub's sale for an audience order: counted from the order
                pid = str(p["product_id"])
                gmv = int(p["unit_price_cents"]) * int(p["quantity"])
                _count_order(row(pid), minute(e.ts), int(p["quantity"]), gmv, pinned == pid)
                orders.append(
                    JournalOrder(order_id or f"#{e.seq}", pid, int(p["quantity"]), gmv, e.ts, "")
                )
                counts["manual_sales"] += 1
            elif kind == "show.product_pinned":
                unpin(e.ts)
                pinned, pinned_since = str(p["product_id"]), e.ts
                row(pinned).pins += 1
                open_band("product", pinned, catalog.title(pinned), e.ts)
            elif kind == "show.product_unpinned":
                unpin(e.ts)
            elif kind == "show.coupon_launched":
                b_start = max(e.ts, float(p.get("starts_at") or e.ts))
                open_band("coupon", p["coupon_id"], p.get("title") or p["coupon_id"], b_start)
                if p.get("ends_at"):
                    open_bands[("coupon", p["coupon_id"])].end = min(end, float(p["ends_at"]))
            elif kind == "show.coupon_stopped":
                close_band("coupon", p["coupon_id"], float(p.get("at", e.ts)))
            elif kind == "show.flash_sale_started":
                sid = p["sale_id"]
                flash_left[sid] = int(p["quantity"])
                title_ = f"{catalog.title(p['product_id'])} 秒杀"
                open_band("flash_sale", sid, title_, e.ts)
                open_bands[("flash_sale", sid)].end = min(end, float(p["ends_at"]))
            elif kind == "show.flash_sale_stopped":
                close_band("flash_sale", p["sale_id"], float(p.get("at", e.ts)))
            elif kind == "show.segment_started":
                if segments:
                    segments[-1].end = e.ts
                segments.append(
                    Segment(
                        int(p["index"]),
                        str(p["segment_id"]),
                        str(p.get("title", "")),
                        e.ts,
                        end,
                        float(p.get("planned_s") or 0),
                    )
                )
            elif kind.startswith("show.lottery_"):
                lottery_events.append(e)
                lid = p["lottery_id"]
                if kind == "show.lottery_opened":
                    lotteries[lid] = LotteryResult(
                        lid,
                        str(p["prize"]),
                        str(p["entry_rule"]),
                        str(p.get("keyword", "")),
                        int(p["winners"]),
                        "announced",
                        e.ts,
                        str(p["seed_hash"]),
                    )
                    open_band("lottery", lid, f"抽奖 {p['prize']}", max(e.ts, float(p["opens_at"])))
                    open_bands[("lottery", lid)].end = min(end, float(p["closes_at"]))
                elif kind == "show.lottery_entrant_added":
                    entrant_names[(lid, p["user_id"])] = str(p.get("display_name") or "")
                    lotteries[lid].entrants += 1
                elif kind == "show.lottery_closed":
                    lotteries[lid].phase = "closed"
                    lotteries[lid].entrants = len(p["entrants"])
                    lotteries[lid].entrants_hash = str(p["entrants_hash"])
                    close_band("lottery", lid, float(p.get("at", e.ts)))
                elif kind == "show.lottery_drawn":
                    lotteries[lid].phase = "drawn"
                    lotteries[lid].seed = str(p["seed"])
                    lotteries[lid].winners = [
                        (w, entrant_names.get((lid, w), "")) for w in p["winners"]
                    ]
        except (facts.BadEvent, KeyError, TypeError, ValueError) as exc:
            raise _Malformed(e, exc) from exc
    unpin(end)

    # carry viewers forward over minutes without a room_stats sample
    carried = 0
    have: set[int] = set()
    for e in events:
        if e.kind == "audience.room_stats":
            have.add(minute(e.ts).index)
    for mm in minutes:
        if mm.index in have:
            carried = mm.viewers
        else:
            mm.viewers = carried

    for lottery in lotteries.values():
        if lottery.phase == "drawn":
            report = verify_events(lottery_events, lottery.lottery_id)
            lottery.verified = report.ok
            lottery.checks = report.to_text()

    # nested funnel stages: a later stage implies the earlier ones
    def funnel(scope: str, label: str, s: set, i: set, c: set, o: set) -> Funnel:
        c = c | o
        i = i | c
        s = s | i
        return Funnel(scope, label, len(s), len(i), len(c), len(o))

    show_funnel = funnel("show", "整场 Whole show", seen, interacted, carted, ordered)
    product_funnels = []
    first_pin: dict[str, float] = {}
    for band in bands:
        if band.kind == "product":
            first_pin.setdefault(band.ref, band.start)
    for pid in sorted(first_pin, key=lambda k: first_pin[k]):  # in the order they were shown
        r = rows[pid]
        f = funnel(pid, r.title, p_seen[pid], p_inter[pid], p_cart[pid], p_order[pid])
        r.viewers_pinned, r.buyers_pinned = f.viewers, f.ordered
        product_funnels.append(f)

    questions = sorted(
        (
            Question(g["text"], g["count"], len(g["users"]), g["pid"], g["ts"])
            for g in q_groups.values()
        ),
        key=lambda q: (-q.count, q.first_ts),
    )[:top_questions]

    products = sorted(rows.values(), key=lambda r: (-r.gmv_cents, -r.pinned_s, r.product_id))
    totals = {
        "orders": sum(r.orders for r in rows.values()),
        "units": sum(r.units for r in rows.values()),
        "gmv_cents": sum(r.gmv_cents for r in rows.values()),
        "comments": counts["comment"],
        "comments_hidden": counts["comment_hidden"],
        "likes": counts["like_total"],
        "follows": counts["follow"],
        "shares": counts["share"],
        "gifts": counts["gift"],
        "joins": counts["member_join"],
        "likes_coalesced": counts["like_coalesced"],  # included in likes
        "joins_coalesced": counts["join_coalesced"],  # included in joins
        "carts": counts["cart"],
        "orders_cancelled": counts["order_cancelled"],
        "orders_refunded": counts["order_refunded"],
        "orders_unpaid": counts["order_created"],
        "manual_sales": counts["manual_sales"],
        "peak_viewers": peak_viewers,
        "avg_viewers": round(sum(viewer_samples) / len(viewer_samples)) if viewer_samples else 0,
        "unique_viewers": show_funnel.viewers,
        "buyers": show_funnel.ordered,
    }
    return ShowAnalytics(
        title=title,
        currency=currency,
        mode=mode,
        start=start,
        end=end,
        minutes=minutes,
        bands=bands,
        segments=segments,
        funnel=show_funnel,
        product_funnels=product_funnels,
        products=products,
        questions=questions,
        questions_total=q_total,
        lotteries=list(lotteries.values()),
        health=health,
        orders=orders,
        totals=totals,
        catalog=catalog,
        audience=accounting,
    )


def _count_order(r: ProductRow, m: Minute, quantity: int, gmv: int, while_pinned: bool) -> None:
    r.orders += 1
    r.units += quantity
    r.gmv_cents += gmv
    m.orders += 1
    m.gmv_cents += gmv
    if while_pinned:
        r.orders_pinned += 1
        r.gmv_pinned_cents += gmv


def _accounting(acc: AudienceAccounting, prev: dict[str, int], now: dict[str, Any]) -> None:
    """Fold one health sample's hub accounting (cumulative since the hub started)."""
    acc.samples += 1
    counters = {k: int(v) for k, v in now.items() if k not in _LEVELS}
    _grow(acc.hub, prev, counters)
    for key in _LEVELS:
        acc.hub[key] = int(now.get(key, 0))


def _grow(total: dict[str, int], prev: dict[str, int], now: dict[str, Any]) -> None:
    """Add the growth of cumulative counters (a counter that went down restarted from 0)."""
    for key, value in now.items():
        value = int(value)
        before = prev.get(key, 0)
        total[key] = total.get(key, 0) + (value - before if value >= before else value)
        prev[key] = value


def _health(h: HealthSummary, prev: dict[str, Any], p: dict[str, Any], ts: float = 0.0) -> None:
    """Fold one ``health.sample`` (cumulative counters; see docs/analytics.md)."""
    h.samples += 1
    _grow(h.drops, prev.setdefault("drops", {}), p.get("dropped") or {})
    if p.get("fps") is not None:
        fps = float(p["fps"])
        h.min_fps = fps if h.min_fps is None else min(h.min_fps, fps)
    states = prev.setdefault("states", {})
    rec_prev = prev.setdefault("reconnects", {})
    rates = prev.setdefault("rates", {})
    for out in p.get("outputs") or []:
        name = str(out["name"])
        _grow(h.reconnects, rec_prev, {name: out.get("reconnects", 0)})
        out_drops = {f"{cause} ({name})": n for cause, n in (out.get("dropped") or {}).items()}
        _grow(h.drops, prev.setdefault("out_drops", {}), out_drops)
        state = str(out.get("state", ""))
        if states.get(name) == "live" and state in ("reconnecting", "failed"):
            h.outages += 1
        states[name] = state
        if out.get("bitrate_kbps") is not None:
            rates.setdefault(name, []).append(float(out["bitrate_kbps"]))
        drops_now = sum(int(n) for n in (out.get("dropped") or {}).values())
        h.series.append((float(ts), name, float(out.get("bitrate_kbps") or 0.0), drops_now))
    h.avg_bitrate_kbps = {k: sum(v) / len(v) for k, v in rates.items() if v}
