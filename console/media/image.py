"""``image:PATH`` — a still picture (PNG/JPEG, alpha kept), loaded once, shown as BGRA."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from console.errors import UserError


def load_image_bgra(path: str | Path) -> np.ndarray:
    """Read a PNG/JPEG (any path, non-ASCII included) as BGRA ``uint8`` (h, w, 4).

    Alpha is kept when the file has it, otherwise opaque. JPEGs are turned upright per their
    EXIF orientation, as phones and cameras expect. Raises ``UserError`` for a missing or
    unreadable file.
    """
    p = Path(path)
    if not p.is_file():
        raise UserError(f"image file not found: {p} — check the path")
    try:
        # np.fromfile + imdecode rather than imread: imread cannot open non-ASCII paths on Windows
        data = np.fromfile(str(p), dtype=np.uint8)
    except OSError as e:
        reason = e.strerror or str(e)
        raise UserError(f"cannot read image {p}: {reason} — check the file's permissions") from e
    img: np.ndarray | None = None
    if data.size:
        jpeg = data[:3].tobytes() == b"\xff\xd8\xff"
        # JPEG has no alpha; IMREAD_COLOR applies the EXIF orientation, UNCHANGED would not
        flags = cv2.IMREAD_COLOR if jpeg else cv2.IMREAD_UNCHANGED
        try:
            img = cv2.imdecode(data, flags)
        except cv2.error:
            img = None
    if img is None:
        raise UserError(
            f"cannot read image {p}: not a PNG/JPEG image — export it as PNG or JPEG and try again"
        )
    return to_bgra(img)


def to_bgra(img: np.ndarray) -> np.ndarray:
    """Any decoded image (gray, gray+alpha, BGR, BGRA; 8 or 16 bit) as contiguous BGRA uint8."""
    if img.dtype == np.uint16:
        img = (img >> 8).astype(np.uint8)
    elif img.dtype != np.uint8:
        img = np.clip(img * 255.0 if img.dtype.kind == "f" else img, 0, 255).astype(np.uint8)
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGRA)
    channels = img.shape[2]
    if channels == 1:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGRA)
    if channels == 2:  # gray + alpha
        out = cv2.cvtColor(np.ascontiguousarray(img[:, :, 0]), cv2.COLOR_GRAY2BGRA)
        out[:, :, 3] = img[:, :, 1]
        return out
    if channels == 3:
        return cv2.cvtColor(img, cv2.COLOR_BGR2BGRA)
    return np.ascontiguousarray(img[:, :, :4])


class ImageSource:
    """A still image. Loaded once, in the constructor, so a bad path fails before going live.

    ``frame()`` returns the same array every time; callers must not modify it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = f"image:{self.path}"
        self.error: str | None = None
        self._image = load_image_bgra(self.path)
        self._i420: dict[tuple[int, int], np.ndarray] = {}

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        h, w = self._image.shape[:2]
        return w, h

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def frame(self, t: float) -> np.ndarray | None:
        return self._image

    def frame_i420(self, t: float, size: tuple[int, int]) -> np.ndarray | None:
        """The image covering ``size`` (centre-cropped, scaled) as I420, converted once per
        size: the compositor's fast path (no per-frame copy and colour conversion)."""
        cached = self._i420.get(size)
        if cached is None:
            w, h = size
            ih, iw = self._image.shape[:2]
            scale = max(w / iw, h / ih)
            cw, ch = min(iw, round(w / scale)), min(ih, round(h / scale))
            cx, cy = (iw - cw) // 2, (ih - ch) // 2
            src = self._image[cy : cy + ch, cx : cx + cw]
            if (cw, ch) != (w, h):
                src = cv2.resize(src, (w, h), interpolation=cv2.INTER_LINEAR)
            cached = cv2.cvtColor(np.ascontiguousarray(src), cv2.COLOR_BGRA2YUV_I420)
            cached.flags.writeable = False
            self._i420[size] = cached
        return cached
