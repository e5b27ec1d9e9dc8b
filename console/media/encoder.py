"""Encode once: H.264 + AAC through PyAV, muxed by PyAV's FLV muxer into memory, split into tags."""

from __future__ import annotations

import contextlib
import fractions
import logging
import threading
from dataclasses import dataclass

import av
import numpy as np

from console.errors import UserError
from console.media.flv import FlvTag, FlvTagSplitter
from console.media.sources import SAMPLE_RATE

log = logging.getLogger(__name__)

SOFTWARE_ENCODER = "libx264"
HARDWARE_ENCODERS = ("h264_nvenc", "h264_qsv", "h264_amf", "h264_videotoolbox")
AAC_FRAME = 1024
VIDEO_DELAY_S = AAC_FRAME / SAMPLE_RATE  # video is shifted by AAC priming, see _mux_video


@dataclass
class EncoderSettings:
    width: int = 720
    height: int = 1280
    fps: int = 30
    video_bitrate: int = 2_500_000
    audio_bitrate: int = 128_000
    encoder: str = "auto"
    preset: str = "veryfast"
    keyframe_interval_s: float = 2.0
    bframes: int = 0

    @property
    def gop(self) -> int:
        return max(1, round(self.fps * self.keyframe_interval_s))


def parse_bitrate(text: str) -> int:
    """Parse ``2500k``, ``4.5M`` or ``2500000`` into bits per second."""
    s = text.strip().lower()
    mult = 1
    if s.endswith("k"):
        mult, s = 1000, s[:-1]
    elif s.endswith("m"):
        mult, s = 1_000_000, s[:-1]
    try:
        value = float(s) * mult
    except ValueError:
        value = -1
    if not 200_000 <= value <= 50_000_000:
        raise UserError(
            f"bad bitrate '{text}': give a video bitrate between 200k and 50M, e.g. 2500k"
        )
    return int(value)


_probe_lock = threading.Lock()
_probe_cache: dict[str, bool] = {}


def encoder_opens(name: str) -> bool:
    """True if this H.264 encoder really opens here (a listed codec may lack its device)."""
    with _probe_lock:
        if name in _probe_cache:
            return _probe_cache[name]
        ok = False
        try:
            ctx = av.CodecContext.create(name, "w")
            ctx.width, ctx.height, ctx.pix_fmt = 256, 256, "yuv420p"
            ctx.time_base = fractions.Fraction(1, 30)
            ctx.open()
            ok = True
        except Exception:  # noqa: BLE001 - any failure means "not usable here"
            ok = False
        _probe_cache[name] = ok
        return ok


def available_encoders() -> list[str]:
    """H.264 encoders that open on this machine, hardware first, libx264 always last."""
    return [n for n in HARDWARE_ENCODERS if encoder_opens(n)] + [SOFTWARE_ENCODER]


class _MemoryWriter:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


