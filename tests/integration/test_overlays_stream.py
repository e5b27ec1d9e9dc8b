"""A show command mid-stream shows up in the video the server received.

The console streams a still backdrop with the show overlays to the test nginx; halfway through,
the assistant pins a product. The server's recording is decoded in colour: the product card's
region is the backdrop before the command and the card (as the compositor drew it) after.
"""

from __future__ import annotations

import uuid

import av
import numpy as np
import pytest

from console.media.audio import AudioMixer, ToneSource
from console.media.compositor import Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.pipeline import Pipeline
from console.media.rtmp import RtmpPublisher
from console.overlays.show_layers import build_show_layers
from console.show import commands as c
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from tests.unit.overlays.scenario import Backdrop
from tests.waiting import wait_for

pytestmark = pytest.mark.usefixtures("gui_app")

CANVAS = (720, 1280)


def colour_frames(path) -> list[np.ndarray]:
    """Every decoded picture as BGR."""
    frames = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            frames.append(frame.to_ndarray(format="bgr24"))
    return frames


def test_pinning_a_product_mid_stream_shows_the_card_at_the_server(nginx_rtmp, tmp_path):
    show = ShowController.open(copy_demo_show(tmp_path / "show"))
    layers = build_show_layers(lambda: show.state, show.now, CANVAS, show.folder.path)
    card = next(layer for layer in layers if layer.name == "product_card")
    scene = Scene()
    scene.add(VideoLayer(Backdrop(*CANVAS)))
    for layer in layers:
        scene.add(layer)
    mixer = AudioMixer()
    mixer.add(ToneSource(440))
    key = f"test-{uuid.uuid4().hex[:10]}"
    pub = RtmpPublisher(nginx_rtmp.url(), key, name="nginx")
    settings = EncoderSettings(width=CANVAS[0], height=CANVAS[1], fps=30, encoder="libx264")
    pipeline = Pipeline(settings, scene, mixer, [pub])
    pipeline.start()
    try:
        assert pub.wait_live(15), pub.error
        assert wait_for(lambda: pipeline.stats().frames_encoded >= 60)
        assert not card.visible
        show.execute(c.PinProduct("CUP-316-500"), actor="assistant")
        pinned_at = pipeline.stats().frames_rendered
        assert wait_for(lambda: pipeline.stats().frames_encoded >= pinned_at + 90)
        drawn = pipeline.compositor.canvas[..., :3].copy()  # what the compositor sent last
    finally:
        pipeline.stop()
        show.close()

    frames = colour_frames(nginx_rtmp.wait_recording(key))
    assert len(frames) >= 150
    x, y, w, h = card.rect.to_pixels(*CANVAS)
    # the inside of the card, right of the picture: white card when pinned, backdrop before
    region = (slice(y + h // 4, y + 3 * h // 4), slice(x + w // 2, x + w - w // 10))
    backdrop = Backdrop(*CANVAS).img[..., :3][region].astype(float)
    expected = drawn[region].astype(float)
    assert np.abs(expected - backdrop).mean() > 40  # the card differs from the backdrop

    def diff(frame: np.ndarray, reference: np.ndarray) -> float:
        return float(np.abs(frame[region].astype(float) - reference).mean())

    shows_card = [diff(f, expected) < 12 for f in frames]
    shows_backdrop = [diff(f, backdrop) < 12 for f in frames]
    assert all(a != b for a, b in zip(shows_card, shows_backdrop))  # always one or the other
    first = shows_card.index(True)
    assert first >= 30, "the card was on screen before the command"
    assert all(shows_backdrop[:first]) and all(shows_card[first:])  # appears once, stays
    assert len(frames) - first >= 60
    # the card's text is in the picture too: dark title pixels on the white card
    title = frames[-1][y + h // 8 : y + h // 3, x + w // 3 : x + w - w // 10]
    assert (title.mean(axis=2) < 100).mean() > 0.02
