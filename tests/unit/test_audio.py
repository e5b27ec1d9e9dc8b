"""Audio sources, mixer and meters; MicSource's buffering driven through its callback."""

from __future__ import annotations

import math
import threading
from types import SimpleNamespace

import numpy as np
import pytest

from console.errors import UserError
from console.media.audio import (
    MASTER,
    AudioMixer,
    MicSource,
    SilenceSource,
    ToneSource,
    block_levels,
    dbfs,
    parse_audio_source,
)
from console.media.sources import CHANNELS, SAMPLE_RATE

NEG_INF = float("-inf")


class Status:
    """Stands in for sounddevice.CallbackFlags."""

    def __init__(self, input_overflow: bool = False) -> None:
        self.input_overflow = input_overflow

    def __bool__(self) -> bool:
        return self.input_overflow


OK = Status()


def peak_frequency(x: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    mono = x.mean(axis=1) if x.ndim == 2 else x
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    k = int(np.argmax(spectrum[1:])) + 1
    a, b, c = np.log(spectrum[k - 1 : k + 2] + 1e-12)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * rate / len(mono)


class Const:
    """A source that always reads one constant value."""

    error = None

    def __init__(self, name: str, value: float) -> None:
        self.name = name
        self.value = value
        self.reads = 0

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def read(self, frames: int) -> np.ndarray:
        self.reads += 1
        return np.full((frames, CHANNELS), self.value, np.float32)


# -- tone and silence ---------------------------------------------------------------------------


def test_silence_shape_and_zeros():
    block = SilenceSource().read(480)
    assert block.shape == (480, 2) and block.dtype == np.float32
    assert not block.any()


@pytest.mark.parametrize("freq", [440.0, 1000.0, 997.5])
def test_tone_frequency_and_level(freq):
    tone = ToneSource(freq, level=0.25)
    x = tone.read(SAMPLE_RATE)
    assert x.shape == (SAMPLE_RATE, 2) and x.dtype == np.float32
    assert abs(peak_frequency(x) - freq) < 0.5
    np.testing.assert_array_equal(x[:, 0], x[:, 1])
    peak, rms = block_levels(x)
    assert peak == pytest.approx(dbfs(0.25), abs=0.01)
    assert rms == pytest.approx(dbfs(0.25 / math.sqrt(2)), abs=0.01)


@pytest.mark.parametrize("freq", [440.0, 997.5])
def test_tone_is_continuous_across_uneven_reads(freq):
    whole = ToneSource(freq).read(10_000)
    tone = ToneSource(freq)
    parts = [tone.read(n) for n in (1, 1023, 1024, 333, 2000, 5619)]
    np.testing.assert_allclose(np.concatenate(parts), whole, atol=1e-6)


def test_tone_phase_stays_exact_after_a_long_run():
    tone = ToneSource(440.0)
    for _ in range(1000):
        tone.read(4801)
    start = 1000 * 4801
    n = np.arange(start, start + 256)
    expected = 0.25 * np.sin(2 * np.pi * 440.0 * n / SAMPLE_RATE)
    np.testing.assert_allclose(tone.read(256)[:, 0], expected, atol=1e-6)


# -- mixer --------------------------------------------------------------------------------------


def test_mixer_sums_with_gain():
    mixer = AudioMixer()
    mixer.add(Const("a", 0.25), gain=2.0)
    mixer.add(Const("b", 0.1))
    out = mixer.read(64)
    assert out.shape == (64, 2) and out.dtype == np.float32
    np.testing.assert_allclose(out, 0.6, atol=1e-6)
    mixer.set_gain("b", 0.0)
    np.testing.assert_allclose(mixer.read(64), 0.5, atol=1e-6)
    assert mixer.gain("b") == 0.0


def test_mute_gives_silence_and_minus_inf_meters_but_still_reads():
    mixer = AudioMixer()
    src = Const("a", 0.5)
    mixer.add(src, muted=True)
    out = mixer.read(128)
    assert not out.any()
    assert mixer.meters()["a"] == (NEG_INF, NEG_INF)
    assert mixer.meters()[MASTER] == (NEG_INF, NEG_INF)
    assert src.reads == 1  # a muted device keeps draining
    mixer.set_muted("a", False)
    assert not mixer.is_muted("a")
    np.testing.assert_allclose(mixer.read(128), 0.5)


def test_meters_for_known_signals():
    mixer = AudioMixer()
    mixer.add(Const("dc", 0.5), gain=0.5)  # 0.25 post-gain: -12.04 dBFS peak and RMS
    mixer.add(ToneSource(1000.0, level=0.5), gain=1.0)
    assert set(mixer.meters()) == {"dc", "tone", MASTER}
    assert mixer.meters()["dc"] == (NEG_INF, NEG_INF)  # nothing read yet
    mixer.read(4800)  # 100 whole periods of 1 kHz
    meters = mixer.meters()
    assert meters["dc"][0] == pytest.approx(-12.041, abs=0.01)
    assert meters["dc"][1] == pytest.approx(-12.041, abs=0.01)
    assert meters["tone"][0] == pytest.approx(-6.02, abs=0.05)
    assert meters["tone"][1] == pytest.approx(-9.03, abs=0.01)
    # master: 0.25 + 0.5 sin -> peak 0.75, RMS sqrt(0.25^2 + 0.5^2 / 2)
    assert meters[MASTER][0] == pytest.approx(dbfs(0.75), abs=0.05)
    assert meters[MASTER][1] == pytest.approx(dbfs(math.sqrt(0.0625 + 0.125)), abs=0.01)


def test_dbfs_edges():
    assert dbfs(1.0) == 0.0
    assert dbfs(0.0) == NEG_INF
    assert block_levels(np.zeros((0, 2), np.float32)) == (NEG_INF, NEG_INF)


def test_clipping_limits_to_full_scale_and_is_counted():
    mixer = AudioMixer()
    mixer.add(Const("a", 0.8))
    mixer.add(Const("b", -0.1))
    mixer.read(32)
    assert mixer.clipped_blocks == 0
    mixer.set_gain("b", -10.0)  # 0.8 + 1.0 = 1.8
    out = mixer.read(32)
    np.testing.assert_array_equal(out, np.ones((32, 2), np.float32))
    assert mixer.clipped_blocks == 1 and mixer.clipped_samples == 64
    assert mixer.meters()[MASTER] == (0.0, 0.0)
    assert mixer.meters()["b"][0] == pytest.approx(0.0, abs=1e-6)  # pre-clip, post-gain


def test_a_broken_source_is_mixed_as_silence():
    class Broken(Const):
        def read(self, frames):
            raise RuntimeError("boom")

    class Short(Const):
        def read(self, frames):
            return np.zeros((frames - 1, 2), np.float32)

    mixer = AudioMixer()
    mixer.add(Broken("x", 0))
    mixer.add(Short("y", 0))
    mixer.add(Const("z", 0.25))
    np.testing.assert_allclose(mixer.read(16), 0.25)
    assert mixer.meters()["x"] == (NEG_INF, NEG_INF)


def test_duplicate_and_unknown_names():
    mixer = AudioMixer()
    mixer.add(Const("a", 0))
    with pytest.raises(ValueError):
        mixer.add(Const("a", 0))
    with pytest.raises(KeyError):
        mixer.set_gain("nope", 1.0)
    assert mixer.remove("a").name == "a"
    assert "a" not in mixer.meters()


def test_meters_are_consistent_while_another_thread_mixes():
    mixer = AudioMixer()
    mixer.add(ToneSource(440.0))
    stop = threading.Event()
    seen: list[dict] = []

    def ui():
        while not stop.is_set():
            seen.append(mixer.meters())

    t = threading.Thread(target=ui)
    t.start()
    try:
        for i in range(300):
            mixer.set_gain("tone", 0.5 + (i % 2) * 0.5)
            mixer.read(256)
    finally:
        stop.set()
        t.join()
    assert seen
    assert all(set(m) == {"tone", MASTER} for m in seen)


# -- specs --------------------------------------------------------------------------------------


def test_parse_specs():
    assert isinstance(parse_audio_source("silence"), SilenceSource)
    tone = parse_audio_source("tone")
    assert isinstance(tone, ToneSource) and tone.frequency == 440.0
    tone = parse_audio_source(" Tone:880 ")
    assert isinstance(tone, ToneSource) and tone.frequency == 880.0 and tone.name == "tone:880"
    mic = parse_audio_source("mic")
    assert isinstance(mic, MicSource) and mic.device is None and mic.name == "mic"
    mic = parse_audio_source("mic:2")
    assert isinstance(mic, MicSource) and mic.device == 2
    mic = parse_audio_source("mic:USB Audio")
    assert isinstance(mic, MicSource) and mic.device == "USB Audio" and mic.name == "mic:USB Audio"


@pytest.mark.parametrize("spec", ["", "noise", "camera:0", "silence:1", "mic2"])
def test_unknown_spec(spec):
    with pytest.raises(UserError) as info:
        parse_audio_source(spec)
    assert str(info.value) == (
        f"unknown audio source {spec!r}: use tone, silence, mic[:NAME] or file:PATH"
    )


@pytest.mark.parametrize("spec", ["tone:abc", "tone:0", "tone:-5", "tone:30000", "tone:nan"])
def test_bad_tone_frequency(spec):
    with pytest.raises(UserError, match="tone frequency"):
        parse_audio_source(spec)


def test_file_spec_belongs_to_the_pipeline():
    with pytest.raises(ValueError, match="pipeline"):
        parse_audio_source("file:/tmp/x.mp4")


# -- MicSource buffering, through its callback --------------------------------------------------


def make_mic(rate: int = SAMPLE_RATE, channels: int = 2, **kw) -> MicSource:
    kw.setdefault("prefill_s", 0.0)
    mic = MicSource("fake", **kw)
    mic._prepare(rate, channels)
    return mic


def feed(mic: MicSource, data: np.ndarray, status=OK) -> None:
    mic._callback(np.asarray(data, np.float32), len(data), None, status)


def ramp(n: int, channels: int = 2, start: int = 0) -> np.ndarray:
    v = (np.arange(start, start + n, dtype=np.float32) / 100_000)[:, None]
    return np.repeat(v, channels, axis=1)


def test_mic_does_not_touch_portaudio_until_started():
    mic = MicSource("anything")
    assert mic.error is None
    assert not mic.read(100).any()


def test_mic_passes_samples_through_in_order():
    mic = make_mic()
    data = ramp(3000)
    feed(mic, data[:1000])
    feed(mic, data[1000:])
    np.testing.assert_array_equal(mic.read(1200), data[:1200])
    np.testing.assert_array_equal(mic.read(1800), data[1200:])
    assert mic.stats()["underruns"] == 0


def test_mic_underrun_pads_with_silence_and_counts():
    mic = make_mic()
    data = ramp(400)
    feed(mic, data)
    np.testing.assert_array_equal(mic.read(300), data[:300])
    out = mic.read(300)  # only 100 left
    assert out.shape == (300, 2)
    np.testing.assert_array_equal(out[:100], data[300:])
    assert not out[100:].any()
    assert mic.underruns == 1 and mic.underrun_frames == 200
    out = mic.read(50)  # nothing at all: refilling, still counted as missing audio
    assert not out.any()
    assert mic.underruns == 1 and mic.underrun_frames == 250
    feed(mic, data[:100])
    np.testing.assert_array_equal(mic.read(50), data[:50])  # refilled (prefill 0 here)


def test_mic_overflow_drops_oldest_and_counts():
    mic = make_mic(buffer_s=0.01, max_latency_s=1.0)  # a 480-frame ring
    data = ramp(1000)
    feed(mic, data[:300])
    feed(mic, data[300:600])  # 120 oldest frames overwritten
    assert mic.overruns == 1 and mic.overrun_frames == 120
    feed(mic, data[600:1000])  # a block bigger than the free space: 400 more go
    assert mic.overruns == 2 and mic.overrun_frames == 520
    np.testing.assert_array_equal(mic.read(480), data[520:1000])


def test_mic_device_overflow_flag_is_counted():
    mic = make_mic()
    feed(mic, ramp(10), status=Status(input_overflow=True))
    assert mic.device_overflows == 1


def test_mic_latency_is_bounded_by_dropping_the_oldest_excess():
    mic = make_mic(max_latency_s=0.2, buffer_s=1.0)
    data = ramp(24_000)  # 0.5 s piled up: the device ran ahead of the reader
    feed(mic, data)
    out = mic.read(1000)
    # Everything but the newest 1000 frames goes (prefill is 0 here); the read gets the newest.
    np.testing.assert_array_equal(out, data[-1000:])
    assert mic.latency_drops == 1 and mic.latency_dropped_frames == 23_000
    # Within the bound nothing is dropped.
    feed(mic, ramp(1000 + 9600))
    mic.read(1000)
    assert mic.latency_drops == 1


def test_mic_jitter_buffer_waits_for_prefill_then_keeps_it():
    mic = make_mic(prefill_s=0.01)  # 480 frames
    data = ramp(2000)
    feed(mic, data[:600])
    assert not mic.read(200).any()  # 600 < 200 + 480: still filling, not an underrun
    assert mic.underruns == 0
    feed(mic, data[600:700])
    np.testing.assert_array_equal(mic.read(200), data[:200])
    np.testing.assert_array_equal(mic.read(200), data[200:400])
    assert mic.available() == 300


def test_mic_mono_is_duplicated_to_stereo():
    mic = make_mic(channels=1)
    mono = ramp(500, channels=1)
    feed(mic, mono)
    out = mic.read(500)
    np.testing.assert_array_equal(out[:, 0], mono[:, 0])
    np.testing.assert_array_equal(out[:, 1], mono[:, 0])


def test_mic_resamples_a_44k1_device_to_48k():
    mic = make_mic(rate=44_100, channels=1, buffer_s=2.0, max_latency_s=2.0)
    n = np.arange(44_100 * 2)
    mono = (0.5 * np.sin(2 * np.pi * 1000.0 * n / 44_100)).astype(np.float32)[:, None]
    for i in range(0, len(mono), 441):  # 10 ms device blocks
        feed(mic, mono[i : i + 441])
    assert mic.available() > int(1.9 * SAMPLE_RATE)
    out = mic.read(SAMPLE_RATE)
    assert mic.underruns == 0
    assert abs(peak_frequency(out[2000:]) - 1000.0) < 0.5
    assert block_levels(out[2000:])[1] == pytest.approx(dbfs(0.5 / math.sqrt(2)), abs=0.1)


def test_mic_wait_for_returns_when_data_arrives():
    mic = make_mic()
    assert not mic.wait_for(100, timeout=0.01)
    t = threading.Thread(target=feed, args=(mic, ramp(100)))
    t.start()
    assert mic.wait_for(100, timeout=10.0)
    t.join()


def test_mic_callback_failure_sets_error_and_read_gives_silence():
    sd = pytest.importorskip("sounddevice")
    mic = make_mic()
    feed(mic, ramp(100))
    with pytest.raises(sd.CallbackAbort):  # PortAudio then stops the stream quietly
        mic._callback(np.zeros((10, 7), np.float32), 10, None, OK)  # wrong channel count
    assert mic.error and "microphone" in mic.error
    out = mic.read(100)
    assert out.shape == (100, 2) and not out.any()


def test_mic_stream_ending_by_itself_is_reported():
    mic = make_mic()
    mic._stream = SimpleNamespace(abort=lambda: None, close=lambda: None)
    mic._running = True
    mic._finished()
    assert mic.error and "device lost" in mic.error
    assert not mic.read(64).any()
    mic.stop()


def test_mic_stall_is_reported():
    mic = make_mic(stall_timeout_s=0.0)
    mic._stream = SimpleNamespace(abort=lambda: None, close=lambda: None)
    mic._running = True
    mic._last_callback = 0.0  # long ago
    assert not mic.read(64).any()
    assert mic.error and "no audio" in mic.error
    mic.stop()
