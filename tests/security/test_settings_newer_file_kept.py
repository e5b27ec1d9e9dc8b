"""A settings file from a newer version was silently downgraded on the next save."""

from __future__ import annotations

import json

import pytest

from console.settings import (
    SCHEMA_VERSION,
    NewerSettingsFile,
    load_settings_report,
    save_settings,
    settings_path,
)


def test_newer_file_is_read_and_left_byte_identical() -> None:
    path = settings_path()
    newer = {
        "version": SCHEMA_VERSION + 1,
        "language": "zh_CN",
        "canvas": {"width": 1080, "height": 1920, "hdr": True},
        "new_section": {"anything": [1, 2, 3]},
    }
    raw = json.dumps(newer, indent=4).encode("utf-8")
    path.write_bytes(raw)

    settings, problems = load_settings_report()
    assert settings.language == "zh_CN" and settings.canvas.width == 1080  # what is understood
    assert any("newer version" in p and "not be overwritten" in p for p in problems)

    settings.language = "en"
    with pytest.raises(NewerSettingsFile) as err:
        save_settings(settings)
    assert isinstance(err.value, OSError)  # the window's save shows it as a notice
    assert "newer version" in err.value.strerror and "\n" not in err.value.strerror
    assert path.read_bytes() == raw
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]  # no temp left


def test_current_file_is_still_saved() -> None:
    settings, _ = load_settings_report()
    settings.language = "en"
    save_settings(settings)
    assert json.loads(settings_path().read_text(encoding="utf-8"))["language"] == "en"
