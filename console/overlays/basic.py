"""Simple overlay layers: a text banner, a still image, a live clock badge."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from console.media.compositor import NormRect
from console.overlays.text import safe_text
from console.qt.QtCore import QRectF, Qt
from console.qt.QtGui import QColor, QFont, QImage, QPainter, QPainterPath
from console.timefmt import hms


@dataclass
class BannerStyle:
    background: str = "#E6FF2D55"  # ARGB
    foreground: str = "#FFFFFFFF"
    radius_ratio: float = 0.25
    bold: bool = True


class BannerLayer:
    """A rounded box with text that fits its height; repainted only when the text changes."""

    def __init__(
        self, text: str, rect: NormRect, style: BannerStyle | None = None, name: str = "banner"
    ) -> None:
        self.name = name
        self.text = text
        self.rect = rect
        self.style = style or BannerStyle()
        self.visible = True

    def content_key(self, t: float) -> Hashable:
        return self.text

    def paint(self, painter: QPainter, width: int, height: int, t: float) -> None:
        paint_box(painter, width, height, self.text, self.style)


def paint_box(painter: QPainter, width: int, height: int, text: str, style: BannerStyle) -> None:
    text = safe_text(text)
    path = QPainterPath()
    r = min(width, height) * style.radius_ratio
    path.addRoundedRect(QRectF(0, 0, width, height), r, r)
    painter.fillPath(path, QColor(style.background))
    font = QFont()
    font.setBold(style.bold)
    room = int(width - 2 * r)
    size = max(10, int(height * 0.45))
    while True:  # shrink to fit, down to 60 %, then elide
        font.setPixelSize(size)
        painter.setFont(font)
        if painter.fontMetrics().horizontalAdvance(text) <= room or size <= max(
            10, int(height * 0.27)
        ):
            break
        size -= 1
    painter.setPen(QColor(style.foreground))
    shown = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room)
    painter.drawText(QRectF(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, shown)


class ClockLayer:
    """A badge with the show's running time, repainted once a second."""

    def __init__(
        self, rect: NormRect, label: str = "LIVE", style: BannerStyle | None = None
    ) -> None:
        self.name = "clock"
        self.rect = rect
        self.label = label
        self.style = style or BannerStyle(background="#CC000000")
        self.visible = True

    def content_key(self, t: float) -> Hashable:
        return (self.label, int(t))

    def paint(self, painter: QPainter, width: int, height: int, t: float) -> None:
        paint_box(painter, width, height, f"{self.label} {hms(t, always_hours=True)}", self.style)


class ImageLayer:
    """A still image (logo, product picture) scaled into its rectangle, aspect kept."""

    def __init__(self, path: str | Path, rect: NormRect, name: str | None = None) -> None:
        self.path = Path(path)
        self.name = name or self.path.stem
        self.rect = rect
        self.visible = True
        self._image = QImage(str(self.path))

    def content_key(self, t: float) -> Hashable:
        return str(self.path)

    def paint(self, painter: QPainter, width: int, height: int, t: float) -> None:
        if self._image.isNull():
            return
        scaled = self._image.scaled(
            width,
            height,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        painter.drawImage((width - scaled.width()) // 2, (height - scaled.height()) // 2, scaled)
