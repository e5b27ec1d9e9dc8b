"""The one media clock: video frame times and audio sample counts both derive from it."""

from __future__ import annotations

import time


class MediaClock:
    """Monotonic seconds since :meth:`start`; frame ``n`` is due at ``n / fps``."""

    def __init__(self, fps: int, sample_rate: int = 48_000) -> None:
        self.fps = fps
        self.sample_rate = sample_rate
        self._t0: float | None = None

    def start(self) -> None:
        self._t0 = time.monotonic()

    @property
    def started(self) -> bool:
        return self._t0 is not None

    def now(self) -> float:
        """Seconds of media time elapsed (0 before start)."""
        if self._t0 is None:
            return 0.0
        return time.monotonic() - self._t0

    def frame_time(self, n: int) -> float:
        return n / self.fps

    def frame_index(self, t: float) -> int:
        """The last frame whose time has come at media time ``t``."""
        return int(t * self.fps)

    def samples_until(self, t: float) -> int:
        """Audio samples that belong before media time ``t``."""
        return round(t * self.sample_rate)

    def wall_time(self, t: float) -> float:
        """The monotonic time at which media time ``t`` is due."""
        assert self._t0 is not None, "clock not started"
        return self._t0 + t
