"""Durations as the console writes them: ``m:ss``, from one hour ``h:mm:ss`` (:func:`hms`), and
a time left as ``2d 3h`` / ``5h 07m`` / ``42m`` (:func:`format_left`).

Callers round as they mean it (elapsed time down, a countdown up, a clip's length to the
nearest second) and pass whole seconds.
"""

from __future__ import annotations


def hms(seconds: float, *, always_hours: bool = False, pad_minutes: bool = False) -> str:
    """``125`` → ``2:05``; ``3725`` → ``1:02:05``.

    ``always_hours`` writes the hours under an hour too (``0:02:05``: a live clock);
    ``pad_minutes`` writes two-digit minutes under an hour (``02:05``: the overlays'
    countdowns). Negative values count as 0; fractions are cut off.
    """
    h, rest = divmod(max(0, int(seconds)), 3600)
    m, s = divmod(rest, 60)
    if h or always_hours:
        return f"{h}:{m:02d}:{s:02d}"
    return f"{m:02d}:{s:02d}" if pad_minutes else f"{m}:{s:02d}"


def format_left(seconds: float) -> str:
    """``2d 3h``, ``5h 07m``, ``42m``: how long until (or since) a key expires."""
    s = int(abs(seconds))
    if s >= 86400:
        return f"{s // 86400}d {s % 86400 // 3600}h"
    if s >= 3600:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 60}m"
