"""The compositor: a scene of ordered layers drawn onto one canvas buffer shared by numpy and Qt.

Layers are painted into cached premultiplied images only when their content key changes; the
per-frame work is copying the video picture into the canvas and blending the cached layers.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from console.errors import UserError
from console.media.sources import VideoSource

CANVAS_SIZES: dict[str, tuple[int, int]] = {
    "720x1280": (720, 1280),
    "1080x1920": (1080, 1920),
    "1280x720": (1280, 720),
    "1920x1080": (1920, 1080),
}


def parse_canvas(text: str) -> tuple[int, int]:
    """Parse a canvas size such as ``720x1280``; only the supported sizes are accepted."""
    size = CANVAS_SIZES.get(text.strip().lower())
    if size is None:
        raise UserError(
            f"unsupported canvas '{text}': use one of {', '.join(CANVAS_SIZES)} (portrait or landscape)"
        )
    return size


@dataclass
class NormRect:
    """A rectangle in canvas-relative units (0..1)."""

    x: float = 0.0
    y: float = 0.0
    w: float = 1.0
    h: float = 1.0

    def to_pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        x0 = round(self.x * width)
        y0 = round(self.y * height)
        x1 = round((self.x + self.w) * width)
        y1 = round((self.y + self.h) * height)
        x0, x1 = max(0, min(width, x0)), max(0, min(width, x1))
        y0, y1 = max(0, min(height, y0)), max(0, min(height, y1))
        return x0, y0, x1 - x0, y1 - y0


class Layer(Protocol):
    """An overlay drawn with QPainter into a cached image, repainted when ``content_key`` changes."""

    name: str
    rect: NormRect
    visible: bool

    def content_key(self, t: float) -> Hashable: ...

    def paint(self, painter: QPainter, width: int, height: int, t: float) -> None: ...


class VideoLayer:
    """A video source drawn into its rectangle (cover or contain), with a placeholder card."""

    def __init__(
        self, source: VideoSource, rect: NormRect | None = None, fit: str = "cover"
    ) -> None:
        self.name = source.name
        self.source = source
        self.rect = rect or NormRect()
        self.fit = fit
        self.visible = True
        self.placeholder_frames = 0

    def set_source(self, source: VideoSource) -> None:
        self.source = source
        self.name = source.name


class Scene:
    """An ordered list of layers, bottom first. Thread-safe: the UI edits, the render loop reads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._layers: list[VideoLayer | Layer] = []

    def add(self, layer: VideoLayer | Layer, index: int | None = None) -> None:
        with self._lock:
            if index is None:
                self._layers.append(layer)
            else:
                self._layers.insert(index, layer)

    def remove(self, layer: VideoLayer | Layer) -> None:
        with self._lock:
            self._layers.remove(layer)

    def move(self, layer: VideoLayer | Layer, index: int) -> None:
        with self._lock:
            self._layers.remove(layer)
            self._layers.insert(index, layer)

    @property
    def layers(self) -> list[VideoLayer | Layer]:
        with self._lock:
            return list(self._layers)

    def video_layers(self) -> list[VideoLayer]:
        return [lay for lay in self.layers if isinstance(lay, VideoLayer)]


class _Cached:
    __slots__ = ("key", "size", "image")

    def __init__(self, key: Hashable, size: tuple[int, int], image: QImage) -> None:
        self.key, self.size, self.image = key, size, image


PLACEHOLDER_TEXT = "马上回来 · Back soon"


