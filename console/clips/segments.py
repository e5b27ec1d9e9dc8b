"""The journal → sessions, their recordings and the segments worth a clip.

A **session** runs from a ``session.started`` to its ``session.ended``; a ``session.started``
with ``resumes`` (a crash resumed, ``console/live/resume.py``) continues the session before it,
so one session can have several recordings with a **gap** between them. Sessions are numbered
from 1 in journal order (``live-console clips SHOW --session N``).

A **segment** is a span of journal time (epoch seconds): a pinned product (pin → unpin, the
next pin or the session's end; a product still pinned when the session starts counts from the
start), a flash sale (start → stop, its end time or the session's end) and a lottery draw
(``LOTTERY_BEFORE_S`` before the draw to ``LOTTERY_AFTER_S`` after). Each recording carries the
mapping ``session.recording_started`` journaled (``console/live/recording.py``): journal time
``journal_t`` is the file's media time ``media_t0``, so a journal time maps to a media time by
one subtraction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.show.journal import Event

LOTTERY_BEFORE_S = 10.0
LOTTERY_AFTER_S = 20.0
END_PAD_S = 0.5  # the unpin takes a frame to leave the picture: clips end a little later
MIN_SEGMENT_S = 1.0 + END_PAD_S  # shorter (a pin undone at once, a session's last instant): none

STARTED = "session.started"
ENDED = "session.ended"
RECORDING = "session.recording_started"
HEALTH = "health.sample"


@dataclass(frozen=True)
class Recording:
    path: Path
    journal_t: float
    media_t0: float
    reason: str
    seq: int

    def media_time(self, t: float) -> float:
        """Seconds into the file (its own timestamps) of journal time ``t``."""
        return self.media_t0 + (t - self.journal_t)

    def journal_time(self, media_t: float) -> float:
        return self.journal_t + (media_t - self.media_t0)


@dataclass(frozen=True)
class Segment:
    kind: str  # product, flash_sale, lottery
    key: str  # product id, sale id or lottery id
    title: str
    start: float
    end: float
    product_id: str = ""

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Session:
    number: int
    seq: int
    mode: str
    start: float
    end: float | None = None  # None: never ended (a crash, or still live)
    end_reason: str = ""
    last_seen: float = 0.0  # the last event of the session (the last health sample…)
    resumes: list[float] = field(default_factory=list)  # journal times it was resumed at
    recordings: list[Recording] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.end is not None

    @property
    def until(self) -> float:
        return self.end if self.end is not None else self.last_seen


def _products(payload: dict[str, Any]) -> dict[str, str]:
    out = {}
    for p in payload.get("products") or []:
        if isinstance(p, dict) and "id" in p:
            out[str(p["id"])] = str(p.get("title") or p["id"])
    return out


def _resolve(show: Path | None, path: str) -> Path:
    p = Path(path)
    if not p.is_absolute() and show is not None:
        p = show / p
    return p


def read_sessions(events: Iterable[Event], show: Path | None = None) -> list[Session]:
    """Every session of the journal with its recordings and segments (journal order)."""
    titles: dict[str, str] = {}
    sessions: list[Session] = []
    current: Session | None = None
    pin: tuple[str, float] | None = None  # product id, since (show state: spans sessions)
    sales: dict[str, tuple[str, float, float]] = {}  # sale id → product, start, ends_at

    def title(pid: str) -> str:
        return titles.get(pid, pid)

    def add(kind: str, key: str, name: str, start: float, end: float, pid: str = "") -> None:
        if current is None:
            return
        start = max(start, current.start)
        if end - start >= MIN_SEGMENT_S:
            current.segments.append(Segment(kind, key, name, start, end, pid))

    def close(at: float) -> None:
        nonlocal current
        if current is None:
            return
        if pin is not None:
            add("product", pin[0], title(pin[0]), pin[1], at + END_PAD_S, pin[0])
        for sid, (pid, since, ends_at) in sales.items():
            add("flash_sale", sid, f"{title(pid)} flash sale", since, min(ends_at, at), pid)
        sales.clear()
        current = None

    for e in sorted(events, key=lambda ev: ev.seq):
        p = e.payload if isinstance(e.payload, dict) else {}
        if e.kind == "show.catalog_loaded":
            titles.update(_products(p))
            continue
        if e.kind == STARTED:
            if p.get("resumes") and current is not None:
                current.resumes.append(e.ts)
                current.last_seen = e.ts
                continue
            close(current.last_seen if current is not None else e.ts)
            current = Session(
                len(sessions) + 1, e.seq, str(p.get("mode", "")), e.ts, last_seen=e.ts
            )
            sessions.append(current)
            continue
        if current is not None:
            current.last_seen = max(current.last_seen, e.ts)
        if e.kind == ENDED and current is not None:
            current.end, current.end_reason = e.ts, str(p.get("reason", ""))
            close(e.ts)
        elif e.kind == RECORDING and current is not None:
            try:
                rec = Recording(
                    _resolve(show, str(p["path"])),
                    float(p["journal_t"]),
                    float(p.get("media_t0", 0.0)),
                    str(p.get("reason", "start")),
                    e.seq,
                )
            except (KeyError, TypeError, ValueError):
                continue
            current.recordings.append(rec)
        elif e.kind == "show.product_pinned":
            pid = str(p.get("product_id", ""))
            if pin is not None:
                add("product", pin[0], title(pin[0]), pin[1], e.ts + END_PAD_S, pin[0])
            pin = (pid, e.ts)
        elif e.kind == "show.product_unpinned":
            if pin is not None:
                add("product", pin[0], title(pin[0]), pin[1], e.ts + END_PAD_S, pin[0])
            pin = None
        elif e.kind == "show.flash_sale_started":
            sid = str(p.get("sale_id", ""))
            sales[sid] = (str(p.get("product_id", "")), e.ts, float(p.get("ends_at", e.ts)))
        elif e.kind == "show.flash_sale_stopped":
            sid = str(p.get("sale_id", ""))
            if sid in sales:
                pid, since, _ = sales.pop(sid)
                at = float(p.get("at", e.ts))
                add("flash_sale", sid, f"{title(pid)} flash sale", since, at + END_PAD_S, pid)
        elif e.kind == "show.lottery_drawn":
            lid = str(p.get("lottery_id", ""))
            add(
                "lottery",
                lid,
                f"lottery draw {lid}",
                e.ts - LOTTERY_BEFORE_S,
                e.ts + LOTTERY_AFTER_S,
            )
    if current is not None:  # unfinished: what is open counts to the last event seen
        close(current.last_seen)
    for s in sessions:
        s.segments.sort(key=lambda seg: seg.start)
    return sessions


def pick_session(sessions: list[Session], number: int | None, show: Path) -> Session:
    """Session ``number`` (1-based), or the last one; one line when there is none."""
    if not sessions:
        raise UserError(
            f"{show}: the journal has no session: go live or rehearse with a recording first"
        )
    if number is None:
        return sessions[-1]
    if not 1 <= number <= len(sessions):
        raise UserError(
            f"{show}: no session {number}: the journal has sessions 1 to {len(sessions)}"
        )
    return sessions[number - 1]
