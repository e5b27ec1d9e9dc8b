"""Product clips (切片) and chapters from a session's recording — no Qt, no re-encoding.

``segments`` reads the journal (sessions, their recordings with the journal ↔ media mapping,
the pinned-product / flash-sale / lottery-draw segments), ``cut`` remuxes FLV → MP4 with PyAV,
``chapters`` writes WebVTT, the YouTube list and MP4 chapters. :func:`plan` says what would be
cut, :func:`cut_session` cuts it (``live-console clips``, the window's Recordings ▸ Clips).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from console.clips.chapters import recording_chapters, webvtt, youtube_list
from console.clips.cut import ClipJob, FlvScan, chapter_dicts, cut_recording, scan_flv
from console.clips.segments import Recording, Segment, Session, pick_session, read_sessions
from console.errors import UserError

__all__ = [
    "ClipPlan",
    "ClipsResult",
    "Recording",
    "Segment",
    "Session",
    "cut_session",
    "load_sessions",
    "plan",
]


@dataclass
class ClipPlan:
    segment: Segment
    recording: Recording
    job: ClipJob


@dataclass
class ClipsResult:
    session: Session
    out: Path
    clips: list[ClipPlan] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # chapters and full-show files
    notes: list[str] = field(default_factory=list)
    scans: list[FlvScan] = field(default_factory=list)


def load_sessions(show: str | Path) -> list[Session]:
    from console.analytics.load import load_show

    show = Path(show)
    if not show.is_dir():
        raise UserError(f"{show} is not a show folder: give the folder with show.json")
    return read_sessions(load_show(show).events, show)


def _name(text: str, limit: int = 60) -> str:
    cleaned = re.sub(r"[^\w\-]+", "_", text, flags=re.UNICODE).strip("_")
    return cleaned[:limit] or "clip"


def plan(show: str | Path, number: int | None = None, out: str | Path | None = None) -> ClipsResult:
    """What :func:`cut_session` would cut, with one line for what cannot be."""
    show = Path(show)
    session = pick_session(load_sessions(show), number, show)
    where = f"{show}: session {session.number}"
    if not session.recordings:
        raise UserError(
            f"{where} has no recording: turn on 'record when live' (or rehearse) to cut clips"
        )
    if not session.segments:
        raise UserError(
            f"{where} has no pinned product, flash sale or lottery draw: nothing to clip"
        )
    folder = Path(out) if out is not None else show / "clips" / f"session-{session.number}"
    result = ClipsResult(session, folder)
    recs = sorted(session.recordings, key=lambda r: r.journal_t)
    for i, seg in enumerate(session.segments, 1):
        rec = next((r for r in reversed(recs) if r.journal_t <= seg.start + 2.0), recs[0])
        key = seg.product_id or seg.key
        job = ClipJob(
            rec.media_time(seg.start),
            rec.media_time(seg.end),
            folder / f"{i:02d}-{_name(key, 30)}-{_name(seg.title)}.mp4",
            title=seg.title,
        )
        result.clips.append(ClipPlan(seg, rec, job))
    return result


def cut_session(
    show: str | Path, number: int | None = None, out: str | Path | None = None, full: bool = True
) -> ClipsResult:
    """Cut the clips of session ``number`` (default: the last), write its chapters (WebVTT,
    YouTube list) and, with ``full``, the whole recording as MP4 with chapters."""
    show = Path(show)
    result = plan(show, number, out)
    root = show if _inside(result.out, show) else None
    for n, rec in enumerate(result.session.recordings, 1):
        stem = "show" if len(result.session.recordings) == 1 else f"show-{n}"
        jobs = [c.job for c in result.clips if c.recording is rec]
        try:
            scan = scan_flv(rec.path)
        except UserError as exc:
            result.notes.append(str(exc))
            for job in jobs:
                job.problem = "its recording cannot be read"
            continue
        result.scans.append(scan)
        if scan.truncated:
            result.notes.append(
                f"{rec.path.name} was cut short (a crash?): it plays to "
                f"{scan.last_ms / 1000:.1f} s; clips past that are skipped"
            )
        chapters = {}
        if scan.first_key_ms is not None:
            origin = scan.first_key_ms / 1000.0
            length = scan.last_ms / 1000.0 - origin
            marks = recording_chapters(result.session.segments, rec, origin, length)
            vtt = result.out / f"{stem}.chapters.vtt"
            yt = result.out / f"{stem}.youtube.txt"
            text, note = youtube_list(marks)
            _write(root, vtt, webvtt(marks))
            _write(root, yt, text)
            result.files += [vtt, yt]
            if note:
                result.notes.append(f"{yt.name}: {note}")
            if full:
                whole = ClipJob(origin, scan.last_ms / 1000.0, result.out / f"{stem}.mp4")
                whole.title = result.session.mode or "show"
                jobs.append(whole)
                chapters[len(jobs) - 1] = chapter_dicts([(c.start, c.end, c.title) for c in marks])
        if jobs:
            cut_recording(rec.path, jobs, root, chapters)
            if full and jobs[-1].written:
                result.files.append(jobs[-1].out)
    for clip in result.clips:
        if clip.job.problem:
            result.notes.append(f"{clip.segment.title}: {clip.job.problem}")
    return result


def _inside(path: Path, root: Path) -> bool:
    try:
        path.absolute().relative_to(root.absolute())
    except ValueError:
        return False
    return True


def _write(root: Path | None, target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if root is not None:
        from console.show.safe_files import write_text_atomic

        write_text_atomic(root, target, text)
    else:
        target.write_text(text, encoding="utf-8")
