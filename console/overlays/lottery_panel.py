"""The lottery panel (福袋). Before entry: prize, how to enter, the fixed entry close time, draw
time and number of winners (announced first, as promotion law requires) and the seed commitment
(a SHA-256 prefix); during entry: countdown to the close time and entrant count; an early close
says so on screen; after the draw: the winners with masked names and the seed for audit."""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from typing import Any

from console.overlays.base import (
    ShowLayer,
    countdown_seconds,
    fill_rounded,
    format_countdown,
    gradient,
    mask_name,
    shadowed_card,
)
from console.overlays.text import ALIGN_HCENTER, ALIGN_LEFT, ALIGN_VCENTER, Painter
from console.qt.QtCore import QRectF
from console.qt.QtGui import QColor
from console.show.money import format_money
from console.show.state import LotteryState, ShowState

WINNERS_HOLD_S = 120.0  # the winners stay up this long after the panel first showed them
PHASE_LABELS = {"announced": "即将开始", "open": "参与中", "closed": "待开奖", "drawn": "已开奖"}


def clock_time(epoch: float, seconds: bool = False) -> str:
    return time.strftime("%H:%M:%S" if seconds else "%H:%M", time.localtime(epoch))


def winner_names(lottery: LotteryState) -> tuple[str, ...]:
    names = []
    for uid in lottery.winners:
        entrant = lottery.entrants.get(uid)
        names.append(mask_name(entrant.display_name if entrant else uid))
    return tuple(names)


def entrant_count(lottery: LotteryState) -> int:
    return (
        len(lottery.frozen_entrants)
        if lottery.phase in ("closed", "drawn")
        else len(lottery.entrants)
    )


