"""Text that stays inside its box: wrap (CJK, emoji and long words), shrink, elide, measure.

Every piece of text an overlay draws goes through :func:`fit_text` / :meth:`Painter.text`, which
first makes it safe with :func:`safe_text` (no controls, bidi overrides, zero-width characters) and
records a :class:`TextBox` (the box, the lines drawn, the font). Tests re-measure those lines with
``QFontMetricsF`` to prove nothing spills out, in both orientations and with absurd titles.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.audience.moderation import sanitize_text
from console.qt.QtCore import QPointF, QRectF, Qt
from console.qt.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QTextLayout,
    QTextOption,
)

ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight
ALIGN_HCENTER = Qt.AlignmentFlag.AlignHCenter
ALIGN_TOP = Qt.AlignmentFlag.AlignTop
ALIGN_BOTTOM = Qt.AlignmentFlag.AlignBottom
ALIGN_VCENTER = Qt.AlignmentFlag.AlignVCenter
MIN_PX = 6.0


@dataclass(frozen=True)
class TextBox:
    """One text item as drawn: its box, the lines (after wrapping/eliding) and where they went."""

    box: QRectF
    text: str  # what the caller asked for
    lines: tuple[str, ...]  # what was drawn
    line_rects: tuple[QRectF, ...]  # each line's advance x line height, in layer pixels
    font: QFont


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    font: QFont
    line_height: float
    widths: tuple[float, ...]

    @property
    def height(self) -> float:
        return self.line_height * len(self.lines)

    @property
    def width(self) -> float:
        return max(self.widths, default=0.0)


MAX_OVERLAY_TEXT = 1000  # code points considered; the box elides long before that


def safe_text(text: str, max_len: int = MAX_OVERLAY_TEXT) -> str:
    """The one sanitiser for text drawn into the video (titles, coupons, polls, chat, names).

    Catalog, plugin and audience text may carry control characters, bidi overrides/isolates
    (``\u202e`` turns "gnp.exe" around), zero-width characters and zalgo: all removed or cut
    (``console.audience.moderation.sanitize_text``, the chat's rules), whitespace collapsed.
    """
    return sanitize_text(text, max_len)


def _clean(text: str) -> str:
    return safe_text(text)  # every line drawn by Painter.text / fit_text goes through here


def wrap_lines(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    """Break ``text`` into at most ``max_lines`` lines no wider than ``width``; the last one is
    elided with … when text is left over. Word boundaries first, anywhere if a word is too long
    (CJK breaks between characters; emoji and other clusters are never split)."""
    text = _clean(text)
    if not text or width <= 0 or max_lines <= 0:
        return []
    fm = QFontMetricsF(font)
    if max_lines == 1 or fm.horizontalAdvance(text) <= width:
        if fm.horizontalAdvance(text) <= width:
            return [text]
        return [_elide(text, fm, width)]
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    starts: list[tuple[int, int]] = []
    layout.beginLayout()
    try:
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            starts.append((line.textStart(), line.textLength()))
    finally:
        layout.endLayout()
    lines = [text[s : s + n].rstrip() for s, n in starts]
    if len(lines) > max_lines:
        rest = text[starts[max_lines - 1][0] :]
        lines = lines[: max_lines - 1] + [_elide(rest, fm, width)]
    # a line QTextLayout could not break (one wide cluster) is elided rather than spilling
    return [ln if fm.horizontalAdvance(ln) <= width else _elide(ln, fm, width) for ln in lines]


def _elide(text: str, fm: QFontMetricsF, width: float) -> str:
    shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, width)
    while shown and fm.horizontalAdvance(shown) > width:  # belt and braces
        shown = shown[:-2] + "…" if len(shown) > 1 else ""
    return shown


def fit_text(
    text: str,
    font: QFont,
    width: float,
    height: float,
    max_lines: int = 1,
    min_px: float | None = None,
) -> Fitted:
    """Choose the font size and lines for ``text`` in a ``width`` x ``height`` box.

    The font shrinks (down to ``min_px``, default 70 % of its size) until the text fits in
    ``max_lines``; whatever is still too long is elided. The lines never exceed the box height:
    fewer lines are used, or the font shrinks further when even one line is too tall.
    """
    font = QFont(font)
    px = float(font.pixelSize())
    floor = max(MIN_PX, min_px if min_px is not None else px * 0.7)
    while True:
        fm = QFontMetricsF(font)
        line_h = fm.height()
        if line_h > height and px > MIN_PX:  # even one line is too tall: shrink to the box
            px = max(MIN_PX, px * height / line_h - 0.5)
            font.setPixelSize(max(1, int(px)))
            floor = min(floor, px)
            continue
        room = max(1, min(max_lines, int(height // line_h))) if line_h <= height else 0
        if room == 0:
            return Fitted((), font, line_h, ())
        lines = wrap_lines(text, font, width, room)
        clean = _clean(text)
        complete = "".join(lines).replace(" ", "") == clean.replace(" ", "")
        if complete or px - 1 < floor:
            return Fitted(
                tuple(lines), font, line_h, tuple(fm.horizontalAdvance(ln) for ln in lines)
            )
        px -= 1
        font.setPixelSize(int(px))


class Painter:
    """Drawing helpers over a QPainter that record every text box they draw."""

    def __init__(self, painter: QPainter, width: int, height: int) -> None:
        self.p = painter
        self.width, self.height = width, height
        self.boxes: list[TextBox] = []

    def text(
        self,
        box: QRectF,
        text: str,
        font: QFont,
        color: QColor,
        max_lines: int = 1,
        align: Qt.AlignmentFlag = ALIGN_LEFT | ALIGN_VCENTER,
        min_px: float | None = None,
        optional: bool = False,
    ) -> QRectF:
        """Draw ``text`` inside ``box`` (clipped to the layer); returns the area the text used.

        ``optional``: draw nothing rather than an elided text (for labels that are only nice
        to have, such as 距结束)."""
        box = box.intersected(QRectF(0, 0, self.width, self.height))
        if box.width() <= 0 or box.height() <= 0 or not text:
            return QRectF(box.x(), box.y(), 0, 0)
        fitted = fit_text(text, font, box.width(), box.height(), max_lines, min_px)
        if not fitted.lines or (optional and "".join(fitted.lines) != _clean(text)):
            return QRectF(box.x(), box.y(), 0, 0)
        fm = QFontMetricsF(fitted.font)
        if align & ALIGN_BOTTOM:
            y = box.bottom() - fitted.height
        elif align & ALIGN_TOP:
            y = box.top()
        else:
            y = box.top() + (box.height() - fitted.height) / 2
        self.p.setFont(fitted.font)
        self.p.setPen(color)
        rects = []
        for line, w in zip(fitted.lines, fitted.widths):
            if align & ALIGN_RIGHT:
                x = box.right() - w
            elif align & ALIGN_HCENTER:
                x = box.left() + (box.width() - w) / 2
            else:
                x = box.left()
            self.p.drawText(QPointF(x, y + fm.ascent()), line)
            rects.append(QRectF(x, y, w, fitted.line_height))
            y += fitted.line_height
        self.boxes.append(TextBox(QRectF(box), text, fitted.lines, tuple(rects), fitted.font))
        united = rects[0]
        for r in rects[1:]:
            united = united.united(r)
        return united

    def measure(self, text: str, font: QFont) -> float:
        return QFontMetricsF(font).horizontalAdvance(_clean(text))


def check_text_boxes(boxes: list[TextBox], width: int, height: int, tol: float = 0.51) -> list[str]:
    """Every problem with recorded text boxes (empty when all text is inside its box).

    Measures each drawn line again with ``QFontMetricsF`` of the font it was drawn with.
    """
    problems = []
    layer = QRectF(0, 0, width, height).adjusted(-tol, -tol, tol, tol)
    for tb in boxes:
        box = tb.box.adjusted(-tol, -tol, tol, tol)
        if not layer.contains(tb.box):
            problems.append(f"box {tb.box} of {tb.text[:20]!r} leaves the layer {width}x{height}")
        fm = QFontMetricsF(tb.font)
        for line, rect in zip(tb.lines, tb.line_rects):
            advance = fm.horizontalAdvance(line)
            if advance > tb.box.width() + tol:
                problems.append(
                    f"line {line!r} is {advance:.1f} px wide in a {tb.box.width():.1f} box"
                )
            if rect.height() + tol < fm.height() or not box.contains(rect):
                problems.append(f"line {line!r} at {rect} is outside its box {tb.box}")
    return problems
