"""Outputs and destinations: specs in, publisher / recorder objects out.

A destination as the window saves it (``console.settings.DestinationSettings``) plus its key
becomes an :class:`OutputSpec`; :func:`build_output` turns a spec into today's
``RtmpPublisher`` or ``FlvRecorder`` (neither imports Qt). The factory is a parameter of
``LiveSession``, so a test or a separate media process can pass its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.errors import UserError

RECORDING = "recording"
StateCallback = Callable[[str, Any, "str | None"], None]


@dataclass(frozen=True)
class OutputSpec:
    """One output: ``kind`` ``rtmp`` (``url`` + ``key``) or ``recording`` (``path``)."""

    name: str
    kind: str
    url: str = ""
    key: str | None = None
    path: Path | None = None
    label: str = ""  # what a person calls it (the destination's name)
    ca_file: str | None = None
    connect_timeout: float = 5.0
    write_timeout: float = 5.0

    def __repr__(self) -> str:  # never the key
        return f"OutputSpec({self.name!r}, {self.kind!r}, url={self.url!r})"


OutputFactory = Callable[[OutputSpec, "StateCallback | None"], Any]


def build_output(spec: OutputSpec, on_state: StateCallback | None = None) -> Any:
    """The publisher or recorder for ``spec``; ``UserError`` for a bad URL or path."""
    if spec.kind == "rtmp":
        from console.media.rtmp import RtmpPublisher

        return RtmpPublisher(
            spec.url,
            spec.key,
            name=spec.name,
            on_state=on_state,
            ca_file=spec.ca_file,
            connect_timeout=spec.connect_timeout,
            write_timeout=spec.write_timeout,
        )
    if spec.kind == RECORDING:
        from console.media.recorder import FlvRecorder

        if spec.path is None:
            raise UserError("a recording needs a file path")
        return FlvRecorder(spec.path, name=spec.name, on_state=on_state)
    raise UserError(f"unknown output kind {spec.kind!r}: use rtmp or recording")


def recording_path(stem: str, folder: Path | None = None) -> Path:
    """A fresh FLV path in the user's videos folder (or ``folder``), never an existing file."""
    from console.media.recorder import check_record_path

    if folder is None:
        from platformdirs import user_videos_dir

        folder = Path(user_videos_dir()) / "live-console"
    folder.mkdir(parents=True, exist_ok=True)
    return check_record_path(str(folder / f"{stem}-{dt.datetime.now():%Y%m%d-%H%M%S}.flv"))


@dataclass(frozen=True)
class Destination:
    """A destination given on a command line (shaped like ``DestinationSettings``)."""

    id: str
    name: str
    server: str
    key_name: str = ""
    preset: str = "custom"
    enabled: bool = True
    key_expires_at: int | None = None
    key_saved_at: int | None = None
    ca_file: str | None = None
    connect_timeout: float = 5.0
    write_timeout: float = 5.0


def destination_specs(dests: list[Any], keys: dict[str, str | None]) -> list[OutputSpec]:
    """Destinations (``DestinationSettings`` or :class:`Destination`, with their keys by
    destination id) → RTMP output specs."""
    return [
        OutputSpec(
            d.id,
            "rtmp",
            url=d.server,
            key=keys.get(d.id),
            label=d.name,
            ca_file=getattr(d, "ca_file", None),
            connect_timeout=getattr(d, "connect_timeout", 5.0),
            write_timeout=getattr(d, "write_timeout", 5.0),
        )
        for d in dests
    ]


def close_outputs(outputs: list[Any], timeout: float = 5.0) -> None:
    """Stop every output (each flushes what it can within ``timeout``)."""
    for out in outputs:
        out.stop(timeout)
