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

from console.errors import UserError
from console.media.sources import VideoSource
from console.qt.QtCore import QRect, Qt
from console.qt.QtGui import QColor, QFont, QImage, QPainter

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
    __slots__ = ("key", "size", "image", "yuva")

    def __init__(self, key: Hashable, size: tuple[int, int], image: QImage) -> None:
        self.key, self.size, self.image = key, size, image
        self.yuva: _Yuva | None = None  # the image as premultiplied YUV + alpha, made on use


class _Yuva:
    """A cached overlay as premultiplied I420 planes and inverse alpha, at an even position.

    Only the bounding box of its visible pixels is kept (``empty`` when there are none), so a
    frame blends only where the overlay shows.
    """

    __slots__ = ("pos", "x", "y", "w", "h", "y_plane", "y_inv", "u", "v", "c_inv", "empty")

    def __init__(self, image: QImage, x: int, y: int) -> None:
        self.pos = (x, y)
        w, h = image.width(), image.height()
        bgra = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
        bgra = bgra.reshape(h, image.bytesPerLine())[:, : w * 4].reshape(h, w, 4)
        alpha = bgra[..., 3]
        rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
        self.empty = not len(rows)
        if self.empty:
            return
        # The visible box on the canvas, widened to even edges (I420 chroma is per 2x2 block).
        x0, y0 = (x + int(cols[0])) & ~1, (y + int(rows[0])) & ~1
        x1, y1 = x + int(cols[-1]) + 1, y + int(rows[-1]) + 1
        x1, y1 = x1 + (x1 & 1), y1 + (y1 & 1)
        box = np.zeros((y1 - y0, x1 - x0, 4), np.uint8)
        sx0, sy0 = max(0, x0 - x), max(0, y0 - y)
        sx1, sy1 = min(w, x1 - x), min(h, y1 - y)
        box[sy0 + y - y0 : sy1 + y - y0, sx0 + x - x0 : sx1 + x - x0] = bgra[sy0:sy1, sx0:sx1]
        self.x, self.y, self.w, self.h = x0, y0, x1 - x0, y1 - y0
        # cvtColor adds the offsets (16 for Y, 128 for U/V) to every pixel; a premultiplied
        # pixel carries them only in proportion to its alpha: take the rest back out.
        yuv = cv2.cvtColor(box, cv2.COLOR_BGRA2YUV_I420)
        hh, ww = self.h, self.w
        inv = (255 - box[..., 3]).astype(np.uint16)
        y_plane = yuv[:hh].astype(np.int16) - ((16 * inv + 127) // 255).astype(np.int16)
        self.y_plane = np.clip(y_plane, 0, 255).astype(np.uint8)
        self.y_inv = inv.astype(np.uint8)
        # cvtColor samples chroma at each block's top-left pixel: its alpha goes with it
        c_inv = inv[::2, ::2]
        c_off = ((128 * c_inv + 127) // 255).astype(np.int16)
        _, u_plane, v_plane = i420_planes(yuv, ww, hh)
        u = u_plane.astype(np.int16) - c_off
        v = v_plane.astype(np.int16) - c_off
        self.u = np.clip(u, 0, 255).astype(np.uint8)
        self.v = np.clip(v, 0, 255).astype(np.uint8)
        self.c_inv = c_inv.astype(np.uint8)

    def blend(self, y: np.ndarray, u: np.ndarray, v: np.ndarray) -> None:
        """out = overlay + (1 - alpha) * picture, in place, inside the visible box only."""
        if self.empty:
            return
        x, yy, w, h = self.x, self.y, self.w, self.h
        for plane, src, inv, (px, py, pw, ph) in (
            (y, self.y_plane, self.y_inv, (x, yy, w, h)),
            (u, self.u, self.c_inv, (x // 2, yy // 2, w // 2, h // 2)),
            (v, self.v, self.c_inv, (x // 2, yy // 2, w // 2, h // 2)),
        ):
            region = plane[py : py + ph, px : px + pw]
            cv2.add(cv2.multiply(region, inv, scale=1 / 255), src, dst=region)


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
        self._last_i420: np.ndarray | None = None
        self.repaints = 0

    @property
    def canvas(self) -> np.ndarray:
        """The last picture made, as BGRA (after :meth:`render_i420`: converted on access)."""
        if self._last_i420 is not None:
            return cv2.cvtColor(self._last_i420, cv2.COLOR_YUV2BGRA_I420)
        return self._canvas

    def render(self, scene: Scene, t: float) -> np.ndarray:
        self._last_i420 = None
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

    def render_i420(self, scene: Scene, t: float) -> np.ndarray:
        """The scene as a new planar I420 array (h * 3/2, w), composited in YUV.

        When the bottom layer is the only picture, fills the canvas (``cover``) and its source
        offers ``frame_i420(t, (w, h))`` (the picture as I420 covering that size, or None), the
        picture is taken as the source has it (a file: straight from the decoder; an image:
        converted once) and the overlays are blended in YUV from premultiplied planes made once
        per content change, only inside their visible boxes: no full-frame BGRA round trip.
        Anything else is drawn as :meth:`render` draws it and converted once. The array may be
        the source's own (no overlay to blend): read it, never write it.
        """
        layers = [layer for layer in scene.layers if layer.visible]
        overlays = layers[1:]
        w, h = self.width, self.height
        out: np.ndarray | None = None
        first = layers[0] if layers else None
        if (
            not any(isinstance(layer, VideoLayer) for layer in overlays)
            and isinstance(first, VideoLayer)
            and first.rect == NormRect()
            and first.fit == "cover"
        ):
            get = getattr(first.source, "frame_i420", None)
            yuv = get(t, (w, h)) if get is not None else None
            if yuv is not None and yuv.shape == (h * 3 // 2, w):
                out = yuv.copy() if overlays else yuv
        if out is None:
            # A BGRA picture (test pattern, camera, a file that does not fill the canvas): Qt's
            # blend in BGRA then one conversion is cheaper than converting then blending in YUV
            # (docs/benchmarks.md, "Media path").
            return bgra_to_i420(self.render(scene, t))
        if overlays:
            planes = i420_planes(out, w, h)
            for layer in overlays:
                cached = self._cached(layer, t)
                if cached is None:
                    continue
                x, y, _, _ = layer.rect.to_pixels(w, h)
                if cached.yuva is None or cached.yuva.pos != (x, y):
                    cached.yuva = _Yuva(cached.image, x, y)
                cached.yuva.blend(*planes)
        self._last_i420 = out
        return out

    def _cached_image(self, layer: Layer, t: float) -> QImage | None:
        cached = self._cached(layer, t)
        return cached.image if cached is not None else None

    def _cached(self, layer: Layer, t: float) -> _Cached | None:
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
        return cached

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
        if frame.shape[2] == 4 and not getattr(layer.source, "opaque", False):
            target[..., 3] = 255  # a source that says its alpha is all 255 is spared this pass

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


def i420_planes(i420: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of the Y (h, w), U and V (h/2, w/2) planes of a contiguous I420 array."""
    flat = i420.reshape(-1)
    q = w * h // 4
    return (
        flat[: w * h].reshape(h, w),
        flat[w * h : w * h + q].reshape(h // 2, w // 2),
        flat[w * h + q : w * h + 2 * q].reshape(h // 2, w // 2),
    )


def bgra_to_i420(canvas: np.ndarray) -> np.ndarray:
    """Convert a BGRA canvas to a planar I420 array, shape (h * 3 / 2, w), via OpenCV."""
    return cv2.cvtColor(canvas, cv2.COLOR_BGRA2YUV_I420)
