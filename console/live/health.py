"""The health sampler: while live, a ``health.sample`` every few seconds for the report.

Its own thread (a daemon, stopped by :meth:`HealthSampler.stop`), so the window, the CLI and a
headless run journal the same samples. With ``audience`` (the hub's ``accounting()``) each
sample also carries, under ``"audience"``, where every audience event went by cause (accepted,
coalesced, sampled for the overlay, dropped by cause; cumulative), for the report's table.
Each sample is a ``RecordHealth`` command through the ShowController with the sampler's actor. A failing sample is logged; the stream goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from console.show.actor import Actor
from console.show.commands import RecordHealth

log = logging.getLogger(__name__)

HEALTH_SAMPLE_S = 5.0
HEALTH = Actor("health")


class HealthSampler:
    def __init__(
        self,
        controller: Any,
        stats: Callable[[], Any],
        interval_s: float = HEALTH_SAMPLE_S,
        actor: Actor = HEALTH,
        audience: Callable[[], dict[str, int] | None] | None = None,
    ) -> None:
        self.controller = controller
        self.stats = stats
        self.audience = audience
        self.interval_s = interval_s
        self.actor = actor
        self.samples = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="health-sampler", daemon=True)
        self._thread.start()

    def sample(self) -> bool:
        """Journal one sample now; False when there was nothing to sample or it failed."""
        from console.analytics.health import health_payload

        try:
            stats = self.stats()
            if stats is None:
                return False
            payload = health_payload(stats)
            accounting = self.audience() if self.audience is not None else None
            if accounting is not None:  # None: no hub running now
                payload["audience"] = {str(k): int(v) for k, v in accounting.items()}
            self.controller.execute(RecordHealth(payload), actor=self.actor)
        except Exception as exc:  # the stream must not stop for the journal
            log.warning("health sample not journaled: %s", exc)
            return False
        self.samples += 1
        return True

    def _run(self) -> None:
        """One sample at once (the start of the session), then every ``interval_s``."""
        while not self._stop.is_set():
            self.sample()
            if self._stop.wait(self.interval_s):
                return

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