class FlvEncoder:
    """Turns I420 pictures and float32 stereo audio into FLV tags, timestamps from the media clock.

    Video ``pts`` is the frame index on the clock (time base 1/fps); audio ``pts`` counts samples.
    Not thread-safe: one encoder thread owns it.
    """

    def __init__(self, settings: EncoderSettings) -> None:
        self.settings = settings
        self.fallback_reason: str | None = None
        wanted = settings.encoder
        if wanted == "auto":
            candidates = available_encoders()
        elif wanted == SOFTWARE_ENCODER:
            candidates = [SOFTWARE_ENCODER]
        elif wanted in HARDWARE_ENCODERS:
            candidates = [wanted, SOFTWARE_ENCODER]
        else:
            raise UserError(
                f"unknown encoder '{wanted}': use auto, {SOFTWARE_ENCODER} or one of {', '.join(HARDWARE_ENCODERS)}"
            )
        last_error: Exception | None = None
        for name in candidates:
            try:
                self._open(name)
                self.codec_name = name
                break
            except Exception as exc:  # noqa: BLE001 - try the next encoder
                last_error = exc
                self.fallback_reason = (
                    f"{name} failed to open ({exc.__class__.__name__}); using the next encoder"
                )
                log.warning("%s", self.fallback_reason)
        else:
            raise UserError(f"no H.264 encoder could be opened: {last_error}")
        if self.codec_name == candidates[0]:
            self.fallback_reason = None
        self.video_bitrate = settings.video_bitrate  # the rate asked of the encoder now
        self._audio_fifo = av.AudioFifo()
        self._audio_pts = 0
        self._next_key_t: float | None = None
        self._force_key = False  # force_keyframe(): the next picture is a keyframe
        self.video_frames = 0
        self.audio_frames = 0

    def _open(self, codec: str) -> None:
        s = self.settings
        self._writer = _MemoryWriter()
        self._container = av.open(
            self._writer, "w", format="flv", options={"flvflags": "no_duration_filesize"}
        )
        options = {
            "maxrate": str(s.video_bitrate),
            "bufsize": str(s.video_bitrate),
        }
        if codec == SOFTWARE_ENCODER:
            options.update(
                {
                    "preset": s.preset,
                    "tune": "zerolatency",
                    "sc_threshold": "0",
                    "x264-params": f"keyint={2 * s.gop}:min-keyint=1:scenecut=0",
                }
            )
        vs = self._container.add_stream(codec, rate=s.fps, options=options)
        vs.width, vs.height, vs.pix_fmt = s.width, s.height, "yuv420p"
        vs.bit_rate = s.video_bitrate
        cc = vs.codec_context
        cc.time_base = fractions.Fraction(1, s.fps)
        cc.gop_size = 2 * s.gop  # a backstop: keyframes are forced by time in encode()
        cc.max_b_frames = s.bframes
        cc.thread_count = 0
        aus = self._container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        aus.bit_rate = s.audio_bitrate
        aus.codec_context.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self._video, self._audio = vs, aus
        self._splitter = FlvTagSplitter()
        try:
            self._container.start_encoding()
        except Exception:
            with contextlib.suppress(Exception):
                self._container.close()
            raise

    def set_video_bitrate(self, bps: int) -> int:
        """Change the video bitrate mid-stream, never above what the user set; returns it.

        FFmpeg's libx264 wrapper notices a changed ``bit_rate`` before the next frame and calls
        ``x264_encoder_reconfig``: no new SPS, no keyframe, no gap, timestamps untouched; the
        VBV ceiling (``maxrate``) stays at the user's rate. Hardware encoders that cannot
        reconfigure keep their rate (their wrappers ignore the change).
        """
        bps = int(max(100_000, min(bps, self.settings.video_bitrate)))
        if bps != self.video_bitrate:
            self._video.codec_context.bit_rate = bps
            self.video_bitrate = bps
        return bps

    def encode(self, i420: np.ndarray | None, video_pts: int, audio: np.ndarray) -> list[FlvTag]:
        """Encode one tick: a picture (or None when it was dropped) and its audio samples."""
        if i420 is not None:
            if i420.flags.c_contiguous:  # no copy: the encoder reads the planes in place
                frame = av.VideoFrame.from_numpy_buffer(i420, format="yuv420p")
            else:
                frame = av.VideoFrame.from_ndarray(i420, format="yuv420p")
            frame.pts = video_pts
            # Keyframes by media time, not frame count, so skipped frames never stretch a GOP.
            t = video_pts / self.settings.fps
            if self._force_key:  # after a pause: a keyframe now, the next an interval later
                self._force_key = False
                frame.pict_type = av.video.frame.PictureType.I
                self._next_key_t = t + self.settings.keyframe_interval_s
            elif self._next_key_t is None or t >= self._next_key_t - 1e-6:
                frame.pict_type = av.video.frame.PictureType.I
                self._next_key_t = (self._next_key_t or 0.0) + self.settings.keyframe_interval_s
                while self._next_key_t <= t:
                    self._next_key_t += self.settings.keyframe_interval_s
            for packet in self._video.encode(frame):
                self._mux_video(packet)
            self.video_frames += 1
        if len(audio):
            self._push_audio(audio)
        return self._splitter.feed(self._writer.take())

    def _mux_video(self, packet: av.Packet) -> None:
        """Mux a video packet, delayed by the AAC encoder's priming samples.

        FLV has no edit list, so a player plays AAC's 1024 priming samples: audio would come out
        21 ms late. Shifting video by the same amount keeps picture and sound together.
        """
        if packet.pts is not None:
            tb = packet.time_base
            shift_ms = VIDEO_DELAY_S * 1000
            packet.pts = round(float(packet.pts * tb) * 1000 + shift_ms)
            packet.dts = (
                round(float(packet.dts * tb) * 1000 + shift_ms)
                if packet.dts is not None
                else packet.pts
            )
            packet.time_base = fractions.Fraction(1, 1000)
        self._container.mux(packet)

    def force_keyframe(self) -> None:
        """The next picture is a keyframe (pictures start again after a pause in which nobody
        received them; a joining output starts on it), then every interval from it."""
        self._force_key = True

    def _push_audio(self, audio: np.ndarray) -> None:
        af = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(audio, dtype=np.float32).reshape(1, -1),
            format="flt",
            layout="stereo",
        )
        af.sample_rate = SAMPLE_RATE
        af.pts = self._audio_pts
        self._audio_pts += audio.shape[0]
        self._audio_fifo.write(af)
        while (chunk := self._audio_fifo.read(AAC_FRAME)) is not None:
            for packet in self._audio.encode(chunk):
                self._container.mux(packet)
            self.audio_frames += 1

    def flush(self) -> list[FlvTag]:
        """Drain both encoders and close the muxer; returns the last tags."""
        # The last < 1024 samples go out padded with silence, so sound lasts as long as picture.
        left = self._audio_fifo.samples
        if left:
            pad = np.zeros((AAC_FRAME - left, 2), np.float32)
            self._push_audio(pad)
        for packet in self._video.encode(None):
            self._mux_video(packet)
        for packet in self._audio.encode(None):
            self._container.mux(packet)
        self._container.close()
        return self._splitter.feed(self._writer.take())
