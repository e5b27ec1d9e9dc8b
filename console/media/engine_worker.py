"""The media process's side of :class:`~console.media.process_engine.ProcessEngine`.

``main`` runs in a child started with ``multiprocessing.get_context("spawn")``: it builds a
:class:`~console.media.live_engine.PipelineEngine` (render, encode, send, record) whose overlay
layers read a :class:`StateMirror` — the newest ``ShowState`` and chat lines the parent sent
(coalesced there at ≤ 10 Hz) — and answers the parent's calls over one ``Pipe``.

What goes back is bounded: replies are never dropped; stats (≤ 4 Hz) and the preview sequence
number are newest-wins; output state changes, keyframe notes and notices go through a queue of
:data:`OUTBOX_LIMIT` messages and are counted when it is full (``Outbox.dropped``). Preview
frames never cross the pipe: they are written into a shared-memory double buffer
(:class:`PreviewBuffer`). The parent gone (EOF on the pipe) → the engine is stopped cleanly: the
encoder flushed and the recording finalised.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from multiprocessing import shared_memory
from typing import Any

import numpy as np

from console.errors import UserError

log = logging.getLogger(__name__)

OUTBOX_LIMIT = 512  # queued state changes / notices; past that they are counted and dropped
STATS_INTERVAL_S = 0.25  # ≤ 4 Hz
HEADER_BYTES = 64  # preview buffer: [latest seq, slot 0 seq, slot 1 seq, width, height]


def preview_bytes(width: int, height: int) -> int:
    """Size of the shared preview buffer for a canvas: header + two BGRA frames."""
    return HEADER_BYTES + 2 * width * height * 4


class PreviewBuffer:
    """A double buffer of BGRA frames in shared memory with sequence numbers (no pickling).

    The writer fills the slot the last frame is *not* in, then publishes its number; a reader
    copies the latest slot and keeps the copy only if the slot still holds that number after the
    copy (a torn read is skipped and counted, never shown)."""

    def __init__(self, shm: shared_memory.SharedMemory, width: int, height: int) -> None:
        self.shm = shm
        self.width = width
        self.height = height
        self.frame_bytes = width * height * 4
        self.header = np.ndarray((5,), dtype=np.uint64, buffer=shm.buf, offset=0)
        self.slots = [
            np.ndarray(
                (height, width, 4),
                dtype=np.uint8,
                buffer=shm.buf,
                offset=HEADER_BYTES + i * self.frame_bytes,
            )
            for i in range(2)
        ]

    def write(self, frame: np.ndarray) -> int:
        seq = int(self.header[0]) + 1
        slot = seq % 2
        self.header[1 + slot] = 0  # being written
        if frame.shape == self.slots[slot].shape:
            np.copyto(self.slots[slot], frame)
        self.header[1 + slot] = seq
        self.header[0] = seq
        return seq

    def read(self) -> tuple[int, np.ndarray | None]:
        """(latest seq, a copy of its frame or None when it was being overwritten)."""
        seq = int(self.header[0])
        if seq == 0:
            return 0, None
        slot = seq % 2
        if int(self.header[1 + slot]) != seq:
            return seq, None
        frame = self.slots[slot].copy()
        if int(self.header[1 + slot]) != seq:
            return seq, None
        return seq, frame

    def close(self) -> None:
        self.header = None  # type: ignore[assignment]
        self.slots = []
        with contextlib.suppress(BufferError):
            self.shm.close()


class Outbox:
    """Child → parent messages, sent by one thread so no producer ever blocks on the pipe."""

    def __init__(self, conn: Any, limit: int = OUTBOX_LIMIT) -> None:
        self.conn = conn
        self.limit = limit
        self.dropped: Counter[str] = Counter()
        self.coalesced: Counter[str] = Counter()
        self._queue: deque[Any] = deque()
        self._latest: dict[str, Any] = {}
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="engine-outbox", daemon=True)
        self._thread.start()

    def put(self, msg: tuple, must: bool = False) -> None:
        with self._cond:
            if not must and len(self._queue) >= self.limit:
                self.dropped[msg[0]] += 1
                return
            self._queue.append(msg)
            self._cond.notify()

    def put_latest(self, msg: tuple) -> None:
        with self._cond:
            if msg[0] in self._latest:
                self.coalesced[msg[0]] += 1
            self._latest[msg[0]] = msg
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._latest and not self._closed:
                    self._cond.wait()
                if not self._queue and not self._latest and self._closed:
                    return
                batch = list(self._queue) + list(self._latest.values())
                self._queue.clear()
                self._latest.clear()
            for msg in batch:
                try:
                    self.conn.send(msg)
                except (OSError, EOFError, ValueError):
                    return  # the parent is gone

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued (up to ``timeout``), then stop."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout)


class StateMirror:
    """What the overlay layers read, shaped like the controller and the chat feed: the newest
    ``ShowState`` the parent sent, its clock (``now``), and the last chat lines."""

    def __init__(self, state: Any, offset: float, feed: Any = None) -> None:
        self._state = state
        self._offset = offset
        self.feed = feed
        self.updates = 0

    def get_state(self) -> Any:
        return self._state

    @property
    def state(self) -> Any:
        return self._state

    def now(self) -> float:
        return time.time() + self._offset

    def update(self, state: Any, offset: float) -> None:
        self._state = state
        self._offset = offset
        self.updates += 1


def _mirror_feed() -> Any:
    from console.overlays.chat import ChatFeed

    class MirrorFeed(ChatFeed):
        """A ChatFeed whose lines are replaced wholesale by the parent's newest snapshot."""

        def load(self, version: int, items: list[Any], platforms: list[str]) -> None:
            with self._lock:
                self._items.clear()
                self._items.extend(items)
                self.platforms = set(platforms)
                self._version = version

    return MirrorFeed(50)


