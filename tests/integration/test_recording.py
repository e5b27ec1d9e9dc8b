"""The whole pipeline into a local recording, decoded and measured."""

from __future__ import annotations

import numpy as np
import pytest

from console.media.audio import AudioMixer, ToneSource
from console.media.compositor import Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.filesource import FileSource
from console.media.output import OutputState
from console.media.pipeline import Pipeline
from console.media.recorder import FlvRecorder
from console.media.testpattern import TestPatternSource
from tests.media_checks import decode, dominant_frequency, onsets
from tests.waiting import wait_for

pytestmark = pytest.mark.usefixtures("gui_app")


def run_until(pipeline: Pipeline, frames: int, timeout: float = 60.0) -> None:
    assert wait_for(lambda: pipeline.stats().frames_encoded >= frames, timeout), (
        "pipeline did not encode enough frames in time"
    )


def test_testpattern_and_tone_recording(tmp_path):
    settings = EncoderSettings(width=720, height=1280, fps=30, encoder="libx264")
    scene = Scene()
    scene.add(VideoLayer(TestPatternSource(720, 1280, 30)))
    mixer = AudioMixer()
    mixer.add(ToneSource(frequency=440))
    rec = FlvRecorder(tmp_path / "out.flv")
    pipeline = Pipeline(settings, scene, mixer, [rec])
    pipeline.start()
    try:
        run_until(pipeline, 150)  # 5 s of media
    finally:
        pipeline.stop()
    assert rec.stats().state == OutputState.ENDED
    got = decode(tmp_path / "out.flv")
    assert got.video_codec == "h264" and got.audio_codec == "aac"
    assert (got.width, got.height) == (720, 1280)
    assert got.sample_rate == 48_000 and got.channels == 2
    assert got.duration >= 4.5
    assert 29.0 <= got.fps <= 31.0
    gaps = np.diff(got.keyframe_times)
    assert len(gaps) >= 1 and np.allclose(gaps, 2.0, atol=0.05), got.keyframe_times
    # the picture moves: sampled frames differ from each other
    diffs = [
        np.abs(a.astype(int) - b.astype(int)).mean() for a, b in zip(got.frames, got.frames[1:])
    ]
    assert min(diffs) > 1.0
    assert abs(dominant_frequency(got.audio[48_000:96_000], 48_000) - 440) < 3
    audio_seconds = len(got.audio) / 48_000
    assert abs(audio_seconds - got.duration) < 0.3


def test_file_source_keeps_flash_and_beep_together(tmp_path, flash_beep_clip):
    source = FileSource(str(flash_beep_clip), max_size=(720, 1280))
    settings = EncoderSettings(width=720, height=1280, fps=30, encoder="libx264")
    scene = Scene()
    scene.add(VideoLayer(source, fit="contain"))
    mixer = AudioMixer()
    mixer.add(source.audio)
    rec = FlvRecorder(tmp_path / "sync.flv")
    pipeline = Pipeline(settings, scene, mixer, [rec])
    pipeline.start()
    try:
        run_until(pipeline, 30 * 7)  # the 4 s clip and most of a loop
    finally:
        pipeline.stop()
    got = decode(tmp_path / "sync.flv")
    flashes = onsets(np.array(got.luma), np.array(got.frame_times), 60)
    env = np.abs(got.audio.mean(axis=1))
    # 5 ms windows of the audio envelope
    win = 240
    n = len(env) // win
    level = env[: n * win].reshape(n, win).max(axis=1)
    times = got.audio_start + np.arange(n) * win / 48_000
    beeps = onsets(level, times, 0.2)
    assert len(flashes) >= 4, flashes
    assert len(beeps) >= 4, beeps
    frame = 1 / 30
    audio_end = got.audio_start + len(got.audio) / 48_000
    for f in [
        f for f in flashes if f < audio_end - 0.1
    ]:  # a flash at the very end may lack its beep
        nearest = min(beeps, key=lambda b: abs(b - f))
        assert abs(nearest - f) <= frame, (f, nearest, flashes, beeps)
