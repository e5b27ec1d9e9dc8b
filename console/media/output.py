"""The output side: anything that takes the encoded FLV tags (an RTMP destination, a recording)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from console.media.flv import FlvTag


class OutputState(Enum):
    OFFLINE = 1
    CONNECTING = 2
    LIVE = 3
    RECONNECTING = 4
    ENDED = 5
    FAILED = 6


@dataclass
class OutputStats:
    """A snapshot of one output's counters, safe to hand to another thread."""

    name: str
    state: OutputState
    error: str | None = None
    bytes_sent: int = 0
    bytes_acked: int = 0
    tags_sent: int = 0
    queued_ms: int = 0
    bitrate_kbps: float = 0.0
    dropped: dict[str, int] = field(default_factory=dict)
    # Reconnect (RtmpPublisher): successful reconnects so far; while RECONNECTING, seconds
    # since the connection was lost, attempts made in this outage and seconds to the next one.
    # ``error`` then holds why the connection was lost (the state is not FAILED).
    reconnects: int = 0
    lost_for_s: float = 0.0
    reconnect_attempts: int = 0
    next_retry_s: float | None = None
    # Link estimate (RtmpPublisher, from the server's acknowledgements): the usable rate
    # measured while the link was the bottleneck (None: not measured lately), how sure it is
    # (0…1), the last confident estimate, and whether the socket holds more than the link takes.
    network: bool = False  # a network destination (adaptive bitrate looks only at these)
    link_bps: int | None = None
    link_confidence: float = 0.0
    link_last_good_bps: int | None = None
    backlogged: bool = False
    unacked_bytes: int = 0


class DropCounter:
    """Thread-safe drop counts by cause."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, cause: str, n: int = 1) -> None:
        with self._lock:
            self._counts[cause] += n

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())


StateCallback = Callable[[str, OutputState, "str | None"], None]


class Output(Protocol):
    """Receives every tag of the one encode. ``send`` never blocks the caller."""

    name: str

    def start(self) -> None: ...

    def send(self, tag: FlvTag) -> None: ...

    def stop(self, timeout: float = 5.0) -> None: ...

    def stats(self) -> OutputStats: ...
