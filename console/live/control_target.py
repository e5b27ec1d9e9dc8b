"""LiveControlTarget: the obs-websocket :class:`~console.control.target.ControlTarget` over the
live core — shared by the window and ``live-console run`` (no Qt here; the window adds only
the hand-over to its UI thread, in the callables it passes).

- **Stream** (StartStream / StopStream / ToggleStream): ``go_live(actor)`` / ``stop_live(actor)``
  of the client, with the actor ``control:<client name>`` (the client's User-Agent product).
  As in OBS, StartStream answers once going live has been asked for; ``StreamStateChanged``
  STARTED / STOPPED follow when the LiveSession really went live or stopped
  (:meth:`LiveControlTarget.live_changed`, wired by the composition root). GetStreamStatus reads
  the LiveSession: active, time live, bytes sent and reconnecting over the destinations,
  skipped/total frames from the engine stats, and the adaptive bitrate's link estimate, target
  and reason (``outputLinkEstimateBps``, ``outputTargetBitrateBps``, ``outputBitrateReason``).
- **Record** (StartRecord / StopRecord / ToggleRecord): a local recording (FlvRecorder, built by
  the LiveSession's output factory) joined to the running encode and detached again, live or
  not; when the session itself records (went live with the recording on), that is the
  recording GetRecordStatus reports and StopRecord stops (the stream goes on).
- **Scenes**: one scene, named for the canvas orientation (``Portrait 9:16`` / ``Landscape
  16:9``); SetCurrentProgramScene accepts only it.
- **Scene items**: the overlay layers (``layers()`` → ``[(name, enabled)]`` topmost first);
  SetSceneItemEnabled calls ``set_layer(name, enabled)`` — in the window the layer list's path.
- **Inputs**: the audio sources of the mix (``audio()`` → ``[AudioInput]``); mute and volume go
  to ``set_muted(name, muted)`` / ``set_gain(name, linear gain)`` — the window's mixer path.
- **Hotkeys**: the client's named actions (``{name: fn(actor)}``) besides the show's.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.control import requests as rq
from console.control.show_target import ShowTarget
from console.control.target import (
    AudioInput,
    ControlError,
    OutputStatus,
    SceneItem,
    TargetStats,
)
from console.live.outputs import RECORDING, OutputSpec, close_outputs
from console.show.actor import Actor

log = logging.getLogger(__name__)

OVERLAY_KIND = "live_console_overlay"


def control_actor(client: str) -> Actor:
    """``control:<client>`` (the journal's actor for a remote-control client)."""
    return Actor("control", client or "obs-websocket")


def scene_name(orientation: str) -> str:
    return "Landscape 16:9" if orientation == "landscape" else "Portrait 9:16"


@dataclass
class LiveParts:
    """What the target drives, as plain callables (the window marshals them to its UI thread).

    ``layers`` → ``[(name, enabled)]`` topmost first; ``audio`` → ``[AudioInput]``;
    ``set_gain`` takes a linear gain (1.0 = 0 dB); ``orientation`` → ``"portrait"`` or
    ``"landscape"``; ``recording_path`` → where a StartRecord recording goes."""

    go_live: Callable[[Actor], None]
    stop_live: Callable[[Actor], None]
    layers: Callable[[], list[tuple[str, bool]]] = lambda: []
    set_layer: Callable[[str, bool], None] | None = None
    audio: Callable[[], list[AudioInput]] = lambda: []
    set_muted: Callable[[str, bool], None] | None = None
    set_gain: Callable[[str, float], None] | None = None
    orientation: Callable[[], str] = lambda: "portrait"
    recording_path: Callable[[], Path] | None = None
    hotkeys: dict[str, Callable[[Actor], None]] = field(default_factory=dict)


class LiveControlTarget(ShowTarget):
    """The console's live core as obs-websocket clients see it."""

    def __init__(self, controller: Any, live: Any, parts: LiveParts) -> None:
        super().__init__(controller, scenes={"_": []}, inputs=())
        self.live = live
        self.parts = parts
        self._recorder: Any = None  # a recording started by StartRecord
        self._recorder_since = 0.0
        self._record_path = ""
        self._was_live = bool(live.live)
        self._rec_lock = threading.Lock()

    # ---- the stream

    def stream_status(self) -> OutputStatus:
        live = self.live
        if not live.live:
            return OutputStatus()
        outs = [o for o in live.output_stats() if o.name != RECORDING]
        stats = live.stats()
        dropped = int(getattr(stats, "dropped_total", 0) or 0) if stats is not None else 0
        encoded = int(getattr(stats, "frames_encoded", 0) or 0) if stats is not None else 0
        since = live.live_since or time.monotonic()
        return OutputStatus(
            active=True,
            reconnecting=any(o.state.name == "RECONNECTING" for o in outs),
            duration_ms=int((time.monotonic() - since) * 1000),
            congestion=min(1.0, max((o.queued_ms for o in outs), default=0) / 3000.0),
            bytes=sum(int(o.bytes_sent) for o in outs),
            skipped_frames=dropped,
            total_frames=encoded + dropped,
            link_bps=getattr(stats, "link_bps", None) if stats is not None else None,
            target_bps=int(getattr(stats, "video_bitrate", 0) or 0) if stats is not None else 0,
            bitrate_reason=str(getattr(stats, "abr_reason", "") or "") if stats else "",
        )

    def start_stream(self, client: str = "obs-websocket") -> None:
        if self.live.live:
            raise ControlError(rq.OUTPUT_RUNNING, "the stream is already running")
        self._output_event("StreamStateChanged", "OBS_WEBSOCKET_OUTPUT_STARTING", False)
        try:
            self.parts.go_live(control_actor(client))
        except Exception:
            self._output_event("StreamStateChanged", "OBS_WEBSOCKET_OUTPUT_STOPPED", False)
            raise

    def stop_stream(self, client: str = "obs-websocket") -> None:
        if not self.live.live:
            raise ControlError(rq.OUTPUT_NOT_RUNNING, "the stream is not running")
        self._output_event("StreamStateChanged", "OBS_WEBSOCKET_OUTPUT_STOPPING", True)
        self.parts.stop_live(control_actor(client))

    def live_changed(self, on: bool) -> None:
        """The LiveSession went live (or stopped): StreamStateChanged STARTED / STOPPED."""
        if on == self._was_live:
            return
        self._was_live = on
        state = "OBS_WEBSOCKET_OUTPUT_STARTED" if on else "OBS_WEBSOCKET_OUTPUT_STOPPED"
        self._output_event("StreamStateChanged", state, on)

    def _output_event(self, event_type: str, state: str, active: bool, path: str = "") -> None:
        data: dict[str, Any] = {"outputActive": active, "outputState": state}
        if event_type == "RecordStateChanged":
            data["outputPath"] = path or None
        self._emit(event_type, data)

    # ---- the recording

    def _session_recorder(self) -> Any:
        live = self.live
        return next((o for o in list(live.outputs) if o.name == RECORDING), None)

    def record_status(self) -> OutputStatus:
        with self._rec_lock:
            own = self._recorder
        if own is not None:
            since = self._recorder_since
        elif self._session_recorder() is not None:
            since = self.live.live_since or time.monotonic()
        else:
            return OutputStatus()
        stats = next((o for o in self.live.output_stats() if o.name == RECORDING), None)
        return OutputStatus(
            active=True,
            duration_ms=int((time.monotonic() - since) * 1000),
            bytes=int(stats.bytes_sent) if stats is not None else 0,
        )

    def start_record(self, client: str = "obs-websocket") -> None:
        live = self.live
        with self._rec_lock:
            if self._recorder is not None or self._session_recorder() is not None:
                raise ControlError(rq.OUTPUT_RUNNING, "the recording is already running")
            if live.engine is None:
                raise ControlError(rq.REQUEST_PROCESSING_FAILED, "the pipeline is not running yet")
            if self.parts.recording_path is None:
                raise ControlError(
                    rq.REQUEST_PROCESSING_FAILED, "recording is not set up in this console"
                )
            path = self.parts.recording_path()
            self._output_event("RecordStateChanged", "OBS_WEBSOCKET_OUTPUT_STARTING", False)
            spec = OutputSpec(RECORDING, RECORDING, path=path, label="local recording")
            out = live.output_factory(spec, live.on_state)
            live.engine.add_output(out)
            self._recorder, self._recorder_since = out, time.monotonic()
            self._record_path = str(path)
        self._output_event("RecordStateChanged", "OBS_WEBSOCKET_OUTPUT_STARTED", True, str(path))

    def stop_record(self, client: str = "obs-websocket") -> str:
        live = self.live
        with self._rec_lock:
            out, path = self._recorder, self._record_path
            if out is None:
                out = self._session_recorder()
                path = str(live.recording or "")
                if out is None:
                    raise ControlError(rq.OUTPUT_NOT_RUNNING, "the recording is not running")
                with live._lock:  # the session goes on without its recording
                    live.outputs = [o for o in live.outputs if o is not out]
            self._output_event("RecordStateChanged", "OBS_WEBSOCKET_OUTPUT_STOPPING", True, path)
            detach_output(live.engine, out)
            close_outputs([out])
            self._recorder = None
        self._output_event("RecordStateChanged", "OBS_WEBSOCKET_OUTPUT_STOPPED", False, path)
        return path

    # ---- the scene and its items (overlay layers)

    def scene_names(self) -> list[str]:
        return [scene_name(self.parts.orientation())]

    def current_scene(self) -> str:
        return self.scene_names()[0]

    def set_current_scene(self, name: str) -> None:
        if name not in self.scene_names():
            raise ControlError(rq.RESOURCE_NOT_FOUND, f"no scene {name!r}")

    def scene_items(self, scene: str) -> list[SceneItem]:
        if scene not in self.scene_names():
            return []
        layers = self.parts.layers()
        count = len(layers)
        # ids are stable by name order (1-based, sorted names), indexes bottom-up as in OBS
        ids = {name: i + 1 for i, name in enumerate(sorted(n for n, _ in layers))}
        return [
            SceneItem(ids[name], name, enabled, count - 1 - i, OVERLAY_KIND)
            for i, (name, enabled) in enumerate(layers)
        ]

    def set_scene_item_enabled(self, scene: str, item_id: int, enabled: bool) -> None:
        item = next((i for i in self.scene_items(scene) if i.item_id == item_id), None)
        if item is None:
            raise ControlError(rq.RESOURCE_NOT_FOUND, f"no scene item {item_id} in {scene!r}")
        if self.parts.set_layer is None:
            raise ControlError(rq.REQUEST_PROCESSING_FAILED, "layers cannot be changed here")
        self.parts.set_layer(item.source_name, enabled)
        self._emit(
            "SceneItemEnableStateChanged",
            {
                "sceneName": scene,
                "sceneUuid": scene,
                "sceneItemId": item_id,
                "sceneItemEnabled": enabled,
            },
        )

    # ---- inputs (the audio sources of the mix)

    def inputs(self) -> list[AudioInput]:
        return list(self.parts.audio())

    def _find_input(self, name: str) -> AudioInput:
        source = next((i for i in self.inputs() if i.name == name), None)
        if source is None:
            raise ControlError(rq.RESOURCE_NOT_FOUND, f"no input {name!r}")
        return source

    def set_input_muted(self, name: str, muted: bool) -> None:
        source = self._find_input(name)
        if self.parts.set_muted is None:
            raise ControlError(rq.REQUEST_PROCESSING_FAILED, "the mix cannot be changed here")
        self.parts.set_muted(name, muted)
        self._emit(
            "InputMuteStateChanged",
            {"inputName": name, "inputUuid": source.uuid or name, "inputMuted": muted},
        )

    def set_input_volume_db(self, name: str, volume_db: float) -> None:
        source = self._find_input(name)
        if self.parts.set_gain is None:
            raise ControlError(rq.REQUEST_PROCESSING_FAILED, "the mix cannot be changed here")
        self.parts.set_gain(name, rq.db_to_mul(volume_db))
        self._emit(
            "InputVolumeChanged",
            {
                "inputName": name,
                "inputUuid": source.uuid or name,
                "inputVolumeMul": rq.db_to_mul(volume_db),
                "inputVolumeDb": volume_db,
            },
        )

    # ---- hotkeys

    def hotkeys(self) -> list[str]:
        return super().hotkeys() + list(self.parts.hotkeys)

    def trigger_hotkey(self, name: str, client: str) -> None:
        action = self.parts.hotkeys.get(name)
        if action is not None:
            action(control_actor(client))
            return
        super().trigger_hotkey(name, client)

    # ---- stats

    def stats(self) -> TargetStats:
        stats = self.live.stats()
        if stats is None:
            return TargetStats()
        dropped = int(getattr(stats, "dropped_total", 0) or 0)
        encoded = int(getattr(stats, "frames_encoded", 0) or 0)
        rendered = int(getattr(stats, "frames_rendered", 0) or 0)
        return TargetStats(
            active_fps=float(getattr(stats, "render_fps", 0.0) or 0.0),
            average_frame_render_time_ms=float(getattr(stats, "render_ms", 0.0) or 0.0),
            render_skipped_frames=int(getattr(stats, "dropped", {}).get("render_lag", 0)),
            render_total_frames=rendered,
            output_skipped_frames=dropped,
            output_total_frames=encoded + dropped,
        )

    def close(self) -> None:
        """Detach the show subscription and stop a recording StartRecord started."""
        super().close()
        with self._rec_lock:
            out, self._recorder = self._recorder, None
        if out is not None:
            detach_output(self.live.engine, out)
            close_outputs([out])


def detach_output(engine: Any, output: Any) -> None:
    """Take one output off the encode: the engine's ``remove_output`` when it has one, else
    every output off and the others back on (they rejoin at the next keyframe)."""
    if engine is None:
        return
    remove = getattr(engine, "remove_output", None)
    if remove is not None:
        remove(output)
        return
    others = [o for o in engine.remove_outputs() if o is not output]
    for o in others:
        engine.add_output(o)


def engine_parts(
    engine_of: Callable[[], Any],
    overlays: list[Any],
    go_live: Callable[[Actor], None],
    stop_live: Callable[[Actor], None],
    orientation: str,
    recording_path: Callable[[], Path] | None = None,
) -> LiveParts:
    """:class:`LiveParts` straight over an engine and its overlay layers (``live-console
    run``): layers are shown / hidden on the layer objects and the engine told
    (``set_placements``, for an engine in its own process); inputs are the engine's mixer."""
    from console.live.engine import Placement

    def layers() -> list[tuple[str, bool]]:
        return [(lay.name, bool(getattr(lay, "enabled", lay.visible))) for lay in overlays][::-1]

    def set_layer(name: str, enabled: bool) -> None:
        for lay in overlays:
            if lay.name == name:
                lay.visible = enabled
                r = lay.rect
                engine = engine_of()
                if engine is not None:
                    engine.set_placements([Placement(name, r.x, r.y, r.w, r.h, enabled)])

    def mixer() -> Any:
        mix = getattr(engine_of(), "mixer", None)
        if mix is None:
            raise ControlError(
                rq.REQUEST_PROCESSING_FAILED, "this engine's mix is not reachable from here"
            )
        return mix

    def audio() -> list[AudioInput]:
        mix = getattr(engine_of(), "mixer", None)
        if mix is None:
            return []
        return [
            AudioInput(
                s.name,
                muted=mix.is_muted(s.name),
                volume_db=rq.mul_to_db(mix.gain(s.name)),
                uuid=s.name,
            )
            for s in mix.sources
        ]

    return LiveParts(
        go_live=go_live,
        stop_live=stop_live,
        layers=layers,
        set_layer=set_layer,
        audio=audio,
        set_muted=lambda name, muted: mixer().set_muted(name, muted),
        set_gain=lambda name, gain: mixer().set_gain(name, gain),
        orientation=lambda: orientation,
        recording_path=recording_path,
    )
