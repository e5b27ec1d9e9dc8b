"""RtmpPublisher against real servers: nginx-rtmp (plain and behind TLS) and FFmpeg's listener.

What the server received is decoded with PyAV and checked; failures are checked for a clear,
key-free one-line error within a bounded time.
"""

from __future__ import annotations

import io
import threading
import uuid
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from console.media.flv import FlvTag, FlvTagSplitter
from console.media.output import OutputState
from console.media.rtmp import RtmpPublisher
from tests.fixtures.rtmp_servers import wait_for

WIDTH, HEIGHT, FPS, SECONDS = 320, 240, 25, 3
SECRET = "sk_live_9f8e7d6c5b4a"


def make_clip_tags(seconds: int = SECONDS, fps: int = FPS) -> list[FlvTag]:
    """Encode a moving-bar clip with a tone (H.264 + AAC 48 kHz stereo) to FLV tags in memory."""
    buf = io.BytesIO()
    with av.open(buf, "w", format="flv") as out:
        video = out.add_stream(
            "libx264",
            rate=fps,
            options={"preset": "ultrafast", "tune": "zerolatency", "g": str(fps), "bf": "0"},
        )
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        audio = out.add_stream("aac", rate=48000, layout="stereo")
        samples = 0
        rng = np.random.default_rng(1)
        for i in range(seconds * fps):
            img = np.full((HEIGHT, WIDTH, 3), 40, np.uint8)
            x = (i * 7) % (WIDTH - 24)
            img[:, x : x + 24] = 230
            img[100:164, 100:164] = rng.integers(0, 255, (64, 64, 3), np.uint8)  # some bitrate
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            for packet in video.encode(frame):
                out.mux(packet)
            while samples < (i + 1) * 48000 // fps:
                t = (np.arange(1024) + samples) / 48000
                tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
                aframe = av.AudioFrame.from_ndarray(
                    np.stack([tone, tone]), format="fltp", layout="stereo"
                )
                aframe.sample_rate, aframe.pts = 48000, samples
                aframe.time_base = Fraction(1, 48000)
                for packet in audio.encode(aframe):
                    out.mux(packet)
                samples += 1024
        for packet in video.encode():
            out.mux(packet)
        for packet in audio.encode():
            out.mux(packet)
    return FlvTagSplitter().feed(buf.getvalue())


@pytest.fixture(scope="module")
def clip_tags() -> list[FlvTag]:
    return make_clip_tags()


@dataclass
class Received:
    video_codec: str
    width: int
    height: int
    video_frames: int
    audio_codec: str
    sample_rate: int
    channels: int
    audio_frames: int


def decode(path: Path) -> Received:
    """Decode every frame of a recording."""
    with av.open(str(path)) as c:
        assert c.streams.video and c.streams.audio, f"{path.name} lacks audio or video"
        vs, as_ = c.streams.video[0], c.streams.audio[0]
        info = [vs.codec_context.name, as_.codec_context.name, as_.codec_context.sample_rate]
        channels = as_.codec_context.layout.nb_channels
        n_video = n_audio = 0
        width = height = 0
        for frame in c.decode(vs, as_):
            if isinstance(frame, av.VideoFrame):
                n_video += 1
                width, height = frame.width, frame.height
            else:
                n_audio += 1
    return Received(info[0], width, height, n_video, info[1], info[2], channels, n_audio)


def assert_clip_arrived(path: Path, *, seconds: int = SECONDS) -> None:
    got = decode(path)
    assert got.video_codec == "h264"
    assert (got.width, got.height) == (WIDTH, HEIGHT)
    expected = seconds * FPS
    assert expected - 3 <= got.video_frames <= expected, got
    assert got.audio_codec == "aac"
    assert got.sample_rate == 48000
    assert got.channels == 2
    assert got.audio_frames >= seconds * 48000 // 1024 - 5, got


def publish_clip(pub: RtmpPublisher, tags: list[FlvTag], *, timeout: float = 15) -> None:
    pub.start()
    for tag in tags:
        pub.send(tag)
    assert pub.wait_live(timeout), pub.error
    pub.stop(timeout)
    assert pub.state == OutputState.ENDED, pub.error
    st = pub.stats()
    assert st.error is None
    assert st.dropped == {}, st.dropped
    assert st.tags_sent == len(tags)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def assert_no_secret(pub: RtmpPublisher, secret: str) -> None:
    st = pub.stats()
    for text in (st.error or "", st.name, repr(st), pub.name):
        assert secret not in text


# ----------------------------------------------------------------------------- success paths


