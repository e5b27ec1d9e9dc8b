import numpy as np
import pytest

from console.errors import UserError
from console.media.compositor import Compositor, NormRect, Scene, VideoLayer, parse_canvas
from console.qt.QtGui import QColor

pytestmark = pytest.mark.usefixtures("gui_app")


class Solid:
    """A video source of one colour, or nothing when ``lost``."""

    def __init__(self, bgr, size=(100, 50)):
        self.name, self.error, self.lost = "solid", None, False
        self.img = np.zeros((size[1], size[0], 4), np.uint8)
        self.img[:] = (*bgr, 255)

    def start(self):
        pass

    def stop(self):
        pass

    def frame(self, t):
        return None if self.lost else self.img


class Box:
    """An overlay whose content changes once a second."""

    def __init__(self, rect):
        self.name, self.rect, self.visible = "box", rect, True
        self.paints = 0

    def content_key(self, t):
        return int(t)

    def paint(self, painter, width, height, t):
        self.paints += 1
        painter.fillRect(0, 0, width, height, QColor(255, 0, 0, 255))


def test_parse_canvas():
    assert parse_canvas("1080x1920") == (1080, 1920)
    with pytest.raises(UserError, match="unsupported canvas"):
        parse_canvas("100x100")


def test_video_covers_canvas_and_overlay_is_cached():
    comp = Compositor(90, 160)
    scene = Scene()
    scene.add(VideoLayer(Solid((0, 255, 0))))
    box = Box(NormRect(0.0, 0.0, 0.5, 0.25))
    scene.add(box)
    for i in range(30):
        out = comp.render(scene, i / 30)  # all within second 0
    assert box.paints == 1
    assert tuple(out[100, 80]) == (0, 255, 0, 255)  # video
    assert tuple(out[10, 10]) == (0, 0, 255, 255)  # red box over it (BGRA)
    comp.render(scene, 1.0)
    assert box.paints == 2


def test_hidden_layer_is_not_drawn_and_order_matters():
    comp = Compositor(90, 160)
    scene = Scene()
    video = VideoLayer(Solid((0, 255, 0)))
    box = Box(NormRect(0, 0, 1, 1))
    scene.add(video)
    scene.add(box)
    assert tuple(comp.render(scene, 0)[80, 45]) == (0, 0, 255, 255)
    box.visible = False
    assert tuple(comp.render(scene, 0)[80, 45]) == (0, 255, 0, 255)
    box.visible = True
    scene.move(box, 0)  # now under the opaque video
    assert tuple(comp.render(scene, 0)[80, 45]) == (0, 255, 0, 255)


def test_lost_source_shows_placeholder_card_then_recovers():
    comp = Compositor(180, 320)
    src = Solid((0, 255, 0))
    layer = VideoLayer(src)
    scene = Scene()
    scene.add(layer)
    src.lost = True
    card = comp.render(scene, 0).copy()
    assert layer.placeholder_frames == 1
    assert not (card[..., 1] == 255).all()
    assert card[..., :3].std() > 1  # text on the card
    src.lost = False
    assert tuple(comp.render(scene, 0)[160, 90]) == (0, 255, 0, 255)


def test_contain_letterboxes():
    comp = Compositor(100, 200)
    scene = Scene()
    scene.add(VideoLayer(Solid((255, 255, 255), size=(100, 50)), fit="contain"))
    out = comp.render(scene, 0)
    assert tuple(out[100, 50]) == (255, 255, 255, 255)
    assert tuple(out[5, 50]) == (0, 0, 0, 255)
