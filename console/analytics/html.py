"""The post-show report as one self-contained HTML file: inline SVG charts, inline CSS, no script,
no fonts or images from anywhere (a Content-Security-Policy forbids every outside resource).

``render_html([analytics])`` for one show; two for a side-by-side comparison.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from html import escape

from console.analytics.calibration import calibration
from console.analytics.metrics import Band, Funnel, Minute, ShowAnalytics
from console.analytics.reconcile import Difference, Reconciliation
from console.resources import version
from console.show.money import CURRENCY_SYMBOLS
from console.timefmt import hms

PALETTE = (
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
    "#B07AA1",
    "#76B7B2",
    "#EDC948",
    "#FF9DA7",
    "#9C755F",
    "#BAB0AC",
)
BAND_COLOURS = {"coupon": "#E8A33D", "flash_sale": "#D64545", "lottery": "#7B5EA7"}
LANES = (
    ("product", "商品讲解", "Pinned"),
    ("coupon", "优惠券", "Coupon"),
    ("flash_sale", "秒杀", "Flash sale"),
    ("lottery", "抽奖", "Lottery"),
)


def money(cents: int, currency: str = "CNY", decimals: bool | None = None) -> str:
    """``¥1,234.50``; ``decimals=None`` drops ``.00``, True always shows cents, False never."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    show = decimals if decimals is not None else bool(frac)
    text = f"{whole:,}" + (f".{frac:02d}" if show else "")
    return f"{sign}{symbol}{text}"


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def clock(ts: float, seconds: bool = False) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%H:%M:%S" if seconds else "%H:%M")


def duration(seconds: float) -> str:
    return hms(round(seconds))


def _nice_max(value: float, ticks: int = 3) -> float:
    """The smallest ``ticks`` × (1, 2, 2.5 or 5 × 10^k) at or above ``value``: round labels."""
    if value <= 0:
        return float(ticks)
    raw = value / ticks
    exp = 10 ** math.floor(math.log10(raw))
    if raw <= 1:
        return float(ticks)
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * exp >= raw:
            return step * exp * ticks
    return 10 * exp * ticks


def _short_num(value: float) -> str:
    if value >= 10_000:
        return f"{value / 10_000:g}万"
    return f"{value:g}"


# ---------------------------------------------------------------------------- charts


class _Frame:
    """x: seconds since the show's start → pixels; shared by the lanes and the charts."""

    def __init__(self, a: ShowAnalytics, width: int, left: int = 64, right: int = 16) -> None:
        self.a = a
        self.width, self.left, self.right = width, left, right
        self.span = max(60.0, 60.0 * len(a.minutes))

    def x(self, ts: float) -> float:
        frac = (ts - self.a.start) / self.span
        return self.left + max(0.0, min(1.0, frac)) * (self.width - self.left - self.right)

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right


def _product_colours(a: ShowAnalytics) -> dict[str, str]:
    colours: dict[str, str] = {}
    for band in a.bands:
        if band.kind == "product" and band.ref not in colours:
            colours[band.ref] = PALETTE[len(colours) % len(PALETTE)]
    return colours


def _band_colour(band: Band, products: dict[str, str]) -> str:
    return products.get(band.ref, PALETTE[0]) if band.kind == "product" else BAND_COLOURS[band.kind]


