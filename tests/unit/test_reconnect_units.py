"""Reconnect, congestion and adaptive-bitrate logic without a network."""

from __future__ import annotations

import io

import av
import numpy as np

from console.media.encoder import EncoderSettings, FlvEncoder
from console.media.flv import FLV_FILE_HEADER, FlvTag, TagType
from console.media.output import OutputState, OutputStats
from console.media.rtmp import RtmpPublisher
from console.media.rtmp.publisher import RECONNECT_DELAYS


def video(ts: int, key: bool = False) -> FlvTag:
    return FlvTag(TagType.VIDEO, ts, b"\x17\x01" if key else b"\x27\x01", keyframe=key)


def audio(ts: int) -> FlvTag:
    return FlvTag(TagType.AUDIO, ts, b"\xaf\x01")


HEADERS = [
    FlvTag(TagType.SCRIPT, 0, b"meta", header=True),
    FlvTag(TagType.VIDEO, 0, b"\x17\x00", keyframe=True, header=True),
    FlvTag(TagType.AUDIO, 0, b"\xaf\x00", header=True),
]


def feed(pub: RtmpPublisher, seconds: float, start_ms: int = 0) -> None:
    """30 fps video (keyframe every 2 s) and 48 kHz AAC-sized audio, in timestamp order."""
    tags = [video(start_ms + i * 33, key=i % 60 == 0) for i in range(int(seconds * 30))]
    tags += [audio(start_ms + round(i * 21.33)) for i in range(int(seconds * 46.875))]
    for tag in sorted(tags, key=lambda t: t.timestamp_ms):
        pub.send(tag)


def queued(pub: RtmpPublisher) -> list[FlvTag]:
    return list(pub._queue)


def test_output_stats_new_fields_have_defaults():
    st = OutputStats(name="x", state=OutputState.LIVE)
    assert (st.reconnects, st.lost_for_s, st.reconnect_attempts, st.next_retry_s) == (
        0,
        0.0,
        0,
        None,
    )


def test_reconnect_schedule_is_front_loaded_and_capped():
    assert RECONNECT_DELAYS[0] == 0
    assert list(RECONNECT_DELAYS) == sorted(RECONNECT_DELAYS)
    assert max(RECONNECT_DELAYS) <= 10
    # most attempts happen inside a 60 s room-close window (not counting connect time)
    waited, attempts = 0.0, 0
    while waited <= 60:
        waited += RECONNECT_DELAYS[min(attempts, len(RECONNECT_DELAYS) - 1)]
        attempts += 1
    assert attempts >= 12


def test_congestion_drops_only_non_key_video():
    pub = RtmpPublisher("rtmp://127.0.0.1:1/live", "k", drop_threshold_ms=700, max_queue_ms=3000)
    for h in HEADERS:
        pub.send(h)
    feed(pub, 2.5)
    q = queued(pub)
    drops = pub.stats().dropped
    assert drops.get("congestion", 0) > 0
    assert "queue_full" not in drops
    assert sum(t.header for t in q) == 3  # headers never dropped
    assert sum(t.is_audio and not t.header for t in q) == int(2.5 * 46.875)  # audio never dropped
    assert sum(t.keyframe and not t.header for t in q) == 2  # keyframes never dropped
    assert not any(t.is_video and not t.keyframe and not t.header for t in q[-5:])


def test_past_the_hard_cap_oldest_media_goes_and_video_resumes_at_a_keyframe():
    pub = RtmpPublisher("rtmp://127.0.0.1:1/live", "k", drop_threshold_ms=700, max_queue_ms=3000)
    feed(pub, 6.0)
    assert pub.stats().queued_ms <= 3000
    assert pub.stats().dropped.get("queue_full", 0) > 0


def test_drops_while_reconnecting_are_counted_as_reconnecting():
    pub = RtmpPublisher("rtmp://127.0.0.1:1/live", "k", reconnect=True)
    pub._state = OutputState.RECONNECTING
    feed(pub, 5.0)
    drops = pub.stats().dropped
    assert drops.get("reconnecting", 0) > 0
    assert "congestion" not in drops and "queue_full" not in drops
    assert pub.stats().queued_ms <= 3000


def test_reconnect_now_only_while_reconnecting():
    pub = RtmpPublisher("rtmp://127.0.0.1:1/live", "k", reconnect=True)
    assert pub.reconnect_now() is False
    pub._state = OutputState.RECONNECTING
    assert pub.reconnect_now() is True
    assert pub._kick.is_set()


# The adaptive bitrate policy (one step to the link estimate, slow probes, memory, ceiling,
# several destinations) is tested in test_bitrate_policy.py and test_link_estimator.py.


def _noise_i420(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    return rng.integers(0, 256, (h * 3 // 2, w), np.uint8)


def test_encoder_bitrate_changes_mid_stream_and_the_stream_decodes_cleanly():
    w, h, fps = 320, 240, 30
    enc = FlvEncoder(
        EncoderSettings(width=w, height=h, fps=fps, video_bitrate=1_200_000, encoder="libx264")
    )
    rng = np.random.default_rng(3)
    frames = [_noise_i420(rng, w, h) for _ in range(10)]
    silence = np.zeros((1600, 2), np.float32)
    tags: list[FlvTag] = []
    sizes: dict[str, int] = {"high": 0, "low": 0, "back": 0}
    for n in range(270):
        phase = "high" if n < 90 else "low" if n < 180 else "back"
        if n == 90:
            assert enc.set_video_bitrate(400_000) == 400_000
        if n == 180:
            assert enc.set_video_bitrate(5_000_000) == 1_200_000  # never above the set rate
        out = enc.encode(frames[n % 10], n, silence)
        for t in out:
            if t.is_video and not t.header and n % 90 >= 30:  # skip each phase's settling
                sizes[phase] += len(t.data)
        tags += out
    tags += enc.flush()
    assert sum(t.header and t.is_video for t in tags) == 1  # no new sequence header
    assert sizes["low"] < 0.55 * sizes["high"], sizes
    assert sizes["back"] > 0.65 * sizes["high"] and sizes["back"] > 1.8 * sizes["low"], sizes
    data = FLV_FILE_HEADER + b"".join(t.to_bytes() for t in tags)
    with av.open(io.BytesIO(data), "r", format="flv") as c:
        vs = c.streams.video[0]
        vs.codec_context.options = {"err_detect": "explode"}
        decoded = [f.pts for f in c.decode(vs)]
    assert len(decoded) == 270
    assert all(b > a for a, b in zip(decoded, decoded[1:]))
    video_ts = [t.timestamp_ms for t in tags if t.is_video and not t.header]
    audio_ts = [t.timestamp_ms for t in tags if t.is_audio and not t.header]
    assert video_ts == sorted(video_ts) and audio_ts == sorted(audio_ts)
    assert audio_ts[-1] >= video_ts[-1] - 25  # sound lasts as long as the picture
