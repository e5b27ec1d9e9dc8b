"""A comment submitted to the audience hub shows up in the video the server received.

The console streams a still backdrop with the chat overlay to the test nginx; halfway through, a
comment goes into the hub (as any source would submit it). The server's recording is decoded:
the chat region is the backdrop before the comment and the overlay's line after it; a comment
with a blocked word never reaches the picture.
"""

from __future__ import annotations

import threading
import time
import uuid

import av
import numpy as np
import pytest

from console.audience.hub import AudienceHub
from console.audience.moderation import Moderator
from console.media.audio import AudioMixer, ToneSource
from console.media.compositor import Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.pipeline import Pipeline
from console.media.rtmp import RtmpPublisher
from console.overlays.chat import ChatFeed
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.ui.audience_bridge import audience_layers
from tests.unit.overlays.scenario import Backdrop

pytestmark = pytest.mark.usefixtures("gui_app")

CANVAS = (720, 1280)


def wait_until(predicate, timeout: float = 60.0) -> bool:
    done = threading.Event()
    waited = 0.0
    while not predicate():
        if waited >= timeout:
            return False
        done.wait(0.05)
        waited += 0.05
    return True


def comment(msg_id: str, text: str, user: str) -> dict:
    return {
        "platform": "douyin",
        "msg_id": msg_id,
        "ts_ms": int(time.time() * 1000),
        "type": "comment",
        "user": {"id": user, "nick": "张三丰"},
        "text": text,
    }


def test_a_comment_reaches_the_stream(nginx_rtmp, tmp_path) -> None:
    show = ShowController.open(copy_demo_show(tmp_path / "show"))
    hub = AudienceHub(show, moderator=Moderator(["加微信"]))
    feed = ChatFeed(50)
    hub.subscribe(feed)
    chat, _pinned = audience_layers(feed, "portrait")
    scene = Scene()
    scene.add(VideoLayer(Backdrop(*CANVAS)))
    scene.add(chat)
    mixer = AudioMixer()
    mixer.add(ToneSource(440))
    key = f"chat-{uuid.uuid4().hex[:10]}"
    pub = RtmpPublisher(nginx_rtmp.url(), key, name="nginx")
    settings = EncoderSettings(width=CANVAS[0], height=CANVAS[1], fps=30, encoder="libx264")
    pipeline = Pipeline(settings, scene, mixer, [pub])
    hub.start()
    pipeline.start()
    try:
        assert pub.wait_live(15), pub.error
        assert wait_until(lambda: pipeline.stats().frames_encoded >= 60)
        # a blocked word first: journaled and flagged, but never drawn
        assert hub.submit(comment("c-0", "便宜卖加微信", "spam"))
        assert wait_until(lambda: hub.stats.processed >= 1)
        assert wait_until(lambda: pipeline.stats().frames_encoded >= 90)
        assert hub.submit(comment("c-1", "主播好！这个保温杯多少钱？", "u1"))
        assert wait_until(lambda: bool(feed.snapshot()[1]))
        said_at = pipeline.stats().frames_rendered
        assert wait_until(lambda: pipeline.stats().frames_encoded >= said_at + 90)
        drawn = pipeline.compositor.canvas[..., :3].copy()  # what the compositor sent last
    finally:
        pipeline.stop()
        hub.stop()
        show.close()
    assert [i.text for i in feed.snapshot()[1]] == ["主播好！这个保温杯多少钱？"]

    with av.open(str(nginx_rtmp.wait_recording(key))) as container:
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]
    assert len(frames) >= 150
    # the newest line sits at the bottom of the chat box
    x, y, w, h = chat.rect.to_pixels(*CANVAS)
    slot = h // chat.max_messages
    region = (slice(y + h - slot, y + h), slice(x, x + w // 2))
    backdrop = Backdrop(*CANVAS).img[..., :3][region].astype(float)
    expected = drawn[region].astype(float)
    assert np.abs(expected - backdrop).mean() > 30  # the line differs from the backdrop

    def diff(frame: np.ndarray, reference: np.ndarray) -> float:
        return float(np.abs(frame[region].astype(float) - reference).mean())

    shows_line = [diff(f, expected) < 10 for f in frames]
    shows_backdrop = [diff(f, backdrop) < 10 for f in frames]
    assert True in shows_line, "the comment never reached the stream"
    first = shows_line.index(True)
    assert first >= 60, "the chat line was on screen before the comment"
    assert all(shows_backdrop[:first])  # the blocked comment never showed
    assert all(shows_line[first:])  # and the comment stays (it fades only after 20 s)
    assert len(frames) - first >= 60
