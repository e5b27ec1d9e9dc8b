"""The flash-sale panel (秒杀): sale price, mm:ss countdown, what is left; 已抢光 when sold out."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from console.overlays.base import (
    ShowLayer,
    countdown_seconds,
    fill_rounded,
    format_countdown,
    gradient,
    outline_rounded,
    progress_bar,
    rounded,
    shadowed_card,
)
from console.overlays.product_card import split_money
from console.overlays.text import (
    ALIGN_HCENTER,
    ALIGN_LEFT,
    ALIGN_RIGHT,
    ALIGN_VCENTER,
    Painter,
)
from console.qt.QtCore import QRectF
from console.qt.QtGui import QColor
from console.show.money import format_money
from console.show.state import FlashSaleState, ShowState

SOLD_OUT_HOLD_S = 8.0  # 已抢光 stays up this long after the last unit went
# the countdown is held (every real destination is down): "暂停 00:42" on the clock, and where
# there is room the label beside it says why
HELD_LABEL = "暂停"
HELD_REASON = "直播中断"


def flash_sale_to_show(
    state: ShowState, now: float, hold_s: float = SOLD_OUT_HOLD_S
) -> FlashSaleState | None:
    """The running sale of the pinned product, else the newest running one, else a sale that
    sold out in the last ``hold_s`` seconds (shown as 已抢光)."""
    pinned = state.pinned.product_id if state.pinned else None
    if pinned is not None:
        sale = state.flash_sale_for(pinned, now)
        if sale is not None:
            return sale
    running = state.active_flash_sales(now)
    if running:
        return max(running, key=lambda s: s.started_at)
    sold_out = [
        s
        for s in state.flash_sales.values()
        if s.end_reason == "sold_out" and s.ended_at is not None and now - s.ended_at < hold_s
    ]
    return max(sold_out, key=lambda s: s.ended_at or 0.0) if sold_out else None


class FlashSaleLayer(ShowLayer):
    name = "flash_sale"
    hold_s = SOLD_OUT_HOLD_S

    def _subject(self, state: ShowState, now: float) -> Any | None:
        return flash_sale_to_show(state, now, self.hold_s)

    def _key(self, sale: FlashSaleState, state: ShowState, now: float) -> Hashable:
        product = state.products.get(sale.product_id)
        return (
            sale.sale_id,
            sale.sale_price_cents,
            sale.list_price_cents,
            sale.quantity,
            sale.remaining_quantity,
            sale.end_reason,
            countdown_seconds(sale.remaining(now)),
            sale.held,
            product,
        )

    def _paint(
        self,
        pen: Painter,
        sale: FlashSaleState,
        state: ShowState,
        now: float,
        width: int,
        height: int,
    ) -> None:
        p, st = pen.p, self.style
        product = state.products.get(sale.product_id)
        currency = product.currency if product else "CNY"
        sold_out = sale.remaining_quantity <= 0
        em = height / 4.6 * st.font_scale
        m = height * 0.04
        panel = QRectF(m, m * 0.6, width - 2 * m, height - 2.2 * m)
        radius = st.corner_radius * em
        shadowed_card(p, panel, radius, gradient(panel, st.color("promo"), st.color("promo_2")), m)
        pad = panel.height() * 0.09

        # thumbnail
        side = panel.height() - 2 * pad
        thumb = QRectF(panel.left() + pad, panel.top() + pad, side, side)
        image = None
        if self.images is not None and product is not None and product.images:
            image = self.images.scaled(product.images[0], round(side), round(side))
        p.save()
        p.setClipPath(rounded(thumb, radius * 0.7))
        p.fillRect(thumb, QColor("white"))
        if image is not None:
            p.drawImage(thumb.topLeft(), image)
        p.restore()

        left = thumb.right() + pad
        right = panel.right() - pad
        col_w = right - left
        inner_h = panel.height() - 2 * pad
        top = panel.top() + pad

        # header: [限时秒杀]  距结束 [01:59]
        head = QRectF(left, top, col_w, inner_h * 0.32)
        chip_font = st.font(head.height() * 0.62, bold=True)
        chip_w = min(col_w * 0.45, pen.measure("限时秒杀", chip_font) + head.height() * 0.6)
        chip = QRectF(head.left(), head.top(), chip_w, head.height())
        fill_rounded(p, chip, head.height() * 0.3, QColor("white"))
        pen.text(
            chip, "限时秒杀", chip_font, st.color("promo"), align=ALIGN_HCENTER | ALIGN_VCENTER
        )
        secs = countdown_seconds(sale.remaining(now))
        clock = format_countdown(secs)
        if sale.held:
            clock = f"{HELD_LABEL} {clock}"
        digit_font = st.font(head.height() * 0.7, bold=True)
        clock_w = pen.measure(clock, digit_font) + head.height() * 0.5
        clock_w = min(clock_w, col_w - chip_w - em * 0.2)
        clock_box = QRectF(right - clock_w, head.top(), clock_w, head.height())
        if not sold_out:
            fill_rounded(p, clock_box, head.height() * 0.22, QColor(20, 10, 10, 200))
            pen.text(
                clock_box,
                clock,
                digit_font,
                st.color("highlight"),
                align=ALIGN_HCENTER | ALIGN_VCENTER,
            )
            pen.text(
                QRectF(
                    chip.right() + em * 0.2,
                    head.top(),
                    clock_box.left() - chip.right() - em * 0.35,
                    head.height(),
                ),
                HELD_REASON if sale.held else "距结束",
                st.font(head.height() * 0.55),
                QColor(255, 255, 255, 220),
                align=ALIGN_RIGHT | ALIGN_VCENTER,
                optional=True,
            )

        # price row: 秒杀价 ¥59  ¥89(struck)
        row = QRectF(left, head.bottom() + inner_h * 0.03, col_w, inner_h * 0.4)
        used = pen.text(
            QRectF(row.left(), row.top() + row.height() * 0.25, col_w, row.height() * 0.7),
            "秒杀价",
            st.font(em * 0.55, bold=True),
            QColor("white"),
            align=ALIGN_LEFT | ALIGN_VCENTER,
        )
        x = used.right() + em * 0.15
        symbol, number = split_money(sale.sale_price_cents, currency)
        used = pen.text(
            QRectF(x, row.top() + row.height() * 0.25, max(0.0, right - x), row.height() * 0.7),
            symbol,
            st.font(em * 0.7, bold=True),
            st.color("highlight"),
            align=ALIGN_LEFT | ALIGN_VCENTER,
        )
        x = used.right() + em * 0.03
        used = pen.text(
            QRectF(x, row.top(), max(0.0, right - x), row.height()),
            number,
            st.font(em * 1.35, bold=True),
            st.color("highlight"),
            align=ALIGN_LEFT | ALIGN_VCENTER,
            min_px=em * 0.8,
        )
        x = used.right() + em * 0.3
        if right - x > em * 1.5:
            pen.text(
                QRectF(x, row.top() + row.height() * 0.25, right - x, row.height() * 0.7),
                format_money(sale.list_price_cents, currency),
                st.font(em * 0.6, strike=True),
                QColor(255, 255, 255, 190),
                align=ALIGN_LEFT | ALIGN_VCENTER,
            )

        # stock bar: [=====    ] 仅剩37件
        bar_h = inner_h * 0.18
        bar_y = panel.bottom() - pad - bar_h
        label = "已抢光" if sold_out else f"仅剩{sale.remaining_quantity}件"
        label_font = st.font(bar_h * 1.05, bold=True)
        label_w = min(col_w * 0.45, pen.measure(label, label_font) + em * 0.2)
        bar = QRectF(left, bar_y, max(0.0, col_w - label_w - em * 0.2), bar_h)
        left_frac = 0.0 if sale.quantity <= 0 else sale.remaining_quantity / sale.quantity
        progress_bar(
            p,
            bar,
            left_frac,
            QColor(255, 255, 255, 70),
            gradient(bar, QColor("#FFFFF1B8"), st.color("highlight")),
        )
        pen.text(
            QRectF(right - label_w, bar_y - bar_h * 0.5, label_w, bar_h * 2),
            label,
            label_font,
            QColor("white"),
            align=ALIGN_RIGHT | ALIGN_VCENTER,
        )

        if sold_out:  # grey the panel and stamp it
            p.fillPath(rounded(panel, radius), QColor(40, 40, 48, 150))
            stamp_h = panel.height() * 0.5
            stamp_w = min(panel.width() * 0.5, stamp_h * 2.6)
            stamp = QRectF(
                panel.center().x() - stamp_w / 2, panel.center().y() - stamp_h / 2, stamp_w, stamp_h
            )
            fill_rounded(p, stamp, stamp_h * 0.2, QColor(30, 30, 36, 220))
            outline_rounded(
                p, stamp, stamp_h * 0.2, st.color("highlight"), max(1.5, stamp_h * 0.05)
            )
            pen.text(
                stamp.adjusted(stamp_h * 0.15, 0, -stamp_h * 0.15, 0),
                "已抢光",
                st.font(stamp_h * 0.55, bold=True),
                st.color("highlight"),
                align=ALIGN_HCENTER | ALIGN_VCENTER,
            )
