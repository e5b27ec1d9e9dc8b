"""The coupon banner: a ticket with the 满减 / 折 / 立减 label, what is left and the countdown."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from console.overlays.base import (
    ShowLayer,
    countdown_seconds,
    fill_rounded,
    format_countdown,
    gradient,
    rounded,
)
from console.overlays.text import ALIGN_HCENTER, ALIGN_LEFT, ALIGN_VCENTER, Painter
from console.qt.QtCore import QPointF, QRectF, Qt
from console.qt.QtGui import QColor, QPainter, QPen
from console.show.state import CouponState, ShowState, coupon_label


def coupons_to_show(state: ShowState, now: float) -> list[CouponState]:
    """Running coupons with some left (and ones about to start), the newest first."""
    shown = [c for c in state.coupons.values() if c.live(now) and c.left > 0]
    shown.sort(key=lambda c: (c.starts_at > now, -c.starts_at))
    return shown


def coupon_timer(coupon: CouponState, now: float) -> tuple[str, int | None]:
    """(label, whole seconds) for the ticket's countdown line."""
    if coupon.starts_at > now:
        secs = countdown_seconds(coupon.starts_at - now)
        return f"{format_countdown(secs)} 后开抢", secs
    secs = countdown_seconds(coupon.remaining(now))
    if secs is None:
        return "直播期间有效", None
    if coupon.held:  # every real destination is down: the countdown is paused
        return f"暂停中 · 剩{format_countdown(secs)}", secs
    return f"{format_countdown(secs)} 后失效", secs


class CouponBannerLayer(ShowLayer):
    name = "coupon_banner"

    def _subject(self, state: ShowState, now: float) -> Any | None:
        return coupons_to_show(state, now) or None

    def _key(self, coupons: list[CouponState], state: ShowState, now: float) -> Hashable:
        c = coupons[0]
        return (
            c.coupon_id,
            c.kind,
            c.title,
            c.threshold_cents,
            c.discount_cents,
            c.percent,
            c.product_ids,
            c.left,
            coupon_timer(c, now),
            len(coupons),
        )

    def _paint(
        self,
        pen: Painter,
        coupons: list[CouponState],
        state: ShowState,
        now: float,
        width: int,
        height: int,
    ) -> None:
        p, st = pen.p, self.style
        c = coupons[0]
        em = height / 2.6 * st.font_scale
        m = height * 0.04
        ticket = QRectF(m, m, width - 2 * m, height - 2 * m)
        radius = min(st.corner_radius * em, ticket.height() * 0.3)
        split = ticket.left() + ticket.width() * 0.4
        left = QRectF(ticket.left(), ticket.top(), split - ticket.left(), ticket.height())
        right = QRectF(split, ticket.top(), ticket.right() - split, ticket.height())

        fill_rounded(p, ticket, radius, QColor("#FFFFF4E8"))
        p.save()
        p.setClipRect(left)
        p.fillPath(rounded(ticket, radius), gradient(left, st.color("promo"), st.color("promo_2")))
        p.restore()
        # punched notches and a dashed tear line
        notch = ticket.height() * 0.12
        p.save()
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 255))
        p.drawEllipse(QPointF(split, ticket.top()), notch, notch)
        p.drawEllipse(QPointF(split, ticket.bottom()), notch, notch)
        p.restore()
        dash = QPen(st.color("promo", 0.45))
        dash.setWidthF(max(1.0, height * 0.02))
        dash.setStyle(Qt.PenStyle.DashLine)
        p.save()
        p.setPen(dash)
        p.drawLine(
            QPointF(split + 1, ticket.top() + notch * 1.3),
            QPointF(split + 1, ticket.bottom() - notch * 1.3),
        )
        p.restore()

        label = coupon_label(c.kind, c.threshold_cents, c.discount_cents, c.percent)
        lpad = left.width() * 0.08
        pen.text(
            left.adjusted(lpad, ticket.height() * 0.06, -lpad, -ticket.height() * 0.36),
            label,
            st.font(em * 1.15, bold=True),
            QColor("white"),
            align=ALIGN_HCENTER | ALIGN_VCENTER,
            min_px=em * 0.6,
        )
        pen.text(
            left.adjusted(lpad, ticket.height() * 0.64, -lpad, -ticket.height() * 0.06),
            "优惠券",
            st.font(em * 0.52),
            st.color("highlight"),
            align=ALIGN_HCENTER | ALIGN_VCENTER,
        )

        # right side: title / quantity left, countdown; a 领 button; +N more
        rpad = right.height() * 0.16
        inner = right.adjusted(rpad * 1.2, rpad * 0.6, -rpad, -rpad * 0.6)
        button_d = inner.height() * 0.78
        more = len(coupons) - 1
        text_right = inner.right() - button_d - rpad * 0.6
        button = QRectF(
            text_right + rpad * 0.6, inner.center().y() - button_d / 2, button_d, button_d
        )
        p.setBrush(gradient(button, st.color("promo_2"), st.color("promo")))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(button)
        pen.text(
            button,
            "领",
            st.font(button_d * 0.5, bold=True),
            QColor("white"),
            align=ALIGN_HCENTER | ALIGN_VCENTER,
        )
        text_w = max(0.0, text_right - inner.left())
        scope = "全场通用" if not c.product_ids else "指定商品可用"
        title = c.title.strip()
        title = scope if not title or title == label else f"{title} · {scope}"
        if more > 0:
            title = f"{title} · 另有{more}张券"
        pen.text(
            QRectF(inner.left(), inner.top(), text_w, inner.height() * 0.52),
            title,
            st.font(em * 0.7, bold=True),
            st.color("promo"),
            align=ALIGN_LEFT | ALIGN_VCENTER,
        )
        timer, _ = coupon_timer(c, now)
        pen.text(
            QRectF(
                inner.left(), inner.top() + inner.height() * 0.52, text_w, inner.height() * 0.48
            ),
            f"剩{c.left}张 · {timer}",
            st.font(em * 0.56),
            QColor("#FF8C5A3C"),
            align=ALIGN_LEFT | ALIGN_VCENTER,
        )
