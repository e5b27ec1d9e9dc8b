"""Decode what arrived (a recording or what a server recorded) and measure it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np


@dataclass
class Decoded:
    video_codec: str = ""
    audio_codec: str = ""
    width: int = 0
    height: int = 0
    sample_rate: int = 0
    channels: int = 0
    frame_times: list[float] = field(default_factory=list)
    keyframe_times: list[float] = field(default_factory=list)
    luma: list[float] = field(default_factory=list)  # mean Y of each frame
    frames: list[np.ndarray] = field(default_factory=list)  # a few sampled grey frames
    audio: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.float32))
    audio_start: float = 0.0

    @property
    def duration(self) -> float:
        return self.frame_times[-1] - self.frame_times[0] if len(self.frame_times) > 1 else 0.0

    @property
    def fps(self) -> float:
        return (len(self.frame_times) - 1) / self.duration if self.duration else 0.0


def decode(path: str | Path, keep_every: int = 15) -> Decoded:
    """Decode every video frame and all audio of a file."""
    out = Decoded()
    with av.open(str(path)) as c:
        vs = c.streams.video[0] if c.streams.video else None
        aus = c.streams.audio[0] if c.streams.audio else None
        if vs is not None:
            out.video_codec = vs.codec_context.name
        if aus is not None:
            out.audio_codec = aus.codec_context.name
        chunks: list[np.ndarray] = []
        streams = [s for s in (vs, aus) if s is not None]
        for packet in c.demux(streams):
            for frame in packet.decode():
                if isinstance(frame, av.VideoFrame):
                    out.width, out.height = frame.width, frame.height
                    t = float(frame.time)
                    out.frame_times.append(t)
                    if frame.key_frame:
                        out.keyframe_times.append(t)
                    grey = frame.to_ndarray(format="gray")
                    out.luma.append(float(grey.mean()))
                    if len(out.frame_times) % keep_every == 1:
                        out.frames.append(grey)
                elif isinstance(frame, av.AudioFrame):
                    if not chunks:
                        out.audio_start = float(frame.time or 0.0)
                    out.sample_rate = frame.sample_rate
                    out.channels = frame.layout.nb_channels
                    arr = frame.to_ndarray()
                    if arr.shape[0] == out.channels:  # planar
                        arr = arr.T
                    else:
                        arr = arr.reshape(-1, out.channels)
                    chunks.append(arr.astype(np.float32))
        if chunks:
            out.audio = np.concatenate(chunks)
    return out


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    return float(np.fft.rfftfreq(len(mono), 1 / rate)[int(np.argmax(spectrum))])


def onsets(values: np.ndarray, times: np.ndarray, threshold: float) -> list[float]:
    """Times where ``values`` rises through ``threshold``."""
    above = values > threshold
    rising = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    return [float(times[i]) for i in rising]


def flash_times(got: Decoded) -> list[float]:
    """Times of the frames where the picture turns bright (mean luma rises through the middle
    of its range)."""
    luma = np.array(got.luma)
    if len(luma) < 2 or luma.max() - luma.min() < 50:
        return []
    return onsets(luma, np.array(got.frame_times), (luma.max() + luma.min()) / 2)


def beep_times(got: Decoded, threshold: float = 0.25, gap_s: float = 0.2) -> list[float]:
    """Onsets of the beeps in the decoded sound: where the magnitude first rises through
    ``threshold``, interpolated between the two samples around the crossing (sub-sample, far
    finer than a video frame); crossings within ``gap_s`` of the previous one are the same beep."""
    if not len(got.audio) or not got.sample_rate:
        return []
    env = np.abs(got.audio.mean(axis=1).astype(np.float64))
    above = env > threshold
    out: list[float] = []
    for i in np.flatnonzero(above[1:] & ~above[:-1]) + 1:
        frac = (threshold - env[i - 1]) / (env[i] - env[i - 1])
        t = got.audio_start + (i - 1 + frac) / got.sample_rate
        if not out or t - out[-1] > gap_s:
            out.append(float(t))
    return out
