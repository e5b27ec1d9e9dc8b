"""The one h:mm:ss formatter (console/timefmt.py)."""

from __future__ import annotations

from console.timefmt import hms


def test_under_an_hour_minutes_and_seconds() -> None:
    assert hms(0) == "0:00"
    assert hms(125) == "2:05"
    assert hms(3599) == "59:59"


def test_from_one_hour_hours_minutes_seconds() -> None:
    assert hms(3600) == "1:00:00"
    assert hms(3725) == "1:02:05"
    assert hms(100 * 3600 + 1) == "100:00:01"


def test_always_hours_and_padded_minutes() -> None:
    assert hms(125, always_hours=True) == "0:02:05"
    assert hms(125, pad_minutes=True) == "02:05"
    assert hms(3725, pad_minutes=True) == "1:02:05"


def test_negative_is_zero_and_fractions_are_cut() -> None:
    assert hms(-5) == "0:00"
    assert hms(59.99) == "0:59"
