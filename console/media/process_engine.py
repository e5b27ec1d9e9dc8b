"""ProcessEngine: the media engine (render, encode, send, record) in a process of its own.

A chat flood, a garbage-collector pass, a slow fsync or a busy UI thread in the console's process
then cannot stall a frame: they do not share an interpreter lock with the render thread. The
child (``console/media/engine_worker.py``, started with the ``spawn`` method — never ``fork``:
Qt and threads) runs a :class:`~console.media.live_engine.PipelineEngine`; this object implements
the live core's ``MediaEngine`` protocol by talking to it over one ``Pipe``.

parent → child: the ``EngineSpec`` and the overlay plan at start; calls (outputs by
:class:`~console.live.outputs.OutputSpec`, placements, source switches, preview on/off); the
overlay state — ``ShowState`` snapshots and the last :data:`CHAT_LINES` chat lines, sent by a
pump thread at ≤ :data:`STATE_HZ` only when they changed (newest wins; how many changes were
folded is counted).

child → parent: replies; stats (≤ 4 Hz, newest wins, with the media epoch); output state changes
and first-keyframe notes of the recording (bounded queue, drops counted); preview frames in a
``multiprocessing.shared_memory`` double buffer with a sequence number (never pickled).

Outputs are :class:`OutputProxy` objects (:func:`process_output_factory` is the ``OutputFactory``
to hand to ``LiveSession``): ``stats()``, ``state``, ``stop()`` mirror the child's real
publisher or recorder. Keys cross the pipe only, and are never logged.

A child that dies (pipe EOF; its exit code from ``Process.sentinel``) is reported as one notice
and started again with the same spec; the outputs are re-added (publishers reconnect as after a
network loss; the recording goes on in a new file, ``NAME (2).flv``, journaled with reason
``restart``). Past :data:`MAX_RESTARTS` in a minute it stays down and ``stats().error`` says so.
The parent gone → the child sees EOF, stops its encode and finalises the recording.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import itertools
import logging
import multiprocessing
import threading
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import shared_memory
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.live.engine import EngineSpec, Placement
from console.live.outputs import RECORDING, OutputSpec, StateCallback
from console.media.output import OutputState, OutputStats

log = logging.getLogger(__name__)

STATE_HZ = 10.0  # overlay state crosses at most this often (newest wins)
CHAT_LINES = 12  # the chat overlay shows 6; a few more for retractions
MAX_RESTARTS = 5  # in RESTART_WINDOW_S; past that the engine stays down
RESTART_WINDOW_S = 60.0
CALL_TIMEOUT_S = 30.0
START_TIMEOUT_S = 60.0  # a spawned interpreter imports PyAV, Qt and numpy first


@dataclass(frozen=True)
class OverlayPlan:
    """How the child builds its overlay layers: ``builder(mirror, spec, **kwargs)``, a module-level
    function (pickled by name) given a :class:`~console.media.engine_worker.StateMirror`."""

    builder: Callable[..., list[Any]]
    kwargs: dict[str, Any] = field(default_factory=dict)


class OutputProxy:
    """The parent's handle on an output that lives in the media process."""

    def __init__(self, spec: OutputSpec, on_state: StateCallback | None = None) -> None:
        self.spec = spec
        self.name = spec.name
        self.on_state = on_state
        self.state = OutputState.OFFLINE
        self.error: str | None = None
        self._stats: OutputStats | None = None
        self._engine: ProcessEngine | None = None
        self._cond = threading.Condition()

    def __repr__(self) -> str:  # never the key
        return f"OutputProxy({self.name!r}, {self.spec.kind!r})"

    @property
    def path(self) -> Path | None:
        return self.spec.path

    # what an Output is asked (the real one is in the child)
    def start(self) -> None:
        pass

    def send(self, tag: Any) -> None:
        pass

    def stats(self) -> OutputStats:
        with self._cond:
            if self._stats is not None:
                return dataclasses.replace(self._stats, state=self.state, error=self.error)
            return OutputStats(self.name, self.state, self.error)

    def wait_live(self, timeout: float = 15.0) -> bool:
        with self._cond:
            self._cond.wait_for(
                lambda: self.state in (OutputState.LIVE, OutputState.FAILED, OutputState.ENDED),
                timeout,
            )
            return self.state == OutputState.LIVE

    def reconnect_now(self) -> None:
        if self._engine is not None:
            self._engine._call_quietly("reconnect_now", self.name)

    def stop(self, timeout: float = 5.0) -> None:
        engine, self._engine = self._engine, None
        if engine is not None:
            engine._stop_output(self, timeout)

    # from the engine's reader thread
    def _set_state(self, state: OutputState, error: str | None) -> None:
        with self._cond:
            self.state, self.error = state, error
            self._cond.notify_all()
        if self.on_state is not None:
            try:
                self.on_state(self.name, state, error)
            except Exception:  # noqa: BLE001 - a listener must not stop the reader
                log.exception("output state listener failed")

    def _set_stats(self, stats: OutputStats) -> None:
        with self._cond:
            self._stats = stats