@pytest.mark.parametrize("handshake", ["digest", "plain"])
def test_nginx_records_what_we_publish(nginx_rtmp, clip_tags, handshake):
    name = unique(f"nginx-{handshake}")
    states: list[OutputState] = []
    pub = RtmpPublisher(
        nginx_rtmp.url(),
        name,
        handshake=handshake,
        max_queue_ms=60_000,
        drop_threshold_ms=60_000,
        on_state=lambda _n, s, _e: states.append(s),
    )
    publish_clip(pub, clip_tags)
    assert states == [OutputState.CONNECTING, OutputState.LIVE, OutputState.ENDED]
    if handshake == "digest":
        assert pub.server_handshake_digest is True  # nginx-rtmp answers the FP9 digest
    assert pub.stats().bytes_sent > sum(len(t.data) for t in clip_tags)
    assert_clip_arrived(nginx_rtmp.wait_recording(name))


def test_nginx_paced_with_default_queue_drops_nothing(nginx_rtmp, clip_tags):
    """Real-time pacing (as the encoder delivers) through the default thresholds."""
    name = unique("paced")
    pub = RtmpPublisher(nginx_rtmp.url(), name, ack_window=32768)
    pub.start()
    assert pub.wait_live(10), pub.error
    pace = threading.Event()  # never set: wait() is the media clock of this fake encoder
    last = 0
    for tag in clip_tags:
        if tag.timestamp_ms > last:
            pace.wait((tag.timestamp_ms - last) / 1000)
            last = tag.timestamp_ms
        pub.send(tag)
    st = pub.stats()
    assert st.state == OutputState.LIVE
    assert st.bitrate_kbps > 0  # from the server's acknowledgements
    pub.stop(10)
    st = pub.stats()
    assert st.state == OutputState.ENDED and st.dropped == {}
    assert st.bytes_acked > 0  # nginx acknowledged our bytes (we asked every 128 KiB)
    assert st.bytes_acked <= st.bytes_sent + 4096
    assert_clip_arrived(nginx_rtmp.wait_recording(name))


def test_key_with_query_is_published_intact(nginx_rtmp, clip_tags):
    base = unique("signed")
    key = f"{base}?expire=1893456000&sign=0123456789abcdef"
    pub = RtmpPublisher(nginx_rtmp.url(), key, max_queue_ms=60_000, drop_threshold_ms=60_000)
    publish_clip(pub, clip_tags)
    assert_no_secret(pub, "0123456789abcdef")
    assert_clip_arrived(nginx_rtmp.wait_recording(base))


@pytest.mark.parametrize("handshake", ["digest", "plain"])
def test_ffmpeg_listener_receives_what_we_publish(ffmpeg_rtmp_listener, clip_tags, handshake):
    listener = ffmpeg_rtmp_listener(app="live", key="ffkey")
    pub = RtmpPublisher(
        listener.url, "ffkey", handshake=handshake, max_queue_ms=60_000, drop_threshold_ms=60_000
    )
    publish_clip(pub, clip_tags)
    assert listener.wait(15), "FFmpeg listener did not finish"
    assert listener.error is None, listener.error
    assert listener.keyframes >= SECONDS
    assert_clip_arrived(listener.out_path)


def test_rtmps_with_trusted_ca(nginx_rtmp, clip_tags):
    name = unique("tls")
    pub = RtmpPublisher(
        nginx_rtmp.rtmps_url(),
        name,
        ca_file=str(nginx_rtmp.ca_file),
        max_queue_ms=60_000,
        drop_threshold_ms=60_000,
    )
    publish_clip(pub, clip_tags)
    assert_clip_arrived(nginx_rtmp.wait_recording(name))


def test_rtmps_by_ip_address_checks_the_ip_san(nginx_rtmp, clip_tags):
    name = unique("tls-ip")
    pub = RtmpPublisher(
        nginx_rtmp.rtmps_url(host="127.0.0.1"),
        name,
        ca_file=str(nginx_rtmp.ca_file),
        max_queue_ms=60_000,
        drop_threshold_ms=60_000,
    )
    publish_clip(pub, clip_tags)
    assert_clip_arrived(nginx_rtmp.wait_recording(name))


def test_idle_publisher_answers_server_pings(nginx_rtmp):
    """nginx pings idle clients every second and drops those that do not answer."""
    pub = RtmpPublisher(nginx_rtmp.url(), unique("idle"))
    pub.start()
    assert pub.wait_live(10), pub.error
    assert wait_for(lambda: pub.pings_answered >= 2 or pub.wait_done(0), 15)
    assert pub.state == OutputState.LIVE, pub.error
    pub.stop(5)
    assert pub.state == OutputState.ENDED


# ----------------------------------------------------------------------------- failure paths


def run_until_done(pub: RtmpPublisher, timeout: float) -> None:
    pub.start()
    assert pub.wait_done(timeout), f"still {pub.state} after {timeout} s"
    pub.stop(2)


def test_rtmps_untrusted_certificate_fails_clearly(nginx_rtmp):
    pub = RtmpPublisher(nginx_rtmp.rtmps_url(), SECRET, connect_timeout=5)
    run_until_done(pub, 10)
    assert pub.state == OutputState.FAILED
    assert pub.error.startswith("TLS certificate of localhost not trusted"), pub.error
    assert "\n" not in pub.error
    assert not pub.wait_live(0)
    assert_no_secret(pub, SECRET)


