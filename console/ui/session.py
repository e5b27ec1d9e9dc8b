"""The window's handle on the media pipeline: build, start, switch sources, go live, stop.

Every call that can block (opening devices, the encoder, joining threads) runs through
:class:`~console.ui.tasks.BackgroundTasks`; results come back as signals on the UI thread.
Media threads reach the UI only through :class:`PreviewBridge` and :class:`OutputStateBridge`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from console.errors import UserError
from console.media.audio import AudioMixer, SilenceSource
from console.media.compositor import Layer, Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.output import Output, OutputState
from console.media.output_hub import OutputHub
from console.media.pipeline import Pipeline, PipelineStats
from console.media.source_specs import SourceFactory
from console.media.sources import AudioSource, VideoSource
from console.qt.QtCore import QObject, Signal
from console.settings import AudioSlot, CanvasSettings
from console.ui.tasks import BackgroundTasks

log = logging.getLogger(__name__)

PREVIEW_MAX_FPS = 30.0  # the UI never needs more


def preview_rate(fps: int) -> float:
    """The pipeline's preview throttle: 1.5x the wanted rate, so a tick that comes a little
    early is not skipped (a throttle equal to the frame rate halves the preview on jitter)."""
    return 1.5 * min(float(fps), PREVIEW_MAX_FPS)


class PreviewBridge(QObject):
    """Hands the newest composited frame from the render thread to the UI thread.

    ``offer`` (render thread) keeps only the latest frame and emits ``frame_available`` once
    until the UI has taken it, so the UI's event queue never fills with stale frames. A frame
    replaced before the UI took it is counted in ``superseded``.
    """

    frame_available = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._frame: np.ndarray | None = None
        self._pending = False
        self.offered = 0
        self.superseded = 0

    def offer(self, frame: np.ndarray) -> None:
        with self._lock:
            self.offered += 1
            if self._frame is not None:
                self.superseded += 1
            self._frame = frame
            notify = not self._pending
            self._pending = True
        if notify:
            self.frame_available.emit()

    def take(self) -> np.ndarray | None:
        with self._lock:
            frame, self._frame, self._pending = self._frame, None, False
            return frame


class OutputStateBridge(QObject):
    """``on_state`` callbacks from publisher/recorder threads → a queued UI signal."""

    state_changed = Signal(str, object, object)  # output name, OutputState, error

    def callback(self, name: str, state: OutputState, error: str | None) -> None:
        self.state_changed.emit(name, state, error)


@dataclass
class _AudioEntry:
    slot: AudioSlot
    source: AudioSource


def encoder_settings(canvas: CanvasSettings) -> EncoderSettings:
    return EncoderSettings(
        width=canvas.width,
        height=canvas.height,
        fps=canvas.fps,
        video_bitrate=canvas.video_bitrate_kbps * 1000,
        encoder=canvas.encoder,
    )


class MediaSession(QObject):
    """Owns the scene, the mixer and the pipeline for one window. Outputs join through its
    OutputHub; the live core (``console/live``) builds them and decides when, through
    :meth:`engine`."""

    started = Signal()
    start_failed = Signal(str)
    stopped = Signal()
    notice = Signal(str)  # a one-line warning the window shows (missing mic, camera, …)
    sources_changed = Signal()
    live_stopped = Signal()

    def __init__(
        self, tasks: BackgroundTasks, overlays: list[Layer], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.preview = PreviewBridge(self)
        self.output_states = OutputStateBridge(self)
        self.overlays: list[Layer] = list(overlays)
        self.canvas = CanvasSettings()
        self.scene = Scene()
        self.mixer = AudioMixer()
        self.hub = OutputHub()
        self.pipeline: Pipeline | None = None
        self.video_layer: VideoLayer | None = None
        self.video_spec = "testpattern"
        self.audio: list[_AudioEntry] = []
        self.starting = False
        self.stopping = False

    # -- state -----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.pipeline is not None and not self.stopping

    @property
    def live(self) -> bool:
        return bool(self.hub.outputs)

    def stats(self) -> PipelineStats | None:
        return self.pipeline.stats() if self.pipeline is not None else None

    def engine(self) -> WindowEngine:
        """This session as the live core's media engine (console.live.engine.MediaEngine)."""
        return WindowEngine(self)

    # -- start / stop ----------------------------------------------------------------------
    def start(self, canvas: CanvasSettings, video: str, audio: list[AudioSlot]) -> None:
        """Build sources and the pipeline off the UI thread; ``started`` or ``start_failed``."""
        if self.starting or self.pipeline is not None:
            raise RuntimeError("the pipeline is already running: stop it first")
        self.starting = True
        self.canvas = canvas
        notices: list[str] = []

        def build() -> tuple[Pipeline, VideoLayer, list[_AudioEntry], str]:
            factory = SourceFactory((canvas.width, canvas.height), canvas.fps)
            spec = video
            try:
                vsrc = factory.video(video)
                vsrc.start()
            except UserError as exc:
                notices.append(f"{exc} — showing the test pattern instead")
                spec = "testpattern"
                vsrc = factory.video(spec)
            layer = VideoLayer(vsrc)
            entries = [_open_audio(factory, slot, notices) for slot in audio]
            scene = Scene()
            scene.add(layer)
            for overlay in self.overlays:
                scene.add(overlay)
            mixer = AudioMixer()
            for e in entries:
                if e.source.name in {s.name for s in mixer.sources}:
                    notices.append(f"audio source {e.source.name} is already in the mix")
                    continue
                mixer.add(e.source, e.slot.gain, e.slot.muted)
            pipeline = Pipeline(
                encoder_settings(canvas), scene, mixer, [self.hub], adaptive_bitrate=True
            )
            pipeline.set_preview(self.preview.offer, preview_rate(canvas.fps))
            try:
                pipeline.start()
            except BaseException:
                pipeline.stop(3.0)
                raise
            self.scene, self.mixer = scene, mixer
            return pipeline, layer, [e for e in entries if e.source in mixer.sources], spec

        def done(result: tuple[Pipeline, VideoLayer, list[_AudioEntry], str]) -> None:
            self.starting = False
            self.pipeline, self.video_layer, self.audio, self.video_spec = result
            for text in notices:
                self.notice.emit(text)
            self.sources_changed.emit()
            self.started.emit()

        def failed(exc: BaseException) -> None:
            self.starting = False
            for text in notices:
                self.notice.emit(text)
            self.start_failed.emit(_message(exc))

        self.tasks.run(build, done, failed)

    def stop(self, on_done: Callable[[], None] | None = None) -> None:
        """Stop the pipeline (and every live output) off the UI thread; then ``stopped``."""
        pipeline = self.pipeline
        if pipeline is None or self.stopping:
            if on_done is not None and pipeline is None:
                on_done()
            return
        self.stopping = True
        outputs = self.hub.detach_all()

        def work() -> None:
            for out in outputs:
                out.stop(5.0)
            pipeline.stop(10.0)

        def finished(_: Any = None) -> None:
            self.pipeline = None
            self.stopping = False
            if outputs:
                self.live_stopped.emit()
            self.stopped.emit()
            if on_done is not None:
                on_done()

        self.tasks.run(work, finished, lambda exc: finished())

    # -- sources ---------------------------------------------------------------------------
    def _factory(self) -> SourceFactory:
        return SourceFactory((self.canvas.width, self.canvas.height), self.canvas.fps)

    def _in_use(self, source: Any) -> bool:
        """Whether a file source still feeds the other side (video ⇄ audio of one file)."""
        owners = [getattr(a.source, "_owner", a.source) for a in self.audio]
        video = self.video_layer.source if self.video_layer is not None else None
        return source is video or source in owners

    def switch_video(self, spec: str, on_error: Callable[[str], None] | None = None) -> None:
        """Open and start the new source off the UI thread, then switch; the stream goes on."""
        layer = self.video_layer
        if layer is None:
            self.video_spec = spec
            return
        factory = self._factory()

        def open_source() -> VideoSource:
            src = factory.video(spec)
            src.start()
            return src

        def switch(src: VideoSource) -> None:
            old = layer.source
            layer.set_source(src)
            self.video_spec = spec
            self.sources_changed.emit()
            if not self._in_use(old):
                self.tasks.run(old.stop)

        self.tasks.run(open_source, switch, lambda exc: _report(exc, on_error, self.notice))

    def set_audio(
        self, index: int, spec: str, on_error: Callable[[str], None] | None = None
    ) -> None:
        """Replace (or, with ``index == len(audio)``, add) one source of the mix."""
        factory = self._factory()
        slot = self.audio[index].slot if index < len(self.audio) else AudioSlot(spec)

        def open_source() -> AudioSource:
            src = factory.audio(spec)
            src.start()
            return src

        def switch(src: AudioSource) -> None:
            old = self.audio[index] if index < len(self.audio) else None
            names = {s.name for s in self.mixer.sources} - ({old.source.name} if old else set())
            if src.name in names:
                self.tasks.run(src.stop)
                _report(UserError(f"{src.name} is already in the mix"), on_error, self.notice)
                return
            new = _AudioEntry(AudioSlot(spec, slot.gain, slot.muted), src)
            if old is not None:
                self.mixer.remove(old.source.name)
                self.audio[index] = new
            else:
                self.audio.append(new)
            self.mixer.add(src, new.slot.gain, new.slot.muted)
            self.sources_changed.emit()
            if old is not None and not self._in_use(old.source):
                self.tasks.run(old.source.stop)

        self.tasks.run(open_source, switch, lambda exc: _report(exc, on_error, self.notice))

    def remove_audio(self, index: int) -> None:
        entry = self.audio.pop(index)
        self.mixer.remove(entry.source.name)
        self.sources_changed.emit()
        if not self._in_use(entry.source):
            self.tasks.run(entry.source.stop)

    def set_gain(self, index: int, gain: float) -> None:
        entry = self.audio[index]
        entry.slot.gain = gain
        self.mixer.set_gain(entry.source.name, gain)

    def set_muted(self, index: int, muted: bool) -> None:
        entry = self.audio[index]
        entry.slot.muted = muted
        self.mixer.set_muted(entry.source.name, muted)

    def audio_slots(self) -> list[AudioSlot]:
        return [e.slot for e in self.audio]