def process_output_factory(spec: OutputSpec, on_state: StateCallback | None = None) -> OutputProxy:
    """The ``OutputFactory`` for a :class:`ProcessEngine`: checks what can be checked here (a
    recording's folder) and returns a proxy; the child builds the real output."""
    if spec.kind == RECORDING:
        if spec.path is None:
            raise UserError("a recording needs a file path")
        from console.media.recorder import check_record_path

        check_record_path(str(spec.path))
    elif spec.kind == "rtmp":
        from console.media.rtmp import parse_rtmp_url

        parse_rtmp_url(spec.url, spec.key)
    else:
        raise UserError(f"unknown output kind {spec.kind!r}: use rtmp or recording")
    return OutputProxy(spec, on_state)


class _Call:
    __slots__ = ("done", "ok", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = False
        self.value: Any = None


_LIVE_ENGINES: weakref.WeakSet[ProcessEngine] = weakref.WeakSet()


@atexit.register
def _close_children() -> None:
    """At exit, close every pipe first: the child sees EOF, finalises and exits (multiprocessing
    then joins it) — registered after multiprocessing's own exit hook, so it runs before it."""
    for engine in list(_LIVE_ENGINES):
        engine._close_pipe()


class ProcessEngine:
    """``MediaEngine`` in a child process. ``state`` (→ ``ShowState``), ``now`` (the show's
    clock) and ``feed`` (a ``ChatFeed``) are what the overlays mirror; ``overlays`` says how the
    child builds them; ``on_notice`` hears a crash and the restart."""

    def __init__(
        self,
        spec: EngineSpec,
        overlays: OverlayPlan | None = None,
        *,
        state: Callable[[], Any] | None = None,
        now: Callable[[], float] | None = None,
        feed: Any = None,
        fallback: bool = False,
        on_notice: Callable[[str], None] | None = None,
        restart: bool = True,
        start_timeout: float = START_TIMEOUT_S,
    ) -> None:
        self.spec = spec
        self.overlays = overlays
        self._get_state = state or (lambda: None)
        self._now = now or time.time
        self.feed = feed
        self.fallback = fallback
        self.on_notice = on_notice
        self.restart = restart
        self.start_timeout = start_timeout
        self.notices: list[str] = []
        self.counters: Counter[str] = Counter()  # boundary counters (restarts, state sent, …)
        self.child_counters: dict[str, int] = {}
        self.process: Any = None
        self._conn: Any = None
        self._send_lock = threading.Lock()
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._pending: dict[int, _Call] = {}
        self._generation = 0
        self._stopping = False
        self._started = False
        self._outputs: dict[str, tuple[OutputProxy, Any]] = {}  # name → (proxy, what was added)
        self._placements: list[Placement] | None = None
        self._video: str | None = None
        self._audio: list[str] | None = None
        self._preview: tuple[Callable[[Any], None] | None, float] | None = None
        self._shm: shared_memory.SharedMemory | None = None
        self._buffer: Any = None
        self._stats: Any = None
        self._epoch: float | None = None
        self._error: str | None = None
        self._restarts: deque[float] = deque()
        self._ended: list[OutputProxy] = []
        self._pump_stop = threading.Event()
        self._pump: threading.Thread | None = None
        self._last_state: Any = None
        self._last_chat = -1

    # ---- the child

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._stopping = False
            self._ended = []
            self._spawn()
            self._started = True
            _LIVE_ENGINES.add(self)
            self._pump_stop.clear()
            self._pump = threading.Thread(target=self._pump_loop, name="engine-state", daemon=True)
            self._pump.start()

    def _init(self) -> tuple:
        state = self._get_state()
        chat = None
        if self.feed is not None:
            version, items = self.feed.snapshot()
            chat = (version, items[-CHAT_LINES:], sorted(self.feed.platforms))
            self._last_chat = version
        self._last_state = state
        return (state, self._offset(), chat)

    def _offset(self) -> float:
        return float(self._now()) - time.time()

    def _spawn(self) -> None:
        """Start a child, hand it the outputs and settings, and start its engine (blocks)."""
        from console.media import engine_worker

        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(
            target=engine_worker.main,
            args=(
                child,
                self.spec,
                self.overlays,
                self._init(),
                self.fallback,
                logging.getLogger().getEffectiveLevel(),
            ),
            name="live-console-media",
            daemon=False,  # the child finalises its recording itself on EOF
        )
        proc.start()
        child.close()  # our copy: EOF reaches us when the child dies
        self._generation += 1
        self.process, self._conn = proc, parent
        threading.Thread(
            target=self._read,
            args=(parent, proc, self._generation),
            name="engine-reader",
            daemon=True,
        ).start()
        for proxy, _ in self._outputs.values():
            self._call("add_output", proxy.spec)
        if self._placements is not None:
            self._call("set_placements", self._placements)
        if self._preview is not None and self._preview[0] is not None:
            self._call("set_preview", self._preview_shm(), self._preview[1])
        try:
            notices, snapshot = self._call("start", timeout=self.start_timeout)
        except BaseException:
            self._kill(proc)
            raise
        if self._video is not None:
            self._call("switch_video", self._video)
        if self._audio is not None:
            self._call("set_audio", self._audio)
        self.notices.extend(notices)
        self._take_stats(snapshot)

    def _read(self, conn: Any, proc: Any, generation: int) -> None:
        fatal = None
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                break
            except Exception:  # noqa: BLE001 - an object that does not unpickle here
                log.exception("media engine: unreadable message")
                self.counters["unreadable"] += 1
                continue
            kind = msg[0]
            if kind == "reply":
                call = self._pending.pop(msg[1], None)
                if call is not None:
                    call.ok, call.value = msg[2], msg[3]
                    call.done.set()
            elif kind == "stats":
                self._take_stats(msg)
            elif kind == "output_state":
                entry = self._outputs.get(msg[1])
                if entry is not None:
                    entry[0]._set_state(msg[2], msg[3])
            elif kind == "keyframe":
                self._keyframe(msg[1], msg[2], msg[3])
            elif kind == "preview":
                self._take_preview()
            elif kind == "fatal":
                fatal = msg[1]
        proc.join(5.0)
        self._child_gone(generation, proc.exitcode, fatal)

    def _child_gone(self, generation: int, exitcode: int | None, fatal: str | None) -> None:
        for call in list(self._pending.values()):  # nobody waits for an answer that won't come
            call.ok, call.value = False, fatal or "the media engine stopped"
            call.done.set()
        self._pending.clear()
        with self._lock:
            if generation != self._generation or self._stopping or not self._started:
                return
            now = time.monotonic()
            while self._restarts and now - self._restarts[0] > RESTART_WINDOW_S:
                self._restarts.popleft()
            if not self.restart or len(self._restarts) >= MAX_RESTARTS:
                self._error = fatal or (
                    f"the media engine stopped (exit code {exitcode}) and was restarted "
                    f"{len(self._restarts)} times in a minute; restart the console"
                )
                self._notice(self._error)
                return
            self._restarts.append(now)
            self.counters["restarts"] += 1
            self._notice(
                f"the media engine stopped unexpectedly (exit code {exitcode}); restarting it "
                "— destinations reconnect, the recording goes on in a new file"
            )
            for proxy, added in self._outputs.values():
                proxy._set_state(OutputState.RECONNECTING, "the media engine restarted")
                if proxy.spec.kind == RECORDING and proxy.spec.path is not None:
                    self._next_recording(proxy, added)
            try:
                self._spawn()
            except Exception as exc:  # noqa: BLE001 - said once; stats carry it
                self._error = f"the media engine could not be restarted: {exc}"
                self._notice(self._error)

    @staticmethod
    def _next_recording(proxy: OutputProxy, added: Any) -> None:
        from console.media.recorder import free_record_path

        assert proxy.spec.path is not None
        proxy.spec = dataclasses.replace(proxy.spec, path=free_record_path(proxy.spec.path))
        if added is not proxy and hasattr(added, "mapped"):  # a MappedRecorder: map the new file
            added.mapped = None
            added.reason = "restart"
            added._base_ms = None

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        log.warning("%s", text)
        if self.on_notice is not None:
            try:
                self.on_notice(text)
            except Exception:  # noqa: BLE001
                log.exception("notice listener failed")

    def _kill(self, proc: Any) -> None:
        with contextlib.suppress(Exception):
            proc.kill()
            proc.join(5.0)

    def _close_pipe(self) -> None:
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    # ---- calls

    def _send(self, msg: tuple) -> None:
        conn = self._conn
        if conn is None:
            raise UserError("the media engine is not running")
        with self._send_lock:
            try:
                conn.send(msg)
            except (OSError, EOFError, ValueError) as exc:
                raise UserError("the media engine is not running (it is being restarted)") from exc

    def _call(self, method: str, *args: Any, timeout: float = CALL_TIMEOUT_S) -> Any:
        cid = next(self._ids)
        call = _Call()
        self._pending[cid] = call
        try:
            self._send(("call", cid, method, args))
        except UserError:
            self._pending.pop(cid, None)
            raise
        if not call.done.wait(timeout):
            self._pending.pop(cid, None)
            raise UserError(f"the media engine did not answer ({method}) within {timeout:.0f} s")
        if not call.ok:
            raise UserError(str(call.value))
        return call.value

    def _call_quietly(self, method: str, *args: Any, timeout: float = CALL_TIMEOUT_S) -> Any:
        try:
            return self._call(method, *args, timeout=timeout)
        except UserError as exc:
            log.info("media engine %s: %s", method, exc)
            return None

    def stop(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._stopping = True
            started, self._started = self._started, False
        self._pump_stop.set()
        proc = self.process
        if started and proc is not None and proc.is_alive():
            with contextlib.suppress(UserError):
                self._take_stats(self._call("stop", timeout, timeout=timeout + 5.0))
            proc.join(timeout)
            if proc.is_alive():
                log.warning("media engine did not stop in %.0f s; ending it", timeout)
                proc.terminate()
                proc.join(3.0)
                if proc.is_alive():
                    self._kill(proc)
        self._close_pipe()
        for proxy, _ in self._outputs.values():
            proxy._engine = None
            if proxy.state not in (OutputState.FAILED,):
                proxy._set_state(OutputState.ENDED, proxy.error)
        self._ended = [proxy for proxy, _ in self._outputs.values()]  # the summary reads them
        self._outputs.clear()
        if self._pump is not None:
            self._pump.join(2.0)
        self._release_shm()
        _LIVE_ENGINES.discard(self)

    # ---- outputs

    def add_output(self, output: Any) -> None:
        proxy = output if isinstance(output, OutputProxy) else getattr(output, "inner", None)
        if not isinstance(proxy, OutputProxy):
            raise UserError(
                "the media process takes outputs from its own output factory "
                "(console.media.process_engine.process_output_factory)"
            )
        if proxy.name in self._outputs:
            raise UserError(f"output {proxy.name!r} is already joined")
        proxy._engine = self
        self._outputs[proxy.name] = (proxy, output)
        if self._started:
            try:
                self._call("add_output", proxy.spec)
            except UserError:
                self._outputs.pop(proxy.name, None)
                proxy._engine = None
                raise

    def _stop_output(self, proxy: OutputProxy, timeout: float) -> None:
        if self._outputs.get(proxy.name, (None,))[0] is not proxy:
            return
        self._outputs.pop(proxy.name, None)
        if self._started:
            final = self._call_quietly("stop_output", proxy.name, timeout, timeout=timeout + 5.0)
            if final is not None:
                proxy._set_stats(final)
                proxy._set_state(final.state, final.error)

    def remove_outputs(self) -> list[Any]:
        entries = list(self._outputs.values())
        self._outputs.clear()
        finals = []
        if self._started:
            finals = self._call_quietly("remove_outputs", timeout=60.0) or []
        by_name = {s.name: s for s in finals}
        for proxy, _ in entries:
            proxy._engine = None
            final = by_name.get(proxy.name)
            if final is not None:
                proxy._set_stats(final)
                proxy._set_state(final.state, final.error)
        return [added for _, added in entries]

    def output_stats(self) -> list[OutputStats]:
        if not self._started and self._ended:
            return [proxy.stats() for proxy in self._ended]
        return [proxy.stats() for proxy, _ in list(self._outputs.values())]

    # ---- stats

    def _take_stats(self, msg: Any) -> None:
        if not msg:
            return
        _, stats, epoch, counters = msg
        self.child_counters = counters
        if epoch is not None:
            self._epoch = epoch
        if stats is None:
            return
        for o in stats.outputs:
            entry = self._outputs.get(o.name)
            if entry is not None:
                entry[0]._set_stats(o)
        self._stats = stats

    def stats(self) -> Any:
        stats = self._stats
        if stats is None:
            return None
        return dataclasses.replace(
            stats, outputs=self.output_stats(), error=self._error or stats.error
        )

    def boundary_stats(self) -> dict[str, int]:
        """Counters of the process boundary: restarts, overlay state sent / folded, preview
        frames shown / torn, and the child's dropped or coalesced messages by kind."""
        return {**self.counters, **self.child_counters}

    def media_epoch(self) -> float | None:
        return self._epoch

    def _keyframe(self, name: str, base_ms: int | None, ts_ms: int) -> None:
        entry = self._outputs.get(name)
        if entry is None:
            return
        _, added = entry
        if base_ms is not None and hasattr(added, "joined_at_ms"):
            added.joined_at_ms(base_ms)
        if hasattr(added, "mapped"):  # a MappedRecorder: it journals the mapping
            added.send(_KeyframeTag(ts_ms))

    # ---- sources, layers, preview

    def switch_video(self, spec: str) -> None:
        self._call("switch_video", spec)
        self._video = spec

    def set_audio(self, specs: list[str]) -> None:
        self._call("set_audio", list(specs))
        self._audio = list(specs)

    def set_placements(self, placements: list[Placement]) -> None:
        self._placements = list(placements)
        if self._started:
            self._call("set_placements", self._placements)

    def set_preview(self, callback: Callable[[Any], None] | None, max_fps: float) -> None:
        self._preview = (callback, max_fps)
        if self._started:
            shm = self._preview_shm() if callback is not None else None
            self._call("set_preview", shm, max_fps if callback is not None else 0)

    def _preview_shm(self) -> str:
        if self._shm is None:
            from console.media.engine_worker import PreviewBuffer, preview_bytes

            w, h = self.spec.width, self.spec.height
            self._shm = shared_memory.SharedMemory(create=True, size=preview_bytes(w, h))
            self._buffer = PreviewBuffer(self._shm, w, h)
        return self._shm.name

    def _take_preview(self) -> None:
        buffer, preview = self._buffer, self._preview
        if buffer is None or preview is None or preview[0] is None:
            return
        _, frame = buffer.read()
        if frame is None:
            self.counters["preview_torn"] += 1
            return
        self.counters["preview_frames"] += 1
        try:
            preview[0](frame)
        except Exception:  # noqa: BLE001
            log.exception("preview callback failed")

    def _release_shm(self) -> None:
        shm, self._shm = self._shm, None
        if self._buffer is not None:
            self._buffer.close()
            self._buffer = None
        if shm is not None:
            with contextlib.suppress(Exception):
                shm.unlink()

    # ---- overlay state: ≤ STATE_HZ, newest wins

    def _pump_loop(self) -> None:
        interval = 1.0 / STATE_HZ
        while not self._pump_stop.wait(interval):
            try:
                self._pump_once()
            except UserError:
                pass  # the child is being restarted: the next snapshot goes to the new one
            except Exception:  # noqa: BLE001
                log.exception("overlay state not sent")

    def _pump_once(self) -> None:
        state = self._get_state()
        if state is not self._last_state:
            self._send(("state", state, self._offset()))
            self._last_state = state
            self.counters["state_sent"] += 1
        feed = self.feed
        if feed is not None:
            version, items = feed.snapshot()
            if version != self._last_chat:
                self._send(("chat", version, items[-CHAT_LINES:], sorted(feed.platforms)))
                if self._last_chat >= 0:
                    self.counters["chat_folded"] += max(0, version - self._last_chat - 1)
                self._last_chat = version
                self.counters["chat_sent"] += 1


@dataclass(frozen=True)
class _KeyframeTag:
    """What ``MappedRecorder.send`` looks at: the first keyframe's timestamp in the file."""

    timestamp_ms: int
    is_video: bool = True
    keyframe: bool = True
    header: bool = False


def process_engine_factory(
    overlays: OverlayPlan | None = None, **kwargs: Any
) -> Callable[[EngineSpec], ProcessEngine]:
    """An ``EngineFactory`` building a :class:`ProcessEngine`."""
    return lambda spec: ProcessEngine(spec, overlays, **kwargs)


def engine_choice() -> str:
    """``process`` or ``inprocess`` (the default, for now) from ``LIVE_CONSOLE_ENGINE``."""
    import os

    value = os.environ.get("LIVE_CONSOLE_ENGINE", "").strip().lower()
    if value == "process":
        return "process"
    if value in ("", "inprocess", "in-process", "thread"):
        return "inprocess"
    raise UserError(f"LIVE_CONSOLE_ENGINE={value!r}: use process or inprocess")
