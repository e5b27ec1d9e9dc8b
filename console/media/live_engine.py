"""PipelineEngine: today's :class:`~console.media.pipeline.Pipeline` behind the live core's
``MediaEngine`` protocol (``console/live/engine.py``).

The composition roots build it (``console/cli.py`` for stream / demo / run) with the overlay
layers of the show. Outputs added before :meth:`start` are the pipeline's own (they get the
headers at the start, as ``live-console stream`` always did); outputs added while it runs join
through an :class:`~console.media.output_hub.OutputHub` at the next keyframe.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

from console.live.engine import EngineSpec, Placement
from console.media.audio import AudioMixer
from console.media.compositor import Layer, NormRect, Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.output import Output, OutputStats
from console.media.output_hub import OutputHub
from console.media.pipeline import Pipeline, PipelineStats
from console.media.source_specs import SourceFactory

log = logging.getLogger(__name__)


class PipelineEngine:
    def __init__(
        self, spec: EngineSpec, overlays: list[Layer] | None = None, fallback: bool = False
    ) -> None:
        """``fallback``: a source that does not open is replaced (test pattern, silence) and
        said in :attr:`notices`, as the window does; otherwise it raises ``UserError``."""
        self.spec = spec
        self.overlays = list(overlays or [])
        self.fallback = fallback
        self.notices: list[str] = []
        self.hub = OutputHub()
        self.pipeline: Pipeline | None = None
        self.video_layer: VideoLayer | None = None
        self.mixer = AudioMixer()
        self._direct: list[Output] = []
        self._preview: tuple[Callable[[Any], None] | None, float] | None = None

    def _factory(self) -> SourceFactory:
        return SourceFactory((self.spec.width, self.spec.height), self.spec.fps)

    def start(self) -> None:
        from console.media.qt import ensure_gui_app

        ensure_gui_app()
        spec = self.spec
        settings = EncoderSettings(
            width=spec.width,
            height=spec.height,
            fps=spec.fps,
            video_bitrate=spec.video_bitrate,
            encoder=spec.encoder,
            preset=spec.preset,
        )
        factory = self._factory()
        video = self._open(factory.video, spec.video, "testpattern", "the test pattern")
        scene = Scene()
        self.video_layer = VideoLayer(video)
        scene.add(self.video_layer)
        for layer in self.overlays:
            scene.add(layer)
        for audio in spec.audio:
            source = self._open(factory.audio, audio, "silence", "silence")
            if source.name in {s.name for s in self.mixer.sources}:
                self.notices.append(f"audio source {source.name} is already in the mix")
                continue
            self.mixer.add(source)
        self.pipeline = Pipeline(
            settings,
            scene,
            self.mixer,
            [*self._direct, self.hub],
            adaptive_bitrate=spec.adaptive_bitrate,
            abr_follow=spec.abr_follow,
        )
        if self._preview is not None:
            self.pipeline.set_preview(*self._preview)
        self.pipeline.start()

    def _open(self, make: Callable[[str], Any], spec: str, instead: str, said: str) -> Any:
        if not self.fallback:
            return make(spec)
        from console.errors import UserError

        try:
            source = make(spec)
            source.start()  # a missing device fails here, not in the render thread
        except UserError as exc:
            self.notices.append(f"{exc} — using {said} instead")
            return make(instead)
        return source

    def stop(self, timeout: float = 10.0) -> None:
        pipeline = self.pipeline
        if pipeline is None:
            for out in self._direct:
                out.stop(min(timeout, 5.0))
            return
        pipeline.stop(timeout)  # flushes the encoder, stops its outputs (the hub's too)

    # ---- outputs

    def add_output(self, output: Output) -> None:
        if self.pipeline is None:
            self._direct.append(output)
        else:
            self.hub.attach(output)

    def remove_outputs(self) -> list[Output]:
        """Detach every output (the caller stops them); the encode goes on."""
        direct, self._direct = self._direct, []
        if self.pipeline is not None:
            for out in direct:
                self.pipeline.remove_output(out)
        return direct + self.hub.detach_all()

    def remove_output(self, output: Output) -> None:
        """Detach one output (the caller stops it); the others and the encode go on."""
        if output in self._direct:
            self._direct.remove(output)
            if self.pipeline is not None:
                self.pipeline.remove_output(output)
            return
        self.hub.detach(output)

    def media_epoch(self) -> float | None:
        """The epoch time of media time 0 (clips map the journal's times into a recording)."""
        if self.pipeline is None or not self.pipeline.clock.started:
            return None
        return time.time() - self.pipeline.clock.now()

    def output_stats(self) -> list[OutputStats]:
        return [o.stats() for o in self._direct] + self.hub.output_stats()

    def stats(self) -> PipelineStats | None:
        if self.pipeline is None:
            return None
        stats = self.pipeline.stats()
        return dataclasses.replace(stats, outputs=self.output_stats())

    # ---- sources, layers, preview

    def switch_video(self, spec: str) -> None:
        src = self._factory().video(spec)
        src.start()
        if self.video_layer is None:
            return
        old = self.video_layer.source
        self.video_layer.set_source(src)
        old.stop()

    def set_audio(self, specs: list[str]) -> None:
        factory = self._factory()
        new = [factory.audio(s) for s in specs]
        for src in new:
            src.start()
        for old in list(self.mixer.sources):
            self.mixer.remove(old.name)
            old.stop()
        for src in new:
            self.mixer.add(src)

    def set_placements(self, placements: list[Placement]) -> None:
        by_name = {p.name: p for p in placements}
        for layer in self.overlays:
            p = by_name.get(layer.name)
            if p is not None:
                layer.rect = NormRect(p.x, p.y, p.w, p.h)
                layer.visible = p.visible

    def set_preview(self, callback: Callable[[Any], None] | None, max_fps: float) -> None:
        self._preview = (callback, max_fps)
        if self.pipeline is not None:
            self.pipeline.set_preview(callback, max_fps)


def pipeline_engine_factory(overlays: list[Layer] | None = None) -> Callable[[EngineSpec], Any]:
    """An ``EngineFactory`` building a :class:`PipelineEngine` with ``overlays``."""
    return lambda spec: PipelineEngine(spec, overlays)
