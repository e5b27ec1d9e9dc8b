"""The console's saved settings: one typed schema with a version and migrations.

Stored as JSON in the platformdirs config folder (``settings.json``). Window geometry is the
only thing kept elsewhere (``window.ini`` through QSettings, in the same folder).

Stream keys are never part of this schema: a destination names its key (``key_name``) and the
key itself lives in the OS keyring (:mod:`console.platforms.credentials`).
"""

from __future__ import annotations

import dataclasses
import errno
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


def _default(f: dataclasses.Field) -> Any:
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return f.default_factory()  # type: ignore[misc]
    return f.default


_SCALARS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
    "float": (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "a number"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "str": (lambda v: isinstance(v, str), "text"),
    "int | None": (
        lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)),
        "a whole number or null",
    ),
}


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "text"}.get(
        type(value), "a list" if isinstance(value, list) else "an object"
    )


def _build(cls: type, data: Any, where: str, problems: list[str]) -> Any:
    """A dataclass from a dict, field by field: unknown keys are ignored, missing ones keep
    their defaults, and a field of the wrong type gets its default alone (named in
    ``problems`` as ``section.field``) — never the whole section."""
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        path = f"{where}.{f.name}" if where else f.name
        kwargs[f.name] = _convert(f, data[f.name], path, problems)
    return cls(**kwargs)


def _convert(f: dataclasses.Field, value: Any, path: str, problems: list[str]) -> Any:
    t = str(f.type)
    if t in _SCALARS:
        ok, wanted = _SCALARS[t]
        if ok(value):
            return float(value) if t == "float" else value
        default = _default(f)
        problems.append(f"{path}: expected {wanted}, found {_kind(value)}; using {default!r}")
        return default
    for name, cls in _NESTED.items():
        if t == name:
            if isinstance(value, dict):
                return _build(cls, value, path, problems)
            problems.append(f"{path}: expected an object, found {_kind(value)}; using the defaults")
            return _default(f)
        if t == f"list[{name}]":
            if not isinstance(value, list):
                problems.append(
                    f"{path}: expected a list, found {_kind(value)}; using the defaults"
                )
                return _default(f)
            return _items(cls, value, path, problems)
        if t == f"dict[str, list[{name}]]":
            if not isinstance(value, dict):
                problems.append(f"{path}: expected an object, found {_kind(value)}; using {{}}")
                return {}
            out: dict[str, list[Any]] = {}
            for k, vs in value.items():
                if isinstance(vs, list):
                    out[str(k)] = _items(cls, vs, f"{path}[{k!r}]", problems)
                else:
                    problems.append(f"{path}[{k!r}]: expected a list, found {_kind(vs)}; left out")
            return out
    return value


def _items(cls: type, values: list[Any], path: str, problems: list[str]) -> list[Any]:
    items = []
    for i, v in enumerate(values):
        if isinstance(v, dict):
            items.append(_build(cls, v, f"{path}[{i}]", problems))
        else:
            problems.append(f"{path}[{i}]: expected an object, found {_kind(v)}; left out")
    return items


_NESTED: dict[str, type] = {
    "CanvasSettings": CanvasSettings,
    "SourceSettings": SourceSettings,
    "AudioSlot": AudioSlot,
    "DestinationSettings": DestinationSettings,
    "LayerPlacement": LayerPlacement,
}


class NewerSettingsFile(OSError):
    """settings.json was written by a newer version: it is read, never overwritten."""


def settings_path(folder: Path | None = None) -> Path:
    return (folder or config_dir()) / SETTINGS_FILE


def load_settings(folder: Path | None = None) -> Settings:
    """Read the settings (problems are logged as warnings, see :func:`load_settings_report`)."""
    settings, problems = load_settings_report(folder)
    for problem in problems:
        log.warning("%s", problem)
    return settings


def load_settings_report(folder: Path | None = None) -> tuple[Settings, list[str]]:
    """The settings and one line per problem found.

    A missing file gives the defaults; an unreadable one the defaults and a problem. A file
    from a newer version is read for what this version understands and is never overwritten
    (:func:`save_settings` refuses). A field of the wrong type gets its default alone and the
    problem names it (``canvas.width: expected a whole number …``).
    """
    path = settings_path(folder)
    problems: list[str] = []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings(), problems
    except (OSError, ValueError) as exc:
        return Settings(), [f"settings file {path} unreadable ({exc}); using defaults"]
    if not isinstance(data, dict):
        return Settings(), [f"settings file {path} is not a JSON object; using defaults"]
    version = data.get("version", 0) or 0
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(f"settings file {path}: version: expected a whole number; read as 1")
        version = data["version"] = 1
    if version > SCHEMA_VERSION:
        problems.append(
            f"settings file {path} is from a newer version ({version}; this one knows "
            f"{SCHEMA_VERSION}): reading what is understood; it will not be overwritten"
        )
    else:
        data = migrate(data)
    fields_problems: list[str] = []
    settings = _build(Settings, data, "", fields_problems)
    settings.version = SCHEMA_VERSION
    return settings, problems + [f"settings file {path}: {p}" for p in fields_problems]


def _version_on_disk(path: Path) -> int:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    version = data.get("version", 0) if isinstance(data, dict) else 0
    return version if isinstance(version, int) and not isinstance(version, bool) else 0


def save_settings(settings: Settings, folder: Path | None = None) -> Path:
    """Write the settings atomically (a crash never leaves half a file).

    Raises :class:`NewerSettingsFile` (an ``OSError`` whose ``strerror`` says what happened)
    and leaves the file byte for byte as it was when it is from a newer version.
    """
    path = settings_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    newer = _version_on_disk(path)
    if newer > SCHEMA_VERSION:
        raise NewerSettingsFile(
            errno.EEXIST,
            f"{path} is from a newer version ({newer}); kept as it is — "
            "changes made here last until the console closes",
        )
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
