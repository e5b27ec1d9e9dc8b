"""Where the console's own data lives: the one module that knows.

The repository keeps ``resources/`` (demo show, platform presets, compliance terms, translations,
fonts, icons) and ``plugins/`` (built-in plugin manifests) at the top level; ``pyproject.toml``
maps them into the package as ``console._data`` and ``console._plugins``, so an editable install,
a wheel, an sdist and a frozen bundle all find the same files through :mod:`importlib.resources`.

A file that is missing or unreadable is a broken install: the error names the file and says to
reinstall, in one line (:class:`DataFileError`, a :class:`~console.errors.UserError`).
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
from functools import cache
from pathlib import Path
from typing import Any

from console.errors import UserError

DATA_PACKAGE = "console._data"  # resources/ in the repository
PLUGINS_PACKAGE = "console._plugins"  # plugins/ in the repository
DISTRIBUTION = "live-console"
APP_NAME = "Live Console"


class DataFileError(UserError):
    """A file of the console's own data is missing or corrupted: the install is broken."""


def _package_dir(package: str) -> Path:
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError:
        raise DataFileError(
            f"the console's data folder ({package}) is missing from the install: "
            "reinstall the console"
        ) from None
    # wheels, editable installs and PyInstaller bundles all give a real folder
    return Path(str(root))


@cache
def data_dir() -> Path:
    """The folder holding ``resources/`` (demo_show, platforms, compliance, translations, …)."""
    return _package_dir(DATA_PACKAGE)


@cache
def plugins_dir() -> Path:
    """The folder holding the built-in plugin manifests (``plugins/`` in the repository)."""
    return _package_dir(PLUGINS_PACKAGE)


def data_path(*parts: str, folder: bool = False) -> Path:
    """The path of a shipped data file (or ``folder``); :class:`DataFileError` if it is missing."""
    path = data_dir().joinpath(*parts)
    if not (path.is_dir() if folder else path.is_file()):
        what = "folder" if folder else "file"
        raise DataFileError(f"the console's data {what} {path} is missing: reinstall the console")
    return path


def read_json(*parts: str) -> Any:
    """Read a shipped JSON file; a missing or corrupted one is a one-line :class:`DataFileError`."""
    path = data_path(*parts)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataFileError(
            f"the console's data file {path} is corrupted ({reason}): reinstall the console"
        ) from None


def fonts_dir() -> Path:
    """Fonts shipped with the console (a CJK subset; it may be absent in a trimmed install)."""
    return data_dir() / "fonts"


def icon_path(size: int = 256) -> Path:
    """The application icon as PNG (``resources/icons/live-console-<size>.png``)."""
    return data_dir() / "icons" / f"live-console-{size}.png"


@cache
def version() -> str:
    """The installed version (from the distribution's metadata; bundles carry it too)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"