def _lanes_svg(a: ShowAnalytics, f: _Frame, products: dict[str, str]) -> str:
    lane_h, gap = 22, 4
    height = len(LANES) * (lane_h + gap) + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 {f.width} {height}" role="img" aria-label="bands 时间带">'
    ]
    for i, (kind, zh, en) in enumerate(LANES):
        y = 2 + i * (lane_h + gap)
        parts.append(
            f'<rect x="{f.left}" y="{y}" width="{f.plot_w:.1f}" height="{lane_h}" class="lane"/>'
            f'<text x="{f.left - 6}" y="{y + 15}" class="axis" text-anchor="end">{zh} {en}</text>'
        )
        for band in (b for b in a.bands if b.kind == kind):
            x0, x1 = f.x(band.start), f.x(band.end)
            w = max(2.0, x1 - x0)
            colour = _band_colour(band, products)
            tip = f"{band.label} {clock(band.start, True)}–{clock(band.end, True)} ({duration(band.end - band.start)})"
            parts.append(
                f'<g><title>{escape(tip)}</title><rect x="{x0:.1f}" y="{y}" width="{w:.1f}" '
                f'height="{lane_h}" rx="3" fill="{colour}" opacity="0.85"/>'
            )
            max_chars = int(w / 12)
            if max_chars >= 2:
                label = (
                    band.label
                    if len(band.label) <= max_chars
                    else band.label[: max_chars - 1] + "…"
                )
                parts.append(
                    f'<text x="{x0 + 4:.1f}" y="{y + 15}" class="bandlabel">{escape(label)}</text>'
                )
            parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _chart_svg(
    a: ShowAnalytics,
    f: _Frame,
    products: dict[str, str],
    values: Sequence[float],
    zh: str,
    en: str,
    colour: str,
    style: str = "bar",
    fmt: Callable[[float], str] = _short_num,
    show_x: bool = False,
    scale: float = 0.0,
) -> str:
    top, plot_h = 22, 96
    bottom = 20 if show_x else 6
    height = top + plot_h + bottom
    vmax = _nice_max(max([*values, scale]))
    n = len(values)
    slot = f.plot_w / max(1, n)
    parts = [
        f'<svg class="chart" viewBox="0 0 {f.width} {height}" role="img" '
        f'aria-label="{escape(en)}">',
        f'<text x="{f.left}" y="14" class="ctitle">{escape(zh)} <tspan class="en">{escape(en)}</tspan></text>',
    ]
    # bands behind the data: products full height, flash sales red, coupons a strip at the top
    for band in a.bands:
        x0, x1 = f.x(band.start), f.x(band.end)
        w = max(1.0, x1 - x0)
        if band.kind == "product":
            parts.append(
                f'<rect x="{x0:.1f}" y="{top}" width="{w:.1f}" height="{plot_h}" '
                f'fill="{products.get(band.ref, PALETTE[0])}" opacity="0.13"/>'
            )
        elif band.kind == "flash_sale":
            parts.append(
                f'<rect x="{x0:.1f}" y="{top}" width="{w:.1f}" height="{plot_h}" '
                f'fill="{BAND_COLOURS["flash_sale"]}" opacity="0.16"/>'
            )
        elif band.kind == "coupon":
            parts.append(
                f'<rect x="{x0:.1f}" y="{top}" width="{w:.1f}" height="4" '
                f'fill="{BAND_COLOURS["coupon"]}" opacity="0.9"/>'
            )
    for i in range(4):  # grid and y labels
        v = vmax * i / 3
        y = top + plot_h - plot_h * i / 3
        parts.append(
            f'<line x1="{f.left}" x2="{f.width - f.right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{f.left - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">{escape(fmt(v))}</text>'
        )

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * (v / vmax)

    if style == "bar":
        bw = max(1.0, slot * 0.72)
        for i, v in enumerate(values):
            if v <= 0:
                continue
            x = f.left + i * slot + (slot - bw) / 2
            y = y_of(v)
            tip = f"{clock(a.start + 60 * i)} {zh}: {fmt(v)}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{top + plot_h - y:.1f}" '
                f'fill="{colour}"><title>{escape(tip)}</title></rect>'
            )
    else:
        pts = [(f.left + (i + 0.5) * slot, y_of(v)) for i, v in enumerate(values)]
        if pts:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            area = f"{pts[0][0]:.1f},{top + plot_h} {line} {pts[-1][0]:.1f},{top + plot_h}"
            parts.append(f'<polygon points="{area}" fill="{colour}" opacity="0.18"/>')
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
            for i, (x, y) in enumerate(pts):
                tip = f"{clock(a.start + 60 * i)} {zh}: {fmt(values[i])}"
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{colour}">'
                    f"<title>{escape(tip)}</title></circle>"
                )
    if show_x:
        n_ticks = min(n, 10)
        step = max(1, math.ceil(n / max(1, n_ticks)))
        for i in range(0, n + 1, step):
            x = f.left + i * slot
            parts.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 15}" class="axis" text-anchor="middle">'
                f"{clock(a.start + 60 * i)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _series(a: ShowAnalytics) -> dict[str, list[float]]:
    m: list[Minute] = a.minutes
    return {
        "viewers": [x.viewers for x in m],
        "comments": [x.comments for x in m],
        "orders": [x.orders for x in m],
        "gmv": [x.gmv_cents / 100 for x in m],
    }


