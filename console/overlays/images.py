"""Product pictures for the overlays: local files only, loaded once, cached by path.

Images in a show are show-relative paths (``images/cup.png``). The cache never touches the
network: an ``http(s)://`` reference that was not localised into the show folder, a missing or
unreadable file, all give ``None`` and the layer draws a neutral placeholder.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from console.qt.QtCore import Qt
from console.qt.QtGui import QImage

MAX_SIDE = 512  # loaded pictures are scaled down to this: overlays never draw them larger


class ImageCache:
    """``QImage`` per reference; ``preload`` at build time so paint rarely reads a file."""

    def __init__(self, base: Path) -> None:
        self.base = Path(base)
        self._lock = threading.Lock()
        self._images: dict[str, QImage | None] = {}
        self._scaled: dict[tuple[str, int, int], QImage] = {}
        self.loads = 0

    def resolve(self, ref: str) -> Path | None:
        """The local file for a show-relative reference, or None (URL, absolute, ``..``, missing).

        ``base`` may be the show folder (``images/cup.png`` is under it) or its ``images/``
        folder (then the reference's file name is looked up there)."""
        if not ref or ref.startswith(("http://", "https://")) or "\\" in ref:
            return None
        rel = PurePosixPath(ref)
        if rel.is_absolute() or ".." in rel.parts:
            return None
        for candidate in (self.base / rel, self.base.parent / rel, self.base / rel.name):
            if candidate.is_file():
                return candidate
        return None

    def get(self, ref: str) -> QImage | None:
        with self._lock:
            if ref in self._images:
                return self._images[ref]
        image = self._load(ref)
        with self._lock:
            self._images[ref] = image
        return image

    def preload(self, refs: Iterable[str]) -> None:
        for ref in refs:
            self.get(ref)

    def scaled(self, ref: str, width: int, height: int) -> QImage | None:
        """The picture cropped to fill ``width`` x ``height`` (cover), cached per size."""
        key = (ref, width, height)
        with self._lock:
            hit = self._scaled.get(key)
        if hit is not None:
            return hit
        image = self.get(ref)
        if image is None or width <= 0 or height <= 0:
            return None
        fill = image.scaled(
            width,
            height,
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        x, y = (fill.width() - width) // 2, (fill.height() - height) // 2
        out = fill.copy(x, y, width, height)
        with self._lock:
            if len(self._scaled) > 64:
                self._scaled.clear()
            self._scaled[key] = out
        return out

    def _load(self, ref: str) -> QImage | None:
        path = self.resolve(ref)
        if path is None:
            return None
        image = QImage(str(path))
        self.loads += 1
        if image.isNull():
            return None
        if max(image.width(), image.height()) > MAX_SIDE:
            image = image.scaled(
                MAX_SIDE,
                MAX_SIDE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
