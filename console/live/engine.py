"""The media engine as the live core sees it: a narrow, data-only protocol.

The live core never imports the media pipeline (``console.media`` draws with QtGui). The
composition roots (``console/app.py`` for the window, ``console/cli.py`` for stream / demo /
run) pass an :data:`EngineFactory` that builds today's ``Pipeline`` with its overlays
(``console.media.live_engine.PipelineEngine``). Only specs, placements and numbers cross this
boundary (the preview hook hands over a numpy BGRA copy), so the engine can later run in a
process of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class EngineSpec:
    """What to build: the canvas, the encoder and the sources (source-spec strings)."""

    width: int = 720
    height: int = 1280
    fps: int = 30
    video_bitrate: int = 2_500_000
    encoder: str = "auto"
    preset: str = "veryfast"
    video: str = "testpattern"
    audio: tuple[str, ...] = ("tone",)
    adaptive_bitrate: bool = True
    abr_follow: str = "healthy"  # several destinations: follow the healthy ones or the slowest


@dataclass(frozen=True)
class Placement:
    """An overlay layer's place (normalized canvas units) and whether it shows."""

    name: str
    x: float
    y: float
    w: float
    h: float
    visible: bool = True


@dataclass
class EngineStats:
    """The numbers the live core reads (a ``PipelineStats`` satisfies this by its fields)."""

    render_fps: float = 0.0
    encoder: str = ""
    dropped_total: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    uptime_s: float = 0.0
    error: str | None = None
    outputs: list[Any] = field(default_factory=list)


@runtime_checkable
class MediaEngine(Protocol):
    """One running encode that outputs join and leave (every call may block briefly)."""

    def start(self) -> None:
        """Open the sources and the encoder; raises ``UserError`` when it cannot."""
        ...

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the encode (flushing it) and every output still attached."""
        ...

    def add_output(self, output: Any) -> None:
        """Join an output (``console.media.output.Output``) at the next keyframe."""
        ...

    def remove_outputs(self) -> list[Any]:
        """Detach every joined output (the caller stops them) and return them."""
        ...

    def stats(self) -> Any:
        """A ``PipelineStats``-shaped snapshot (see :class:`EngineStats`)."""
        ...

    def output_stats(self) -> list[Any]:
        """``OutputStats`` of the joined outputs."""
        ...

    def switch_video(self, spec: str) -> None: ...

    def set_audio(self, specs: list[str]) -> None: ...

    def set_placements(self, placements: list[Placement]) -> None: ...

    def set_preview(self, callback: Callable[[Any], None] | None, max_fps: float) -> None: ...


EngineFactory = Callable[[EngineSpec], MediaEngine]