class LotteryPanelLayer(ShowLayer):
    name = "lottery_panel"
    winners_hold_s: float | None = WINNERS_HOLD_S  # None: until the operator hides the panel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._drawn_seen: dict[str, float] = {}
        self._seen_lock = threading.Lock()

    def _subject(self, state: ShowState, now: float) -> Any | None:
        lottery = state.current_lottery()
        if lottery is None:
            return None
        if lottery.phase == "drawn" and self.winners_hold_s is not None:
            with self._seen_lock:
                seen = self._drawn_seen.setdefault(lottery.lottery_id, now)
            if now - seen >= self.winners_hold_s:
                return None
        return lottery

    def _timer(self, lottery: LotteryState, now: float) -> int | None:
        if lottery.phase == "announced":
            return countdown_seconds(lottery.opens_in(now))
        if lottery.phase == "open":
            return countdown_seconds(lottery.entry_remaining(now))
        if lottery.phase == "closed":
            return countdown_seconds(lottery.draw_in(now))
        return None

    def _key(self, lottery: LotteryState, state: ShowState, now: float) -> Hashable:
        return (
            lottery.lottery_id,
            lottery.phase,
            lottery.prize,
            lottery.prize_value_cents,
            lottery.entry_rule,
            lottery.keyword,
            lottery.winners_count,
            lottery.draw_at,
            lottery.closes_at,
            lottery.closed_early,
            lottery.seed_hash,
            entrant_count(lottery),
            winner_names(lottery),
            lottery.revealed_seed,
            self._timer(lottery, now),
            lottery.held,
        )

    def _paint(
        self,
        pen: Painter,
        lottery: LotteryState,
        state: ShowState,
        now: float,
        width: int,
        height: int,
    ) -> None:
        p, st = pen.p, self.style
        em = min(height / 14.0, width / 10.0) * st.font_scale
        m = min(width, height) * 0.025
        panel = QRectF(m, m * 0.6, width - 2 * m, height - 2.2 * m)
        radius = st.corner_radius * em
        shadowed_card(
            p,
            panel,
            radius,
            gradient(panel, st.color("promo_2"), st.color("promo"), vertical=True),
            m,
        )
        pad = em * 0.55
        inner = panel.adjusted(pad, pad * 0.8, -pad, -pad * 0.8)
        y = inner.top()
        white, gold = QColor("white"), st.color("highlight")

        def row(h: float) -> QRectF:
            nonlocal y
            r = QRectF(inner.left(), y, inner.width(), h)
            y += h
            return r

        # header: [福袋]                [参与中]
        head = row(em * 1.35)
        bag_font = st.font(em * 0.8, bold=True)
        bag_w = min(inner.width() * 0.45, pen.measure("福袋", bag_font) + em * 1.0)
        bag = QRectF(head.left(), head.top(), bag_w, head.height())
        fill_rounded(p, bag, head.height() * 0.3, gradient(bag, QColor("#FFFFE9A8"), gold))
        pen.text(bag, "福袋", bag_font, st.color("promo"), align=ALIGN_HCENTER | ALIGN_VCENTER)
        phase = PHASE_LABELS.get(lottery.phase, lottery.phase)
        phase_font = st.font(em * 0.6, bold=True)
        phase_w = min(inner.width() * 0.5, pen.measure(phase, phase_font) + em * 0.8)
        chip = QRectF(
            head.right() - phase_w, head.top() + head.height() * 0.15, phase_w, head.height() * 0.7
        )
        fill_rounded(p, chip, chip.height() / 2, QColor(0, 0, 0, 70))
        pen.text(chip, phase, phase_font, white, align=ALIGN_HCENTER | ALIGN_VCENTER)
        y += em * 0.25

        # prize and the announced terms
        prize_font = st.font(em * 0.95, bold=True)
        one_line = pen.measure(lottery.prize, prize_font) * 0.82 <= inner.width()
        pen.text(
            row(em * (1.5 if one_line else 2.7)),
            lottery.prize,
            prize_font,
            white,
            max_lines=1 if one_line else 2,
            align=ALIGN_LEFT | ALIGN_VCENTER,
            min_px=em * 0.75,
        )
        value = format_money(lottery.prize_value_cents, "CNY")
        pen.text(
            row(em * 1.15),
            f"价值{value} · {lottery.winners_count}人中奖",
            st.font(em * 0.68, bold=True),
            gold,
            align=ALIGN_LEFT | ALIGN_VCENTER,
        )
        y += em * 0.25
        timer = self._timer(lottery, now)
        footer_h = em * 0.95
        body_bottom = inner.bottom() - footer_h - em * 0.15

        if lottery.phase in ("announced", "open"):
            pill = row(em * 1.45)
            fill_rounded(p, pill, pill.height() / 2, QColor("white"))
            pen.text(
                pill.adjusted(em * 0.4, 0, -em * 0.4, 0),
                lottery.how_to_enter(),
                st.font(em * 0.72, bold=True),
                st.color("promo"),
                align=ALIGN_HCENTER | ALIGN_VCENTER,
            )
            y += em * 0.3
            label = "后开始参与" if lottery.phase == "announced" else "后截止"
            if lottery.held:  # every real destination is down: entry's countdown is paused
                label = "暂停中"
            self._countdown(pen, row(em * 1.9), format_countdown(timer), label, em)
            y += em * 0.15
            times = (
                f"{clock_time(lottery.closes_at, True)} 截止 · {clock_time(lottery.draw_at)} 开奖"
            )
            lines = [times]
            if lottery.phase == "open":
                lines.insert(0, f"已有 {entrant_count(lottery)} 人参与")
            for line in lines:
                pen.text(
                    row(em * 1.0),
                    line,
                    st.font(em * 0.62),
                    QColor(255, 255, 255, 230),
                    align=ALIGN_LEFT | ALIGN_VCENTER,
                )
        elif lottery.phase == "closed":
            pen.text(
                row(em * 1.1),
                f"参与已{'提前' if lottery.closed_early else ''}截止 · 共 {entrant_count(lottery)} 人",
                st.font(em * 0.64),
                white,
                align=ALIGN_LEFT | ALIGN_VCENTER,
            )
            y += em * 0.2
            if timer:
                self._countdown(pen, row(em * 1.9), format_countdown(timer), "后开奖", em)
            else:
                pen.text(row(em * 1.9), "即将开奖", st.font(em * 1.2, bold=True), gold)
        else:  # drawn
            pen.text(
                row(em * 1.1),
                f"中奖名单 · {len(lottery.winners)}/{entrant_count(lottery)}",
                st.font(em * 0.66, bold=True),
                gold,
                align=ALIGN_LEFT | ALIGN_VCENTER,
            )
            self._winners(
                pen,
                winner_names(lottery),
                QRectF(inner.left(), y, inner.width(), body_bottom - y),
                em,
            )

        # footer: the commitment before the draw, the revealed seed after it (for audit)
        foot = QRectF(inner.left(), inner.bottom() - footer_h, inner.width(), footer_h)
        fill_rounded(p, foot, foot.height() * 0.3, QColor(0, 0, 0, 55))
        if lottery.phase == "drawn" and lottery.revealed_seed:
            audit = f"种子 {lottery.revealed_seed[:8]}… 哈希 {lottery.seed_hash[:8]}… 可验证"
        else:
            audit = f"公平承诺 SHA-256 {lottery.seed_hash[:12]}…"
        pen.text(
            foot.adjusted(em * 0.35, 0, -em * 0.35, 0),
            audit,
            st.font(em * 0.5),
            QColor(255, 255, 255, 215),
            align=ALIGN_HCENTER | ALIGN_VCENTER,
            min_px=em * 0.38,
        )

    def _countdown(self, pen: Painter, box: QRectF, clock: str, label: str, em: float) -> None:
        st = self.style
        font = st.font(em * 1.45, bold=True)
        clock_w = min(box.width() * 0.62, pen.measure(clock, font) + em * 0.6)
        digits = QRectF(box.left(), box.top(), clock_w, box.height())
        fill_rounded(pen.p, digits, em * 0.3, QColor(40, 0, 0, 120))
        pen.text(digits, clock, font, st.color("highlight"), align=ALIGN_HCENTER | ALIGN_VCENTER)
        pen.text(
            QRectF(
                digits.right() + em * 0.3,
                box.top(),
                box.right() - digits.right() - em * 0.3,
                box.height(),
            ),
            label,
            st.font(em * 0.66),
            QColor("white"),
            align=ALIGN_LEFT | ALIGN_VCENTER,
        )

    def _winners(self, pen: Painter, names: tuple[str, ...], box: QRectF, em: float) -> None:
        if not names:
            pen.text(
                box,
                "无人参与，本次未产生中奖者",
                self.style.font(em * 0.6),
                QColor("white"),
                max_lines=2,
            )
            return
        cols = 2 if len(names) > 2 else 1
        cell_h = em * 1.25
        rows = max(1, int(box.height() // cell_h))
        capacity = rows * cols
        shown = list(names)
        more = 0
        if len(shown) > capacity:
            more = len(shown) - (capacity - 1)
            shown = shown[: capacity - 1]
        cell_w = box.width() / cols
        font = self.style.font(em * 0.72, bold=True)
        items = [*shown, f"等{more}人"] if more else shown
        for i, name in enumerate(items):
            r, c = divmod(i, cols)
            cell = QRectF(box.left() + c * cell_w, box.top() + r * cell_h, cell_w, cell_h)
            chip = cell.adjusted(em * 0.1, em * 0.12, -em * 0.1, -em * 0.12)
            fill_rounded(pen.p, chip, chip.height() / 2, QColor(255, 255, 255, 40))
            pen.text(
                chip.adjusted(em * 0.4, 0, -em * 0.4, 0),
                name,
                font,
                QColor("white"),
                align=(ALIGN_HCENTER if cols == 1 else ALIGN_LEFT) | ALIGN_VCENTER,
            )
