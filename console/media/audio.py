"""Audio sources (tone, silence, microphone) and the mixer with gain, mute and meters.

Every source follows the :class:`~console.media.sources.AudioSource` contract: ``read(n)``
returns exactly ``n`` frames of float32 stereo at 48 kHz, shape ``(n, 2)``, and never blocks.

``file:PATH`` audio is not built here: the pipeline opens a file once for both its video and its
audio (:mod:`console.media.filesource`) so the two stay in sync; :func:`parse_audio_source`
covers the audio-only specs ``tone[:HZ]``, ``silence`` and ``mic[:NAME_OR_INDEX]``.

Threads: :class:`MicSource` (console/media/mic.py, re-exported here) has a PortAudio callback
thread that only copies device samples into a bounded ring; all conversion happens in ``read``
on the media thread. :class:`AudioMixer` is read on the media thread while the
UI thread changes gains and reads meters; both sides take one short lock.
"""

from __future__ import annotations

import logging
import math
import threading

import numpy as np

from console.errors import UserError
from console.media.mic import OPEN_TIMEOUT_S, MicSource, list_input_devices, resolve_input_device
from console.media.sources import CHANNELS, SAMPLE_RATE, AudioSource

__all__ = [
    "MASTER",
    "NEG_INF",
    "OPEN_TIMEOUT_S",
    "AudioMixer",
    "MicSource",
    "SilenceSource",
    "ToneSource",
    "block_levels",
    "dbfs",
    "list_input_devices",
    "parse_audio_source",
    "resolve_input_device",
]

log = logging.getLogger(__name__)

NEG_INF = float("-inf")


class SilenceSource:
    name = "silence"
    error: str | None = None

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def read(self, frames: int) -> np.ndarray:
        return np.zeros((frames, CHANNELS), np.float32)


class ToneSource:
    """A sine tone (default 440 Hz at -12 dBFS), phase-continuous across reads."""

    error: str | None = None

    def __init__(self, frequency: float = 440.0, level: float = 0.25, name: str = "tone") -> None:
        self.name = name
        self.frequency = frequency
        self.level = level
        self._pos = 0

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def read(self, frames: int) -> np.ndarray:
        n = np.arange(self._pos, self._pos + frames, dtype=np.float64)
        self._pos += frames
        if self.frequency == int(self.frequency) and self.frequency > 0:
            # An integer frequency repeats exactly every SR/gcd(SR, f) samples: wrap there so the
            # sample counter stays small and the phase exact however long the show runs.
            self._pos %= SAMPLE_RATE // math.gcd(SAMPLE_RATE, int(self.frequency))
        mono = (self.level * np.sin(2 * np.pi * self.frequency * n / SAMPLE_RATE)).astype(
            np.float32
        )
        return np.repeat(mono[:, None], CHANNELS, axis=1)


# --------------------------------------------------------------------------------------------
# Meters


def dbfs(x: float) -> float:
    """Amplitude (1.0 = full scale) to dBFS; silence is ``-inf``."""
    return 20.0 * math.log10(x) if x > 0.0 else NEG_INF


def block_levels(block: np.ndarray) -> tuple[float, float]:
    """(peak dBFS, RMS dBFS) of a block over all its channels; an empty block is silence."""
    if block.size == 0:
        return NEG_INF, NEG_INF
    peak = float(np.max(np.abs(block)))
    rms = math.sqrt(float(np.mean(np.square(block, dtype=np.float64))))
    return dbfs(peak), dbfs(rms)


# --------------------------------------------------------------------------------------------
# Mixer

MASTER = "master"


