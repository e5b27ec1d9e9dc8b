"""A comment submitted to the audience hub shows up in the video the server received.

The console streams a still backdrop with the chat overlay to the test nginx; halfway through, a
comment goes into the hub (as any source would submit it). The server's recording is decoded:
the chat region is the backdrop before the comment and the overlay's line after it; a comment
with a blocked word never reaches the picture. Then the whole way in: a signed POST from a real
HTTP client and a message from a real WebSocket client to the local ingest, each found drawn in
decoded frames of nginx's recording.
"""

from __future__ import annotations

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
from console.overlays.audience_layers import audience_layers
from console.overlays.chat import ChatFeed
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from tests.unit.overlays.scenario import Backdrop
from tests.waiting import wait_for

pytestmark = pytest.mark.usefixtures("gui_app")

CANVAS = (720, 1280)


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
        assert wait_for(lambda: pipeline.stats().frames_encoded >= 60)
        # a blocked word first: journaled and flagged, but never drawn
        assert hub.submit(comment("c-0", "便宜卖加微信", "spam"))
        assert wait_for(lambda: hub.stats.processed >= 1)
        assert wait_for(lambda: pipeline.stats().frames_encoded >= 90)
        assert hub.submit(comment("c-1", "主播好！这个保温杯多少钱？", "u1"))
        assert wait_for(lambda: bool(feed.snapshot()[1]))
        said_at = pipeline.stats().frames_rendered
        assert wait_for(lambda: pipeline.stats().frames_encoded >= said_at + 90)
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


def stable_canvas(pipeline: Pipeline, region) -> np.ndarray:
    """The compositor's last picture, read twice to the same region (not mid-render)."""
    for _ in range(50):
        first = pipeline.compositor.canvas[..., :3].copy()
        second = pipeline.compositor.canvas[..., :3].copy()
        if np.array_equal(first[region], second[region]):
            return second
    raise AssertionError("the canvas never held still")


def test_comments_from_a_real_http_client_and_websocket_client_reach_the_stream(
    nginx_rtmp, tmp_path
) -> None:
    """A signed HTTP POST (urllib) and a WebSocket message (the test's own RFC 6455 client),
    both over loopback to the IngestServer, each end up drawn in decoded frames of the
    recording nginx made of the stream."""
    import json
    import urllib.request

    from console.audience.ingest import IngestServer
    from tests.integration.test_audience_ingest import SECRET, WsClient, signed

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
    key = f"ingest-{uuid.uuid4().hex[:10]}"
    pub = RtmpPublisher(nginx_rtmp.url(), key, name="nginx")
    settings = EncoderSettings(width=CANVAS[0], height=CANVAS[1], fps=30, encoder="libx264")
    pipeline = Pipeline(settings, scene, mixer, [pub])
    ingest = IngestServer(hub.submit, port=0, secret=SECRET)  # signatures required
    host, port = ingest.start()
    x, y, w, h = chat.rect.to_pixels(*CANVAS)
    slot = h // chat.max_messages
    region = (slice(y + h - slot, y + h), slice(x, x + w // 2))  # the newest line
    by_http = "HTTP 这个保温杯是316不锈钢的吗？装热水能保温多久呀"
    by_ws = "WS 好"
    hub.start()
    pipeline.start()
    ws = None
    try:
        assert pub.wait_live(15), pub.error
        assert wait_for(lambda: pipeline.stats().frames_encoded >= 60)

        body = json.dumps(comment("h-1", by_http, "http-user"), ensure_ascii=False).encode()
        request = urllib.request.Request(
            f"http://{host}:{port}/v1/events",
            data=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {ingest.token}",
                **signed(body),
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert json.loads(response.read())["accepted"] == 1
        assert wait_for(lambda: [i.text for i in feed.snapshot()[1]] == [by_http])
        said_at = pipeline.stats().frames_rendered
        assert wait_for(lambda: pipeline.stats().frames_encoded >= said_at + 60)
        drawn_http = stable_canvas(pipeline, region)

        auth = {"Authorization": f"Bearer {ingest.token}"}
        ws = WsClient((host, port), headers={**signed(b""), **auth})  # the handshake is signed too
        assert ws.status == 101
        ws.send(json.dumps(comment("w-1", by_ws, "ws-user"), ensure_ascii=False).encode())
        assert ws.recv_json()["accepted"] == 1
        assert wait_for(lambda: [i.text for i in feed.snapshot()[1]][-1:] == [by_ws])
        said_at = pipeline.stats().frames_rendered
        assert wait_for(lambda: pipeline.stats().frames_encoded >= said_at + 60)
        drawn_ws = stable_canvas(pipeline, region)
    finally:
        if ws is not None:
            ws.close()
        pipeline.stop()
        ingest.close()
        hub.stop()
        show.close()
    assert ingest.stats["accepted"] == 2 and ingest.stats["ws_connections"] == 1
    assert hub.stats.journaled == 2

    with av.open(str(nginx_rtmp.wait_recording(key))) as container:
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]
    backdrop = Backdrop(*CANVAS).img[..., :3][region].astype(float)
    expected_http = drawn_http[region].astype(float)
    expected_ws = drawn_ws[region].astype(float)
    # three different pictures of the newest line: nothing, the HTTP comment, the WS comment
    assert np.abs(expected_http - backdrop).mean() > 30
    assert np.abs(expected_ws - expected_http).mean() > 20  # > 2 × the match tolerance

    def diff(frame: np.ndarray, reference: np.ndarray) -> float:
        return float(np.abs(frame[region].astype(float) - reference).mean())

    shows = [
        "http" if diff(f, expected_http) < 10 else "ws" if diff(f, expected_ws) < 10 else ""
        for f in frames
    ]
    assert "http" in shows, "the HTTP comment never reached the stream"
    assert "ws" in shows, "the WebSocket comment never reached the stream"
    first_http, first_ws = shows.index("http"), shows.index("ws")
    assert 60 <= first_http < first_ws
    assert all(diff(f, backdrop) < 10 for f in frames[:first_http])  # nothing before
    assert shows[first_http:first_ws].count("http") >= 60  # on screen until the next one
    assert all(s == "ws" for s in shows[first_ws:])
    assert len(frames) - first_ws >= 60
