"""The ``mic`` source against a real PulseAudio server: a tone played into a null sink is
captured from its monitor through sounddevice/PortAudio (ALSA "pulse" plugin)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from console.errors import UserError
from console.media.audio import (
    AudioMixer,
    MicSource,
    block_levels,
    list_input_devices,
    parse_audio_source,
)
from console.media.sources import SAMPLE_RATE

BLOCK = 1024  # one AAC frame
DEADLINE_S = 20.0


def peak_frequency(x: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    mono = x.mean(axis=1) if x.ndim == 2 else x
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    k = int(np.argmax(spectrum[1:])) + 1
    # Parabolic interpolation of the peak bin for sub-bin accuracy.
    a, b, c = np.log(spectrum[k - 1 : k + 2] + 1e-12)
    offset = 0.5 * (a - c) / (a - 2 * b + c)
    return (k + offset) * rate / len(mono)


def capture_tone(mic: MicSource, seconds: float, threshold_db: float = -40.0) -> np.ndarray:
    """Read blocks as they arrive until ``seconds`` of signal above ``threshold_db`` RMS."""
    got: list[np.ndarray] = []
    deadline = time.monotonic() + DEADLINE_S
    while sum(len(b) for b in got) < seconds * SAMPLE_RATE:
        assert time.monotonic() < deadline, f"no tone arrived; mic stats {mic.stats()}"
        assert mic.error is None, mic.error
        if not mic.wait_for(BLOCK + int(mic.prefill_s * SAMPLE_RATE), timeout=1.0):
            continue
        block = mic.read(BLOCK)
        if block_levels(block)[1] > threshold_db:
            got.append(block)
        elif got:
            got.clear()  # keep one unbroken stretch of tone
    return np.concatenate(got)


def test_pulse_input_device_is_listed(pulse_server):
    names = [name for _, name in list_input_devices()]
    assert pulse_server.input_device in names


@pytest.mark.parametrize("capture_rate", [None, 44_100], ids=["48k", "44k1-resampled"])
def test_tone_played_into_sink_arrives_through_mic(pulse_server, capture_rate):
    mic = MicSource(pulse_server.input_device, capture_rate=capture_rate)
    mic.start()
    try:
        assert mic.device_rate == (capture_rate or SAMPLE_RATE)
        # Before any tone the monitor is silent.
        assert mic.wait_for(BLOCK + int(mic.prefill_s * SAMPLE_RATE), timeout=DEADLINE_S)
        mic.read(BLOCK)  # primes the jitter buffer
        quiet = mic.read(BLOCK)
        assert block_levels(quiet)[1] < -60.0

        with pulse_server.play_tone(1000.0, 8.0, level=0.5):
            x = capture_tone(mic, 1.0)
        assert x.shape[1] == 2 and x.dtype == np.float32
        assert abs(peak_frequency(x) - 1000.0) < 3.0
        peak_db, rms_db = block_levels(x)
        # A 0.5-amplitude sine: peak -6 dBFS, RMS -9 dBFS.
        assert -12.0 < rms_db < -6.0, rms_db
        assert peak_db < 0.0
        np.testing.assert_allclose(x[:, 0], x[:, 1], atol=1e-3)
        assert mic.error is None
    finally:
        mic.stop()


def test_mic_spec_through_mixer_meters(pulse_server):
    mic = parse_audio_source(f"mic:{pulse_server.input_device.upper()}")
    assert isinstance(mic, MicSource)
    mixer = AudioMixer()
    mixer.add(mic, gain=0.5)
    mic.start()
    try:
        with pulse_server.play_tone(440.0, 8.0, level=0.5):
            deadline = time.monotonic() + DEADLINE_S
            while True:
                assert time.monotonic() < deadline, f"no signal; meters {mixer.meters()}"
                mic.wait_for(BLOCK + int(mic.prefill_s * SAMPLE_RATE), timeout=1.0)
                mixer.read(BLOCK)
                peak_db, rms_db = mixer.meters()[mic.name]
                if rms_db > -40.0:
                    break
        # 0.5 amplitude x 0.5 gain: RMS about -15 dBFS.
        assert -18.0 < rms_db < -12.0
        assert mixer.meters()["master"][1] == pytest.approx(rms_db, abs=0.01)
    finally:
        mic.stop()


def test_unknown_device_names_the_available_ones(pulse_server):
    mic = MicSource("no-such-microphone-xyz")
    with pytest.raises(UserError) as info:
        mic.start()
    message = str(info.value)
    assert "no-such-microphone-xyz" in message
    assert pulse_server.input_device in message
    assert "\n" not in message
    assert mic.error == message
    # Still a well-behaved source: silence, no exception.
    assert not mic.read(BLOCK).any()


def test_unknown_device_index(pulse_server):
    with pytest.raises(UserError, match="index 999"):
        MicSource(999).start()


def test_lost_device_sets_error_and_reads_silence(pulse_server):
    """The server kills the mic's recording stream mid-show, as when a device is unplugged."""
    mic = MicSource(pulse_server.input_device, stall_timeout_s=1.0)
    mic.start()
    try:
        assert mic.wait_for(BLOCK, timeout=DEADLINE_S)
        for line in pulse_server.pactl("list", "short", "source-outputs").splitlines():
            pulse_server.cli(f"kill-source-output {line.split()[0]}")
        deadline = time.monotonic() + DEADLINE_S
        while mic.error is None:
            assert time.monotonic() < deadline, f"loss not noticed; stats {mic.stats()}"
            block = mic.read(BLOCK)
            assert block.shape == (BLOCK, 2)
            mic.wait_for(10 * SAMPLE_RATE, timeout=0.1)  # returns early once the error is set
        assert "microphone" in mic.error
        assert not mic.read(BLOCK).any()
        # Starting it again (the operator's "retry") reopens the device.
        mic.start()
        assert mic.error is None
        assert mic.wait_for(BLOCK, timeout=DEADLINE_S)
    finally:
        mic.stop()
