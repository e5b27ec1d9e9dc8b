"""The small interfaces every video and audio source implements."""

from __future__ import annotations

from typing import Protocol

import numpy as np

SAMPLE_RATE = 48_000
CHANNELS = 2


class VideoSource(Protocol):
    """Gives the render loop a picture; never blocks it.

    ``frame(t)`` returns the picture to show at media-clock time ``t`` (seconds since the
    pipeline started) as a BGRA ``uint8`` array of shape (h, w, 4), or ``None`` when the source
    has nothing (not started yet, or lost: ``error`` then says why).
    """

    name: str
    error: str | None

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def frame(self, t: float) -> np.ndarray | None: ...


class AudioSource(Protocol):
    """Gives the mixer samples; never blocks it.

    ``read(n)`` returns exactly ``n`` frames of float32 stereo at 48 kHz, shape (n, 2), padding
    with silence when the device is short (and counting the underrun).
    """

    name: str
    error: str | None

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def read(self, frames: int) -> np.ndarray: ...