def timeline_html(
    a: ShowAnalytics, width: int = 1000, scales: dict[str, float] | None = None
) -> str:
    """Band lanes and the four per-minute charts; ``scales`` gives shared maxima (comparison)."""
    f = _Frame(a, width, left=96)
    products = _product_colours(a)
    data = _series(a)
    scales = scales or {}
    charts = [
        _lanes_svg(a, f, products),
        _chart_svg(
            a,
            f,
            products,
            data["viewers"],
            "在线人数",
            "Viewers",
            "#2F6DB5",
            "line",
            scale=scales.get("viewers", 0.0),
        ),
        _chart_svg(
            a,
            f,
            products,
            data["comments"],
            "每分钟评论",
            "Comments / min",
            "#4E9F6A",
            scale=scales.get("comments", 0.0),
        ),
        _chart_svg(
            a,
            f,
            products,
            data["orders"],
            "每分钟订单",
            "Orders / min",
            "#E07B24",
            scale=scales.get("orders", 0.0),
        ),
        _chart_svg(
            a,
            f,
            products,
            data["gmv"],
            "每分钟成交额",
            "GMV / min",
            "#C0392B",
            fmt=lambda v: money(int(v * 100), a.currency, decimals=False),
            show_x=True,
            scale=scales.get("gmv", 0.0),
        ),
    ]
    legend = "".join(
        f'<span class="key"><i style="background:{c}"></i>{escape(_title_of(a, pid))}</span>'
        for pid, c in products.items()
    )
    legend += (
        f'<span class="key"><i style="background:{BAND_COLOURS["flash_sale"]}"></i>秒杀 Flash sale</span>'
        f'<span class="key"><i style="background:{BAND_COLOURS["coupon"]}"></i>优惠券 Coupon (top strip)</span>'
    )
    return f'<div class="legend">{legend}</div>' + "".join(charts)


def _title_of(a: ShowAnalytics, pid: str) -> str:
    for r in a.products:
        if r.product_id == pid:
            return r.title
    return pid


