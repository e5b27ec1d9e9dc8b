"""Blocking work off the UI thread: ``BackgroundTasks.run(fn, on_done, on_error)``.

The function runs on a QThreadPool worker; its result (or exception) comes back to the UI
thread through a queued signal of a small QObject that lives in the UI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from console.qt.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # handed to the UI thread
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class BackgroundTasks(QObject):
    """Runs blocking calls (device probes, keyring, pipeline start/stop) on a private pool."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()
        self._lock = threading.Lock()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        relay = _Relay(self)  # lives in the UI thread: its signals arrive there, queued
        self._relays.add(relay)

        def finished() -> None:
            self._relays.discard(relay)
            relay.deleteLater()

        def done(result: Any) -> None:
            finished()
            if on_done is not None:
                on_done(result)

        def error(exc: BaseException) -> None:
            finished()
            if on_error is not None:
                on_error(exc)
            else:
                log.error("background task failed: %r", exc)

        relay.succeeded.connect(done)
        relay.failed.connect(error)
        self._pool.start(_Job(fn, relay))

    @property
    def pending(self) -> int:
        return len(self._relays)

    def wait(self, timeout_ms: int = 15000) -> bool:
        """Block until every job has run (only for shutdown and tests)."""
        return self._pool.waitForDone(timeout_ms)
