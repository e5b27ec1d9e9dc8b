"""A moving test pattern with a frame counter and a running clock, so motion and time show."""

from __future__ import annotations

import datetime as _dt

import cv2
import numpy as np

# SMPTE-like bar colours, BGRA.
_BARS = [
    (192, 192, 192),
    (0, 192, 192),
    (192, 192, 0),
    (0, 192, 0),
    (192, 0, 192),
    (0, 0, 192),
    (192, 0, 0),
]


class TestPatternSource:
    """Scrolling colour bars, a bouncing box, the frame number and the wall clock."""

    __test__ = False  # not a pytest class

    error: str | None = None
    opaque = True  # every pixel drawn with alpha 255: the compositor need not set it

    def __init__(self, width: int = 720, height: int = 1280, fps: int = 30) -> None:
        self.name = "testpattern"
        self.width, self.height, self.fps = width, height, fps
        bar_w = max(1, width // len(_BARS))
        strip = np.zeros((height, bar_w * len(_BARS), 4), np.uint8)
        for i, (b, g, r) in enumerate(_BARS):
            strip[:, i * bar_w : (i + 1) * bar_w] = (b, g, r, 255)
        # Lower third: a grey ramp, so scaling and colour conversion problems show.
        ramp = np.linspace(0, 255, strip.shape[1], dtype=np.uint8)
        lower = height * 3 // 4
        strip[lower:, :, 0] = ramp
        strip[lower:, :, 1] = ramp
        strip[lower:, :, 2] = ramp
        reps = -(-2 * width // strip.shape[1]) + 1
        self._tape = np.ascontiguousarray(np.tile(strip, (1, reps, 1)))
        self._period = strip.shape[1]
        self._buf = [np.empty((height, width, 4), np.uint8) for _ in range(2)]
        self._which = 0
        self._scale = max(0.6, width / 360)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def frame(self, t: float) -> np.ndarray:
        n = int(round(t * self.fps))
        out = self._buf[self._which]
        self._which ^= 1
        shift = int(t * self.width / 4) % self._period
        out[:] = self._tape[:, shift : shift + self.width]
        h, w = self.height, self.width
        box = max(16, w // 8)
        span_x, span_y = w - box, h // 2 - box
        x = int(abs((t * w / 3) % (2 * span_x) - span_x))
        y = h // 8 + int(abs((t * h / 5) % (2 * span_y) - span_y))
        cv2.rectangle(out, (x, y), (x + box, y + box), (255, 255, 255, 255), -1)
        clock = _dt.datetime.now().strftime("%H:%M:%S.%f")[:-3]
        s = self._scale
        th = int(2 * s)
        band_y = h * 5 // 8
        cv2.rectangle(out, (0, band_y - int(40 * s)), (w, band_y + int(40 * s)), (0, 0, 0, 255), -1)
        cv2.putText(
            out,
            f"#{n:06d}",
            (int(10 * s), band_y - int(6 * s)),
            cv2.FONT_HERSHEY_SIMPLEX,
            s,
            (255, 255, 255, 255),
            th,
            cv2.LINE_AA,
        )
        cv2.putText(
            out,
            f"{t:.3f}s  {clock}",
            (int(10 * s), band_y + int(30 * s)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.8 * s,
            (0, 255, 255, 255),
            th,
            cv2.LINE_AA,
        )
        # OpenCV's anti-aliased text blends alpha too: make the text band opaque again (a band,
        # not the whole frame, so the compositor can skip its full-frame alpha pass)
        out[max(0, band_y - int(40 * s)) : band_y + int(40 * s), :, 3] = 255
        return out