class AudioMixer:
    """Sums sources with per-source gain and mute, clips to full scale, and meters everything.

    ``read`` runs on the media thread; ``add``/``set_gain``/``set_muted``/``meters`` may be called
    from any thread (the UI's). ``meters()`` gives, per source name and for :data:`MASTER`, the
    (peak, RMS) in dBFS of the last block read, post-gain; a muted source reads ``-inf``.
    A source whose ``read`` raises or returns a wrong shape contributes silence for that block
    (logged once) rather than stopping the mix.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sources: list[AudioSource] = []
        self._gain: dict[str, float] = {}
        self._muted: dict[str, bool] = {}
        self._meters: dict[str, tuple[float, float]] = {MASTER: (NEG_INF, NEG_INF)}
        self._complained: set[str] = set()
        #: Blocks in which the sum exceeded full scale and was clipped.
        self.clipped_blocks = 0
        #: Samples (per channel) clipped, in total.
        self.clipped_samples = 0

    def add(self, source: AudioSource, gain: float = 1.0, muted: bool = False) -> None:
        with self._lock:
            if source.name in self._gain or source.name == MASTER:
                raise ValueError(f"an audio source named {source.name!r} is already in the mix")
            self._sources.append(source)
            self._gain[source.name] = gain
            self._muted[source.name] = muted
            self._meters[source.name] = (NEG_INF, NEG_INF)

    def remove(self, name: str) -> AudioSource:
        with self._lock:
            for i, s in enumerate(self._sources):
                if s.name == name:
                    del self._sources[i]
                    del self._gain[name], self._muted[name], self._meters[name]
                    return s
        raise KeyError(name)

    @property
    def sources(self) -> list[AudioSource]:
        with self._lock:
            return list(self._sources)

    def set_gain(self, name: str, gain: float) -> None:
        with self._lock:
            if name not in self._gain:
                raise KeyError(name)
            self._gain[name] = gain

    def gain(self, name: str) -> float:
        with self._lock:
            return self._gain[name]

    def set_muted(self, name: str, muted: bool) -> None:
        with self._lock:
            if name not in self._muted:
                raise KeyError(name)
            self._muted[name] = muted

    def is_muted(self, name: str) -> bool:
        with self._lock:
            return self._muted[name]

    def meters(self) -> dict[str, tuple[float, float]]:
        """{source name or ``"master"``: (peak dBFS, RMS dBFS)} of the last block read."""
        with self._lock:
            return dict(self._meters)

    def read(self, frames: int) -> np.ndarray:
        out = np.zeros((frames, CHANNELS), np.float32)
        with self._lock:
            plan = [(s, self._gain[s.name], self._muted[s.name]) for s in self._sources]
        levels: dict[str, tuple[float, float]] = {}
        for source, gain, muted in plan:
            block = self._read_source(source, frames)
            # Muted sources are still read, so a live device keeps draining and stays in time.
            if muted or block is None:
                levels[source.name] = (NEG_INF, NEG_INF)
                continue
            if gain != 1.0:
                block = block * np.float32(gain)
            levels[source.name] = block_levels(block)
            out += block
        over = int(np.count_nonzero(np.abs(out) > 1.0))
        if over:
            np.clip(out, -1.0, 1.0, out=out)
        levels[MASTER] = block_levels(out)
        with self._lock:
            for name, value in levels.items():
                if name in self._meters:
                    self._meters[name] = value
            if over:
                self.clipped_blocks += 1
                self.clipped_samples += over
        return out

    def _read_source(self, source: AudioSource, frames: int) -> np.ndarray | None:
        try:
            block = np.asarray(source.read(frames), dtype=np.float32)
        except Exception as exc:  # a broken source must not stop the show's audio
            self._complain(source.name, f"read failed: {exc!r}")
            return None
        if block.shape != (frames, CHANNELS):
            self._complain(
                source.name, f"returned shape {block.shape}, expected {(frames, CHANNELS)}"
            )
            return None
        return block

    def _complain(self, name: str, what: str) -> None:
        if name not in self._complained:
            self._complained.add(name)
            log.error("audio source %s %s; it is mixed as silence", name, what)


# --------------------------------------------------------------------------------------------
# Microphone


_SPEC_HELP = "use tone, silence, mic[:NAME] or file:PATH"


def parse_audio_source(spec: str) -> AudioSource:
    """An audio source from a CLI spec: ``tone``, ``tone:HZ``, ``silence``, ``mic``,
    ``mic:NAME_OR_INDEX``.

    ``file:PATH`` is not handled here: the pipeline opens the file itself, once for its video and
    its audio, so both stay in sync; passing it here is a programming error (ValueError).
    Anything else raises :class:`UserError`. A ``mic`` source is only checked against the
    devices when started.
    """
    text = spec.strip()
    kind, sep, arg = text.partition(":")
    kind = kind.strip().lower()
    arg = arg.strip()
    if kind == "silence" and not sep:
        return SilenceSource()
    if kind == "tone":
        if not sep or not arg:
            return ToneSource()
        try:
            freq = float(arg)
        except ValueError:
            freq = float("nan")
        if not (0 < freq < SAMPLE_RATE / 2):
            raise UserError(
                f"bad tone frequency {arg!r}: give a number of Hz between 1 and 23999, e.g. tone:1000"
            )
        return ToneSource(freq, name=f"tone:{freq:g}")
    if kind == "mic":
        if not arg:
            return MicSource(None)
        return MicSource(int(arg) if arg.isdigit() else arg)
    if kind == "file":
        raise ValueError(
            "file: audio is opened by the pipeline with its video, not by parse_audio_source"
        )
    raise UserError(f"unknown audio source {spec!r}: {_SPEC_HELP}")
