"""Durations as the console writes them: ``m:ss``, from one hour ``h:mm:ss`` (one function).

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
