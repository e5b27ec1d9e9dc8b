"""One bad nested value silently reset the whole section (or passed a wrong type through)."""

from __future__ import annotations

import json
import logging

import pytest

from console.settings import load_settings, load_settings_report, settings_path


def _write(data: dict) -> None:
    settings_path().write_text(json.dumps(data), encoding="utf-8")


def test_bad_nested_field_is_defaulted_alone_and_named() -> None:
    _write(
        {
            "version": 1,
            "canvas": {"width": "wide", "height": 1920, "fps": 25, "encoder": "libx264"},
            "destinations": [
                {"id": "d1", "name": "抖音", "server": "rtmp://x/app/", "enabled": "yes"},
            ],
        }
    )
    settings, problems = load_settings_report()
    assert settings.canvas.width == 720  # the default, for this field only
    assert (settings.canvas.height, settings.canvas.fps, settings.canvas.encoder) == (
        1920,
        25,
        "libx264",
    )
    dest = settings.destinations[0]
    assert (dest.id, dest.name, dest.server, dest.enabled) == ("d1", "抖音", "rtmp://x/app/", True)
    assert len(problems) == 2
    assert "canvas.width: expected a whole number" in problems[0] and "720" in problems[0]
    assert "destinations[0].enabled: expected true or false" in problems[1]


def test_bad_list_item_is_left_out_the_rest_kept(caplog: pytest.LogCaptureFixture) -> None:
    _write({"version": 1, "sources": {"video": "camera:0", "audio": [{"spec": "mic"}, 7]}})
    with caplog.at_level(logging.WARNING):
        settings = load_settings()
    assert settings.sources.video == "camera:0"
    assert [a.spec for a in settings.sources.audio] == ["mic"]
    assert any("sources.audio[1]" in r.getMessage() for r in caplog.records)