def test_rtmps_to_plain_rtmp_port_fails_clearly(nginx_rtmp):
    url = f"rtmps://127.0.0.1:{nginx_rtmp.port}/live"
    pub = RtmpPublisher(url, SECRET, ca_file=str(nginx_rtmp.ca_file), connect_timeout=1.5)
    run_until_done(pub, 10)
    assert pub.state == OutputState.FAILED
    assert "TLS" in pub.error and "\n" not in pub.error, pub.error
    assert_no_secret(pub, SECRET)


def test_publish_denied_by_server_fails_with_reason(nginx_rtmp):
    pub = RtmpPublisher(nginx_rtmp.url(app="closed"), SECRET, connect_timeout=5)
    run_until_done(pub, 10)
    assert pub.state == OutputState.FAILED
    assert pub.error.startswith("publish refused by server"), pub.error
    assert_no_secret(pub, SECRET)


def test_second_publisher_of_same_stream_gets_bad_name(nginx_rtmp, clip_tags):
    name = unique("dup") + SECRET
    first = RtmpPublisher(nginx_rtmp.url(), name)
    first.start()
    assert first.wait_live(10), first.error
    second = RtmpPublisher(nginx_rtmp.url(), name, connect_timeout=5)
    run_until_done(second, 10)
    first.stop(5)
    assert second.state == OutputState.FAILED
    assert "publish refused by server: NetStream.Publish.BadName" in second.error, second.error
    assert_no_secret(second, SECRET)
    assert first.state == OutputState.ENDED


def test_unreachable_port_fails_quickly(nginx_rtmp):
    from tests.fixtures.rtmp_servers import free_port

    port = free_port()
    pub = RtmpPublisher(f"rtmp://127.0.0.1:{port}/live", SECRET)
    run_until_done(pub, 5)
    assert pub.state == OutputState.FAILED
    assert pub.error == (
        f"cannot connect to 127.0.0.1:{port} (connection refused): check the server URL and "
        "that the server is running"
    )


def test_not_an_rtmp_server_fails_clearly(nginx_rtmp):
    """A TLS port spoken to as plain RTMP: the handshake never completes sensibly."""
    url = f"rtmp://127.0.0.1:{nginx_rtmp.rtmps_port}/live"
    pub = RtmpPublisher(url, SECRET, connect_timeout=2)
    run_until_done(pub, 10)
    assert pub.state == OutputState.FAILED
    assert "RTMP" in pub.error and "\n" not in pub.error, pub.error
    assert_no_secret(pub, SECRET)


def test_stalled_link_is_reported_and_send_never_blocks(nginx_rtmp, blackhole_proxy, clip_tags):
    proxy = blackhole_proxy(nginx_rtmp.port)
    name = unique("stall") + SECRET
    pub = RtmpPublisher(proxy.url(), name, write_timeout=2, send_buffer=65536, reconnect=False)
    pub.start()
    assert pub.wait_live(10), pub.error
    proxy.blackhole()
    # Keep feeding the clip (re-timestamped, unpaced) while the link is dead: every send()
    # must return, the queue must shed video, and the stall must be reported.
    duration = clip_tags[-1].timestamp_ms + 40
    loops = 0
    while not pub.wait_done(0.02) and loops < 2000:
        offset = (loops + 1) * duration
        for tag in clip_tags:
            if not tag.header:
                pub.send(
                    FlvTag(tag.kind, tag.timestamp_ms + offset, tag.data, tag.keyframe, tag.header)
                )
        loops += 1
    assert pub.wait_done(15), "stall not detected"
    st = pub.stats()
    assert st.state == OutputState.FAILED
    assert st.error == (
        f"no data accepted by 127.0.0.1:{proxy.port} for 2 s (network stalled): check the "
        "network connection or lower the bitrate"
    )
    assert st.dropped.get("congestion", 0) > 0, st.dropped
    assert_no_secret(pub, SECRET)
    pub.send(clip_tags[-1])  # after failure: still returns, counted
    pub.stop(3)
    assert pub.stats().dropped.get("offline", 0) >= 1


def test_stop_while_connecting_never_hangs():
    """A server that accepts TCP but never answers the handshake; stop() returns promptly."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        pub = RtmpPublisher(f"rtmp://127.0.0.1:{port}/live", SECRET, connect_timeout=30)
        pub.start()
        assert wait_for(lambda: pub.state == OutputState.CONNECTING, 5)
        pub.stop(2)
        assert pub.wait_done(2)
        assert pub.state == OutputState.ENDED


def test_handshake_timeout_is_reported():
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        pub = RtmpPublisher(f"rtmp://127.0.0.1:{port}/live", SECRET, connect_timeout=1)
        run_until_done(pub, 10)
        assert pub.state == OutputState.FAILED
        assert pub.error.startswith(f"no RTMP handshake from 127.0.0.1:{port} within 1 s")
