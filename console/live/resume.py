"""Crash resume: a session that started and never ended is offered again on the next start.

A crash, a ``kill -9`` or a power loss leaves ``session.started`` without its
``session.ended`` in the journal. When the show is opened again (the window, or
``live-console run``), :func:`find_offer` turns that into a :class:`ResumeOffer`: the
destinations it went to (as journaled by ``go_live``: id, name, server — never a key), whether
it was a rehearsal, the seconds since the last media was sent (the last event of the session:
health samples come every 5 s while live) and what is left of the room-close countdown (the
preset's ``room_close_s``, else 60 s; the shortest of the destinations).

:func:`resume` goes live again through :meth:`LiveSession.go_live` with
``session.started {"resumes": SEQ, "gap_s": …}`` — the same session continues, so clips and the
report see one session with a gap — and a new recording file (``reason: resume``) linked to it.
A rehearsal is only ever resumed as a rehearsal (and a live show only as live): the rehearsal
guard of go-live then refuses any real destination as always.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from console.errors import UserError
from console.show.actor import Actor
from console.show.journal import Event

ROOM_CLOSE_DEFAULT_S = 60.0  # console.media.rtmp.publisher.ROOM_CLOSE_S: platforms' typical


def target_of(dest: Any) -> dict[str, str]:
    """What the journal keeps of a destination: id, name, preset and the server without any
    credential, query or stream name."""
    parts = urlsplit(str(getattr(dest, "server", "")))
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return {
        "id": str(dest.id),
        "name": str(getattr(dest, "name", dest.id)),
        "preset": str(getattr(dest, "preset", "custom") or "custom"),
        "server": f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else "",
    }


@dataclass(frozen=True)
class ResumeOffer:
    session_seq: int
    mode: str
    started_at: float
    last_media_at: float
    since_s: float
    room_close_s: float
    targets: tuple[dict[str, str], ...]
    recording: bool

    @property
    def rehearsal(self) -> bool:
        return self.mode != "live"

    @property
    def room_left_s(self) -> float:
        return max(0.0, self.room_close_s - self.since_s)

    @property
    def destination_ids(self) -> list[str]:
        return [t["id"] for t in self.targets]

    def text(self) -> str:
        """One line for the operator."""
        where = ", ".join(t["name"] for t in self.targets) or "the local recording only"
        what = "rehearsal" if self.rehearsal else "LIVE show"
        room = (
            f"the room may close in {self.room_left_s:.0f} s"
            if self.room_left_s > 0
            else "the room has probably closed (past the platform's "
            f"{self.room_close_s:.0f} s without a stream)"
        )
        return f"an unfinished {what} to {where} stopped sending {self.since_s:.0f} s ago; {room}"


def _room_close_s(targets: list[dict[str, str]]) -> float:
    from console.platforms.presets import preset_by_id

    times = []
    for t in targets:
        try:
            times.append(float(preset_by_id(t.get("preset", "custom")).room_close_s or 0) or None)
        except (UserError, KeyError, ValueError, TypeError):
            times.append(None)
    known = [x for x in times if x]
    return min(known) if known else ROOM_CLOSE_DEFAULT_S


def find_offer(events: Iterable[Event], now: float | None = None) -> ResumeOffer | None:
    """The last session, if it started and never ended."""
    started: Event | None = None
    last = 0.0
    for e in sorted(events, key=lambda ev: ev.seq):
        if e.kind == "session.started":
            if started is None or not e.payload.get("resumes"):
                started = e
            last = e.ts
        elif e.kind == "session.ended":
            started = None
        elif started is not None and (
            e.kind.startswith("health.") or e.kind.startswith("session.")
        ):
            last = max(last, e.ts)
    if started is None:
        return None
    targets = [t for t in started.payload.get("targets") or [] if isinstance(t, dict)]
    now = time.time() if now is None else now
    return ResumeOffer(
        session_seq=started.seq,
        mode=str(started.payload.get("mode", "rehearsal")),
        started_at=started.ts,
        last_media_at=last,
        since_s=max(0.0, now - last),
        room_close_s=_room_close_s(targets),
        targets=tuple({k: str(v) for k, v in t.items()} for t in targets),
        recording=bool(started.payload.get("recording")),
    )


def offer_for(controller: Any, now: float | None = None) -> ResumeOffer | None:
    """The offer for an open ShowController's journal (None: nothing to resume)."""
    if controller is None:
        return None
    journal = controller.journal
    return find_offer([*journal.events("session."), *journal.events("health.")], now)


def check_destinations(offer: ResumeOffer, dests: list[Any]) -> None:
    """The destinations given for a resume must be the session's (by id, or by server for a
    rehearsal's loopback URL, whose stream name the journal does not keep)."""
    want = {t["id"]: t for t in offer.targets}
    for d in dests:
        t = want.get(str(d.id))
        if t is None:
            raise UserError(
                f"destination {d.name} was not in the unfinished session (it went to "
                f"{', '.join(x['name'] for x in offer.targets) or 'no destination'}): "
                "resume to the same destinations, or start a new session without --resume"
            )
        if t.get("server") and target_of(d)["server"] != t["server"]:
            raise UserError(
                f"destination {d.name} now points to {target_of(d)['server']}, the session "
                f"went to {t['server']}: resume to the same server"
            )
    missing = set(want) - {str(d.id) for d in dests}
    if missing:
        names = ", ".join(want[m]["name"] for m in sorted(missing))
        raise UserError(f"resume needs the session's destinations too: {names}")


def resume(
    live: Any,
    offer: ResumeOffer,
    dests: list[Any],
    keys: dict[str, str | None],
    actor: Actor,
    recording: Path | None = None,
) -> list[Any]:
    """Go live again to the session's destinations (``keys`` from the keyring), continuing
    the session with a new recording file."""
    if live.rehearsal != offer.rehearsal:
        raise UserError(
            "the unfinished session was a rehearsal: resume it as a rehearsal (nothing leaves "
            "this machine)"
            if offer.rehearsal
            else "the unfinished session was live: resume it live, not as a rehearsal"
        )
    check_destinations(offer, dests)
    record = recording is not None or offer.recording
    return live.go_live(
        dests,
        keys,
        record,
        actor,
        recording=recording,
        recording_reason="resume",
        details={"resumes": offer.session_seq, "gap_s": round(offer.since_s, 3)},
    )
