"""What the obs-websocket server drives: the :class:`ControlTarget` protocol.

The live core implements it for real (outputs, recorder, compositor scenes, mixer); today
:class:`console.control.show_target.ShowTarget` implements it over a ShowController with the
stream/record parts given as callables. No Qt here.

A target raises :class:`ControlError` (an obs-websocket request status code and a one-line
comment) when it refuses; the server turns it into the request's ``requestStatus``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

EventSink = Callable[[str, dict[str, Any]], None]
"""``sink(event_type, event_data)``: an obs-websocket event (``"StreamStateChanged"`` …)."""


class ControlError(Exception):
    """A refused request: ``code`` is an obs-websocket ``RequestStatus`` (e.g. 500 OutputRunning,
    600 ResourceNotFound, 702 RequestProcessingFailed), ``comment`` says why (one line)."""

    def __init__(self, code: int, comment: str) -> None:
        super().__init__(comment)
        self.code = code
        self.comment = comment


@dataclass(frozen=True)
class OutputStatus:
    """An output (the stream or the recording) as GetStreamStatus / GetRecordStatus report it."""

    active: bool = False
    reconnecting: bool = False
    paused: bool = False
    duration_ms: int = 0
    congestion: float = 0.0
    bytes: int = 0
    skipped_frames: int = 0
    total_frames: int = 0
    link_bps: int | None = None  # the stream's link estimate (adaptive bitrate), if measured
    target_bps: int = 0  # the video bitrate the encoder is asked for now
    bitrate_reason: str = ""  # why the target last changed (congested, probe, ceiling, …)


@dataclass(frozen=True)
class SceneItem:
    """An overlay layer of a scene: ``item_id`` is stable for the scene (obs ``sceneItemId``)."""

    item_id: int
    source_name: str
    enabled: bool = True
    index: int = 0
    source_kind: str = "live_console_overlay"


@dataclass(frozen=True)
class AudioInput:
    """An audio source of the mixer: ``volume_db`` is its gain (0 dB = unchanged)."""

    name: str
    muted: bool = False
    volume_db: float = 0.0
    kind: str = "live_console_audio"
    uuid: str = ""


@dataclass
class TargetStats:
    """Numbers for GetStats the target knows (render and output counters)."""

    active_fps: float = 0.0
    average_frame_render_time_ms: float = 0.0
    render_skipped_frames: int = 0
    render_total_frames: int = 0
    output_skipped_frames: int = 0
    output_total_frames: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class ControlTarget(Protocol):
    """The console as an obs-websocket client sees it. Methods are called from the server's
    thread pool, one request at a time per client; they may block briefly (a journal write) but
    must not wait on the UI thread. Refusals raise :class:`ControlError`."""

    # ---- outputs
    # ``client`` is the calling client's name (the journal's actor ``control:<client>``)
    def stream_status(self) -> OutputStatus: ...
    def start_stream(self, client: str = "obs-websocket") -> None: ...
    def stop_stream(self, client: str = "obs-websocket") -> None: ...
    def record_status(self) -> OutputStatus: ...
    def start_record(self, client: str = "obs-websocket") -> None: ...
    def stop_record(self, client: str = "obs-websocket") -> str:
        """Stop recording; returns the recording's path."""
        ...

    # ---- scenes and scene items (overlay layers)
    def scene_names(self) -> list[str]: ...
    def current_scene(self) -> str: ...
    def set_current_scene(self, name: str) -> None: ...
    def scene_items(self, scene: str) -> list[SceneItem]: ...
    def set_scene_item_enabled(self, scene: str, item_id: int, enabled: bool) -> None: ...

    # ---- inputs (audio sources)
    def inputs(self) -> list[AudioInput]: ...
    def set_input_muted(self, name: str, muted: bool) -> None: ...
    def set_input_volume_db(self, name: str, volume_db: float) -> None: ...

    # ---- hotkeys
    def hotkeys(self) -> list[str]: ...
    def trigger_hotkey(self, name: str, client: str) -> None: ...

    # ---- vendors (the show)
    def vendor_names(self) -> list[str]: ...
    def vendor_request(
        self, vendor: str, request_type: str, data: dict[str, Any], client: str
    ) -> dict[str, Any]: ...

    # ---- stats and events
    def stats(self) -> TargetStats: ...
    def set_event_sink(self, sink: EventSink | None) -> None:
        """Where the target pushes events (from any thread); ``None`` detaches."""
        ...
