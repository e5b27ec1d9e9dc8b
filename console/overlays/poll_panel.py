"""The poll / quiz panel: question, options with bars and percentages; the quiz answer is
revealed once the poll is over (stopped or expired), and the results stay up a little while."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from console.overlays.base import (
    ShowLayer,
    countdown_seconds,
    fill_rounded,
    format_countdown,
    gradient,
    shadowed_card,
)
from console.overlays.text import ALIGN_HCENTER, ALIGN_LEFT, ALIGN_RIGHT, ALIGN_VCENTER, Painter
from console.qt.QtCore import QRectF
from console.qt.QtGui import QColor, QPen
from console.show.state import PollState, ShowState

RESULTS_HOLD_S = 15.0  # results (and the quiz answer) stay up this long after the poll ends


def poll_ended_at(poll: PollState) -> float | None:
    if poll.stopped_at is not None:
        return poll.stopped_at
    return poll.ends_at


def poll_to_show(state: ShowState, now: float, hold_s: float = RESULTS_HOLD_S) -> PollState | None:
    """The running poll, else the newest one that ended less than ``hold_s`` seconds ago."""
    active = state.active_poll(now)
    if active is not None:
        return active
    recent = None
    for poll in state.polls.values():
        ended = poll_ended_at(poll)
        if (
            ended is not None
            and ended <= now < ended + hold_s
            and (recent is None or ended >= (poll_ended_at(recent) or 0.0))
        ):
            recent = poll
    return recent


def percentages(counts: tuple[int, ...]) -> tuple[int, ...]:
    """Whole percentages that add up to 100 (largest remainder), all 0 without votes."""
    total = sum(counts)
    if total == 0:
        return tuple(0 for _ in counts)
    raw = [100 * c / total for c in counts]
    floor = [int(r) for r in raw]
    short = 100 - sum(floor)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - floor[i], reverse=True)[:short]:
        floor[i] += 1
    return tuple(floor)


class PollPanelLayer(ShowLayer):
    name = "poll_panel"
    hold_s = RESULTS_HOLD_S

    def _subject(self, state: ShowState, now: float) -> Any | None:
        return poll_to_show(state, now, self.hold_s)

    def _key(self, poll: PollState, state: ShowState, now: float) -> Hashable:
        running = poll.active(now)
        return (
            poll.poll_id,
            poll.question,
            poll.options,
            poll.answer,
            poll.counts,
            running,
            countdown_seconds(poll.remaining(now)) if running else None,
        )

    def _paint(
        self, pen: Painter, poll: PollState, state: ShowState, now: float, width: int, height: int
    ) -> None:
        p, st = pen.p, self.style
        n = len(poll.options)
        em = min(height / (5.2 + 1.6 * n), width / 13) * st.font_scale
        m = min(width, height) * 0.025
        panel = QRectF(m, m * 0.6, width - 2 * m, height - 2.2 * m)
        radius = st.corner_radius * em
        shadowed_card(p, panel, radius, st.color("panel"), m)
        pad = em * 0.6
        inner = panel.adjusted(pad, pad * 0.8, -pad, -pad * 0.8)
        running = poll.active(now)
        reveal = poll.is_quiz and not running

        # header: [答题]   128人参与 · 00:45
        head = QRectF(inner.left(), inner.top(), inner.width(), em * 1.3)
        kind = "答题" if poll.is_quiz else "投票"
        chip_font = st.font(em * 0.7, bold=True)
        chip_w = min(inner.width() * 0.3, pen.measure(kind, chip_font) + em * 0.9)
        chip = QRectF(head.left(), head.top(), chip_w, head.height())
        fill_rounded(
            p, chip, chip.height() * 0.3, gradient(chip, st.color("accent"), st.color("accent_2"))
        )
        pen.text(chip, kind, chip_font, QColor("white"), align=ALIGN_HCENTER | ALIGN_VCENTER)
        total = sum(poll.counts)
        if running:
            secs = countdown_seconds(poll.remaining(now))
            status = f"{total}人参与" + (f" · {format_countdown(secs)}" if secs is not None else "")
        else:
            status = f"{total}人参与 · 已结束"
        pen.text(
            QRectF(
                chip.right() + em * 0.4,
                head.top(),
                head.right() - chip.right() - em * 0.4,
                head.height(),
            ),
            status,
            st.font(em * 0.62),
            st.color("panel_muted"),
            align=ALIGN_RIGHT | ALIGN_VCENTER,
        )

        q_font = st.font(em * 0.9, bold=True)
        one_line = pen.measure(poll.question, q_font) <= inner.width()
        q_box = QRectF(
            inner.left(), head.bottom() + em * 0.2, inner.width(), em * (1.5 if one_line else 2.7)
        )
        pen.text(
            q_box,
            poll.question,
            q_font,
            st.color("panel_text"),
            max_lines=2,
            align=ALIGN_LEFT | ALIGN_VCENTER,
            min_px=em * 0.7,
        )

        # options
        top = q_box.bottom() + em * 0.3
        avail = inner.bottom() - top
        row_h = avail / max(1, n)
        bar_h = min(row_h * 0.84, em * 1.6)
        pcts = percentages(poll.counts)
        for i, (option, pct) in enumerate(zip(poll.options, pcts)):
            y = top + i * row_h + (row_h - bar_h) / 2
            bar = QRectF(inner.left(), y, inner.width(), bar_h)
            right_answer = reveal and i == poll.answer
            fill_rounded(p, bar, bar_h * 0.3, QColor(255, 255, 255, 34))
            if pct > 0:
                w = max(bar_h * 0.6, bar.width() * pct / 100)
                if right_answer:
                    brush = st.color("success")
                elif reveal:
                    brush = QColor(255, 255, 255, 60)
                else:
                    brush = gradient(bar, st.color("accent", 0.85), st.color("accent_2", 0.85))
                fill_rounded(p, QRectF(bar.left(), bar.top(), w, bar_h), bar_h * 0.3, brush)
            if right_answer:
                outline = QPen(st.color("success"))
                outline.setWidthF(max(1.5, bar_h * 0.07))
                p.save()
                p.setPen(outline)
                p.setBrush(QColor(0, 0, 0, 0))
                p.drawRoundedRect(bar, bar_h * 0.3, bar_h * 0.3)
                p.restore()
            text_font = st.font(bar_h * 0.6, bold=right_answer)
            pct_font = st.font(bar_h * 0.6, bold=True)
            pct_text = f"{pct}%"
            pct_w = pen.measure("100%", pct_font) + bar_h * 0.3
            inset = bar.adjusted(bar_h * 0.35, 0, -bar_h * 0.35, 0)
            label = f"✓ {option}" if right_answer else option
            if reveal and not right_answer:
                color = st.color("panel_muted")
            else:
                color = st.color("panel_text")
            pen.text(
                QRectF(inset.left(), inset.top(), max(0.0, inset.width() - pct_w), inset.height()),
                label,
                text_font,
                color,
                align=ALIGN_LEFT | ALIGN_VCENTER,
                min_px=text_font.pixelSize(),  # elide rather than shrink: rows look alike
            )
            pen.text(
                QRectF(inset.right() - pct_w, inset.top(), pct_w, inset.height()),
                pct_text,
                pct_font,
                st.color("panel_text"),
                align=ALIGN_RIGHT | ALIGN_VCENTER,
            )