def funnel_svg(fn: Funnel, width: int = 640) -> str:
    counts = fn.counts()
    top = max(1, counts[0])
    row_h, label_w, rate_w = 44, 120, 190
    height = row_h * 4 + 6
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="funnel">']
    colours = ("#2F6DB5", "#4E9F6A", "#E0A024", "#C0392B")
    bar_w = width - label_w - rate_w - 10
    for i, ((_, zh, en), n) in enumerate(zip(Funnel.STAGES, counts)):
        y = 4 + i * row_h
        w = max(2.0, bar_w * n / top)
        x = label_w + (bar_w - w) / 2
        prev = counts[i - 1] if i else None
        of_top = "100%" if i == 0 else f"{pct(n / top)} of viewers"
        of_prev = f"{pct(n / prev) if prev else '–'} of previous" if i else ""
        inside = w >= 56
        num_x = label_w + bar_w / 2 if inside else x + w + 6
        anchor = "middle" if inside else "start"
        cls = "fnum" if inside else "fnum out"
        rx = label_w + bar_w + 12
        parts.append(
            f'<text x="0" y="{y + 17}" class="flabel">{zh}</text>'
            f'<text x="0" y="{y + 33}" class="axis">{en}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 8}" rx="4" '
            f'fill="{colours[i]}"><title>{escape(f"{zh} {en}: {n} ({of_top} {of_prev})")}</title></rect>'
            f'<text x="{num_x:.1f}" y="{y + 23}" class="{cls}" text-anchor="{anchor}">{n:,}</text>'
            f'<text x="{rx:.1f}" y="{y + 16}" class="frate">{escape(of_top)}</text>'
            f'<text x="{rx:.1f}" y="{y + 31}" class="frate2">{escape(of_prev)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------- sections


def _kpis(a: ShowAnalytics) -> list[tuple[str, str, str, float | None]]:
    t = a.totals
    return [
        ("成交额", "GMV", money(t["gmv_cents"], a.currency), t["gmv_cents"]),
        ("订单", "Orders", f"{t['orders']:,}", t["orders"]),
        ("下单人数", "Buyers", f"{t['buyers']:,}", t["buyers"]),
        ("观看人数", "Unique viewers", f"{t['unique_viewers']:,}", t["unique_viewers"]),
        ("峰值在线", "Peak viewers", f"{t['peak_viewers']:,}", t["peak_viewers"]),
        ("转化率", "Conversion", pct(a.funnel.conversion), a.funnel.conversion),
        ("评论", "Comments", f"{t['comments']:,}", t["comments"]),
        ("点赞", "Likes", f"{t['likes']:,}", t["likes"]),
    ]


def _kpi_cards(a: ShowAnalytics) -> str:
    cards = "".join(
        f'<div class="kpi"><div class="kl">{zh} <span class="en">{en}</span></div>'
        f'<div class="kv">{escape(v)}</div></div>'
        for zh, en, v, _ in _kpis(a)
    )
    return f'<div class="kpis">{cards}</div>'


def _header(a: ShowAnalytics) -> str:
    badge = (
        '<span class="badge reh">彩排 REHEARSAL</span>'
        if a.mode == "rehearsal"
        else '<span class="badge live">直播 LIVE</span>'
        if a.mode == "live"
        else ""
    )
    day = dt.datetime.fromtimestamp(a.start).strftime("%Y-%m-%d")
    return (
        f'<div class="showhead"><h2>{escape(a.title)} {badge}</h2>'
        f'<div class="sub">{day} {clock(a.start)}–{clock(a.end)} · '
        f"时长 Duration {duration(a.duration_s)} · {len(a.segments)} 环节 segments</div></div>"
    )


def _funnel_section(a: ShowAnalytics) -> str:
    rows = []
    for fn in a.product_funnels:
        rows.append(
            f"<tr><td>{escape(fn.label)}</td><td class=n>{fn.viewers:,}</td>"
            f"<td class=n>{fn.interacted:,}</td><td class=n>{fn.carted:,}</td>"
            f"<td class=n>{fn.ordered:,}</td><td class=n><b>{pct(fn.conversion)}</b></td></tr>"
        )
    table = (
        '<table class="t"><thead><tr><th>商品讲解时段 Segment (while pinned)</th>'
        "<th>观看 Viewers</th><th>互动 Interacted</th><th>加购 Carted</th><th>下单 Ordered</th>"
        "<th>转化率 Conversion</th></tr></thead><tbody>"
        + (
            "".join(rows)
            or '<tr><td colspan="6" class="muted">没有置顶商品 No product was pinned</td></tr>'
        )
        + "</tbody></table>"
    )
    return (
        f'<div class="funnel">{funnel_svg(a.funnel)}'
        f'<div class="muted small">整场转化率 Conversion (ordered ÷ viewers): '
        f"<b>{pct(a.funnel.conversion)}</b></div></div>{table}"
        + (_calibration_table(a) if a.mode == "rehearsal" else "")
    )


def _calibration_table(a: ShowAnalytics) -> str:
    """A rehearsal's funnel rates against the published ranges the simulation is calibrated to."""
    rows = []
    for row in calibration(a.funnel):
        t = row.target
        badge = (
            '<span class="badge ok">范围内 inside</span>'
            if row.inside
            else '<span class="badge bad">超出 OUTSIDE</span>'
        )
        rows.append(
            f"<tr><td>{t.zh} {escape(t.en)}</td><td class=n><b>{pct(row.value)}</b></td>"
            f"<td class=n>{pct(t.low)} – {pct(t.high)}</td><td>{badge}</td></tr>"
        )
    return (
        '<table class="t calibration"><thead><tr><th>彩排校准 Rehearsal calibration</th>'
        "<th>本场 This rehearsal</th><th>参考范围 Published range</th><th></th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        '<div class="muted small">模拟观众按公开的直播电商漏斗数据校准 The simulated audience is '
        "calibrated to published live-commerce funnel figures (sources: docs/analytics.md)</div>"
    )


def _products_section(a: ShowAnalytics) -> str:
    rows = []
    for r in a.products:
        rows.append(
            f"<tr><td><div>{escape(r.title)}</div><div class='muted small'>{escape(r.product_id)}</div></td>"
            f"<td class=n>{duration(r.pinned_s) if r.pins else '–'}</td>"
            f"<td class=n>{r.orders:,}</td><td class=n>{r.units:,}</td>"
            f"<td class=n>{money(r.gmv_cents, a.currency, True)}</td>"
            f"<td class=n>{r.orders_pinned:,}</td>"
            f"<td class=n>{money(r.gmv_pinned_cents, a.currency, True)}</td>"
            f"<td class=n>{r.carts:,}</td>"
            f"<td class=n><b>{pct(r.conversion_pinned)}</b></td></tr>"
        )
    return (
        '<table class="t"><thead><tr><th>商品 Product</th><th>置顶时长 Time pinned</th>'
        "<th>订单 Orders</th><th>件数 Units</th><th>成交额 GMV</th>"
        "<th>置顶时订单 Orders while pinned</th><th>置顶时成交额 GMV while pinned</th>"
        "<th>加购 Carts</th><th>置顶转化率 Conversion while pinned</th></tr></thead><tbody>"
        + ("".join(rows) or '<tr><td colspan="9" class="muted">没有订单 No orders</td></tr>')
        + "</tbody></table>"
    )


def _questions_section(a: ShowAnalytics) -> str:
    if not a.questions:
        return '<p class="muted">没有提问 No questions in the chat</p>'
    top = max(q.count for q in a.questions)
    items = []
    for q in a.questions:
        product = _title_of(a, q.product_id) if q.product_id else ""
        items.append(
            f'<li><div class="qbar" style="width:{100 * q.count / top:.0f}%"></div>'
            f'<span class="qt">{escape(q.text)}</span>'
            f'<span class="qn">{q.count}× · {q.users} 人 users'
            + (f" · {escape(product)}" if product else "")
            + "</span></li>"
        )
    return (
        f'<p class="muted small">{a.questions_total:,} 条提问 questions in total; grouped by '
        f"wording (case, width, spaces, punctuation and emoji ignored)</p>"
        f'<ol class="questions">{"".join(items)}</ol>'
    )


def _lottery_section(a: ShowAnalytics) -> str:
    if not a.lotteries:
        return '<p class="muted">本场没有抽奖 No lottery in this show</p>'
    cards = []
    for lot in a.lotteries:
        if lot.verified is None:
            status = f'<span class="badge pend">未开奖 {escape(lot.phase)}</span>'
        elif lot.verified:
            status = '<span class="badge ok">✓ 已验证 VERIFIED</span>'
        elif lot.checks.startswith(f"lottery {lot.lottery_id}: CLOSED EARLY"):
            status = '<span class="badge bad">⚠ 提前截止 CLOSED EARLY</span>'
        else:
            status = '<span class="badge bad">✗ 验证失败 NOT VERIFIED</span>'
        winners = ", ".join(
            f"{escape(name or uid)} <span class='muted small'>({escape(uid)})</span>"
            for uid, name in lot.winners
        )
        rule = {"keyword": f"评论 keyword “{lot.keyword}”", "like": "点赞 like"}.get(
            lot.entry_rule, lot.entry_rule
        )
        cards.append(
            f'<div class="lot"><h4>{escape(lot.lottery_id)} · {escape(lot.prize)} {status}</h4>'
            '<table class="kv">'
            f"<tr><th>参与方式 Entry</th><td>{escape(rule)} · {lot.winners_count} 名 winners</td></tr>"
            f"<tr><th>参与人数 Entrants</th><td>{lot.entrants:,}</td></tr>"
            f"<tr><th>种子哈希 Seed SHA-256 (at open)</th><td class=mono>{escape(lot.seed_hash)}</td></tr>"
            f"<tr><th>名单哈希 Entrants SHA-256 (at close)</th><td class=mono>{escape(lot.entrants_hash or '–')}</td></tr>"
            f"<tr><th>种子 Seed (revealed)</th><td class=mono>{escape(lot.seed or '–')}</td></tr>"
            f"<tr><th>中奖 Winners</th><td>{winners or '–'}</td></tr>"
            "</table>"
            f"<details><summary>校验明细 Verification</summary><pre>{escape(lot.checks or 'not drawn')}</pre></details>"
            "</div>"
        )
    return "".join(cards)


def _health_section(a: ShowAnalytics) -> str:
    h = a.health
    if not h.samples:
        return (
            '<p class="muted">日志中没有推流健康数据 No stream-health samples in the journal '
            "(a headless rehearsal streams nothing).</p>"
        )
    drops = ", ".join(f"{escape(k)}: {v:,}" for k, v in sorted(h.drops.items()) if v) or "0"
    recon = ", ".join(f"{escape(k)}: {v}" for k, v in sorted(h.reconnects.items())) or "0"
    rates = ", ".join(f"{escape(k)}: {v:,.0f} kbps" for k, v in sorted(h.avg_bitrate_kbps.items()))
    return (
        '<table class="kv">'
        f"<tr><th>丢帧 Drops</th><td><b>{h.drops_total:,}</b> ({drops})</td></tr>"
        f"<tr><th>重连 Reconnects</th><td><b>{h.reconnects_total}</b> ({recon})</td></tr>"
        f"<tr><th>中断 Outages</th><td>{h.outages}</td></tr>"
        f"<tr><th>最低帧率 Min fps</th><td>{'–' if h.min_fps is None else f'{h.min_fps:.1f}'}</td></tr>"
        f"<tr><th>平均码率 Avg bitrate</th><td>{rates or '–'}</td></tr>"
        f"<tr><th>采样 Samples</th><td>{h.samples:,}</td></tr>"
        f"{_gaps_row(h.gaps)}"
        "</table>" + destination_charts_svg(a)
    )


_CAUSES = {
    "received": "收到 Received",
    "accepted": "已记录 Accepted (journaled)",
    "duplicate": "重复 Duplicates",
    "coalesced": "合并计数 Coalesced (likes/joins counted)",
    "sampled_for_overlay": "未上屏 Sampled out of the overlay (journaled)",
    "priority": "优先通道 Priority lane (orders/gifts/lottery)",
    "failed": "处理失败 Failed",
    "pending": "待处理 Pending",
    "rejected": "格式错误 Rejected (malformed)",
    "unaccounted": "未归类 Unaccounted",
}


def _audience_section(a: ShowAnalytics) -> str:
    """Where every audience event went, by cause (docs/audience.md "Overload")."""
    acc = a.audience
    if not acc.hub and not acc.coalesced:
        return (
            '<p class="muted">没有观众事件统计 No audience accounting in the journal '
            "(nothing coalesced, no health sample carried the hub's counts).</p>"
        )
    rows = []
    for cause, n in acc.rows():
        if cause.startswith("dropped:"):
            label = f"丢弃 Dropped: {cause.split(':', 1)[1]}"
        else:
            label = _CAUSES.get(cause, cause)
        rows.append(f"<tr><th>{escape(label)}</th><td class=n>{n:,}</td></tr>")
    for (platform, type_), (events, units) in sorted(acc.coalesced.items()):
        extra = f" = {units:,} 赞 likes" if type_ == "like" and units != events else ""
        rows.append(
            f"<tr><th>{escape(f'合并 Coalesced {type_} ({platform})')}</th>"
            f"<td class=n>{events:,}{extra}</td></tr>"
        )
    note = (
        f"截至最后一次采样 As of the last of {acc.samples:,} health samples; "
        if acc.hub
        else "日志中的合并计数 From the journaled coalesced counts; "
    )
    return (
        f'<p class="muted small">{note}coalesced likes and joins are included in the totals '
        "above.</p>"
        f'<table class="kv">{"".join(rows)}</table>'
    )


def _gaps_row(gaps: list[tuple[float, float]]) -> str:
    """The crash gaps (resumed sessions): nothing was sent from … to …."""
    if not gaps:
        return ""
    spans = ", ".join(
        f"{dt.datetime.fromtimestamp(a):%H:%M:%S}–{dt.datetime.fromtimestamp(b):%H:%M:%S} "
        f"({b - a:.0f} s)"
        for a, b in gaps
    )
    return f"<tr><th>断流 Gaps (crash, resumed)</th><td><b>{len(gaps)}</b>: {spans}</td></tr>"


def destination_charts_svg(a: ShowAnalytics, width: int = 1000) -> str:
    """Per destination, per minute of the show: its mean sent bitrate (line) and the frames it
    dropped (bars), from the journaled health samples. Empty without samples."""
    series = a.health.series
    if not series or not a.minutes:
        return ""
    f = _Frame(a, width, left=96)
    n = len(a.minutes)
    names = sorted({name for _, name, _, _ in series})
    parts = []
    for k, name in enumerate(names):
        rates: list[list[float]] = [[] for _ in range(n)]
        drops = [0.0] * n
        last = 0
        for ts, _who, kbps, dropped in sorted(s for s in series if s[1] == name):
            i = min(n - 1, max(0, int((ts - a.start) // 60)))
            rates[i].append(kbps)
            drops[i] += dropped - last if dropped >= last else dropped  # a restart counts anew
            last = dropped
        mean = [sum(r) / len(r) if r else 0.0 for r in rates]
        colour = PALETTE[k % len(PALETTE)]
        parts.append(
            _chart_svg(a, f, {}, mean, f"{name} 码率", f"{name} bitrate (kbps)", colour, "line")
        )
        parts.append(
            _chart_svg(
                a, f, {}, drops, f"{name} 丢帧", f"{name} dropped / min", "#C0392B",
                show_x=k == len(names) - 1,
            )
        )  # fmt: skip
    return "".join(parts)


def _compare_table(a: ShowAnalytics, b: ShowAnalytics) -> str:
    rows = []
    for (zh, en, va, na), (_, _, vb, nb) in zip(_kpis(a), _kpis(b)):
        delta = "–"
        if isinstance(na, int | float) and isinstance(nb, int | float) and na:
            change = (nb - na) / abs(na)
            cls = "up" if change > 0 else "down" if change < 0 else ""
            delta = f'<span class="{cls}">{change * 100:+.1f}%</span>'
        rows.append(
            f"<tr><td>{zh} <span class='en'>{en}</span></td><td class=n>{escape(va)}</td>"
            f"<td class=n>{escape(vb)}</td><td class=n>{delta}</td></tr>"
        )
    return (
        '<table class="t compare"><thead><tr><th>指标 Metric</th>'
        f"<th>{escape(a.title)}</th><th>{escape(b.title)}</th><th>变化 Change</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


SECTIONS = (
    ("timeline", "时间线", "Timeline", lambda a, w, sc: timeline_html(a, w, sc)),
    (
        "funnel",
        "转化漏斗",
        "Funnel: viewers → interacted → cart → ordered",
        lambda a, w, sc: _funnel_section(a),
    ),
    ("products", "商品表现", "Products", lambda a, w, sc: _products_section(a)),
    ("questions", "热门提问", "Top questions", lambda a, w, sc: _questions_section(a)),
    ("lottery", "抽奖与审计", "Lotteries and audit", lambda a, w, sc: _lottery_section(a)),
    ("health", "推流健康", "Stream health", lambda a, w, sc: _health_section(a)),
    ("audience", "观众事件去向", "Audience events by cause", lambda a, w, sc: _audience_section(a)),
)


def _reconcile_section(r: Reconciliation) -> str:
    summary = (
        f"<p>日志订单 Orders in the journal: <b>{r.journal_orders}</b> · 导出订单 In the export: "
        f"<b>{r.export_orders}</b> ({r.outside_window} 场外 outside the show) · 一致 Matched: "
        f"<b>{r.matched}</b> · 差异 Differences: <b>{len(r.differences)}</b></p>"
    )
    if not r.differences:
        return summary + '<p><span class="badge ok">✓ 一致 All orders match</span></p>'
    rows = "".join(
        f"<tr><td>{escape(Difference.LABELS.get(d.kind, d.kind))}</td><td class=mono>"
        f"{escape(d.order_id)}</td><td class=n>{escape(d.journal or '–')}</td>"
        f"<td class=n>{escape(d.export or '–')}</td><td class=n>{d.line or '–'}</td></tr>"
        for d in r.differences
    )
    return (
        summary + '<table class="t"><thead><tr><th>差异 Difference</th><th>订单号 Order</th>'
        "<th>日志 Journal</th><th>导出 Export</th><th>导出行 Export line</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render_html(
    shows: Sequence[ShowAnalytics],
    generated: float | None = None,
    reconciliation: Reconciliation | None = None,
) -> str:
    """One self-contained page for one show, or two side by side (+ the order reconciliation)."""
    if not 1 <= len(shows) <= 2:
        raise ValueError("render_html takes one or two shows")
    pair = len(shows) == 2
    width = 700 if pair else 1000
    title = " vs ".join(s.title for s in shows)
    body = []
    if pair:
        body.append(
            '<section><h3>对比 <span class="en">Comparison</span></h3>'
            f"{_compare_table(shows[0], shows[1])}</section>"
        )
    body.append(
        '<div class="cols">'
        + "".join(f'<div class="col">{_header(s)}{_kpi_cards(s)}</div>' for s in shows)
        + "</div>"
    )
    scales: dict[str, float] = {}
    if pair:  # the same y scale on both sides, so the charts compare at a glance
        for series in (_series(s) for s in shows):
            for key, values in series.items():
                scales[key] = max(scales.get(key, 0.0), max(values, default=0.0))
    for key, zh, en, render in SECTIONS:
        cols = "".join(f'<div class="col">{render(s, width, scales)}</div>' for s in shows)
        body.append(
            f'<section id="{key}"><h3>{zh} <span class="en">{escape(en)}</span></h3>'
            f'<div class="cols">{cols}</div></section>'
        )
    if reconciliation is not None:
        body.append(
            '<section id="reconcile"><h3>订单对账 <span class="en">Order reconciliation '
            f"({escape(shows[0].title)})</span></h3>{_reconcile_section(reconciliation)}</section>"
        )
    stamp = dt.datetime.fromtimestamp(generated or dt.datetime.now().timestamp()).strftime(
        "%Y-%m-%d %H:%M"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · 直播复盘 Show report</title><style>{CSS}</style></head>"
        f'<body class="{"pair" if pair else "single"}"><header><h1>直播复盘 '
        f'<span class="en">Show report</span></h1><div class="muted">{escape(title)}</div></header>'
        f"<main>{''.join(body)}</main>"
        f'<footer class="muted small">生成于 Generated {stamp} by live-console {version()} · '
        "指标定义 Metric definitions: docs/analytics.md</footer></body></html>\n"
    )


CSS = """
:root{--ink:#1d2733;--muted:#6b7684;--line:#e3e7ec;--bg:#f5f7fa;--card:#fff;--accent:#d9480f}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.5 "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei","Source Han Sans SC",system-ui,sans-serif}
header{background:linear-gradient(90deg,#1d2733,#34465c);color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px}header .muted{color:#c9d3de}
main{padding:16px 28px;max-width:1480px;margin:0 auto}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 18px;margin:14px 0}
h2{margin:4px 0;font-size:19px}h3{margin:0 0 10px;font-size:16px;border-left:4px solid var(--accent);padding-left:8px}
h4{margin:4px 0 8px;font-size:15px}
.en{color:var(--muted);font-weight:normal;font-size:.85em}
.muted{color:var(--muted)}.small{font-size:12px}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:18px}
.single .cols{grid-template-columns:1fr}
.showhead .sub{color:var(--muted);font-size:13px}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin:10px 0 4px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 14px}
.kl{font-size:12px;color:var(--muted)}.kv{font-size:22px;font-weight:700;margin-top:2px}
.chart{width:100%;height:auto;display:block;margin:2px 0}
.chart text{font-family:inherit}
.axis{font-size:11px;fill:#6b7684}.ctitle{font-size:13px;font-weight:600;fill:#1d2733}
.ctitle .en{fill:#6b7684;font-weight:normal}
.grid{stroke:#eef1f4;stroke-width:1}.lane{fill:#f3f5f8}
.bandlabel{font-size:11px;fill:#fff;font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:0 0 6px;font-size:12px}
.key i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:5px;vertical-align:-2px;opacity:.8}
.funnel{max-width:660px}
.flabel{font-size:14px;font-weight:600;fill:#1d2733}.fnum{font-size:14px;font-weight:700;fill:#fff}
.fnum.out{fill:#1d2733}.frate{font-size:12px;fill:#1d2733;font-weight:600}.frate2{font-size:11px;fill:#6b7684}
table.t{border-collapse:collapse;width:100%;margin-top:10px;font-size:13px}
table.t th{background:#f0f3f7;text-align:left;font-weight:600;padding:7px 8px;border-bottom:1px solid var(--line);font-size:12px}
table.t td{padding:6px 8px;border-bottom:1px solid var(--line)}
table.t td:first-child{min-width:190px}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.kv th{text-align:left;color:var(--muted);font-weight:normal;padding:3px 14px 3px 0;white-space:nowrap;vertical-align:top}
table.kv td{padding:3px 0}
.mono{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:11.5px;word-break:break-all}
.badge{display:inline-block;font-size:12px;border-radius:4px;padding:1px 8px;vertical-align:2px;font-weight:600}
.reh{background:#fff3bf;color:#8a5a00}.live{background:#ffe3e3;color:#c92a2a}
.ok{background:#d3f9d8;color:#2b8a3e}.bad{background:#ffe3e3;color:#c92a2a}.pend{background:#e9ecef;color:#495057}
.lot{border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:8px 0}
details pre{background:#f5f7fa;padding:8px;border-radius:6px;font-size:11.5px;white-space:pre-wrap;word-break:break-all}
ol.questions{list-style:none;padding:0;margin:6px 0}
ol.questions li{position:relative;padding:6px 10px;margin:4px 0;border-radius:6px;overflow:hidden;display:flex;justify-content:space-between;gap:12px}
.qbar{position:absolute;left:0;top:0;bottom:0;background:#e7f0fb;z-index:0}
.qt,.qn{position:relative;z-index:1}.qn{color:var(--muted);font-size:12px;white-space:nowrap}
.up{color:#2b8a3e;font-weight:600}.down{color:#c92a2a;font-weight:600}
table.compare{max-width:900px}
footer{padding:10px 28px 24px}
"""