class Compositor:
    """Renders a :class:`Scene` at media time ``t`` into a BGRA canvas owned by the compositor."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._canvas = np.zeros((height, width, 4), np.uint8)
        self._canvas[..., 3] = 255
        # Format_ARGB32_Premultiplied is B,G,R,A in memory on little-endian machines: the same
        # bytes numpy and OpenCV see as BGRA. The QImage wraps the buffer, no copy.
        self._qimage = QImage(
            self._canvas.data, width, height, width * 4, QImage.Format.Format_ARGB32_Premultiplied
        )
        self._cache: dict[int, _Cached] = {}
        self._placeholders: dict[tuple[int, int], np.ndarray] = {}
        self.repaints = 0

    @property
    def canvas(self) -> np.ndarray:
        return self._canvas

    def render(self, scene: Scene, t: float) -> np.ndarray:
        canvas = self._canvas
        layers = scene.layers
        first = layers[0] if layers else None
        if not (isinstance(first, VideoLayer) and first.visible and first.rect == NormRect()):
            canvas[:] = (0, 0, 0, 255)
        painter: QPainter | None = None
        try:
            for layer in layers:
                if not layer.visible:
                    continue
                if isinstance(layer, VideoLayer):
                    if painter is not None:  # keep z-order: finish Qt drawing before numpy writes
                        painter.end()
                        painter = None
                    self._draw_video(layer, t)
                    continue
                image = self._cached_image(layer, t)
                if image is None:
                    continue
                if painter is None:
                    painter = QPainter(self._qimage)
                x, y, _, _ = layer.rect.to_pixels(self.width, self.height)
                painter.drawImage(x, y, image)
        finally:
            if painter is not None:
                painter.end()
        return canvas

    def _cached_image(self, layer: Layer, t: float) -> QImage | None:
        _, _, w, h = layer.rect.to_pixels(self.width, self.height)
        if w <= 0 or h <= 0:
            return None
        key = layer.content_key(t)
        cached = self._cache.get(id(layer))
        if cached is None or cached.key != key or cached.size != (w, h):
            image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            p = QPainter(image)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            try:
                layer.paint(p, w, h, t)
            finally:
                p.end()
            cached = _Cached(key, (w, h), image)
            self._cache[id(layer)] = cached
            self.repaints += 1
        return cached.image

    def _draw_video(self, layer: VideoLayer, t: float) -> None:
        x, y, w, h = layer.rect.to_pixels(self.width, self.height)
        if w <= 0 or h <= 0:
            return
        target = self._canvas[y : y + h, x : x + w]
        frame = layer.source.frame(t)
        if frame is None:
            layer.placeholder_frames += 1
            target[:] = self._placeholder(w, h)
            return
        fh, fw = frame.shape[:2]
        if layer.fit == "cover":
            scale = max(w / fw, h / fh)
            cw, ch = min(fw, round(w / scale)), min(fh, round(h / scale))
            cx, cy = (fw - cw) // 2, (fh - ch) // 2
            src = frame[cy : cy + ch, cx : cx + cw]
            if (cw, ch) == (w, h):
                target[:] = src
            else:
                target[:] = cv2.resize(src, (w, h), interpolation=cv2.INTER_LINEAR)
        else:  # contain: letterbox
            scale = min(w / fw, h / fh)
            dw, dh = max(1, round(fw * scale)), max(1, round(fh * scale))
            target[:] = (0, 0, 0, 255)
            ox, oy = (w - dw) // 2, (h - dh) // 2
            resized = (
                frame
                if (dw, dh) == (fw, fh)
                else cv2.resize(frame, (dw, dh), interpolation=cv2.INTER_AREA)
            )
            target[oy : oy + dh, ox : ox + dw] = resized
        if frame.shape[2] == 4:
            target[..., 3] = 255

    def _placeholder(self, w: int, h: int) -> np.ndarray:
        card = self._placeholders.get((w, h))
        if card is None:
            card = np.zeros((h, w, 4), np.uint8)
            image = QImage(card.data, w, h, w * 4, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(QColor(24, 26, 34))
            p = QPainter(image)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            font = QFont()
            font.setPixelSize(max(14, min(w, h) // 12))
            font.setBold(True)
            p.setFont(font)
            p.setPen(QColor(240, 240, 240))
            p.drawText(QRect(0, 0, w, h), Qt.AlignmentFlag.AlignCenter, PLACEHOLDER_TEXT)
            p.end()
            self._placeholders[(w, h)] = card
        return card


def bgra_to_i420(canvas: np.ndarray) -> np.ndarray:
    """Convert a BGRA canvas to a planar I420 array, shape (h * 3 / 2, w), via OpenCV."""
    return cv2.cvtColor(canvas, cv2.COLOR_BGRA2YUV_I420)
