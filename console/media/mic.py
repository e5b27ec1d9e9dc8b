"""The microphone: input devices by name or index, and :class:`MicSource` (PortAudio through
``sounddevice``).

A PortAudio callback thread only copies device samples into a bounded ring; all conversion (mono
to stereo, resampling when the device cannot run at 48 kHz) happens in ``read`` on the media
thread. Opening a device never waits more than :data:`OPEN_TIMEOUT_S`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from console.errors import UserError
from console.media.sources import CHANNELS, SAMPLE_RATE

if TYPE_CHECKING:
    import av.audio.resampler

log = logging.getLogger("console.media.audio")  # the name it always logged under

#: How long :meth:`MicSource.start` waits for PortAudio to open the device before giving up.
OPEN_TIMEOUT_S = 5.0


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
