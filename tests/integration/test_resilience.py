"""Going live without losing the show, proven with injected faults (real processes, loopback).

nginx killed and restarted, a black-holed link, a bandwidth-limited link, a server refusing the
publish after the stream was live, the console SIGKILLed mid-show, a video source that dies and
comes back, a recording on a full disk. What arrived is decoded and checked; every wait is on a
condition with a deadline, never a sleep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from console.media.audio import AudioMixer, ToneSource
from console.media.bitrate_policy import BitratePolicy
from console.media.compositor import Compositor, Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.flv import FlvTag, FlvTagSplitter, TagType
from console.media.output import OutputState
from console.media.pipeline import Pipeline
from console.media.recorder import FlvRecorder
from console.media.rtmp import RtmpPublisher
from console.media.testpattern import TestPatternSource
from tests.fixtures.rtmp_servers import nginx_available, running_nginx, wait_for
from tests.media_checks import decode

pytestmark = pytest.mark.usefixtures("gui_app")

FPS = 30


def unique_key(prefix: str = "res") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class NoiseSource:
    """Full-frame noise (cycled from 30 pre-made frames): an encoder cannot make it cheap."""

    name = "noise"
    error: str | None = None

    def __init__(self, width: int, height: int) -> None:
        rng = np.random.default_rng(7)
        self._frames = [rng.integers(0, 256, (height, width, 4), np.uint8) for _ in range(30)]
        for f in self._frames:
            f[..., 3] = 255

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def frame(self, t: float) -> np.ndarray:
        return self._frames[int(t * FPS) % len(self._frames)]


class FlakySource:
    """A flat bright picture that can be switched off (``frame`` returns None) and on again."""

    name = "flaky"

    def __init__(self, width: int, height: int) -> None:
        self._frame = np.full((height, width, 4), (40, 200, 230, 255), np.uint8)  # BGRA
        self.alive = True
        self.error: str | None = None

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def frame(self, t: float) -> np.ndarray | None:
        if not self.alive:
            self.error = "camera unplugged"
            return None
        self.error = None
        return self._frame


def build(video, outputs, size=(320, 240), bitrate=800_000, adaptive=False) -> Pipeline:
    scene = Scene()
    scene.add(VideoLayer(video, fit="cover"))
    mixer = AudioMixer()
    mixer.add(ToneSource(440))
    settings = EncoderSettings(
        width=size[0], height=size[1], fps=FPS, video_bitrate=bitrate, encoder="libx264"
    )
    return Pipeline(settings, scene, mixer, outputs, adaptive_bitrate=adaptive)


def encoded_at_least(pipeline: Pipeline, n: int, timeout: float = 60) -> bool:
    return wait_for(lambda: pipeline.stats().frames_encoded >= n, timeout)


def more_frames(pipeline: Pipeline, n: int, timeout: float = 60) -> bool:
    return encoded_at_least(pipeline, pipeline.stats().frames_encoded + n, timeout)


def state_of(pub: RtmpPublisher) -> OutputState:
    return pub.stats().state


# --------------------------------------------------------------------------- server restart


@pytest.mark.skipif(not nginx_available(), reason="nginx-rtmp not installed")
def test_nginx_killed_and_restarted_push_resumes_and_recording_goes_on(tmp_path):
    key = unique_key("restart")
    local = tmp_path / "local.flv"
    with running_nginx(tmp_path / "ng1") as first:
        port, rtmps_port = first.port, first.rtmps_port
        pub = RtmpPublisher(first.url(), key, name="nginx", reconnect=True, connect_timeout=2)
        recorder = FlvRecorder(local)
        pipeline = build(TestPatternSource(320, 240, FPS), [pub, recorder])
        pipeline.start()
        try:
            assert pub.wait_live(15), pub.error
            assert encoded_at_least(pipeline, 60)
            first.process.kill()  # SIGKILL: no goodbye to the publisher
            first.process.wait(10)
            assert wait_for(lambda: state_of(pub) == OutputState.RECONNECTING, 15), pub.stats()
            lost = pub.stats()
            assert lost.error and "\n" not in lost.error
            assert more_frames(pipeline, 30)  # time passes with the server down
            assert state_of(pub) == OutputState.RECONNECTING
            assert pub.stats().lost_for_s > 0.5
            with running_nginx(tmp_path / "ng2", port=port, rtmps_port=rtmps_port) as second:
                # "within a few seconds": the schedule retries every ≤ 3 s in the first 10 s
                assert wait_for(lambda: state_of(pub) == OutputState.LIVE, 10), pub.stats()
                st = pub.stats()
                assert st.reconnects == 1 and st.lost_for_s == 0.0 and st.error is None
                assert st.dropped.get("reconnecting", 0) > 0, st.dropped
                assert more_frames(pipeline, 90)
                pipeline.stop()
                assert state_of(pub) == OutputState.ENDED
                second_part = decode(second.wait_recording(key))
        finally:
            pipeline.stop()
    # the server recorded the second part, starting cleanly at a keyframe
    assert second_part.video_codec == "h264" and second_part.audio_codec == "aac"
    assert second_part.duration >= 2.5, second_part.frame_times[:3]
    assert second_part.keyframe_times and second_part.keyframe_times[0] == pytest.approx(
        second_part.frame_times[0]
    )
    assert len(second_part.audio) >= 2.5 * 48_000
    # the local recording went on through the outage: no hole in its pictures
    mine = decode(local)
    gaps = np.diff(mine.frame_times)
    assert mine.duration >= 5.0
    assert gaps.max() < 0.2, gaps.max()


# --------------------------------------------------------------------------- black hole


def feed_clip_until(pub: RtmpPublisher, tags: list[FlvTag], done, start_ms: int = 0) -> int:
    """Send the clip again and again (re-timestamped, unpaced) until ``done()``; returns the
    next timestamp. Every send() must return at once, whatever the link does."""
    duration = tags[-1].timestamp_ms + 40
    offset = start_ms
    for _ in range(4000):
        if done():
            break
        for tag in tags:
            if not tag.header:
                pub.send(
                    FlvTag(tag.kind, tag.timestamp_ms + offset, tag.data, tag.keyframe, tag.header)
                )
        offset += duration
        time.sleep(0.005)  # not synchronisation: lets the send thread breathe between loops
    return offset


@pytest.fixture(scope="module")
def clip_tags() -> list[FlvTag]:
    from tests.integration.test_rtmp_publisher import make_clip_tags

    return make_clip_tags()


def test_blackholed_link_is_detected_within_the_write_timeout_and_reconnects(
    nginx_rtmp, fault_proxy, clip_tags
):
    proxy = fault_proxy(nginx_rtmp.port)
    key = unique_key("hole")
    write_timeout = 2.0
    pub = RtmpPublisher(
        proxy.url(),
        key,
        reconnect=True,
        write_timeout=write_timeout,
        connect_timeout=1.0,
        send_buffer=65536,
    )
    pub.start()
    for tag in clip_tags[:40]:
        pub.send(tag)
    assert pub.wait_live(10), pub.error
    proxy.blackhole()
    holed_at = time.monotonic()
    ts = feed_clip_until(pub, clip_tags, lambda: state_of(pub) != OutputState.LIVE, 4000)
    detected = time.monotonic() - holed_at
    st = pub.stats()
    assert st.state == OutputState.RECONNECTING, st
    assert "network stalled" in (st.error or ""), st.error
    # the kernel buffers fill at once (unpaced feed), then the write timeout runs
    assert detected <= write_timeout + 3.0, detected
    # attempts go on (each times out in the handshake: the route is still dead)
    assert wait_for(lambda: pub.stats().reconnect_attempts >= 3, 20), pub.stats()
    st = pub.stats()
    assert st.lost_for_s > 1.0 and st.reconnects == 0
    assert pub.reconnect_now() is True
    proxy.blackhole(False)
    assert wait_for(lambda: state_of(pub) == OutputState.LIVE, 20), pub.stats()
    assert pub.stats().reconnects == 1
    assert pub.reconnect_now() is False  # nothing to do when live
    for tag in clip_tags:
        if not tag.header:
            pub.send(FlvTag(tag.kind, tag.timestamp_ms + ts + 1000, tag.data, tag.keyframe))
    pub.stop(5)
    assert state_of(pub) == OutputState.ENDED
    got = decode(nginx_rtmp.wait_recording(key))
    # the new session starts at a keyframe, after the re-sent sequence headers
    assert got.video_codec == "h264" and got.keyframe_times
    assert got.keyframe_times[0] == pytest.approx(got.frame_times[0])
    assert got.duration >= 1.5


# --------------------------------------------------------------------------- congestion


def test_bandwidth_limit_drops_video_lowers_bitrate_and_recovers(nginx_rtmp, fault_proxy):
    proxy = fault_proxy(nginx_rtmp.port)
    key = unique_key("slow")
    pub = RtmpPublisher(proxy.url(), key, name="slow", reconnect=True, send_buffer=16384)
    set_rate = 1_500_000
    pipeline = build(NoiseSource(480, 270), [pub], size=(480, 270), bitrate=set_rate, adaptive=True)
    # The product probes every 5 s of empty queue and remembers a congestion for 60 s; the
    # test uses 1 s and no memory to stay short.
    pipeline.abr = BitratePolicy(set_rate, probe_interval_s=1.0, memory_s=0.0)
    pipeline.start()
    try:
        assert pub.wait_live(15), pub.error
        assert encoded_at_least(pipeline, 60)
        assert pipeline.stats().video_bitrate == set_rate
        # An uplink of 600 kbit/s for a 1.5 Mbit/s stream.
        proxy.limit(75_000)
        t0, r0 = time.monotonic(), pipeline.stats().frames_rendered
        assert wait_for(lambda: pipeline.stats().video_bitrate <= 0.6 * set_rate, 40), (
            pipeline.stats().video_bitrate,
            pub.stats(),
        )
        st = pipeline.stats()
        t1, r1 = time.monotonic(), st.frames_rendered
        assert st.video_bitrate >= 0.15 * set_rate  # never below the floor
        drops = pub.stats().dropped
        assert drops.get("congestion", 0) > 0, drops
        assert "audio" not in drops
        # the render loop does not feel the network: it kept rendering at its own pace
        assert r1 - r0 >= 0.5 * (t1 - t0) * FPS, (r1 - r0, t1 - t0)
        assert "encoder_stalled" not in st.dropped
        assert state_of(pub) == OutputState.LIVE  # congestion is not a lost connection
        assert pipeline.abr.steps_down >= 1
        proxy.limit(None)
        assert wait_for(lambda: pipeline.stats().video_bitrate == set_rate, 40), (
            pipeline.stats().video_bitrate
        )
        assert pipeline.abr.steps_up >= 1
        assert more_frames(pipeline, 30)
    finally:
        pipeline.stop()
    # the server's recording decodes across the bitrate changes and the dropped GOP tails
    got = decode(nginx_rtmp.wait_recording(key))
    assert got.video_codec == "h264" and (got.width, got.height) == (480, 270)
    assert np.all(np.diff(got.frame_times) > 0)
    assert got.duration >= 10


# --------------------------------------------------------------------------- refused publish


def test_publish_refused_after_being_live_fails_after_bounded_retries(nginx_rtmp, fault_proxy):
    proxy = fault_proxy(nginx_rtmp.port)
    key = unique_key("taken")
    pub = RtmpPublisher(proxy.url(), key, name="dest", reconnect=True, connect_timeout=2)
    pipeline = build(TestPatternSource(320, 240, FPS), [pub])
    squatter = RtmpPublisher(nginx_rtmp.url(), key, name="squatter")
    pipeline.start()
    try:
        assert pub.wait_live(15), pub.error
        assert encoded_at_least(pipeline, 30)
        proxy.refuse(True)  # the route comes back only after someone else took the name
        proxy.reset_all()
        assert wait_for(lambda: state_of(pub) == OutputState.RECONNECTING, 10), pub.stats()
        assert wait_for(lambda: nginx_rtmp.session_closed(key), 10)
        squatter.start()
        assert squatter.wait_live(10), squatter.error
        proxy.refuse(False)
        assert wait_for(lambda: state_of(pub) == OutputState.FAILED, 60), pub.stats()
        st = pub.stats()
        assert st.error and "\n" not in st.error
        assert st.error.startswith("publish refused by server"), st.error
        assert "gave up" in st.error
        assert st.reconnect_attempts >= 3
        # the show goes on for the other outputs: rendering and encoding continue
        assert more_frames(pipeline, 30)
    finally:
        pipeline.stop()
        squatter.stop(3)


# --------------------------------------------------------------------------- placeholder


def test_dying_video_source_shows_placeholder_at_the_server_then_the_source_again(nginx_rtmp):
    w, h = 320, 240
    key = unique_key("flaky")
    source = FlakySource(w, h)
    pub = RtmpPublisher(nginx_rtmp.url(), key, name="nginx", reconnect=True)
    pipeline = build(source, [pub], size=(w, h))
    pipeline.start()
    try:
        assert pub.wait_live(15), pub.error
        assert encoded_at_least(pipeline, 45)
        source.alive = False
        assert more_frames(pipeline, 45)
        source.alive = True
        assert more_frames(pipeline, 45)
    finally:
        pipeline.stop()
    layer = pipeline.scene.video_layers()[0]
    assert layer.placeholder_frames > 0
    import av

    with av.open(str(nginx_rtmp.wait_recording(key))) as c:
        frames = [f.to_ndarray(format="gray") for f in c.decode(video=0)]

    def grey(bgra: np.ndarray) -> np.ndarray:
        import cv2

        return cv2.cvtColor(np.ascontiguousarray(bgra), cv2.COLOR_BGRA2GRAY).astype(int)

    live_ref = grey(np.full((h, w, 4), (40, 200, 230, 255), np.uint8))
    card_ref = grey(Compositor(w, h)._placeholder(w, h))

    def label(frame: np.ndarray) -> str:
        d_live = np.abs(frame.astype(int) - live_ref).mean()
        d_card = np.abs(frame.astype(int) - card_ref).mean()
        if min(d_live, d_card) > 12:
            return "?"
        return "S" if d_live < d_card else "P"

    labels = "".join(label(f) for f in frames)
    runs = [c for i, c in enumerate(labels) if i == 0 or labels[i - 1] != c]
    # source, then the "back soon" card, then the source again (no unknown pictures)
    assert "?" not in labels, labels
    assert runs == ["S", "P", "S"], labels
    assert labels.count("P") >= 30


# --------------------------------------------------------------------------- recording


def test_recording_on_a_full_disk_is_reported_and_never_stops_the_stream(nginx_rtmp, tmp_path):
    key = unique_key("fulldisk")
    pub = RtmpPublisher(nginx_rtmp.url(), key, name="nginx", reconnect=True)
    full = FlvRecorder("/dev/full", name="recording")  # every write: ENOSPC
    missing = FlvRecorder(tmp_path / "no-such-folder" / "x.flv", name="recording2")
    pipeline = build(TestPatternSource(320, 240, FPS), [pub, full, missing])
    pipeline.start()
    try:
        assert pub.wait_live(15), pub.error
        assert wait_for(lambda: full.stats().state == OutputState.FAILED, 10)
        assert wait_for(lambda: missing.stats().state == OutputState.FAILED, 10)
        assert more_frames(pipeline, 60)
        assert state_of(pub) == OutputState.LIVE
    finally:
        pipeline.stop()
    err = full.stats().error or ""
    assert "No space left on device" in err and "the stream goes on" in err, err
    assert "No such file or directory" in (missing.stats().error or "")
    assert full.stats().dropped.get("disk_error", 0) > 0
    got = decode(nginx_rtmp.wait_recording(key))
    assert got.duration >= 2.0


def flv_last_timestamps(path: Path) -> dict[TagType, int]:
    """Timestamp of the last whole tag of each kind in an FLV file (a cut file: up to the cut)."""
    tags = FlvTagSplitter().feed(path.read_bytes())
    out: dict[TagType, int] = {}
    for t in tags:
        if not t.header:
            out[t.kind] = t.timestamp_ms
    return out


def test_clean_stop_recording_plays_to_its_end(tmp_path):
    path = tmp_path / "show.flv"
    recorder = FlvRecorder(path)
    pipeline = build(TestPatternSource(320, 240, FPS), [recorder])
    pipeline.start()
    try:
        assert encoded_at_least(pipeline, 90)
    finally:
        pipeline.stop()
    encoded = pipeline.stats().frames_encoded
    assert recorder.stats().state == OutputState.ENDED
    got = decode(path, keep_every=1)
    # every encoded picture is in the file (the encoder was flushed), through the last second
    assert len(got.frame_times) == encoded
    last = got.frame_times[-1]
    assert sum(1 for t in got.frame_times if t > last - 1.0) >= FPS - 1
    assert len(got.audio) / 48_000 >= last - 0.1


def test_console_killed_mid_show_leaves_a_recording_that_decodes_to_the_crash(tmp_path):
    path = tmp_path / "crash.flv"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "demo", "--record", str(path), "--duration", "120"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        grown = wait_for(
            lambda: proc.poll() is not None or (path.exists() and path.stat().st_size > 400_000),
            90,
        )
        assert grown and proc.poll() is None, proc.stderr.read().decode(errors="replace")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stderr.close()
    last = flv_last_timestamps(path)
    got = decode(path)
    assert got.video_codec == "h264" and got.audio_codec == "aac"
    assert got.duration >= 1.0
    # decoded up to the crash: the last whole video tag in the file is the last frame shown
    assert got.frame_times[-1] >= last[TagType.VIDEO] / 1000 - 0.1, (got.frame_times[-1], last)
    assert got.audio_start + len(got.audio) / 48_000 >= last[TagType.AUDIO] / 1000 - 0.05
