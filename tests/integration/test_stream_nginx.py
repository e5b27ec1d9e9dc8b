"""The whole pipeline pushing to a real nginx-rtmp server; what the server recorded is decoded."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from console.media.audio import AudioMixer, ToneSource
from console.media.compositor import NormRect, Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.filesource import FileSource
from console.media.output import OutputState
from console.media.pipeline import Pipeline
from console.media.rtmp import RtmpPublisher
from console.media.testpattern import TestPatternSource
from console.overlays.basic import BannerLayer, ClockLayer
from tests.media_checks import decode, dominant_frequency, onsets
from tests.waiting import wait_for

pytestmark = pytest.mark.usefixtures("gui_app")


def unique_key() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def build(video, audio, outputs, size=(720, 1280), overlays=()):
    scene = Scene()
    scene.add(VideoLayer(video, fit="contain"))
    for layer in overlays:
        scene.add(layer)
    mixer = AudioMixer()
    mixer.add(audio)
    settings = EncoderSettings(width=size[0], height=size[1], fps=30, encoder="libx264")
    return Pipeline(settings, scene, mixer, outputs)


def test_push_testpattern_to_nginx(nginx_rtmp):
    key = unique_key()
    pub = RtmpPublisher(nginx_rtmp.url(), key, name="nginx")
    overlays = [
        BannerLayer("讲解中 · 保温杯", NormRect(0.05, 0.8, 0.9, 0.06)),
        ClockLayer(NormRect(0.7, 0.03, 0.26, 0.05)),
    ]
    pipeline = build(TestPatternSource(720, 1280, 30), ToneSource(880), [pub], overlays=overlays)
    pipeline.start()
    try:
        assert pub.wait_live(15), pub.error
        assert wait_for(lambda: pipeline.stats().frames_encoded >= 150)
        stats = pipeline.stats()
    finally:
        pipeline.stop()
    assert pub.stats().state == OutputState.ENDED
    # nothing lost on the way to the server (render_lag depends on the machine's load: see bench/)
    assert not pub.stats().dropped, pub.stats().dropped
    assert "encoder_stalled" not in stats.dropped
    got = decode(nginx_rtmp.wait_recording(key))
    assert got.video_codec == "h264" and got.audio_codec == "aac"
    assert (got.width, got.height) == (720, 1280)
    assert 29.0 <= got.fps <= 31.0
    assert got.duration >= 4.0
    gaps = np.diff(got.keyframe_times)
    assert len(gaps) >= 1 and np.allclose(gaps, 2.0, atol=0.05), got.keyframe_times
    assert got.sample_rate == 48_000 and got.channels == 2
    assert abs(dominant_frequency(got.audio[24_000:72_000], 48_000) - 880) < 3
    diffs = [
        np.abs(a.astype(int) - b.astype(int)).mean() for a, b in zip(got.frames, got.frames[1:])
    ]
    assert min(diffs) > 1.0  # the picture moves
    assert pub.stats().bytes_acked > 0


def test_flash_and_beep_arrive_together_at_the_server(nginx_rtmp, flash_beep_clip):
    key = unique_key()
    pub = RtmpPublisher(nginx_rtmp.url(), key, name="nginx")
    source = FileSource(str(flash_beep_clip), max_size=(720, 1280))
    pipeline = build(source, source.audio, [pub])
    pipeline.start()
    try:
        assert pub.wait_live(15), pub.error
        assert wait_for(lambda: pipeline.stats().frames_encoded >= 30 * 7)
    finally:
        pipeline.stop()
    got = decode(nginx_rtmp.wait_recording(key))
    flashes = onsets(np.array(got.luma), np.array(got.frame_times), 60)
    win = 240  # 5 ms
    env = np.abs(got.audio.mean(axis=1))
    n = len(env) // win
    level = env[: n * win].reshape(n, win).max(axis=1)
    beeps = onsets(level, got.audio_start + np.arange(n) * win / 48_000, 0.2)
    assert len(flashes) >= 4 and len(beeps) >= 4, (flashes, beeps)
    audio_end = got.audio_start + len(got.audio) / 48_000
    for f in [
        f for f in flashes if f < audio_end - 0.1
    ]:  # a flash at the very end may lack its beep
        nearest = min(beeps, key=lambda b: abs(b - f))
        assert abs(nearest - f) <= 1 / 30, (flashes, beeps)


def test_stalled_link_fails_the_destination_but_never_blocks_rendering(nginx_rtmp, blackhole_proxy):
    proxy = blackhole_proxy(nginx_rtmp.port)
    pub = RtmpPublisher(
        proxy.url(), unique_key(), name="stalled", write_timeout=2.0, reconnect=False
    )
    pipeline = build(TestPatternSource(720, 1280, 30), ToneSource(), [pub])
    pipeline.start()
    try:
        assert pub.wait_live(15), pub.error
        proxy.blackhole()
        assert wait_for(lambda: pub.stats().state == OutputState.FAILED, 30)
        assert "stall" in (pub.stats().error or "")
        rendered = pipeline.stats().frames_rendered
        # the render loop and the encoder go on after the destination has died
        assert wait_for(lambda: pipeline.stats().frames_encoded >= rendered + 60, 30)
    finally:
        pipeline.stop()
