"""Crash resume offers from the journal, and the rehearsal guard of resume()."""

from __future__ import annotations

import pytest

from console.errors import UserError
from console.live.outputs import Destination
from console.live.resume import find_offer, resume, target_of
from console.live.session import LiveSession
from console.show.actor import Actor
from console.show.journal import Event

T0 = 1_800_000_000.0


def started(seq: int, ts: float, mode: str = "rehearsal", **extra: object) -> Event:
    targets = [
        {
            "id": "local-1",
            "name": "local-1",
            "preset": "custom",
            "server": "rtmp://127.0.0.1:1935/live",
        }
    ]
    return Event(seq, ts, "session.started", {"mode": mode, "targets": targets, **extra})


def test_an_unfinished_session_is_offered_with_the_room_countdown():
    events = [
        started(1, T0),
        Event(2, T0 + 5, "health.sample", {}),
        Event(3, T0 + 10, "health.sample", {}),
    ]
    offer = find_offer(events, now=T0 + 25)
    assert offer is not None and offer.rehearsal and offer.session_seq == 1
    assert offer.since_s == pytest.approx(15) and offer.room_left_s == pytest.approx(45)
    assert "stopped sending 15 s ago; the room may close in 45 s" in offer.text()
    assert find_offer([*events, Event(4, T0 + 11, "session.ended", {})], now=T0 + 25) is None
    late = find_offer(events, now=T0 + 200)
    assert late is not None and late.room_left_s == 0 and "probably closed" in late.text()
    # a resumed session counts from the resume, and stays the same session
    resumed = find_offer([*events, started(4, T0 + 30, resumes=1)], now=T0 + 31)
    assert resumed is not None and resumed.session_seq == 1 and resumed.since_s == pytest.approx(1)


def test_a_rehearsal_is_never_resumed_live_and_vice_versa():
    offer = find_offer([started(1, T0)], now=T0 + 1)
    assert offer is not None
    live = LiveSession(None, rehearsal=False)
    dest = Destination("local-1", "local-1", "rtmp://127.0.0.1:1935/live")
    with pytest.raises(UserError, match="was a rehearsal: resume it as a rehearsal"):
        resume(live, offer, [dest], {"local-1": "k"}, Actor("run"))
    live_offer = find_offer([started(1, T0, mode="live")], now=T0 + 1)
    assert live_offer is not None
    with pytest.raises(UserError, match="was live: resume it live"):
        resume(LiveSession(None, rehearsal=True), live_offer, [dest], {}, Actor("run"))


def test_resume_refuses_other_destinations():
    offer = find_offer([started(1, T0)], now=T0 + 1)
    assert offer is not None
    other = Destination("douyin", "Douyin", "rtmp://push.example.com/live")
    with pytest.raises(UserError, match="was not in the unfinished session"):
        resume(LiveSession(None, rehearsal=True), offer, [other], {}, Actor("run"))
    moved = Destination("local-1", "local-1", "rtmp://127.0.0.1:1936/live")
    with pytest.raises(UserError, match="resume to the same server"):
        resume(LiveSession(None, rehearsal=True), offer, [moved], {}, Actor("run"))


def test_the_journal_keeps_no_credential_of_a_destination():
    d = Destination("x", "X", "rtmp://user:pw@push.example.com:1935/live?sign=abc")
    assert target_of(d)["server"] == "rtmp://push.example.com:1935/live"
