"""The program preview: the newest composited frame, scaled aspect-correct in paintEvent.

Also the layout editor: overlay layers are selected, dragged and resized with the mouse
(normalized coordinates, so one layout serves every canvas size of an orientation), and
platform safe zones are drawn as a guide — only here, never into the stream.
"""

from __future__ import annotations

import collections
import time

import cv2
import numpy as np

from console.media.compositor import Layer, NormRect, VideoLayer
from console.qt.QtCore import QPointF, QRectF, QSize, Qt, Signal
from console.qt.QtGui import QBrush, QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from console.qt.QtWidgets import QSizePolicy, QWidget
from console.ui.session import MediaSession

HANDLE_PX = 9
MIN_NORM = 0.03


class PreviewWidget(QWidget):
    """Shows the program; edits overlay placement when ``edit_mode`` is on."""

    layer_selected = Signal(str)  # layer name, "" for none
    layout_changed = Signal()

    def __init__(self, session: MediaSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setMinimumSize(240, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._frame: np.ndarray | None = None
        self._image: QImage | None = None
        self._canvas_size = (720, 1280)
        self._unpainted = False
        self.frames_received = 0
        self.frames_painted = 0
        self.frames_dropped = 0  # replaced before they were painted (UI side)
        self._paint_times: collections.deque[float] = collections.deque(maxlen=60)
        self.edit_mode = True
        self.safe_zones: list[tuple[str, tuple[float, float, float, float]]] = []
        self.badge_text = ""
        self.selected = ""
        self._drag: tuple[str, QPointF, NormRect] | None = None  # (mode, start, rect at start)
        self.placeholder_text = ""
        session.preview.frame_available.connect(self._take_frame)

    # -- frames ----------------------------------------------------------------------------
    def _take_frame(self) -> None:
        frame = self.session.preview.take()
        if frame is None:
            return
        if self._unpainted:
            self.frames_dropped += 1
        self.frames_received += 1
        h, w = frame.shape[:2]
        self._canvas_size = (w, h)
        t = self.target_rect()
        dw, dh = (
            max(1, round(t.width() * self.devicePixelRatioF())),
            max(1, round(t.height() * self.devicePixelRatioF())),
        )
        if (dw, dh) != (w, h):  # scale here with OpenCV (~1 ms), not in paintEvent (~10 ms)
            frame = cv2.resize(
                frame, (dw, dh), interpolation=cv2.INTER_AREA if dw < w else cv2.INTER_LINEAR
            )
            h, w = dh, dw
        self._frame = frame  # keep the buffer alive while the QImage wraps it
        self._image = QImage(frame.data, w, h, w * 4, QImage.Format.Format_ARGB32_Premultiplied)
        self._unpainted = True
        self.update()

    @property
    def frames_superseded(self) -> int:
        """Frames dropped because a newer one came first (render side + UI side)."""
        return self.session.preview.superseded + self.frames_dropped

    def paint_fps(self) -> float:
        t = list(self._paint_times)
        if len(t) < 2 or t[-1] <= t[0]:
            return 0.0
        if time.monotonic() - t[-1] > 1.0:
            return 0.0
        return (len(t) - 1) / (t[-1] - t[0])

    def clear(self) -> None:
        self._frame = self._image = None
        self.update()

    # -- geometry --------------------------------------------------------------------------
    def canvas_size(self) -> tuple[int, int]:
        if self._image is not None:
            return self._canvas_size
        c = self.session.canvas
        return c.width, c.height

    def target_rect(self) -> QRectF:
        """Where the canvas is drawn in the widget (aspect kept, centred)."""
        cw, ch = self.canvas_size()
        w, h = self.width(), self.height()
        scale = min(w / cw, h / ch)
        dw, dh = cw * scale, ch * scale
        return QRectF((w - dw) / 2, (h - dh) / 2, dw, dh)

    def _to_widget(self, r: NormRect) -> QRectF:
        t = self.target_rect()
        return QRectF(
            t.x() + r.x * t.width(), t.y() + r.y * t.height(), r.w * t.width(), r.h * t.height()
        )

    def overlay_layers(self) -> list:
        return [lay for lay in self.session.scene.layers if not isinstance(lay, VideoLayer)]

    def _layer(self, name: str) -> Layer | None:
        for lay in self.overlay_layers():
            if lay.name == name:
                return lay
        return None

    def sizeHint(self) -> QSize:  # Qt override
        return QSize(420, 640)

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # Qt override
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#101216"))
        target = self.target_rect()
        if self._image is not None:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(target, self._image)
            self._unpainted = False
            self.frames_painted += 1
            self._paint_times.append(time.monotonic())
        else:
            p.fillRect(target, QColor("#1b1e24"))
            p.setPen(QColor("#8a93a3"))
            p.drawText(target, Qt.AlignmentFlag.AlignCenter, self.placeholder_text)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_safe_zones(p)
        if self.edit_mode:
            self._paint_layer_frames(p)
        if self.badge_text:
            self._paint_badge(p, target)
        p.end()

    def _paint_safe_zones(self, p: QPainter) -> None:
        if not self.safe_zones:
            return
        font = QFont(self.font())
        font.setPixelSize(11)
        p.setFont(font)
        for label, (x, y, w, h) in self.safe_zones:
            r = self._to_widget(NormRect(x, y, w, h))
            p.setPen(QPen(QColor(255, 196, 0, 200), 1, Qt.PenStyle.DashLine))
            p.setBrush(QBrush(QColor(255, 196, 0, 40), Qt.BrushStyle.BDiagPattern))
            p.drawRect(r)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QColor(255, 214, 90))
            p.drawText(
                r.adjusted(4, 2, -4, -2),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                label,
            )

    def _paint_layer_frames(self, p: QPainter) -> None:
        for lay in self.overlay_layers():
            r = self._to_widget(lay.rect)
            selected = lay.name == self.selected
            if not lay.visible and not selected:
                continue
            color = QColor("#4da3ff") if selected else QColor(255, 255, 255, 90)
            p.setPen(
                QPen(
                    color,
                    2 if selected else 1,
                    Qt.PenStyle.SolidLine if selected else Qt.PenStyle.DotLine,
                )
            )
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(r)
            if selected:
                p.setBrush(QColor("#4da3ff"))
                for c in self._corners(r):
                    p.drawRect(
                        QRectF(c.x() - HANDLE_PX / 2, c.y() - HANDLE_PX / 2, HANDLE_PX, HANDLE_PX)
                    )

    def _paint_badge(self, p: QPainter, target: QRectF) -> None:
        font = QFont(self.font())
        font.setPixelSize(12)
        font.setBold(True)
        p.setFont(font)
        fm = p.fontMetrics()
        w = fm.horizontalAdvance(self.badge_text) + 16
        r = QRectF(target.right() - w - 8, target.bottom() - 30, w, 22)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(245, 166, 35, 230))
        p.drawRoundedRect(r, 4, 4)
        p.setPen(QColor("#1a1a1a"))
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, self.badge_text)

    @staticmethod
    def _corners(r: QRectF) -> list[QPointF]:
        return [r.topLeft(), r.topRight(), r.bottomLeft(), r.bottomRight()]

    # -- mouse: select, drag, resize ---------------------------------------------------------
    def _hit(self, pos: QPointF) -> tuple[str, str] | None:
        """(layer name, mode) under ``pos``: mode is "move" or a corner "tl"/"tr"/"bl"/"br"."""
        sel = self._layer(self.selected)
        if sel is not None:
            r = self._to_widget(sel.rect)
            for mode, c in zip(("tl", "tr", "bl", "br"), self._corners(r)):
                if abs(pos.x() - c.x()) <= HANDLE_PX and abs(pos.y() - c.y()) <= HANDLE_PX:
                    return sel.name, mode
        for lay in reversed(self.overlay_layers()):  # topmost first
            if lay.visible and self._to_widget(lay.rect).contains(pos):
                return lay.name, "move"
        return None

    def select(self, name: str) -> None:
        if name != self.selected:
            self.selected = name
            self.layer_selected.emit(name)
            self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # Qt override
        if not self.edit_mode or event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        hit = self._hit(event.position())
        if hit is None:
            self.select("")
            return None
        name, mode = hit
        self.select(name)
        lay = self._layer(name)
        self._drag = (
            mode,
            event.position(),
            NormRect(lay.rect.x, lay.rect.y, lay.rect.w, lay.rect.h),
        )
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # Qt override
        if self._drag is None:
            if self.edit_mode:
                hit = self._hit(event.position())
                shape = Qt.CursorShape.ArrowCursor
                if hit is not None:
                    shape = {
                        "move": Qt.CursorShape.SizeAllCursor,
                        "tl": Qt.CursorShape.SizeFDiagCursor,
                        "br": Qt.CursorShape.SizeFDiagCursor,
                        "tr": Qt.CursorShape.SizeBDiagCursor,
                        "bl": Qt.CursorShape.SizeBDiagCursor,
                    }[hit[1]]
                self.setCursor(shape)
            return
        lay = self._layer(self.selected)
        if lay is None:
            return
        mode, start, r0 = self._drag
        t = self.target_rect()
        dx = (event.position().x() - start.x()) / max(1.0, t.width())
        dy = (event.position().y() - start.y()) / max(1.0, t.height())
        lay.rect = moved_rect(r0, mode, dx, dy)  # one assignment: the render thread sees old or new
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # Qt override
        if self._drag is not None:
            self._drag = None
            self.layout_changed.emit()
        super().mouseReleaseEvent(event)


def moved_rect(r: NormRect, mode: str, dx: float, dy: float) -> NormRect:
    """``r`` moved (mode "move") or resized by a corner, kept inside the canvas."""
    x0, y0, x1, y1 = r.x, r.y, r.x + r.w, r.y + r.h
    if mode == "move":
        dx = min(max(dx, -x0), 1 - x1)
        dy = min(max(dy, -y0), 1 - y1)
        return NormRect(x0 + dx, y0 + dy, r.w, r.h)
    if "l" in mode:
        x0 = min(max(0.0, x0 + dx), x1 - MIN_NORM)
    if "r" in mode:
        x1 = max(min(1.0, x1 + dx), x0 + MIN_NORM)
    if "t" in mode:
        y0 = min(max(0.0, y0 + dy), y1 - MIN_NORM)
    if "b" in mode:
        y1 = max(min(1.0, y1 + dy), y0 + MIN_NORM)
    return NormRect(x0, y0, x1 - x0, y1 - y0)
