"""The pinned product card (讲解中): picture, title on two lines, price with the struck-through
original price, discount badge and a stock bar."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from console.overlays.base import (
    ShowLayer,
    bar_label,
    fill_rounded,
    gradient,
    progress_bar,
    rounded,
    shadowed_card,
)
from console.overlays.text import (
    ALIGN_HCENTER,
    ALIGN_LEFT,
    ALIGN_RIGHT,
    ALIGN_TOP,
    ALIGN_VCENTER,
    Painter,
)
from console.qt.QtCore import QRectF
from console.qt.QtGui import QColor, QPainter, QPen
from console.show.catalog import Product
from console.show.money import CURRENCY_SYMBOLS, format_money
from console.show.state import ShowState


def split_money(cents: int, currency: str) -> tuple[str, str]:
    """``("¥", "59.90")``: the symbol drawn small, the number drawn large."""
    text = format_money(cents, currency)
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    return (symbol.strip(), text[len(symbol) :]) if text.startswith(symbol) else ("", text)


def stock_taken(initial: int, left: int) -> float:
    """Share already taken (0 … 1) for the "已抢 63%" bar."""
    top = max(initial, left)
    return 0.0 if top <= 0 else max(0.0, min(1.0, 1 - left / top))


class ProductCardLayer(ShowLayer):
    name = "product_card"
    badge_text = "讲解中"

    def _subject(self, state: ShowState, now: float) -> Any | None:
        return state.pinned_product()

    def _key(self, product: Product, state: ShowState, now: float) -> Hashable:
        return (product, state.stock.get(product.id, product.stock))

    def _paint(
        self, pen: Painter, product: Product, state: ShowState, now: float, width: int, height: int
    ) -> None:
        p, st = pen.p, self.style
        em = height / 7.2 * st.font_scale
        margin = height * 0.035
        card = QRectF(margin, margin * 0.6, width - 2 * margin, height - 2.2 * margin)
        radius = st.corner_radius * em
        shadowed_card(p, card, radius, st.color("card"), margin)
        pad = card.height() * 0.08

        # picture with the 讲解中 badge on it
        side = card.height() - 2 * pad
        img_rect = QRectF(card.left() + pad, card.top() + pad, side, side)
        self._picture(p, product, img_rect, radius * 0.75)
        badge_h = side * 0.2
        badge = QRectF(img_rect.left(), img_rect.top(), min(side, badge_h * 3.6), badge_h)
        path = rounded(badge, badge_h / 2)
        p.fillPath(path, gradient(badge, st.color("accent"), st.color("accent_2")))
        self._sound_bars(
            p, QRectF(badge.left() + badge_h * 0.35, badge.top(), badge_h * 0.55, badge_h)
        )
        pen.text(
            QRectF(
                badge.left() + badge_h * 1.0, badge.top(), badge.width() - badge_h * 1.2, badge_h
            ),
            self.badge_text,
            st.font(badge_h * 0.62, bold=True),
            QColor("white"),
            align=ALIGN_HCENTER | ALIGN_VCENTER,
        )

        # text column
        left = img_rect.right() + pad * 1.2
        right = card.right() - pad * 1.2
        col_w = right - left
        top = card.top() + pad
        inner_h = card.height() - 2 * pad
        title_box = QRectF(left, top, col_w, inner_h * 0.44)
        used = pen.text(
            title_box,
            product.title,
            st.font(em * 0.92, bold=True),
            st.color("card_text"),
            max_lines=2,
            align=ALIGN_LEFT | ALIGN_TOP,
            min_px=em * 0.75,
        )
        point_h = title_box.bottom() - used.bottom()
        if product.selling_points and point_h >= em * 0.75:  # one-line title: a selling point
            pen.text(
                QRectF(left, used.bottom(), col_w, point_h),
                product.selling_points[0],
                st.font(em * 0.6),
                st.color("card_muted"),
                align=ALIGN_LEFT | ALIGN_VCENTER,
            )

        # price row: ¥ 89  ¥129(struck)  [直降31%]
        row = QRectF(left, top + inner_h * 0.44, col_w, inner_h * 0.34)
        symbol, number = split_money(product.price_cents, product.currency)
        x = row.left()
        used = pen.text(
            QRectF(x, row.top(), col_w, row.height() * 0.92),
            symbol,
            st.font(em * 0.85, bold=True),
            st.color("price"),
            align=ALIGN_LEFT | ALIGN_VCENTER,
        )
        x = used.right() + em * 0.05
        used = pen.text(
            QRectF(x, row.top(), max(0.0, right - x), row.height()),
            number,
            st.font(em * 1.6, bold=True),
            st.color("price"),
            align=ALIGN_LEFT | ALIGN_VCENTER,
            min_px=em * 1.0,
        )
        x = used.right() + em * 0.35
        orig = product.original_price_cents
        if orig and orig > product.price_cents and right - x > em * 2:
            used = pen.text(
                QRectF(x, row.top(), right - x, row.height()),
                format_money(orig, product.currency),
                st.font(em * 0.72, strike=True),
                st.color("card_muted"),
                align=ALIGN_LEFT | ALIGN_VCENTER,
                min_px=em * 0.6,
            )
            x = used.right() + em * 0.35
        pct = product.discount_percent
        if pct:
            label = f"直降{pct}%"
            font = st.font(em * 0.6, bold=True)
            tw = pen.measure(label, font) + em * 0.5
            bh = em * 0.95
            if right - x >= tw:
                chip = QRectF(x, row.center().y() - bh / 2, tw, bh)
                fill_rounded(p, chip, bh * 0.3, st.color("accent", 0.12))
                pen.text(chip, label, font, st.color("accent"), align=ALIGN_HCENTER | ALIGN_VCENTER)

        # stock bar: 已抢 37%  ·  仅剩 189 件 (two-tone text over the fill)
        left_n = state.stock.get(product.id, product.stock)
        bar = QRectF(left, card.bottom() - pad - inner_h * 0.17, col_w, inner_h * 0.17)
        taken = stock_taken(product.stock, left_n)
        fill_right = progress_bar(
            p,
            bar,
            taken,
            st.color("accent", 0.14),
            gradient(bar, st.color("accent_2"), st.color("accent")),
        )
        font = st.font(bar.height() * 0.68, bold=True)
        inside = bar.adjusted(bar.height() * 0.5, 0, -bar.height() * 0.5, 0)
        white, red = QColor("white"), st.color("accent")
        if left_n <= 0:
            bar_label(
                pen, inside, fill_right, "已售罄", font, white, red, ALIGN_HCENTER | ALIGN_VCENTER
            )
        else:
            half = inside.width() * 0.5
            taken_box = QRectF(inside.left(), inside.top(), half, inside.height())
            left_box = QRectF(inside.left() + half, inside.top(), half, inside.height())
            bar_label(
                pen,
                taken_box,
                fill_right,
                f"已抢{round(taken * 100)}%",
                font,
                white,
                red,
                ALIGN_LEFT | ALIGN_VCENTER,
            )
            bar_label(
                pen,
                left_box,
                fill_right,
                f"仅剩{left_n}件",
                font,
                white,
                red,
                ALIGN_RIGHT | ALIGN_VCENTER,
            )

    def _picture(self, p: QPainter, product: Product, rect: QRectF, radius: float) -> None:
        image = None
        if self.images is not None and product.images:
            image = self.images.scaled(product.images[0], round(rect.width()), round(rect.height()))
        p.save()
        p.setClipPath(rounded(rect, radius))
        if image is None:
            self._placeholder(p, rect)
        else:
            p.drawImage(rect.topLeft(), image)
        p.restore()

    def _placeholder(self, p: QPainter, rect: QRectF) -> None:
        """A neutral tile with a simple shopping-bag glyph (no text: nothing to overflow)."""
        p.fillRect(rect, self.style.color("placeholder"))
        s = rect.width() * 0.36
        bag = QRectF(rect.center().x() - s / 2, rect.center().y() - s * 0.35, s, s * 0.85)
        grey = QColor(0, 0, 0, 60)
        fill_rounded(p, bag, s * 0.12, grey)
        handle = QRectF(bag.left() + s * 0.28, bag.top() - s * 0.28, s * 0.44, s * 0.5)
        p.save()
        pen = QPen(grey)
        pen.setWidthF(s * 0.08)
        p.setPen(pen)
        p.drawArc(handle, 0, 180 * 16)
        p.restore()

    @staticmethod
    def _sound_bars(p: QPainter, rect: QRectF) -> None:
        """Three little bars (the "live, talking" glyph next to 讲解中)."""
        w = rect.width() / 5
        for i, frac in enumerate((0.45, 0.8, 0.6)):
            h = rect.height() * 0.55 * frac
            bar = QRectF(
                rect.left() + i * 2 * w, rect.center().y() + rect.height() * 0.22 - h, w, h
            )
            fill_rounded(p, bar, w / 2, QColor("white"))
