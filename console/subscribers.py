"""One small helper for "call these back": a thread-safe list of callbacks.

``add(callback)`` returns the unsubscribe; :meth:`Subscribers.notify` calls each (outside the
lock, on the caller's thread) and logs one that raises, so the others still run. The audience
hub, the show controller, the phone panel, the pairing store, the connectors and the live
audience all use it instead of their own list and lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

C = TypeVar("C", bound=Callable[..., Any])


class Subscribers(Generic[C]):
    """Callbacks to call back; safe to add, remove and notify from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._callbacks: list[C] = []

    def add(self, callback: C) -> Callable[[], None]:
        """Subscribe ``callback``; the returned function unsubscribes it (twice is harmless)."""
        with self._lock:
            self._callbacks.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return remove

    def snapshot(self) -> list[C]:
        """The callbacks now, to call without holding the lock."""
        with self._lock:
            return list(self._callbacks)

    def __len__(self) -> int:
        with self._lock:
            return len(self._callbacks)

    def notify(self, *args: Any, logger: logging.Logger, what: str) -> int:
        """Call every callback with ``args``; one that raises is logged as ``what`` and the
        others still run. Returns how many raised."""
        failed = 0
        for callback in self.snapshot():
            try:
                callback(*args)
            except Exception:
                failed += 1
                logger.exception("%s %r failed", what, callback)
        return failed
