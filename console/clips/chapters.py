"""Chapters of a whole recording: WebVTT, a YouTube description list, MP4 chapters.

The chapters follow the pinned products (flash sales and lottery draws overlap them, so they
are clips, not chapters): "Opening" from 0:00 to the first pin, then one chapter per pin, and
"Between products" where nothing was pinned for at least :data:`MIN_GAP_S`.

YouTube reads chapters from a video's description: the first at ``0:00``, at least three, each
at least 10 seconds long (``YOUTUBE_MIN_S``). :func:`youtube_list` drops chapters shorter than
that (the time goes to the chapter before) and says when fewer than three remain — then YouTube
shows none. WebVTT and MP4 chapters keep every chapter.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.clips.segments import Recording, Segment
from console.timefmt import hms

YOUTUBE_MIN_S = 10.0
YOUTUBE_MIN_CHAPTERS = 3
MIN_GAP_S = 5.0
OPENING = "开场 · Opening"
BETWEEN = "Between products"


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds into the recording's video (its first keyframe is 0)
    end: float
    title: str


def recording_chapters(
    segments: list[Segment], recording: Recording, origin_s: float, length_s: float
) -> list[Chapter]:
    """Chapters over ``length_s`` seconds of video whose 0 is media time ``origin_s``."""
    pins = sorted((s for s in segments if s.kind == "product"), key=lambda s: s.start)
    marks: list[tuple[float, str]] = []
    cursor = 0.0
    for seg in pins:
        start = max(0.0, recording.media_time(seg.start) - origin_s)
        end = min(length_s, recording.media_time(seg.end) - origin_s)
        if end <= 0 or start >= length_s or end <= start:
            continue
        if start - cursor >= MIN_GAP_S or not marks:
            marks.append((cursor, OPENING if not marks else BETWEEN))
        marks.append((start, seg.title))
        cursor = end
    if not marks:
        marks.append((0.0, OPENING))
    elif length_s - cursor >= MIN_GAP_S:
        marks.append((cursor, BETWEEN))
    cleaned: list[tuple[float, str]] = []
    for start, title in marks:
        if cleaned and start - cleaned[-1][0] <= 0.05:
            cleaned[-1] = (cleaned[-1][0], title)  # a pin at 0:00 names the first chapter
        else:
            cleaned.append((start, title))
    return [
        Chapter(start, cleaned[i + 1][0] if i + 1 < len(cleaned) else length_s, title)
        for i, (start, title) in enumerate(cleaned)
    ]


def _clock(t: float, millis: bool) -> str:
    ms_total = int(round(t * 1000))
    h, rem = divmod(ms_total, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    if millis:
        return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"
    return hms(ms_total // 1000)


def webvtt(chapters: list[Chapter]) -> str:
    lines = ["WEBVTT", ""]
    for i, ch in enumerate(chapters, 1):
        title = ch.title.replace("-->", "→").replace("\n", " ")
        lines += [str(i), f"{_clock(ch.start, True)} --> {_clock(ch.end, True)}", title, ""]
    return "\n".join(lines)


def youtube_list(chapters: list[Chapter]) -> tuple[str, str]:
    """(``0:00 title`` lines, a note when YouTube will not show them, else "")."""
    kept: list[Chapter] = []
    for ch in chapters:
        if kept and ch.end - ch.start < YOUTUBE_MIN_S:
            continue  # too short for YouTube: its time stays with the chapter before
        if kept and ch.start - kept[-1].start < YOUTUBE_MIN_S:
            kept[-1] = Chapter(kept[-1].start, ch.end, kept[-1].title)
            continue
        kept.append(ch)
    if kept:
        kept[0] = Chapter(0.0, kept[0].end, kept[0].title)  # YouTube wants the first at 0:00
    text = "\n".join(f"{_clock(ch.start, False)} {ch.title}" for ch in kept) + "\n"
    note = ""
    if len(kept) < YOUTUBE_MIN_CHAPTERS:
        note = (
            f"only {len(kept)} chapter(s) of 10 s or more: YouTube shows chapters from "
            f"{YOUTUBE_MIN_CHAPTERS} on"
        )
    return text, note
