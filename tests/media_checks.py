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
