"""Replay a recorded audience (JSONL) in real time or faster, to rehearse with a real show's chat.

Each line is either an event in the ingest schema, or a journal line as written by
``Journal.export_jsonl`` (``{"seq", "ts", "kind": "audience.comment", "payload": {…}, …}``; lines of
other kinds — ``show.*`` — are skipped). Events are played at their original spacing (from
``ts_ms``) divided by ``speed``. Replayed events get fresh message ids (``r<run>:<original>``)
and the replay time as ``ts_ms``, so a second run is not taken for duplicates.

Replay fakes an audience: like the simulated audience it runs only in rehearsal
(``requires_rehearsal``).
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.audience.events import AudienceEvent, EventError, parse_event
from console.audience.sources import Emit
from console.errors import UserError

MAX_BAD_LINES_SHOWN = 5


@dataclass(frozen=True)
class ReplayLog:
    events: list[tuple[float, AudienceEvent]]  # (offset in s from the first event, event)
    skipped: int  # lines of other kinds (show.*)
    bad: list[str]  # "line N: reason" for lines that did not parse

    @property
    def duration_s(self) -> float:
        return self.events[-1][0] if self.events else 0.0


def load_replay(path: str | Path) -> ReplayLog:
    """Read a JSONL event log; a missing or empty file is a ``UserError``, bad lines are listed."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UserError(f"replay log {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read replay log {path}: {exc}") from None
    parsed: list[AudienceEvent] = []
    skipped = 0
    bad: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(f"line {number}: not JSON ({exc.msg})")
            continue
        if isinstance(data, dict) and "kind" in data and "payload" in data:
            if not str(data["kind"]).startswith("audience."):
                skipped += 1
                continue
            data = dict(data["payload"])
            data.pop("moderation", None)
        try:
            parsed.append(parse_event(data))
        except EventError as exc:
            bad.append(f"line {number}: {exc}")
    if not parsed:
        detail = f" ({bad[0]})" if bad else ""
        raise UserError(f"replay log {path} has no audience events{detail}")
    parsed.sort(key=lambda e: e.ts_ms)  # stable: equal times keep file order
    t0 = parsed[0].ts_ms
    events = [((e.ts_ms - t0) / 1000.0, e) for e in parsed]
    return ReplayLog(events, skipped, bad)


class ReplaySource:
    """Plays a :class:`ReplayLog`. ``clock`` (monotonic seconds) and ``wait(stop, seconds)`` are
    injectable so a test runs a 60-second log instantly and checks each event's play time."""

    name = "replay"
    requires_rehearsal = True

    def __init__(
        self,
        log: ReplayLog | str | Path,
        speed: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[threading.Event, float], Any] | None = None,
        wall_clock: Callable[[], float] = time.time,
        run_id: int = 1,
    ) -> None:
        if not speed > 0:
            raise UserError(f"replay speed {speed}: give a factor above 0 (1 = real time)")
        self.log = log if isinstance(log, ReplayLog) else load_replay(log)
        self.speed = float(speed)
        self.clock = clock
        self.wait = wait or (lambda stop, seconds: stop.wait(seconds))
        self.wall_clock = wall_clock
        self.run_id = run_id
        self.played = 0
        self._start: float | None = None
        self._next = 0

    def restamp(self, event: AudienceEvent) -> AudienceEvent:
        return dataclasses.replace(
            event,
            msg_id=f"r{self.run_id}:{event.msg_id}"[:128],
            ts_ms=int(self.wall_clock() * 1000),
        )

    def due(self, now: float) -> list[AudienceEvent]:
        """Events due by ``now`` (clock seconds); the first call starts the replay."""
        if self._start is None:
            self._start = now
        out = []
        events = self.log.events
        while self._next < len(events):
            offset, event = events[self._next]
            if self._start + offset / self.speed > now:
                break
            out.append(self.restamp(event))
            self._next += 1
        self.played += len(out)
        return out

    @property
    def finished(self) -> bool:
        return self._next >= len(self.log.events)

    def next_due_in(self, now: float) -> float:
        if self._start is None or self.finished:
            return 0.0
        offset = self.log.events[self._next][0]
        return max(0.0, self._start + offset / self.speed - now)

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Play to the end (or until ``stop``)."""
        while not stop.is_set():
            for event in self.due(self.clock()):
                emit(event)
            if self.finished:
                return
            self.wait(stop, self.next_due_in(self.clock()))


def create(context: Any) -> ReplaySource:
    """Plugin factory (``console.audience.replay:create``); settings: path, speed."""
    config = dict(getattr(context, "config", {}) or {})
    if "path" not in config:
        raise UserError("replay: set the path of the JSONL event log")
    return ReplaySource(config["path"], speed=float(config.get("speed", 1.0)))
