"""The common part of the show overlays: visibility, content keys, text boxes, drawing bits.

A show layer reads the show state through ``get_state()`` (the controller's immutable
``ShowState``; reading the reference from the render thread is safe) and the show clock through
``now()`` (epoch seconds; countdowns are absolute end times). It never blocks and never writes.

- ``visible`` = the user's ``enabled`` flag and "there is something to show". Assigning
  ``visible`` sets ``enabled`` (so code that toggles ``visible`` keeps working).
- ``content_key(t)`` = the state fields the layer shows plus the countdown values as displayed
  (whole seconds), so the compositor repaints only when the picture would change.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable
from typing import Any

from console.media.compositor import NormRect
from console.overlays.images import ImageCache
from console.overlays.style import OverlayStyle
from console.overlays.text import Painter, TextBox
from console.qt.QtCore import QPointF, QRectF, Qt
from console.qt.QtGui import QBrush, QColor, QFont, QLinearGradient, QPainter, QPainterPath, QPen
from console.show.state import ShowState
from console.timefmt import hms

StateGetter = Callable[[], ShowState]
Clock = Callable[[], float]


class ShowLayer:
    """Base class: subclasses implement ``_subject``, ``_key`` and ``_paint``."""

    name = "show"

    def __init__(
        self,
        rect: NormRect,
        get_state: StateGetter,
        now: Clock,
        style: OverlayStyle | None = None,
        images: ImageCache | None = None,
    ) -> None:
        self.rect = rect
        self.enabled = True
        self.style = style or OverlayStyle()
        self.images = images
        self._get_state = get_state
        self._now = now
        self._boxes: list[TextBox] = []
        self._boxes_lock = threading.Lock()
        self.paints = 0

    # ---- the compositor's protocol

    @property
    def visible(self) -> bool:
        if not self.enabled:
            return False
        return self._subject(self._get_state(), self._now()) is not None

    @visible.setter
    def visible(self, value: bool) -> None:
        self.enabled = bool(value)

    @property
    def has_content(self) -> bool:
        """Whether the state has something for this layer (whatever ``enabled`` says)."""
        return self._subject(self._get_state(), self._now()) is not None

    def content_key(self, t: float) -> Hashable:
        state, now = self._get_state(), self._now()
        subject = self._subject(state, now)
        if subject is None:
            return None
        return (self.style, self._key(subject, state, now))

    def paint(self, painter: QPainter, width: int, height: int, t: float) -> None:
        state, now = self._get_state(), self._now()
        subject = self._subject(state, now)
        pen = Painter(painter, width, height)
        if subject is not None:
            self._paint(pen, subject, state, now, width, height)
        with self._boxes_lock:
            self._boxes = pen.boxes
        self.paints += 1

    def text_boxes(self) -> list[TextBox]:
        """The text items of the last paint (box, lines drawn, font), for measuring in tests."""
        with self._boxes_lock:
            return list(self._boxes)

    # ---- for subclasses

    def _subject(self, state: ShowState, now: float) -> Any | None:
        """What the layer shows now, or None when there is nothing (the layer is then hidden)."""
        raise NotImplementedError

    def _key(self, subject: Any, state: ShowState, now: float) -> Hashable:
        raise NotImplementedError

    def _paint(
        self, pen: Painter, subject: Any, state: ShowState, now: float, width: int, height: int
    ) -> None:
        raise NotImplementedError


# ---------------------------------------------------------------------------- formatting


def countdown_seconds(remaining: float | None) -> int | None:
    """The whole seconds a countdown shows (rounded up, so 0 only when it is over)."""
    if remaining is None:
        return None
    return max(0, math.ceil(remaining - 1e-6))


def format_countdown(seconds: int | None) -> str:
    """``mm:ss``, or ``h:mm:ss`` from one hour."""
    if seconds is None:
        return ""
    return hms(seconds, pad_minutes=True)


def mask_name(name: str) -> str:
    """张三丰 → 张**, Alice → A**: the first character and two stars (privacy on screen)."""
    name = name.strip()
    if not name:
        return "**"
    first = name[0]
    if len(name) > 1 and 0xFE00 <= ord(name[1]) <= 0xFE0F:  # keep a variation selector
        first = name[:2]
    return first + "**"


# ---------------------------------------------------------------------------- drawing


def rounded(rect: QRectF, radius: float) -> QPainterPath:
    path = QPainterPath()
    r = max(0.0, min(radius, rect.height() / 2, rect.width() / 2))
    path.addRoundedRect(rect, r, r)
    return path


def gradient(rect: QRectF, a: QColor, b: QColor, vertical: bool = False) -> QBrush:
    end = QPointF(rect.left(), rect.bottom()) if vertical else QPointF(rect.right(), rect.top())
    g = QLinearGradient(rect.topLeft(), end)
    g.setColorAt(0.0, a)
    g.setColorAt(1.0, b)
    return QBrush(g)


def fill_rounded(p: QPainter, rect: QRectF, radius: float, brush: QBrush | QColor) -> None:
    p.fillPath(rounded(rect, radius), brush if isinstance(brush, QBrush) else QBrush(brush))


def shadowed_card(
    p: QPainter, rect: QRectF, radius: float, brush: QBrush | QColor, shadow: float
) -> None:
    """A card with a soft drop shadow (a few translucent offsets; cheap, painted once)."""
    steps = 4
    for i in range(steps, 0, -1):
        grow = shadow * i / steps
        c = QColor(0, 0, 0, int(38 / steps))
        fill_rounded(p, rect.adjusted(-grow, -grow * 0.4, grow, grow * 1.2), radius + grow, c)
    fill_rounded(p, rect, radius, brush)


def progress_bar(
    p: QPainter, rect: QRectF, fraction: float, track: QColor, fill: QBrush | QColor
) -> float:
    """Draw a rounded bar filled to ``fraction``; returns the x where the fill ends."""
    r = rect.height() / 2
    fill_rounded(p, rect, r, track)
    fraction = max(0.0, min(1.0, fraction))
    if fraction > 0:
        w = max(rect.height(), rect.width() * fraction)
        fill_rounded(p, QRectF(rect.left(), rect.top(), w, rect.height()), r, fill)
        return rect.left() + w
    return rect.left()


def bar_label(
    pen: Painter,
    box: QRectF,
    fill_right: float,
    text: str,
    font: QFont,
    on_fill: QColor,
    on_track: QColor,
    align: Qt.AlignmentFlag,
) -> None:
    """Text over a progress bar, coloured ``on_fill`` where the fill is and ``on_track`` beyond."""
    p = pen.p
    for clip, color in (
        (QRectF(box.left(), box.top(), max(0.0, fill_right - box.left()), box.height()), on_fill),
        (QRectF(fill_right, box.top(), max(0.0, box.right() - fill_right), box.height()), on_track),
    ):
        if clip.width() <= 0:
            continue
        p.save()
        p.setClipRect(clip)
        pen.text(box, text, font, color, align=align)
        p.restore()


def outline_rounded(p: QPainter, rect: QRectF, radius: float, color: QColor, width: float) -> None:
    p.save()
    pen = QPen(color)
    pen.setWidthF(width)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(rounded(rect, radius))
    p.restore()
