"""A session's recording on the journal's clock: the mapping clips are cut by.

:class:`MappedRecorder` wraps the session's recorder output. When the first video keyframe of
the file passes through it (on the encoder thread) it takes the wall clock, and a short thread
journals ``NoteRecording`` (``session.recording_started``: the file, ``journal_t`` = that
instant, ``media_t0`` = that keyframe's timestamp in the file, the ``reason``) once the
session's own ``session.started`` is in the journal (``ready``), so the recording always
follows the session it belongs to. The encoder thread never waits for the journal.

The instant is the one the keyframe's picture was drawn at: the engine's ``media_epoch()``
(epoch time of its media time 0; frame ``n`` is drawn at ``n / fps``) plus the keyframe's
pipeline timestamp (the OutputHub tells the recorder the time it rebased the file from,
``joined_at_ms``), less the encoder's AAC-priming shift of video. Overlays read the show state
when a frame is drawn, so a pin journaled at ``t`` is in the first picture drawn after ``t``.
An engine without ``media_epoch`` falls back to the instant the keyframe reached the recorder
(one encode latency late: a mapped time then lands up to that much early). The local recording does not stop for a destination's
reconnect (its timestamps run on), so a reconnect needs no new mapping; a new file (resume
after a crash, a recording restarted) gets its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from console.show.actor import Actor
from console.show.commands import NoteRecording

log = logging.getLogger(__name__)

RECORDER = Actor("recorder")
READY_WAIT_S = 10.0
VIDEO_DELAY_S = 1024 / 48000  # the encoder stamps video this much late (AAC priming)


def show_relative(path: Path, controller: Any) -> str:
    """``path`` relative to the show folder when it lies inside it, else absolute."""
    folder = getattr(getattr(controller, "folder", None), "path", None)
    path = Path(path).absolute()
    if folder is not None:
        try:
            return path.relative_to(Path(folder).absolute()).as_posix()
        except ValueError:
            pass
    return str(path)


class MappedRecorder:
    """The recorder output (``FlvRecorder``), plus the journal ↔ media mapping at its first
    keyframe. Everything else is the wrapped recorder's."""

    def __init__(
        self,
        inner: Any,
        controller: Any,
        reason: str = "start",
        ready: threading.Event | None = None,
        on_error: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
        media_epoch: Callable[[], float | None] | None = None,
    ) -> None:
        self.inner = inner
        self.controller = controller
        self.reason = reason
        self.ready = ready or threading.Event()
        self.on_error = on_error
        self.clock = clock
        self.media_epoch = media_epoch
        self._base_ms: int | None = None  # the pipeline time the hub rebased the file from
        self.mapped: tuple[float, float] | None = None  # (journal_t, media_t0)
        self.noted = threading.Event()

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def path(self) -> Path:
        return self.inner.path

    def start(self) -> None:
        self.inner.start()

    def joined_at_ms(self, base_ms: int) -> None:
        """The OutputHub rebased this file's timestamps from pipeline time ``base_ms``."""
        self._base_ms = base_ms

    def send(self, tag: Any) -> None:
        if self.mapped is None and tag.is_video and tag.keyframe and not tag.header:
            self.mapped = (self._journal_time(tag.timestamp_ms), tag.timestamp_ms / 1000.0)
            threading.Thread(target=self._note, name="recording-mapping", daemon=True).start()
        self.inner.send(tag)

    def _journal_time(self, ts_ms: int) -> float:
        """When the picture stamped ``ts_ms`` in the file was drawn, on the journal's clock."""
        epoch = self.media_epoch() if self.media_epoch is not None else None
        if epoch is None:  # no media clock: the moment the keyframe got here (a little late)
            return self.clock()
        pipeline_ms = (self._base_ms or 0) + ts_ms
        return epoch + pipeline_ms / 1000.0 - VIDEO_DELAY_S

    def _note(self) -> None:
        assert self.mapped is not None
        journal_t, media_t0 = self.mapped
        self.ready.wait(READY_WAIT_S)
        try:
            self.controller.execute(
                NoteRecording(
                    show_relative(self.inner.path, self.controller),
                    journal_t=journal_t,
                    media_t0=media_t0,
                    reason=self.reason,
                ),
                actor=RECORDER,
            )
        except Exception as exc:  # the recording goes on without its mapping
            log.warning("recording mapping not journaled: %s", exc)
            if self.on_error is not None:
                self.on_error(f"recording mapping not journaled (clips need it): {exc}")
        finally:
            self.noted.set()

    def stop(self, timeout: float = 5.0) -> None:
        self.inner.stop(timeout)

    def stats(self) -> Any:
        return self.inner.stats()

    def __getattr__(self, name: str) -> Any:  # wait_live, reconnect_now… of the recorder
        return getattr(self.inner, name)
