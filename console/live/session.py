"""LiveSession: one open show while it runs — engine, outputs, go-live policy, session journal.

Clients (the window, ``live-console stream / demo / run``, the control server) call it; none
of them builds outputs or writes the journal itself. Every change of the session is a
ShowController command with the client's :class:`~console.show.actor.Actor`:
``StartSession`` when the outputs have joined the encode, ``RecordHealth`` every 5 s while
live (:class:`~console.live.health.HealthSampler`), ``EndSession`` when they have been closed.

Calls that block (opening the engine, stopping outputs, the keyring) block the caller: the
window runs them in its workers. Callbacks (``on_state``, ``on_notice``, ``on_live``) are plain
callables called from whatever thread the event happened on; a window marshals them itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.live import golive
from console.live.engine import EngineFactory, EngineSpec, MediaEngine
from console.live.health import HEALTH_SAMPLE_S, HealthSampler
from console.live.outputs import (
    RECORDING,
    OutputFactory,
    OutputSpec,
    build_output,
    close_outputs,
    destination_specs,
    recording_path,
)
from console.live.recording import MappedRecorder
from console.live.resume import ResumeOffer, offer_for, target_of
from console.live.resume import resume as resume_session
from console.show.actor import Actor
from console.show.commands import EndSession, StartSession

log = logging.getLogger(__name__)

Notice = Callable[[str], None]


class LiveSession:
    """The running show. ``controller`` is an open ShowController (it holds the show's writer
    lock); ``engine_factory`` builds the media engine (injected: no Qt here)."""

    def __init__(
        self,
        controller: Any,
        *,
        engine_factory: EngineFactory | None = None,
        rehearsal: bool = True,
        output_factory: OutputFactory = build_output,
        on_state: Callable[[str, Any, str | None], None] | None = None,
        on_notice: Notice | None = None,
        on_live: Callable[[bool], None] | None = None,
        health_interval_s: float = HEALTH_SAMPLE_S,
        audience_refusal: Callable[[bool], str | None] | None = None,
        audience_accounting: Callable[[], dict[str, int] | None] | None = None,
    ) -> None:
        self._controller = controller
        self.engine_factory = engine_factory
        self.rehearsal = rehearsal
        self.output_factory = output_factory
        self.on_state = on_state
        self.on_notice = on_notice or (lambda text: log.warning("%s", text))
        self.on_live = on_live
        self.audience_refusal = audience_refusal
        self.engine: MediaEngine | None = None
        self.outputs: list[Any] = []
        self.recording: Path | None = None
        self.live_since: float | None = None
        self.mode = ""
        self._lock = threading.RLock()
        self._health = HealthSampler(
            controller, self.stats, health_interval_s, audience=audience_accounting
        )
        self._uplink: Any = None  # promotions held while every real destination is down

    # ---- state

    @property
    def controller(self) -> Any:
        return self._controller

    @controller.setter
    def controller(self, controller: Any) -> None:
        """The show (a window attaches it after it is built)."""
        self._controller = controller
        self._health.controller = controller

    @property
    def audience_accounting(self) -> Callable[[], dict[str, int] | None] | None:
        """The hub's ``accounting()``, journaled with each health sample (None: not sampled)."""
        return self._health.audience

    @audience_accounting.setter
    def audience_accounting(self, accounting: Callable[[], dict[str, int] | None] | None) -> None:
        self._health.audience = accounting

    @property
    def live(self) -> bool:
        return bool(self.outputs)

    def stats(self) -> Any:
        return self.engine.stats() if self.engine is not None else None

    def output_stats(self) -> list[Any]:
        return self.engine.output_stats() if self.engine is not None else []

    def set_rehearsal(self, on: bool) -> None:
        if self.live:
            raise UserError("Stop before switching between rehearsal and live.")
        self.rehearsal = bool(on)

    # ---- the engine

    def start_engine(self, spec: EngineSpec) -> MediaEngine:
        """Build and start the engine (blocks while devices and the encoder open)."""
        if self.engine is not None:
            raise UserError("the pipeline is already running: stop it first")
        if self.engine_factory is None:
            raise UserError("this console has no media engine")
        engine = self.engine_factory(spec)
        try:
            engine.start()
        except BaseException:
            engine.stop(3.0)
            raise
        self.engine = engine
        return engine

    def attach_engine(self, engine: MediaEngine | None) -> None:
        """Use an engine the client started itself (the window's previewing pipeline)."""
        self.engine = engine

    def stop_engine(self, timeout: float = 10.0, actor: Actor | None = None) -> None:
        """End the session (if live) and stop the engine."""
        if self.live:
            self.stop_live(actor or Actor("console"), reason="stopped")
        engine, self.engine = self.engine, None
        if engine is not None:
            engine.stop(timeout)

    # ---- going live

    def check(self, dests: list[Any], record: bool) -> golive.Refusal | None:
        """The checks before any key is fetched (one refusal, or None)."""
        if self.engine is None:
            return golive.Refusal(
                "not_running", "the pipeline is not running yet: wait for the preview"
            )
        reason = None
        if self.audience_refusal is not None:
            reason = self.audience_refusal(not golive.real_broadcast(self.rehearsal, dests))
        return golive.check(dests, rehearsal=self.rehearsal, record=record, audience_reason=reason)

    @staticmethod
    def fetch_keys(
        dests: list[Any],
        session_keys: dict[str, str] | None = None,
        find_key: Callable[[str], str | None] | None = None,
    ) -> dict[str, str | None]:
        """Each destination's key: kept in memory (``session_keys`` by key name) or the keyring
        (blocking: the window calls this in a worker)."""
        if find_key is None:
            from console.platforms.credentials import find_key as keyring_find

            find_key = keyring_find
        keys: dict[str, str | None] = {}
        for d in dests:
            key = (session_keys or {}).get(d.key_name)
            if key is None:
                try:
                    key = find_key(d.key_name)
                except UserError:
                    key = None
            keys[d.id] = key
        return keys

    def plan(
        self,
        dests: list[Any],
        keys: dict[str, str | None],
        record: bool,
        show_path: Path | None = None,
        now: float | None = None,
    ) -> golive.GoLivePlan:
        """Every check, the key warnings and the compliance findings (blocking: reads files)."""
        refusal = self.check(dests, record) or golive.missing_keys(dests, keys)
        if refusal is not None:
            return golive.GoLivePlan(refusal=refusal)
        return golive.GoLivePlan(
            destinations=list(dests),
            record=record,
            warnings=golive.key_warnings(dests, now),
            findings=golive.compliance(show_path),
        )

    def go_live(
        self,
        dests: list[Any],
        keys: dict[str, str | None],
        record: bool,
        actor: Actor,
        recording: Path | None = None,
        require_keys: bool = True,
        recording_reason: str = "start",
        details: dict[str, Any] | None = None,
    ) -> list[Any]:
        """Build every output (all or none: a bad URL raises before anything joins), join them
        to the encode, journal ``session.started`` with ``actor`` and start the health sampler."""
        with self._lock:
            if self.live:
                raise UserError("already live: stop first")
            refusal = self.check(dests, record)
            if refusal is None and require_keys:  # `stream --url` may carry the name itself
                refusal = golive.missing_keys(dests, keys)
            if refusal is not None:
                raise UserError(refusal.text)
            specs = destination_specs(dests, keys)
            if record:
                path = recording or recording_path("rehearsal" if self.rehearsal else "show")
                specs.append(OutputSpec(RECORDING, RECORDING, path=path, label="local recording"))
            outputs = [self.output_factory(spec, self.on_state) for spec in specs]
            # clips: the recording journals its journal <-> media mapping after session.started
            ready = threading.Event()
            if self.controller is not None:
                outputs = [
                    MappedRecorder(
                        o,
                        self.controller,
                        recording_reason,
                        ready,
                        self.on_notice,
                        media_epoch=getattr(self.engine, "media_epoch", None),
                    )
                    if s.kind == RECORDING
                    else o
                    for o, s in zip(outputs, specs, strict=True)
                ]
            assert self.engine is not None  # check() said so
            for out in outputs:
                self.engine.add_output(out)
            self.outputs = outputs
            self.recording = next((s.path for s in specs if s.kind == RECORDING), None)
            self.mode = "rehearsal" if self.rehearsal else "live"
            self.live_since = time.monotonic()
            self._journal(
                StartSession(
                    self.mode,
                    destinations=len(dests),
                    recording=bool(record),
                    details={"targets": [target_of(d) for d in dests], **(details or {})},
                ),
                actor,
            )
            ready.set()
            if self.controller is not None:
                self._health.start()
                self._start_uplink(dests)
        if self.on_live is not None:
            self.on_live(True)
        return outputs

    def stop_live(self, actor: Actor, reason: str = "") -> list[Any]:
        """Detach and close every output (blocks up to 5 s each), then journal
        ``session.ended`` with ``actor``. Returns the outputs it closed."""
        with self._lock:
            if not self.outputs:
                return []
            self._health.stop()
            self._stop_uplink()
            engine = self.engine
            if engine is not None:
                engine.remove_outputs()
            outputs, self.outputs = self.outputs, []
            close_outputs(outputs)
            self._journal(EndSession(self.mode or "rehearsal", reason=reason), actor)
            self.live_since = None
        if self.on_live is not None:
            self.on_live(False)
        return outputs

    # ---- crash resume (console/live/resume.py)

    def resume_offer(self, now: float | None = None) -> ResumeOffer | None:
        """The show's unfinished session (started, never ended: a crash), if any."""
        return offer_for(self.controller, now)

    def resume(
        self,
        offer: ResumeOffer,
        dests: list[Any],
        keys: dict[str, str | None],
        actor: Actor,
        recording: Path | None = None,
    ) -> list[Any]:
        """Go live again to the unfinished session's destinations; a rehearsal stays one."""
        return resume_session(self, offer, dests, keys, actor, recording)

    def reconnect_now(self, name: str) -> None:
        for out in self.outputs:
            if out.name == name and hasattr(out, "reconnect_now"):
                out.reconnect_now()

    def close(self, actor: Actor, timeout: float = 10.0, reason: str = "") -> None:
        """Clean stop: the engine stopped first (the encoder flushed, every output closed, the
        recording finalised), then ``session.ended`` journaled. The controller stays open
        (the caller closes it)."""
        was_live = self.live
        self._health.stop()
        self._stop_uplink()
        engine, self.engine = self.engine, None
        outputs, self.outputs = self.outputs, []
        try:
            if engine is not None:
                engine.stop(timeout)
            close_outputs(outputs)
        finally:
            if was_live:
                self._journal(EndSession(self.mode or "rehearsal", reason=reason), actor)
                self.live_since = None
                if self.on_live is not None:
                    self.on_live(False)

    def _start_uplink(self, dests: list[Any]) -> None:
        """Hold timed promotions while every real destination is down (docs/show.md). The
        recording is not real; in rehearsal a loopback server is (so a rehearsal holds too)."""
        from console.show.uplink_hold import (
            UplinkMonitor,
            UplinkWatcher,
            output_states,
            room_close_s,
        )

        close_s = min((room_close_s(getattr(d, "preset", "")) for d in dests), default=None)
        watcher = UplinkWatcher(self.controller, close_s, notify=self.on_notice)
        self._uplink = UplinkMonitor(
            watcher, lambda: output_states(self.output_stats(), (RECORDING,))
        )
        self._uplink.start()

    def _stop_uplink(self) -> None:
        uplink, self._uplink = self._uplink, None
        if uplink is not None:
            uplink.stop()

    def _journal(self, command: Any, actor: Actor) -> None:
        if self.controller is None:  # `live-console stream`: no show, nothing to journal
            return
        try:
            self.controller.execute(command, actor=actor)
        except Exception as exc:  # the stream must not stop for the journal
            log.warning("journal write %s failed: %s", command.name, exc)
            self.on_notice(f"journal write {command.name} failed: {exc}")