class WindowEngine:
    """The window's running pipeline as the live core's ``MediaEngine``: outputs join through
    the session's OutputHub. The window starts and stops the pipeline itself (the preview runs
    before and after going live), so ``start`` / ``stop`` leave it alone."""

    def __init__(self, session: MediaSession) -> None:
        self.session = session

    def start(self) -> None:
        pass

    def stop(self, timeout: float = 10.0) -> None:
        pass

    def add_output(self, output: Output) -> None:
        self.session.hub.attach(output)

    def remove_outputs(self) -> list[Output]:
        return self.session.hub.detach_all()

    def remove_output(self, output: Output) -> None:
        """Detach one output (a remote StartRecord's recording); the others go on."""
        self.session.hub.detach(output)

    def output_stats(self) -> list[Any]:
        return self.session.hub.output_stats()

    def media_epoch(self) -> float | None:
        """The epoch time of media time 0 (clips map journal times into the recording)."""
        pipeline = self.session.pipeline
        if pipeline is None or not pipeline.clock.started:
            return None
        import time

        return time.time() - pipeline.clock.now()

    def stats(self) -> PipelineStats | None:
        stats = self.session.stats()
        if stats is None:
            return None
        import dataclasses

        return dataclasses.replace(stats, outputs=self.output_stats())

    def switch_video(self, spec: str) -> None:
        self.session.switch_video(spec)

    def set_audio(self, specs: list[str]) -> None:
        for index, spec in enumerate(specs):
            self.session.set_audio(index, spec)

    def set_placements(self, placements: list[Any]) -> None:
        by_name = {p.name: p for p in placements}
        from console.media.compositor import NormRect

        for layer in self.session.overlays:
            p = by_name.get(layer.name)
            if p is not None:
                layer.rect = NormRect(p.x, p.y, p.w, p.h)
                layer.visible = p.visible

    def set_preview(self, callback: Callable[[Any], None] | None, max_fps: float) -> None:
        if self.session.pipeline is not None:
            self.session.pipeline.set_preview(callback, max_fps)


def _open_audio(factory: SourceFactory, slot: AudioSlot, notices: list[str]) -> _AudioEntry:
    """Open one audio source; a missing device is stated and replaced by silence."""
    try:
        src = factory.audio(slot.spec)
        src.start()
    except UserError as exc:
        notices.append(f"{exc} — using silence instead")
        src = SilenceSource()
        return _AudioEntry(AudioSlot("silence", slot.gain, slot.muted), src)
    return _AudioEntry(slot, src)


def _message(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return str(exc)
    log.error("unexpected error", exc_info=exc)
    return f"unexpected {exc.__class__.__name__}: {exc}"


def _report(exc: BaseException, on_error: Callable[[str], None] | None, fallback: Any) -> None:
    text = _message(exc)
    if on_error is not None:
        on_error(text)
    else:
        fallback.emit(text)
