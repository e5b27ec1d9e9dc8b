"""Audio sources (tone, silence, microphone) and the mixer with gain, mute and meters.

Every source follows the :class:`~console.media.sources.AudioSource` contract: ``read(n)``
returns exactly ``n`` frames of float32 stereo at 48 kHz, shape ``(n, 2)``, and never blocks.

``file:PATH`` audio is not built here: the pipeline opens a file once for both its video and its
audio (:mod:`console.media.filesource`) so the two stay in sync; :func:`parse_audio_source`
covers the audio-only specs ``tone[:HZ]``, ``silence`` and ``mic[:NAME_OR_INDEX]``.

Threads: :class:`MicSource` has a PortAudio callback thread that only copies device samples into
a bounded ring; all conversion (mono to stereo, resampling when the device cannot run at 48 kHz)
happens in ``read`` on the media thread. :class:`AudioMixer` is read on the media thread while the
UI thread changes gains and reads meters; both sides take one short lock.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from console.errors import UserError
from console.media.sources import CHANNELS, SAMPLE_RATE, AudioSource

if TYPE_CHECKING:
    import av.audio.resampler

log = logging.getLogger(__name__)

NEG_INF = float("-inf")

#: How long :meth:`MicSource.start` waits for PortAudio to open the device before giving up.
OPEN_TIMEOUT_S = 5.0


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


def _sounddevice() -> Any:
    """Import sounddevice lazily: importing it initialises PortAudio (device enumeration)."""
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio shared library is missing
        raise UserError(
            f"cannot use the microphone: PortAudio is not available ({exc}); install libportaudio2"
        ) from None
    return sounddevice


def list_input_devices() -> list[tuple[int, str]]:
    """(PortAudio index, name) of every device that can record."""
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
    except sd.PortAudioError as exc:
        raise UserError(f"cannot list audio devices: {exc}") from None
    return [(int(d["index"]), str(d["name"])) for d in devices if d["max_input_channels"] > 0]


def _device_list_text(devices: list[tuple[int, str]]) -> str:
    if not devices:
        return "no input devices are available"
    return "available input devices: " + ", ".join(f"{i}: {name}" for i, name in devices)


def resolve_input_device(device: str | int | None) -> int | None:
    """PortAudio index of ``device`` (an index, or a case-insensitive substring of a name).

    ``None`` (or ``""``) is the system's default input and resolves to ``None``. An exact
    (case-insensitive) name wins over a substring match; among substring matches the lowest
    index wins. Raises :class:`UserError` naming the available input devices.
    """
    if device is None or (isinstance(device, str) and not device.strip()):
        return None
    devices = list_input_devices()
    if isinstance(device, str) and device.strip().isdigit():
        device = int(device.strip())
    if isinstance(device, int):
        if any(i == device for i, _ in devices):
            return device
        raise UserError(f"no input audio device with index {device}; {_device_list_text(devices)}")
    wanted = device.strip().casefold()
    for i, name in devices:
        if name.casefold() == wanted:
            return i
    for i, name in devices:
        if wanted in name.casefold():
            return i
    raise UserError(f"no input audio device matches {device!r}; {_device_list_text(devices)}")


class _Ring:
    """Bounded FIFO of float32 frames; when full the oldest frames are overwritten."""

    def __init__(self, capacity: int, channels: int) -> None:
        self.buf = np.zeros((capacity, channels), np.float32)
        self.capacity = capacity
        self.start = 0
        self.count = 0

    def write(self, data: np.ndarray) -> int:
        """Append; return how many old frames were dropped to make room."""
        n = len(data)
        if n >= self.capacity:
            dropped = self.count + n - self.capacity
            self.buf[:] = data[n - self.capacity :]
            self.start, self.count = 0, self.capacity
            return dropped
        dropped = max(0, self.count + n - self.capacity)
        if dropped:
            self.start = (self.start + dropped) % self.capacity
            self.count -= dropped
        end = (self.start + self.count) % self.capacity
        first = min(n, self.capacity - end)
        self.buf[end : end + first] = data[:first]
        if first < n:
            self.buf[: n - first] = data[first:]
        self.count += n
        return dropped

    def read_all(self) -> np.ndarray:
        n = self.count
        first = min(n, self.capacity - self.start)
        out = np.empty((n, self.buf.shape[1]), np.float32)
        out[:first] = self.buf[self.start : self.start + first]
        if first < n:
            out[first:] = self.buf[: n - first]
        self.start, self.count = 0, 0
        return out


class MicSource:
    """A microphone (any PortAudio input device) as an :class:`AudioSource`.

    ``device`` is a PortAudio index, a case-insensitive substring of an input device name, or
    ``None`` for the system default. Nothing touches PortAudio until :meth:`start`, which raises
    :class:`UserError` (and sets :attr:`error`) when the device is unknown or will not open, and
    never waits more than :data:`OPEN_TIMEOUT_S`.

    The device is opened at 48 kHz; one that refuses is opened at its default rate (or at
    ``capture_rate`` when given) and resampled. Mono devices are duplicated to both channels.

    Buffering: the PortAudio callback only copies samples into a ring of ``buffer_s`` (1 s); when
    the ring is full the oldest samples go (counted in :attr:`overruns` / :attr:`overrun_frames`).
    ``read(n)`` never blocks. It waits (returning silence) until ``prefill_s`` of audio is
    buffered, a jitter buffer against the device's and the reader's uneven block sizes; when it
    is short it returns what there is, pads with silence, counts :attr:`underruns` /
    :attr:`underrun_frames` (which also counts the silence given while refilling) and fills
    the jitter buffer again. When more than ``max_latency_s``
    beyond the request is buffered (the device's clock runs faster than the media clock, or the
    reader stalled) the oldest excess is dropped back down to ``prefill_s`` and counted in
    :attr:`latency_drops` / :attr:`latency_dropped_frames`. Nothing is dropped uncounted.

    A device lost mid-stream (an exception or abort in the callback, the stream ending by itself,
    or no callback for ``stall_timeout_s``) sets :attr:`error`; ``read`` then returns silence and
    never raises.
    """

    def __init__(
        self,
        device: str | int | None = None,
        *,
        name: str | None = None,
        capture_rate: int | None = None,
        buffer_s: float = 1.0,
        prefill_s: float = 0.05,
        max_latency_s: float = 0.2,
        stall_timeout_s: float = 2.0,
    ) -> None:
        self.device = device
        self.name = name or ("mic" if device in (None, "") else f"mic:{device}")
        self.error: str | None = None
        self.capture_rate = capture_rate
        self.buffer_s = buffer_s
        self.prefill_s = prefill_s
        self.max_latency_s = max_latency_s
        self.stall_timeout_s = stall_timeout_s
        #: The device actually opened: PortAudio index, name, rate and channels (after start).
        self.device_index: int | None = None
        self.device_name: str | None = None
        self.device_rate: int = SAMPLE_RATE
        self.device_channels: int = CHANNELS
        self.overruns = 0
        self.overrun_frames = 0
        self.underruns = 0
        self.underrun_frames = 0
        self.latency_drops = 0
        self.latency_dropped_frames = 0
        #: PortAudio's own input-overflow flag (the OS buffer overflowed before our callback ran).
        self.device_overflows = 0
        self._cond = threading.Condition(threading.Lock())
        self._read_lock = threading.Lock()
        self._ring: _Ring | None = None
        self._pending = np.zeros((0, CHANNELS), np.float32)
        self._resampler: av.audio.resampler.AudioResampler | None = None
        self._primed = False
        self._ever_primed = False
        self._stream: Any = None
        self._running = False
        self._last_callback = 0.0
        self._prepare(SAMPLE_RATE, CHANNELS)

    # -- set-up -------------------------------------------------------------------------------

    def _prepare(self, rate: int, channels: int) -> None:
        """Size the ring and the converter for a device delivering ``rate`` Hz x ``channels``."""
        with self._cond:
            self.device_rate = int(rate)
            self.device_channels = int(channels)
            self._ring = _Ring(max(1, int(round(self.buffer_s * rate))), channels)
            self._pending = np.zeros((0, CHANNELS), np.float32)
            self._primed = self._ever_primed = False
            self._resampler = None
            if rate != SAMPLE_RATE:
                import av

                self._resampler = av.AudioResampler(format="flt", layout="stereo", rate=SAMPLE_RATE)

    def start(self) -> None:
        """Open the device. Raises :class:`UserError` (also left in :attr:`error`) when it is
        unknown or will not open. Starting a source that failed reopens it."""
        if self._stream is not None:
            if self.error is None:
                return
            self.stop()
        self.error = None
        try:
            self._open()
        except UserError as exc:
            self.error = str(exc)
            raise

    def _open(self) -> None:
        sd = _sounddevice()
        index = resolve_input_device(self.device)
        try:
            info = sd.query_devices(index, "input")
        except (sd.PortAudioError, ValueError) as exc:
            raise UserError(
                f"no usable default input audio device ({exc}); {_device_list_text(list_input_devices())}"
            ) from None
        self.device_index = int(info["index"])
        self.device_name = str(info["name"])
        channels = max(1, min(CHANNELS, int(info["max_input_channels"])))
        rate = self.capture_rate or SAMPLE_RATE
        if self.capture_rate is None:
            try:
                sd.check_input_settings(
                    self.device_index, channels=channels, dtype="float32", samplerate=SAMPLE_RATE
                )
            except (sd.PortAudioError, ValueError):
                rate = int(info["default_samplerate"])
        self._prepare(rate, channels)

        # Opening can hang on a wedged driver or sound server: do it on a helper thread and give
        # up after OPEN_TIMEOUT_S (the helper closes the stream itself if it opens later).
        result: dict[str, Any] = {}
        abandoned = threading.Event()

        def opener() -> None:
            stream = None
            try:
                stream = sd.InputStream(
                    device=self.device_index,
                    samplerate=rate,
                    channels=channels,
                    dtype="float32",
                    latency="low",
                    callback=self._callback,
                    finished_callback=self._finished,
                )
                self._running = True
                self._last_callback = time.monotonic()
                stream.start()
            except Exception as exc:
                self._running = False
                result["error"] = exc
                if stream is not None:
                    _close_quietly(stream)
                return
            if abandoned.is_set():
                self._running = False
                _close_quietly(stream)
                return
            result["stream"] = stream

        thread = threading.Thread(target=opener, name=f"open {self.name}", daemon=True)
        thread.start()
        thread.join(OPEN_TIMEOUT_S)
        what = f"microphone {self.device_name!r}"
        if thread.is_alive():
            abandoned.set()
            raise UserError(
                f"{what} did not open within {OPEN_TIMEOUT_S:g} s; check the device or the sound server"
            )
        if "error" in result:
            raise UserError(f"cannot open {what} at {rate} Hz: {result['error']}")
        self._stream = result["stream"]
        log.info("%s open: %s, %d Hz, %d ch", self.name, self.device_name, rate, channels)

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        self._running = False
        if stream is not None:
            _close_quietly(stream)
        with self._cond:
            self._cond.notify_all()

    # -- the PortAudio side -------------------------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's thread: copy into the ring, nothing else."""
        try:
            if status and getattr(status, "input_overflow", False):
                self.device_overflows += 1
            with self._cond:
                ring = self._ring
                assert ring is not None
                dropped = ring.write(indata)
                if dropped:
                    self.overruns += 1
                    self.overrun_frames += dropped
                self._last_callback = time.monotonic()
                self._cond.notify_all()
        except Exception as exc:
            self.error = f"microphone {self.device_name or self.device!r} failed: {exc!r}"
            self._running = False
            abort = getattr(_sounddevice_if_loaded(), "CallbackAbort", None)
            if abort is not None:
                raise abort from None

    def _finished(self) -> None:
        """PortAudio's thread: the stream ended. Unless we stopped it, the device is gone."""
        if self._running and self.error is None:
            self.error = f"microphone {self.device_name or self.device!r} stopped delivering audio (device lost?)"
        self._running = False
        with self._cond:
            self._cond.notify_all()

    # -- the media side -----------------------------------------------------------------------

    def available(self) -> int:
        """Frames (at 48 kHz) that a read could return now, before any jitter-buffer wait."""
        with self._cond:
            raw = self._ring.count if self._ring else 0
        return len(self._pending) + raw * SAMPLE_RATE // self.device_rate

    def wait_for(self, frames: int, timeout: float) -> bool:
        """Block until ``frames`` are available (or the source failed); for tests and tools,
        never for the media thread."""
        need_raw = lambda: -(-max(0, frames - len(self._pending)) * self.device_rate // SAMPLE_RATE)  # noqa: E731
        with self._cond:
            return (
                self._cond.wait_for(
                    lambda: (
                        self.error is not None
                        or (self._ring is not None and self._ring.count >= need_raw())
                    ),
                    timeout,
                )
                and self.error is None
            )

    def read(self, frames: int) -> np.ndarray:
        try:
            with self._read_lock:
                return self._read(frames)
        except Exception as exc:  # never into the caller: report, and give silence
            if self.error is None:
                self.error = f"microphone {self.device_name or self.device!r} failed: {exc!r}"
            return np.zeros((frames, CHANNELS), np.float32)

    def _read(self, frames: int) -> np.ndarray:
        self._check_alive()
        if self.error is not None:
            return np.zeros((frames, CHANNELS), np.float32)
        with self._cond:
            raw = self._ring.read_all() if self._ring is not None else None
        if raw is not None and len(raw):
            converted = self._convert(raw)
            self._pending = (
                np.concatenate((self._pending, converted)) if len(self._pending) else converted
            )
        have = len(self._pending)
        prefill = int(self.prefill_s * SAMPLE_RATE)
        if not self._primed:
            if have < frames + prefill:
                if self._ever_primed:  # refilling after an underrun: still missing audio
                    self.underrun_frames += frames
                return np.zeros((frames, CHANNELS), np.float32)
            self._primed = self._ever_primed = True
        max_keep = frames + int(self.max_latency_s * SAMPLE_RATE)
        if have > max_keep:
            drop = have - frames - prefill
            self._pending = self._pending[drop:]
            self.latency_drops += 1
            self.latency_dropped_frames += drop
            have = len(self._pending)
        if have >= frames:
            out, self._pending = self._pending[:frames], self._pending[frames:]
            return np.ascontiguousarray(out)
        out = np.zeros((frames, CHANNELS), np.float32)
        out[:have] = self._pending
        self._pending = self._pending[:0]
        self.underruns += 1
        self.underrun_frames += frames - have
        self._primed = False
        return out

    def _convert(self, raw: np.ndarray) -> np.ndarray:
        """Device frames to 48 kHz stereo."""
        if raw.shape[1] == 1:
            raw = np.repeat(raw, CHANNELS, axis=1)
        elif raw.shape[1] > CHANNELS:
            raw = raw[:, :CHANNELS]
        if self._resampler is None:
            return raw
        import av

        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(raw).reshape(1, -1), format="flt", layout="stereo"
        )
        frame.sample_rate = self.device_rate
        parts = [f.to_ndarray().reshape(-1, CHANNELS) for f in self._resampler.resample(frame)]
        if not parts:
            return np.zeros((0, CHANNELS), np.float32)
        return np.concatenate(parts).astype(np.float32, copy=False)

    def _check_alive(self) -> None:
        if self.error is not None or self._stream is None:
            return
        if not self._running:
            self.error = (
                self.error
                or f"microphone {self.device_name!r} stopped delivering audio (device lost?)"
            )
            return
        if time.monotonic() - self._last_callback > self.stall_timeout_s:
            self.error = f"microphone {self.device_name!r} delivered no audio for {self.stall_timeout_s:g} s (device lost?)"

    def stats(self) -> dict[str, int]:
        """Counters, for the status line and the journal."""
        return {
            "overruns": self.overruns,
            "overrun_frames": self.overrun_frames,
            "underruns": self.underruns,
            "underrun_frames": self.underrun_frames,
            "latency_drops": self.latency_drops,
            "latency_dropped_frames": self.latency_dropped_frames,
            "device_overflows": self.device_overflows,
        }


def _sounddevice_if_loaded() -> Any:
    import sys

    return sys.modules.get("sounddevice")


def _close_quietly(stream: Any) -> None:
    with contextlib.suppress(Exception):
        stream.abort()
    with contextlib.suppress(Exception):
        stream.close()


# --------------------------------------------------------------------------------------------
# Specs

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
