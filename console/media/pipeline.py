"""The live pipeline: render loop on the media clock → encoder thread → outputs.

Threads: the render thread composites and converts a picture per tick and reads the audio that
belongs to that tick; the encoder thread encodes and fans the FLV tags out to every output; each
output sends on its own thread. The caller (CLI or window) only reads :meth:`Pipeline.stats`.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from console.media.audio import AudioMixer
from console.media.bitrate_policy import BitratePolicy, DestinationView
from console.media.clock import MediaClock
from console.media.compositor import Compositor, Scene
from console.media.encoder import VIDEO_DELAY_S, EncoderSettings, FlvEncoder
from console.media.flv import FlvTag
from console.media.output import DropCounter, Output, OutputState, OutputStats
from console.media.output_hub import OutputHub

log = logging.getLogger(__name__)

ENCODE_QUEUE_FRAMES = 8  # pictures waiting for the encoder; past this the oldest is dropped
ENCODE_QUEUE_HARD_CAP = 300  # ticks (10 s at 30 fps) before even audio has to go
ABR_INTERVAL_S = 0.25  # how often the encoder thread looks at the outputs' queues


# The policy lives in console/media/bitrate_policy.py (pure, unit-tested); the old name stays.
AdaptiveBitrate = BitratePolicy


@dataclass(frozen=True)
class BitrateChange:
    """One change of the video target, for the window, the CLI and the journal."""

    at: float  # seconds since the pipeline started
    target_bps: int
    previous_bps: int
    reason: str  # congested, congested (no estimate), probe, ceiling, reconnect, off
    link_bps: int | None  # the link estimate that drove it (followed destinations)


@dataclass
class _Tick:
    n: int
    i420: np.ndarray | None
    audio: np.ndarray
    rendered_at: float


class TickQueue:
    """Bounded hand-off from the render thread to the encoder thread.

    Drop policy: when more than ``max_pictures`` pictures wait, the oldest waiting picture is
    dropped (cause ``encoder_lag``) but its audio stays, so sound never has gaps. Only past
    ``hard_cap`` ticks is a whole tick (with its audio) dropped (cause ``encoder_stalled``).
    """

    def __init__(
        self,
        drops: DropCounter,
        max_pictures: int = ENCODE_QUEUE_FRAMES,
        hard_cap: int = ENCODE_QUEUE_HARD_CAP,
    ) -> None:
        self._cond = threading.Condition()
        self._items: collections.deque[_Tick | None] = collections.deque()
        self._pictures = 0
        self._max_pictures = max_pictures
        self._hard_cap = hard_cap
        self._drops = drops

    def put(self, tick: _Tick | None) -> None:
        with self._cond:
            self._items.append(tick)
            if tick is not None and tick.i420 is not None:
                self._pictures += 1
            while self._pictures > self._max_pictures:
                for item in self._items:
                    if item is not None and item.i420 is not None:
                        item.i420 = None
                        self._pictures -= 1
                        self._drops.add("encoder_lag")
                        break
            while len(self._items) > self._hard_cap:
                old = self._items.popleft()
                if old is not None:
                    if old.i420 is not None:
                        self._pictures -= 1
                    self._drops.add("encoder_stalled")
            self._cond.notify()

    def get(self, timeout: float | None = None) -> _Tick | None:
        with self._cond:
            if not self._cond.wait_for(lambda: bool(self._items), timeout):
                raise TimeoutError
            item = self._items.popleft()
            if item is not None and item.i420 is not None:
                self._pictures -= 1
            return item

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)


@dataclass
class PipelineStats:
    """A snapshot for status lines and the health panel."""

    uptime_s: float = 0.0
    frames_rendered: int = 0
    frames_encoded: int = 0
    render_fps: float = 0.0
    encoder: str = ""
    encoder_fallback: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    outputs: list[OutputStats] = field(default_factory=list)
    render_ms: float = 0.0
    encode_ms: float = 0.0
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    error: str | None = None
    video_bitrate: int = 0  # what the encoder is asked for now (bps)
    video_bitrate_set: int = 0  # what the user set: adaptive bitrate never goes above it
    adaptive_bitrate: bool = False
    link_bps: int | None = None  # the estimated link the target follows (None: not measured)
    abr_reason: str = ""  # why the target last changed (congested, probe, ceiling, …)
    abr_follow: str = "healthy"  # several destinations: follow the healthy ones or the slowest
    idle_ticks: int = 0  # ticks not encoded: previewing only, nobody received the encode

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())


class Pipeline:
    """Runs one show's media: a scene and a mixer in, FLV tags out to any number of outputs."""

    def __init__(
        self,
        settings: EncoderSettings,
        scene: Scene,
        mixer: AudioMixer,
        outputs: list[Output] | None = None,
        *,
        adaptive_bitrate: bool = False,
        abr_follow: str = "healthy",
    ) -> None:
        self.settings = settings
        self.adaptive_bitrate = adaptive_bitrate
        self.abr = BitratePolicy(
            settings.video_bitrate, audio_bps=settings.audio_bitrate, follow=abr_follow
        )
        self._last_abr = 0.0
        self._user_bitrate = settings.video_bitrate  # the user's ceiling; set_video_bitrate()
        self._reconnects_seen: dict[str, int] = {}
        self._bitrate_listener: Callable[[BitrateChange], None] | None = None
        self.bitrate_changes: collections.deque[BitrateChange] = collections.deque(maxlen=500)
        self.scene = scene
        self.mixer = mixer
        self.clock = MediaClock(settings.fps)
        self.compositor = Compositor(settings.width, settings.height)
        self._outputs: list[Output] = list(outputs or [])
        self._outputs_lock = threading.Lock()
        self.drops = DropCounter()
        self._queue = TickQueue(self.drops)
        self._stop = threading.Event()
        self._render_thread: threading.Thread | None = None
        self._encode_thread: threading.Thread | None = None
        self._encoder: FlvEncoder | None = None
        self._frames_rendered = 0
        self._frames_encoded = 0
        self._render_times: collections.deque[float] = collections.deque(maxlen=120)
        self._render_cost: collections.deque[float] = collections.deque(maxlen=120)
        self._encode_cost: collections.deque[float] = collections.deque(maxlen=120)
        self._latencies: collections.deque[float] = collections.deque(maxlen=900)
        self._render_wall: dict[int, float] = {}
        self._idle_ticks = 0  # ticks not encoded because nobody received them
        self._preview: Callable[[np.ndarray], None] | None = None
        self._preview_interval = 0.0
        self._last_preview = 0.0
        self.error: str | None = None
        self._started_at: float | None = None

    # -- wiring ------------------------------------------------------------------------------
    def set_preview(
        self, callback: Callable[[np.ndarray], None] | None, max_fps: float = 30.0
    ) -> None:
        """Receive a copy of the composited canvas (BGRA) at most ``max_fps`` times a second.

        The callback runs on the render thread: it must only hand the frame on (e.g. a queued
        Qt signal), never touch widgets.
        """
        self._preview = callback
        self._preview_interval = 1.0 / max_fps if max_fps > 0 else 0.0

    def set_bitrate_listener(self, callback: Callable[[BitrateChange], None] | None) -> None:
        """Called on the encoder thread with every change of the video target (hand it on;
        never block): the window's health panel and the journal."""
        self._bitrate_listener = callback

    def set_video_bitrate(self, bps: int) -> None:
        """The user's bitrate changed mid-show: it is the new ceiling, and adaptive bitrate never
        goes above it nor undoes it. Above the rate the stream started with the encoder stays at
        that rate (its VBV ceiling was fixed when it opened)."""
        self._user_bitrate = max(100_000, min(int(bps), self.settings.video_bitrate))

    def add_output(self, output: Output) -> None:
        output.start()
        with self._outputs_lock:
            self._outputs.append(output)

    def remove_output(self, output: Output, timeout: float = 5.0) -> None:
        with self._outputs_lock:
            self._outputs.remove(output)
        output.stop(timeout)

    @property
    def outputs(self) -> list[Output]:
        with self._outputs_lock:
            return list(self._outputs)

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Open the encoder (raises UserError), start sources, outputs and threads."""
        self._encoder = FlvEncoder(self.settings)
        for layer in self.scene.video_layers():
            layer.source.start()
        for source in self.mixer.sources:
            source.start()
        for output in self.outputs:
            output.start()
        self.clock.start()
        self._started_at = time.monotonic()
        self._encode_thread = threading.Thread(
            target=self._encode_loop, name="encoder", daemon=True
        )
        self._render_thread = threading.Thread(target=self._render_loop, name="render", daemon=True)
        self._encode_thread.start()
        self._render_thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop rendering, flush the encoder, close every output. Never hangs past ``timeout``."""
        deadline = time.monotonic() + timeout
        self._stop.set()
        if self._render_thread is not None:
            self._render_thread.join(max(0.1, deadline - time.monotonic()))
        self._queue.put(None)
        if self._encode_thread is not None:
            self._encode_thread.join(max(0.1, deadline - time.monotonic()))
        for output in self.outputs:
            output.stop(max(0.1, deadline - time.monotonic()))
        for layer in self.scene.video_layers():
            layer.source.stop()
        for source in self.mixer.sources:
            source.stop()

    @property
    def running(self) -> bool:
        return self._render_thread is not None and self._render_thread.is_alive()

    # -- threads -----------------------------------------------------------------------------
    def _render_loop(self) -> None:
        clock = self.clock
        fps = self.settings.fps
        n = 0
        samples_done = 0
        try:
            while not self._stop.is_set():
                due = clock.wall_time(n / fps)
                delay = due - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    break
                latest = clock.frame_index(clock.now())
                if latest > n + 1:  # more than a frame late: skip to now, keep audio whole
                    self.drops.add("render_lag", latest - n)
                    n = latest
                started = time.perf_counter()
                t = n / fps
                i420 = self.compositor.render_i420(self.scene, t)  # composited in YUV
                if (
                    self._preview is not None
                    and started - self._last_preview >= self._preview_interval
                ):
                    self._last_preview = started
                    self._preview(cv2.cvtColor(i420, cv2.COLOR_YUV2BGRA_I420))
                end_samples = clock.samples_until((n + 1) / fps)
                audio = self.mixer.read(end_samples - samples_done)
                samples_done = end_samples
                now = time.monotonic()
                self._queue.put(_Tick(n, i420, audio, now))
                self._render_cost.append(time.perf_counter() - started)
                self._render_times.append(now)
                self._frames_rendered += 1
                n += 1
        except Exception as exc:  # report, never take the process down silently
            log.exception("render loop failed")
            self.error = f"render loop failed: {exc}"

    def _encode_loop(self) -> None:
        encoder = self._encoder
        assert encoder is not None
        fps = self.settings.fps
        idle = False
        try:
            while True:
                tick = self._queue.get()
                if tick is None:
                    break
                if not self._watched():  # previewing only: nobody receives the picture, so
                    self._idle_ticks += 1  # it is not encoded; sound is (cheap), to keep its
                    idle = True  # timeline continuous for whoever joins
                    self._fan_out(encoder.encode(None, tick.n, tick.audio), fps)
                    continue
                if idle:  # someone joined: the next picture is a keyframe
                    idle = False
                    encoder.force_keyframe()
                started = time.perf_counter()
                if tick.i420 is not None:
                    self._render_wall[tick.n] = tick.rendered_at
                tags = encoder.encode(tick.i420, tick.n, tick.audio)
                self._encode_cost.append(time.perf_counter() - started)
                if tick.i420 is not None:
                    self._frames_encoded += 1
                self._fan_out(tags, fps)
                if (
                    self.adaptive_bitrate
                    or encoder.video_bitrate != self._user_bitrate
                    or self.abr.ceiling != self._user_bitrate
                ):
                    self._adapt_bitrate(encoder)
            self._fan_out(encoder.flush(), fps)
        except Exception as exc:
            log.exception("encoder failed")
            self.error = f"encoder failed: {exc}"

    def _watched(self) -> bool:
        """Whether any output receives the encode: an :class:`OutputHub` with nobody joined
        (the window previewing, neither live nor recording) does not, so nothing is encoded."""
        outputs = self.outputs
        return not outputs or any(not isinstance(o, OutputHub) or o.outputs for o in outputs)

    def network_stats(self) -> list[OutputStats]:
        """Stats of every output that sends over the network (behind a hub, too)."""
        out: list[OutputStats] = []
        for o in self.outputs:
            inner = getattr(o, "output_stats", None)
            out.extend(inner() if callable(inner) else [o.stats()])
        return out

    def _adapt_bitrate(self, encoder: FlvEncoder) -> None:
        now = time.monotonic()
        if now - self._last_abr < ABR_INTERVAL_S:
            return
        self._last_abr = now
        abr = self.abr
        before = encoder.video_bitrate
        if abr.ceiling != self._user_bitrate:  # the user changed it: the new ceiling
            abr.set_ceiling(now, self._user_bitrate)
            if not self.adaptive_bitrate:
                abr.current = self._user_bitrate
        if not self.adaptive_bitrate:  # switched off: the user's rate at once
            abr.current = self._user_bitrate
            self._apply(encoder, before, abr.current, "off" if before != abr.current else "")
            return
        stats = [s for s in self.network_stats() if s.network and s.state == OutputState.LIVE]
        for s in stats:  # a destination back from a reconnect starts from its last good estimate
            seen = self._reconnects_seen.get(s.name, 0)
            if s.reconnects > seen:
                abr.resume_from(now, s.link_last_good_bps)
            self._reconnects_seen[s.name] = s.reconnects
        views = [
            DestinationView(
                name=s.name,
                queued_ms=s.queued_ms,
                congestion_drops=s.dropped.get("congestion", 0),
                link_bps=s.link_bps,
                link_confidence=s.link_confidence,
                backlogged=s.backlogged and s.link_bps is not None,
                last_good_bps=s.link_last_good_bps,
            )
            for s in stats
        ]
        decision = abr.update(now, views)
        self._apply(encoder, before, decision.target_bps, abr.reason)

    def _apply(self, encoder: FlvEncoder, before: int, target: int, reason: str) -> None:
        rate = encoder.set_video_bitrate(target)
        if rate == before:
            return
        log.info(
            "video bitrate %d → %d kbps (%s; link %s)",
            before // 1000,
            rate // 1000,
            reason,
            f"{self.abr.link_bps // 1000} kbps" if self.abr.link_bps else "not measured",
        )
        started = self._started_at or time.monotonic()
        change = BitrateChange(
            time.monotonic() - started, rate, before, reason or "ceiling", self.abr.link_bps
        )
        self.bitrate_changes.append(change)
        listener = self._bitrate_listener
        if listener is not None:
            try:
                listener(change)
            except Exception:  # a listener must never stop the encode
                log.exception("bitrate listener failed")

    def _fan_out(self, tags: list[FlvTag], fps: int) -> None:
        outputs = self.outputs
        now = time.monotonic()
        for tag in tags:
            if tag.is_video and not tag.header:
                n = round((tag.timestamp_ms / 1000 - VIDEO_DELAY_S) * fps)
                rendered = self._render_wall.pop(n, None)
                if rendered is not None:
                    self._latencies.append(now - rendered)
            for output in outputs:
                output.send(tag)
        if len(self._render_wall) > 4 * fps:  # frames the encoder never emitted (dropped)
            for key in sorted(self._render_wall)[:-fps]:
                del self._render_wall[key]

    # -- observation -------------------------------------------------------------------------
    def _link_now(self) -> int | None:
        """The best link measured now among the live network destinations, else — while the
        target is still held under the user's rate — the estimate the last step down used."""
        measured = [
            s.link_bps
            for s in self.network_stats()
            if s.network and s.state == OutputState.LIVE and s.link_bps
        ]
        if measured:
            return max(measured)
        return self.abr.link_bps if self.abr.current < self.abr.ceiling else None

    def stats(self) -> PipelineStats:
        times = list(self._render_times)
        fps = (
            (len(times) - 1) / (times[-1] - times[0])
            if len(times) > 1 and times[-1] > times[0]
            else 0.0
        )
        lat = sorted(self._latencies)

        def pct(p: float) -> float:
            return 1000 * lat[min(len(lat) - 1, int(p * len(lat)))] if lat else 0.0

        def mean_ms(d: collections.deque[float]) -> float:
            vals = list(d)
            return 1000 * sum(vals) / len(vals) if vals else 0.0

        enc = self._encoder
        return PipelineStats(
            uptime_s=(time.monotonic() - self._started_at) if self._started_at else 0.0,
            frames_rendered=self._frames_rendered,
            frames_encoded=self._frames_encoded,
            idle_ticks=self._idle_ticks,
            render_fps=fps,
            encoder=enc.codec_name if enc else "",
            encoder_fallback=enc.fallback_reason if enc else None,
            dropped=self.drops.snapshot(),
            outputs=[o.stats() for o in self.outputs],
            render_ms=mean_ms(self._render_cost),
            encode_ms=mean_ms(self._encode_cost),
            latency_p50_ms=pct(0.5),
            latency_p95_ms=pct(0.95),
            error=self.error,
            video_bitrate=enc.video_bitrate if enc else self.settings.video_bitrate,
            video_bitrate_set=self._user_bitrate,
            adaptive_bitrate=self.adaptive_bitrate,
            link_bps=self._link_now(),
            abr_reason=self.abr.reason if self.abr.reason != "start" else "",
            abr_follow=self.abr.follow,
        )
