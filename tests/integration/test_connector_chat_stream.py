"""A Twitch viewer's message reaches the stream, and a Twitch moderator's deletion takes it off.

The fake Twitch (tests/integration/test_connectors_twitch.py) sends a PRIVMSG once the stream
is live, and later a CLEARMSG for it; the twitch_chat plugin runs in a real plugin host feeding a
real hub, the chat overlay draws into the video the console streams to the test nginx, and the
recording is decoded: the chat line is the backdrop, then the message, then the backdrop again.
"""

from __future__ import annotations

import asyncio
import threading
import uuid

import av
import numpy as np
import pytest

from console.audience.hub import AudienceHub
from console.audience.plugins import PluginContext, PluginHost
from console.media.audio import AudioMixer, ToneSource
from console.media.compositor import Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.pipeline import Pipeline
from console.media.rtmp import RtmpPublisher
from console.overlays.audience_layers import audience_layers
from console.overlays.chat import ChatFeed
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from tests.integration.test_chat_stream import CANVAS, stable_canvas
from tests.integration.test_connectors_twitch import PLUGINS, FakeTwitch, privmsg
from tests.unit.overlays.scenario import Backdrop
from tests.waiting import wait_for

pytestmark = pytest.mark.usefixtures("gui_app")


def test_a_twitch_message_reaches_the_stream_and_its_deletion_leaves_it(
    nginx_rtmp, tmp_path
) -> None:
    say, delete = threading.Event(), threading.Event()

    async def script(fake, ws, request) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, say.wait)
        await ws.send_str(privmsg("tw-1", "alice", "101", "Hello from Twitch chat!") + "\r\n")
        await loop.run_in_executor(None, delete.wait)
        await ws.send_str(
            "@login=alice;target-msg-id=tw-1;tmi-sent-ts=1700000003000"
            " :tmi.twitch.tv CLEARMSG #shop :Hello from Twitch chat!\r\n"
        )

    show = ShowController.open(copy_demo_show(tmp_path / "show"))
    hub = AudienceHub(show)
    feed = ChatFeed(50)
    hub.subscribe(feed)
    chat, _pinned = audience_layers(feed, "portrait")
    scene = Scene()
    scene.add(VideoLayer(Backdrop(*CANVAS)))
    scene.add(chat)
    mixer = AudioMixer()
    mixer.add(ToneSource(440))
    key = f"twitch-{uuid.uuid4().hex[:10]}"
    pub = RtmpPublisher(nginx_rtmp.url(), key, name="nginx")
    settings = EncoderSettings(width=CANVAS[0], height=CANVAS[1], fps=30, encoder="libx264")
    pipeline = Pipeline(settings, scene, mixer, [pub])
    host = PluginHost(hub.submit, PluginContext(state=lambda: show.state, rehearsal=False))
    host.discover([PLUGINS], entry_points=False)
    x, y, w, h = chat.rect.to_pixels(*CANVAS)
    slot = h // chat.max_messages
    region = (slice(y + h - slot, y + h), slice(x, x + w // 2))  # the newest line
    hub.start()
    pipeline.start()
    with FakeTwitch([script]) as fake:
        try:
            status = host.start(
                "twitch_chat", {"channel": "shop", "url": f"ws://127.0.0.1:{fake.server.port}/"}
            )
            assert status.state == "running", status.reason
            connector = host.attached()[0].source
            assert wait_for(lambda: connector.state.phase == "connected", timeout=20)
            assert pub.wait_live(15), pub.error
            assert wait_for(lambda: pipeline.stats().frames_encoded >= 60)
            say.set()
            assert wait_for(lambda: [i.text for i in feed.snapshot()[1]] == [
                "Hello from Twitch chat!"
            ])  # fmt: skip
            said_at = pipeline.stats().frames_rendered
            assert wait_for(lambda: pipeline.stats().frames_encoded >= said_at + 60)
            drawn = stable_canvas(pipeline, region)
            delete.set()
            assert wait_for(lambda: not feed.snapshot()[1])
            gone_at = pipeline.stats().frames_rendered
            assert wait_for(lambda: pipeline.stats().frames_encoded >= gone_at + 60)
        finally:
            say.set(), delete.set()  # never leave the fake's handler waiting
            host.stop("twitch_chat")
            pipeline.stop()
            hub.stop()
            show.close()

    with av.open(str(nginx_rtmp.wait_recording(key))) as container:
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]
    backdrop = Backdrop(*CANVAS).img[..., :3][region].astype(float)
    expected = drawn[region].astype(float)
    assert np.abs(expected - backdrop).mean() > 30  # the line differs from the backdrop

    def diff(frame: np.ndarray, reference: np.ndarray) -> float:
        return float(np.abs(frame[region].astype(float) - reference).mean())

    shows_line = [diff(f, expected) < 10 for f in frames]
    shows_backdrop = [diff(f, backdrop) < 10 for f in frames]
    assert True in shows_line, "the Twitch message never reached the stream"
    first = shows_line.index(True)
    last = len(shows_line) - 1 - shows_line[::-1].index(True)
    assert first >= 60 and all(shows_backdrop[:first])  # nothing before it was said
    assert all(shows_line[first : last + 1])
    assert last < len(frames) - 30 and all(shows_backdrop[last + 1 :])  # deleted: gone
