"""A crash resumed is a gap in the report: nothing was sent between the crash and the resume."""

from __future__ import annotations

from console.analytics.html import render_html
from console.analytics.metrics import analyze
from console.show.journal import Event

T0 = 1_800_000_000.0


def test_a_resumed_session_shows_its_gap():
    events = [
        Event(1, T0, "session.started", {"mode": "rehearsal"}),
        Event(2, T0 + 5, "health.sample", {"render_fps": 30.0}),
        Event(3, T0 + 10, "health.sample", {"render_fps": 30.0}),
        Event(4, T0 + 70, "session.started", {"mode": "rehearsal", "resumes": 1, "gap_s": 60.0}),
        Event(5, T0 + 75, "health.sample", {"render_fps": 30.0}),
        Event(6, T0 + 80, "session.ended", {"mode": "rehearsal"}),
    ]
    a = analyze(events, "gap", "CNY")
    assert a.health.gaps == [(T0 + 10, T0 + 70)]
    page = render_html([a])
    assert "Gaps (crash, resumed)" in page and "(60 s)" in page
    assert analyze(events[:3], "no gap", "CNY").health.gaps == []
