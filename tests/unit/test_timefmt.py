"""The one h:mm:ss formatter (console/timefmt.py)."""

from __future__ import annotations

from console.timefmt import format_left, hms


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


def test_format_left_days_hours_minutes() -> None:
    assert format_left(42 * 60 + 59) == "42m"
    assert format_left(5 * 3600 + 7 * 60) == "5h 07m"
    assert format_left(2 * 86400 + 3 * 3600 + 5) == "2d 3h"
    assert format_left(-(5 * 3600 + 7 * 60)) == "5h 07m"  # expired that long ago
