"""The console's saved settings: one typed schema with a version and migrations.

Stored as JSON in the platformdirs config folder (``settings.json``). Window geometry is the
only thing kept elsewhere (``window.ini`` through QSettings, in the same folder).

Stream keys are never part of this schema: a destination names its key (``key_name``) and the
key itself lives in the OS keyring (:mod:`console.platforms.credentials`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

log = logging.getLogger(__name__)

APP_NAME = "live-console"
SCHEMA_VERSION = 1
SETTINGS_FILE = "settings.json"


def config_dir() -> Path:
    """The folder holding settings.json and window.ini (created on first use)."""
    path = Path(user_config_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class CanvasSettings:
    """Canvas size, frame rate and the encoder: changing them rebuilds the pipeline."""

    width: int = 720
    height: int = 1280
    fps: int = 30
    video_bitrate_kbps: int = 2500
    encoder: str = "auto"

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def orientation(self) -> str:
        return "portrait" if self.portrait else "landscape"


@dataclass
class AudioSlot:
    """One source in the audio mix, as a source spec (``tone``, ``mic:NAME``, ``file:PATH``)."""

    spec: str = "tone"
    gain: float = 1.0
    muted: bool = False


@dataclass
class SourceSettings:
    video: str = "testpattern"
    audio: list[AudioSlot] = field(default_factory=lambda: [AudioSlot()])


@dataclass
class DestinationSettings:
    """One destination. The key is in the OS keyring under ``key_name``, never here."""

    id: str = ""
    name: str = ""
    preset: str = "custom"
    server: str = ""
    key_name: str = ""
    enabled: bool = True
    #: Unix time the pasted key expires (from its ``expire=`` parameter), if it said so.
    key_expires_at: int | None = None
    #: Unix time the key was stored (for single-use keys with a fixed lifetime).
    key_saved_at: int | None = None


@dataclass
class LayerPlacement:
    """Where an overlay layer sits, in normalized canvas units, and whether it shows."""

    name: str = ""
    x: float = 0.0
    y: float = 0.0
    w: float = 1.0
    h: float = 1.0
    visible: bool = True


@dataclass
class Settings:
    version: int = SCHEMA_VERSION
    language: str = ""  # "" follows the system locale; otherwise "en" or "zh_CN"
    rehearsal: bool = True
    record_when_live: bool = True
    safe_zone_preset: str = ""  # preset id whose safe zones the preview shows; "" for none
    canvas: CanvasSettings = field(default_factory=CanvasSettings)
    sources: SourceSettings = field(default_factory=SourceSettings)
    destinations: list[DestinationSettings] = field(default_factory=list)
    #: "<show>:<orientation>" → overlay placements, topmost last.
    layouts: dict[str, list[LayerPlacement]] = field(default_factory=dict)


# --------------------------------------------------------------------------- migrations

#: ``MIGRATIONS[n]`` turns a version-``n`` dict into a version ``n + 1`` dict.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a loaded settings dict up to :data:`SCHEMA_VERSION`, one step at a time."""
    version = int(data.get("version", 0) or 0)
    if version == 0:  # before the version field: nothing to convert
        version = 1
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](dict(data))
        version += 1
    data["version"] = version
    return data


# --------------------------------------------------------------------------- (de)serialising


def _build(cls: type, data: Any) -> Any:
    """A dataclass from a dict, ignoring unknown keys and keeping defaults for missing ones."""
    if not isinstance(data, dict):
        return cls()
    kwargs: dict[str, Any] = {}
    hints = {f.name: f for f in fields(cls)}
    for name, f in hints.items():
        if name not in data:
            continue
        value = data[name]
        kwargs[name] = _convert(f.type, value)
    try:
        return cls(**kwargs)
    except TypeError:
        return cls()


_NESTED: dict[str, type] = {
    "CanvasSettings": CanvasSettings,
    "SourceSettings": SourceSettings,
    "AudioSlot": AudioSlot,
    "DestinationSettings": DestinationSettings,
    "LayerPlacement": LayerPlacement,
}


def _convert(type_text: Any, value: Any) -> Any:
    t = str(type_text)
    for name, cls in _NESTED.items():
        if t == name:
            return _build(cls, value)
        if t == f"list[{name}]":
            return [_build(cls, v) for v in value] if isinstance(value, list) else []
        if t == f"dict[str, list[{name}]]":
            if not isinstance(value, dict):
                return {}
            return {
                str(k): [_build(cls, v) for v in vs]
                for k, vs in value.items()
                if isinstance(vs, list)
            }
    return value


def settings_path(folder: Path | None = None) -> Path:
    return (folder or config_dir()) / SETTINGS_FILE


def load_settings(folder: Path | None = None) -> Settings:
    """Read the settings; a missing or unreadable file gives the defaults (and is logged)."""
    path = settings_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    if int(data.get("version", 0) or 0) > SCHEMA_VERSION:
        log.warning("settings file %s is from a newer version; reading what is known", path)
    else:
        data = migrate(data)
    settings = _build(Settings, data)
    settings.version = SCHEMA_VERSION
    return settings


def save_settings(settings: Settings, folder: Path | None = None) -> Path:
    """Write the settings atomically (a crash never leaves half a file)."""
    path = settings_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(asdict(settings), ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def replace(obj: Any, **changes: Any) -> Any:
    """``dataclasses.replace`` re-exported for callers that edit settings."""
    return dataclasses.replace(obj, **changes)
