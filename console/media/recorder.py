"""The local recording: the same FLV tags written to a file, readable up to the last write."""

from __future__ import annotations

import collections
import logging
import os
import threading
from pathlib import Path

from console.errors import UserError
from console.media.flv import FLV_FILE_HEADER, FlvTag
from console.media.output import DropCounter, OutputState, OutputStats, StateCallback

log = logging.getLogger(__name__)

MAX_QUEUED_BYTES = 64 * 1024 * 1024


def check_record_path(path: str) -> Path:
    """Fail early, in one line, when the recording cannot be written."""
    p = Path(path).expanduser()
    if p.is_dir():
        raise UserError(
            f"recording path {path} is a folder: give a file name such as {p / 'show.flv'}"
        )
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"cannot record to {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UserError(f"cannot record to {path}: folder {parent} is not writable")
    return free_record_path(p)


def free_record_path(path: Path) -> Path:
    """``path`` if nothing is there yet, else the first free ``NAME (2).flv``, ``NAME (3).flv``
    …: an earlier recording is never overwritten."""
    if not os.path.lexists(path):
        return path
    for n in range(2, 10000):
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise UserError(f"cannot record to {path}: too many recordings with that name; give another")


class FlvRecorder:
    """Writes every tag to an FLV file on its own thread behind a bounded queue.

    FLV has no index to finalize, so a file cut by a crash or a power loss plays up to its last
    complete tag. A full disk or an unwritable file is reported and stops only the recording.
    """

    def __init__(
        self, path: str | Path, name: str = "recording", on_state: StateCallback | None = None
    ) -> None:
        self.name = name
        self.path = Path(path)
        self._on_state = on_state
        self._cond = threading.Condition()
        self._queue: collections.deque[bytes] = collections.deque()
        self._queued_bytes = 0
        self._stopping = False
        self._state = OutputState.OFFLINE
        self._error: str | None = None
        self._drops = DropCounter()
        self._bytes = 0
        self._tags = 0
        self._thread: threading.Thread | None = None

    def _set_state(self, state: OutputState, error: str | None = None) -> None:
        self._state, self._error = state, error
        if self._on_state is not None:
            self._on_state(self.name, state, error)

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name=f"record {self.path.name}", daemon=True
        )
        self._thread.start()

    def send(self, tag: FlvTag) -> None:
        data = tag.to_bytes()
        with self._cond:
            if self._state in (OutputState.FAILED, OutputState.ENDED) or self._stopping:
                return
            if self._queued_bytes + len(data) > MAX_QUEUED_BYTES:
                self._drops.add("disk_slow")
                return
            self._queue.append(data)
            self._queued_bytes += len(data)
            self._cond.notify()

    def _run(self) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        except OSError as exc:
            self._set_state(
                OutputState.FAILED,
                f"cannot record to {self.path}: {exc.strerror}; the stream goes on without a recording",
            )
            return
        self._set_state(OutputState.LIVE)
        try:
            os.write(fd, FLV_FILE_HEADER)
            while True:
                with self._cond:
                    while not self._queue and not self._stopping:
                        self._cond.wait()
                    if not self._queue and self._stopping:
                        break
                    batch = b"".join(self._queue)
                    n = len(self._queue)
                    self._queue.clear()
                    self._queued_bytes = 0
                view = memoryview(batch)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                self._bytes += len(batch)
                self._tags += n
            os.fsync(fd)
            self._set_state(OutputState.ENDED)
        except OSError as exc:
            with self._cond:
                self._drops.add("disk_error", len(self._queue) + 1)
                self._queue.clear()
            self._set_state(
                OutputState.FAILED,
                f"recording to {self.path} stopped: {exc.strerror}; the stream goes on",
            )
            log.warning("%s", self._error)
        finally:
            os.close(fd)

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def stats(self) -> OutputStats:
        return OutputStats(
            name=self.name,
            state=self._state,
            error=self._error,
            bytes_sent=self._bytes,
            tags_sent=self._tags,
            dropped=self._drops.snapshot(),
        )


class NullOutput:
    """Takes every tag and keeps only counts: for tests and benchmarks."""

    def __init__(self, name: str = "null") -> None:
        self.name = name
        self.tags: int = 0
        self.bytes: int = 0

    def start(self) -> None:
        pass

    def send(self, tag: FlvTag) -> None:
        self.tags += 1
        self.bytes += len(tag.data)

    def stop(self, timeout: float = 5.0) -> None:
        pass

    def stats(self) -> OutputStats:
        return OutputStats(
            name=self.name, state=OutputState.LIVE, bytes_sent=self.bytes, tags_sent=self.tags
        )
