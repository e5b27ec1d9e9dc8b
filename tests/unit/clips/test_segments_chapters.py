"""Journal → sessions and segments; chapters as WebVTT and a YouTube list (no media)."""

from __future__ import annotations

from pathlib import Path

from console.clips.chapters import Chapter, recording_chapters, webvtt, youtube_list
from console.clips.segments import END_PAD_S, Recording, read_sessions
from console.show.journal import Event

T0 = 1_800_000_000.0


def ev(seq: int, dt: float, kind: str, **payload: object) -> Event:
    return Event(seq, T0 + dt, kind, dict(payload))


def journal() -> list[Event]:
    products = [{"id": "cup", "title": "Cup"}, {"id": "mask", "title": "Mask"}]
    return [
        ev(1, -10, "show.catalog_loaded", products=products),
        ev(2, -5, "show.product_pinned", product_id="cup"),  # pinned before the session
        ev(3, 0, "session.started", mode="live"),
        ev(
            4,
            1,
            "session.recording_started",
            path="recordings/a.flv",
            journal_t=T0 + 1,
            media_t0=0.021,
            reason="start",
        ),
        ev(5, 30, "show.product_pinned", product_id="mask"),
        ev(6, 40, "show.flash_sale_started", sale_id="flash-1", product_id="mask", ends_at=T0 + 70),
        ev(7, 50, "show.flash_sale_stopped", sale_id="flash-1", reason="stopped", at=T0 + 50),
        ev(8, 60, "show.lottery_drawn", lottery_id="lottery-1"),
        ev(9, 90, "show.product_unpinned", product_id="mask"),
        ev(10, 100, "health.sample"),
        # a crash, then a resume: the same session goes on with a new file
        ev(11, 160, "session.started", mode="live", resumes=3, gap_s=60.0),
        ev(
            12,
            161,
            "session.recording_started",
            path="/abs/b.flv",
            journal_t=T0 + 161,
            reason="resume",
        ),
        ev(13, 170, "show.product_pinned", product_id="cup"),
        ev(14, 200, "session.ended", mode="live"),
        ev(15, 300, "session.started", mode="rehearsal"),
    ]


def test_sessions_segments_and_recordings():
    sessions = read_sessions(journal(), Path("/show"))
    assert [s.number for s in sessions] == [1, 2]
    s = sessions[0]
    assert s.finished and s.resumes == [T0 + 160] and s.mode == "live"
    assert [r.path for r in s.recordings] == [Path("/show/recordings/a.flv"), Path("/abs/b.flv")]
    assert [r.reason for r in s.recordings] == ["start", "resume"]
    got = [(g.kind, g.key, g.start - T0, round(g.end - T0, 3)) for g in s.segments]
    assert got == [
        ("product", "cup", 0.0, 30 + END_PAD_S),  # counted from the session's start
        ("product", "mask", 30.0, 90 + END_PAD_S),
        ("flash_sale", "flash-1", 40.0, 50 + END_PAD_S),
        ("lottery", "lottery-1", 50.0, 80.0),
        ("product", "cup", 170.0, 200 + END_PAD_S),  # still pinned at the end
    ]
    assert s.segments[2].title == "Mask flash sale"
    assert not sessions[1].finished and sessions[1].segments == []


def test_mapping_is_one_subtraction():
    r = Recording(Path("a.flv"), journal_t=T0 + 1, media_t0=0.021, reason="start", seq=4)
    assert r.media_time(T0 + 31) == 30.021
    assert r.journal_time(30.021) == T0 + 31


def test_chapters_vtt_and_youtube_rule():
    s = read_sessions(journal(), Path("/show"))[0]
    rec = s.recordings[0]
    marks = recording_chapters(s.segments, rec, origin_s=0.021, length_s=100.0)
    # journal_t T0+1 is media 0.021: the pin at T0+30 is 29 s into the video
    assert [(int(c.start), c.title) for c in marks] == [
        (0, "Cup"),
        (29, "Mask"),
        (89, "Between products"),
    ]
    vtt = webvtt(marks)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:29.000\nCup\n\n2\n")
    text, note = youtube_list(marks)
    assert text.splitlines() == ["0:00 Cup", "0:29 Mask", "1:29 Between products"]
    assert note == ""
    short = [Chapter(0, 4, "A"), Chapter(4, 30, "B"), Chapter(30, 35, "C")]
    text, note = youtube_list(short)
    assert text.splitlines()[0].startswith("0:00 ") and "YouTube shows chapters from 3" in note
