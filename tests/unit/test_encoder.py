import numpy as np
import pytest

from console.errors import UserError
from console.media.encoder import EncoderSettings, FlvEncoder, available_encoders, parse_bitrate
from console.media.output import DropCounter
from console.media.pipeline import TickQueue, _Tick


def test_parse_bitrate():
    assert parse_bitrate("2500k") == 2_500_000
    assert parse_bitrate("4.5M") == 4_500_000
    for bad in ("fast", "10k", "-3", "999M"):
        with pytest.raises(UserError, match="bad bitrate"):
            parse_bitrate(bad)


def test_unknown_encoder_is_a_user_error():
    with pytest.raises(UserError, match="unknown encoder"):
        FlvEncoder(EncoderSettings(encoder="h265_magic"))


def test_missing_hardware_encoder_falls_back_to_libx264():
    hw = "h264_nvenc"
    if hw in available_encoders():
        pytest.skip("this machine really has NVENC")
    enc = FlvEncoder(EncoderSettings(width=320, height=240, encoder=hw))
    assert enc.codec_name == "libx264"
    assert enc.fallback_reason and hw in enc.fallback_reason
    assert available_encoders()[-1] == "libx264"


def test_encoder_emits_headers_then_keyframe_every_two_seconds():
    s = EncoderSettings(width=320, height=240, fps=10, encoder="libx264")
    enc = FlvEncoder(s)
    tags = []
    for n in range(50):
        i420 = np.full((360, 320), n % 255, np.uint8)
        tags += enc.encode(i420, n, np.zeros((4800, 2), np.float32))
    assert [t.kind.name for t in tags[:3]] == ["SCRIPT", "VIDEO", "AUDIO"]
    assert all(t.header for t in tags[:3])
    keys = [t.timestamp_ms for t in tags if t.is_video and t.keyframe and not t.header]
    assert np.allclose(np.diff(keys), 2000, atol=1)
    assert enc.audio_frames == 50 * 4800 // 1024
    assert enc.flush()  # the encoders drain their last packets


def _tick(n, picture=True):
    return _Tick(
        n, np.zeros((3, 2), np.uint8) if picture else None, np.zeros((1600, 2), np.float32), 0.0
    )


def test_tick_queue_drops_pictures_but_keeps_audio():
    drops = DropCounter()
    q = TickQueue(drops, max_pictures=3, hard_cap=100)
    for n in range(10):
        q.put(_tick(n))
    assert drops.snapshot() == {"encoder_lag": 7}
    got = [q.get(timeout=0) for _ in range(10)]
    assert [t.n for t in got] == list(range(10))  # every tick's audio is still there
    assert [t.i420 is not None for t in got] == [False] * 7 + [True] * 3


def test_tick_queue_hard_cap_counts_lost_audio():
    drops = DropCounter()
    q = TickQueue(drops, max_pictures=2, hard_cap=5)
    for n in range(8):
        q.put(_tick(n, picture=False))
    assert drops.snapshot() == {"encoder_stalled": 3}
    assert len(q) == 5


def test_keyframes_follow_media_time_when_frames_are_skipped():
    enc = FlvEncoder(EncoderSettings(width=320, height=240, fps=10, encoder="libx264"))
    tags = []
    shown = [n for n in range(80) if n % 7 != 3]  # the render loop skipped some ticks
    for n in shown:
        tags += enc.encode(
            np.full((360, 320), n % 255, np.uint8), n, np.zeros((4800, 2), np.float32)
        )
    keys = [t.timestamp_ms for t in tags if t.is_video and t.keyframe and not t.header]
    assert len(keys) >= 3
    assert np.allclose(np.diff(keys), 2000, atol=100), (
        keys
    )  # a skipped tick may delay one by a frame
