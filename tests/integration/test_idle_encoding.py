"""Encode only for someone: a pipeline whose only output is an empty OutputHub (the window
previewing, neither live nor recording) renders but encodes nothing; an output joining gets a
keyframe first, with sound on the same clock."""

from __future__ import annotations

from console.media.audio import AudioMixer, ToneSource
from console.media.compositor import Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.output import OutputState
from console.media.output_hub import OutputHub
from console.media.pipeline import Pipeline
from console.media.recorder import FlvRecorder
from console.media.testpattern import TestPatternSource
from tests.media_checks import decode
from tests.waiting import wait_for


def test_nothing_is_encoded_until_an_output_joins(tmp_path):
    settings = EncoderSettings(width=640, height=360, fps=30, encoder="libx264")
    scene = Scene()
    scene.add(VideoLayer(TestPatternSource(640, 360, 30)))
    mixer = AudioMixer()
    mixer.add(ToneSource(frequency=440))
    hub = OutputHub()
    pipeline = Pipeline(settings, scene, mixer, [hub])
    rec = FlvRecorder(tmp_path / "joined.flv")
    pipeline.start()
    try:
        assert wait_for(lambda: pipeline.stats().frames_rendered >= 45, timeout=30)
        idle = pipeline.stats()
        assert idle.frames_encoded == 0
        assert idle.idle_ticks > 0
        assert idle.dropped_total == 0  # not encoding for nobody is not a drop
        hub.attach(rec)
        assert wait_for(lambda: pipeline.stats().frames_encoded >= 90, timeout=30)
    finally:
        pipeline.stop()
    assert rec.stats().state == OutputState.ENDED
    got = decode(tmp_path / "joined.flv")
    assert got.keyframe_times and got.keyframe_times[0] < 0.05  # starts on a keyframe
    assert got.duration >= 2.5
    gaps = [b - a for a, b in zip(got.keyframe_times, got.keyframe_times[1:])]
    assert gaps and all(abs(g - 2.0) < 0.05 for g in gaps), got.keyframe_times  # GOP kept
    audio_seconds = len(got.audio) / 48_000
    assert abs(audio_seconds - got.duration) < 0.3  # sound restarted on the picture's clock