class _KeyframeTap:
    """The recorder, plus a note to the parent at its first video keyframe (the journal ↔
    media mapping is made by the parent's ``MappedRecorder`` from it)."""

    def __init__(self, inner: Any, note: Callable[[str, int | None, int], None]) -> None:
        self.inner = inner
        self._note = note
        self._base_ms: int | None = None
        self._noted = False

    @property
    def name(self) -> str:
        return self.inner.name

    def joined_at_ms(self, base_ms: int) -> None:
        self._base_ms = base_ms

    def send(self, tag: Any) -> None:
        if not self._noted and tag.is_video and tag.keyframe and not tag.header:
            self._noted = True
            self._note(self.inner.name, self._base_ms, tag.timestamp_ms)
        self.inner.send(tag)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class Worker:
    def __init__(self, conn: Any, spec: Any, overlays: Any, init: tuple, fallback: bool) -> None:
        from console.media.live_engine import PipelineEngine

        self.conn = conn
        self.outbox = Outbox(conn)
        state, offset, chat = init
        self.mirror = StateMirror(state, offset, _mirror_feed())
        if chat is not None:
            self.mirror.feed.load(*chat)
        layers = []
        if overlays is not None:
            layers = list(overlays.builder(self.mirror, spec, **overlays.kwargs))
        self.engine = PipelineEngine(spec, layers, fallback=fallback)
        self.outputs: dict[str, Any] = {}
        self.preview: PreviewBuffer | None = None
        self._stats_stop = threading.Event()
        self._stats_thread: threading.Thread | None = None

    # ---- the loop

    def run(self) -> None:
        while True:
            try:
                msg = self.conn.recv()
            except (EOFError, OSError):  # the parent is gone: stop cleanly, finalise the file
                log.warning("media engine: the console is gone; stopping (recording finalised)")
                self._stop(10.0)
                return
            except SystemExit:
                self._stop(10.0)
                return
            kind = msg[0]
            if kind == "state":
                self.mirror.update(msg[1], msg[2])
            elif kind == "chat":
                self.mirror.feed.load(msg[1], msg[2], msg[3])
            elif kind == "call":
                _, cid, method, args = msg
                try:
                    result = getattr(self, "do_" + method)(*args)
                except UserError as exc:
                    self.outbox.put(("reply", cid, False, str(exc)), must=True)
                except Exception as exc:  # noqa: BLE001 - said to the parent in one line
                    log.exception("media engine: %s failed", method)
                    self.outbox.put(("reply", cid, False, f"{method} failed: {exc}"), must=True)
                else:
                    self.outbox.put(("reply", cid, True, result), must=True)
                if method == "stop":
                    self.outbox.close()
                    return

    def _stop(self, timeout: float) -> Any:
        self._stats_stop.set()
        try:
            self.engine.stop(timeout)
        finally:
            if self.preview is not None:
                self.engine.set_preview(None, 0)
                self.preview.close()
                self.preview = None
        return self._snapshot()

    def _snapshot(self) -> tuple:
        return ("stats", self.engine.stats(), self.engine.media_epoch(), self._counters())

    def _counters(self) -> dict[str, int]:
        out = {f"dropped:{k}": v for k, v in self.outbox.dropped.items()}
        out.update({f"coalesced:{k}": v for k, v in self.outbox.coalesced.items()})
        out["state_updates"] = self.mirror.updates
        return out

    def _stats_loop(self) -> None:
        while not self._stats_stop.wait(STATS_INTERVAL_S):
            try:
                self.outbox.put_latest(self._snapshot())
            except Exception:  # noqa: BLE001 - a snapshot must never end the process
                log.exception("media engine: stats failed")

    # ---- calls from the parent

    def do_start(self) -> tuple:
        self.engine.start()
        self._stats_thread = threading.Thread(
            target=self._stats_loop, name="engine-stats", daemon=True
        )
        self._stats_thread.start()
        return (list(self.engine.notices), self._snapshot())

    def do_stop(self, timeout: float) -> tuple:
        return self._stop(timeout)

    def do_add_output(self, spec: Any) -> None:
        from console.live.outputs import RECORDING, build_output
        from console.redaction import register_secret

        if spec.key:
            register_secret(spec.key)  # this process's logs never show it either
        out = build_output(spec, self._on_state)
        if spec.kind == RECORDING:
            out = _KeyframeTap(out, self._on_keyframe)
        self.outputs[spec.name] = out
        self.engine.add_output(out)

    def do_stop_output(self, name: str, timeout: float) -> Any:
        out = self.outputs.pop(name, None)
        if out is None:
            return None
        engine = self.engine
        if out in engine._direct:
            engine._direct.remove(out)
            if engine.pipeline is not None:
                engine.pipeline.remove_output(out, timeout)
            else:
                out.stop(timeout)
        else:
            engine.hub.detach(out)
            out.stop(timeout)
        return out.stats()

    def do_remove_outputs(self) -> list[Any]:
        """Detach every output and stop it here (the recording finalised); their last stats."""
        detached = self.engine.remove_outputs()
        for out in detached:
            out.stop(5.0)
        self.outputs.clear()
        return [o.stats() for o in detached]

    def do_reconnect_now(self, name: str) -> None:
        out = self.outputs.get(name)
        if out is not None and hasattr(out, "reconnect_now"):
            out.reconnect_now()

    def do_switch_video(self, spec: str) -> None:
        self.engine.switch_video(spec)

    def do_set_audio(self, specs: list[str]) -> None:
        self.engine.set_audio(specs)

    def do_set_placements(self, placements: list[Any]) -> None:
        self.engine.set_placements(placements)

    def do_set_preview(self, shm_name: str | None, max_fps: float) -> None:
        if shm_name is None or max_fps <= 0:
            self.engine.set_preview(None, 0)
            return
        if self.preview is None:
            # the parent owns and unlinks it (the spawned child shares its resource tracker)
            shm = shared_memory.SharedMemory(name=shm_name)
            self.preview = PreviewBuffer(shm, self.engine.spec.width, self.engine.spec.height)
        buffer = self.preview

        def offer(frame: np.ndarray) -> None:  # the render thread: copy in, say the number
            seq = buffer.write(frame)
            self.outbox.put_latest(("preview", seq))

        self.engine.set_preview(offer, max_fps)

    def do_ping(self) -> int:
        return os.getpid()

    # ---- from the media threads

    def _on_state(self, name: str, state: Any, error: str | None) -> None:
        self.outbox.put(("output_state", name, state, error))

    def _on_keyframe(self, name: str, base_ms: int | None, ts_ms: int) -> None:
        self.outbox.put(("keyframe", name, base_ms, ts_ms), must=True)


def main(conn: Any, spec: Any, overlays: Any, init: tuple, fallback: bool, level: int) -> None:
    """The child process: serve the parent until it says stop or goes away."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # this process never shows a window
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the console's to handle

    def on_term(*_: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_term)
    logging.basicConfig(level=level, format="media: %(levelname)s %(name)s: %(message)s")
    from console.redaction import install_log_redaction

    with contextlib.suppress(Exception):
        install_log_redaction()
    try:
        worker = Worker(conn, spec, overlays, init, fallback)
    except Exception as exc:  # noqa: BLE001 - the parent reports it in one line
        log.exception("media engine: could not build the pipeline")
        with contextlib.suppress(Exception):
            conn.send(("fatal", f"the media engine could not start: {exc}"))
        return
    worker.run()
