"""Compositor.render_i420 (the YUV fast path) against the BGRA path it replaces.

The old path is ``bgra_to_i420(render(scene, t))``: Qt blends the overlays into the BGRA canvas,
OpenCV converts. The new one takes an image's or a file's picture as I420 and blends
premultiplied YUV overlays only inside their boxes. They must give the same picture to within a
couple of levels (rounding), overlays at odd positions and partial alpha included.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from console.media.compositor import Compositor, NormRect, Scene, VideoLayer, bgra_to_i420
from console.media.image import ImageSource
from console.qt.QtCore import QRectF, Qt
from console.qt.QtGui import QColor, QFont
from console.show import commands as c
from console.show.controller import ShowController
from console.show.demo import copy_demo_show

pytestmark = pytest.mark.usefixtures("gui_app")

W, H = 360, 640


class Card:
    """An overlay with soft edges, partial alpha and text, at any (odd) position."""

    def __init__(self, rect: NormRect, name: str = "card") -> None:
        self.name, self.rect, self.visible = name, rect, True

    def content_key(self, t: float) -> int:
        return int(t)

    def paint(self, painter, width, height, t):  # noqa: ANN001
        painter.setRenderHint(painter.RenderHint.Antialiasing)
        painter.setBrush(QColor(255, 80, 0, 170))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(QRectF(1.5, 1.5, width - 3, height - 3), 12, 12)
        font = QFont()
        font.setPixelSize(max(10, height // 3))
        painter.setFont(font)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(QRectF(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, f"¥59 {t:.0f}")


def photo(tmp_path: Path, size: tuple[int, int] = (W, H)) -> Path:
    """A picture with detail everywhere (gradients and edges), saved as PNG."""
    w, h = size
    x, y = np.meshgrid(np.arange(w), np.arange(h))
    img = np.dstack([(x * 255 // w), (y * 255 // h), ((x + y) % 64) * 4]).astype(np.uint8)
    cv2.circle(img, (w // 2, h // 2), min(w, h) // 4, (20, 200, 240), -1)
    path = tmp_path / "photo.png"
    cv2.imwrite(str(path), img)
    return path


def assert_same_picture(new: np.ndarray, old: np.ndarray, max_level: int = 2) -> None:
    assert new.shape == old.shape == (H * 3 // 2, W)
    diff = np.abs(new.astype(int) - old.astype(int))
    assert diff.max() <= max_level, (diff.max(), np.argwhere(diff == diff.max())[:5])
    assert diff.mean() < 0.5


def scene_of(source, *overlays) -> Scene:  # noqa: ANN001
    scene = Scene()
    scene.add(VideoLayer(source))
    for layer in overlays:
        scene.add(layer)
    return scene


def test_image_with_overlays_at_odd_positions_matches_the_bgra_path(tmp_path: Path):
    scene = scene_of(
        ImageSource(photo(tmp_path)),
        Card(NormRect(0.0139, 0.0109, 0.5, 0.1)),  # x = 5, y = 7: odd
        Card(NormRect(0.3, 0.5, 0.6, 0.2), "card2"),
        Card(NormRect(0.8, 0.9, 0.3, 0.2), "clipped"),  # runs off the canvas
    )
    old, new = Compositor(W, H), Compositor(W, H)
    for t in (0.0, 1.0):
        assert_same_picture(new.render_i420(scene, t), bgra_to_i420(old.render(scene, t)))
    assert new.repaints == old.repaints == 6  # overlays painted once per content change


def test_show_overlays_match_the_bgra_path(tmp_path: Path):
    from console.overlays.show_layers import build_show_layers

    show = ShowController.open(copy_demo_show(tmp_path / "show"))
    try:
        show.execute(c.PinProduct("CUP-316-500"))
        show.execute(c.StartFlashSale("CUP-316-500", 5900, 50, 3600))
        show.execute(c.StartPoll("内胆是什么材质？", ("304不锈钢", "316不锈钢", "陶瓷")))
        layers = build_show_layers(lambda: show.state, show.now, (W, H), show.folder.path)
        scene = scene_of(ImageSource(photo(tmp_path)), *layers)
        t = 0.0
        new = Compositor(W, H).render_i420(scene, t)
        old = bgra_to_i420(Compositor(W, H).render(scene, t))
        assert np.abs(new.astype(int) - bgra_to_i420(photo_canvas(tmp_path)).astype(int)).max() > 50
        assert_same_picture(new, old)
    finally:
        show.close()


def photo_canvas(tmp_path: Path) -> np.ndarray:
    return Compositor(W, H).render(scene_of(ImageSource(photo(tmp_path))), 0.0)


def test_no_overlay_hands_over_the_sources_picture_without_a_copy(tmp_path: Path):
    image = ImageSource(photo(tmp_path))
    comp = Compositor(W, H)
    first = comp.render_i420(scene_of(image), 0.0)
    assert comp.render_i420(scene_of(image), 1.0) is first  # converted once, never copied
    assert not first.flags.writeable  # nobody can write into the source's picture
    assert_same_picture(first, bgra_to_i420(Compositor(W, H).render(scene_of(image), 0.0)))
    # the BGRA view of what was sent, for tests and snapshots
    assert np.abs(comp.canvas.astype(int) - photo_canvas(tmp_path).astype(int)).mean() < 3


def test_an_image_of_another_size_is_cropped_and_scaled_as_before(tmp_path: Path):
    scene = scene_of(ImageSource(photo(tmp_path, (500, 500))), Card(NormRect(0.1, 0.1, 0.5, 0.1)))
    new = Compositor(W, H).render_i420(scene, 0.0)
    assert_same_picture(new, bgra_to_i420(Compositor(W, H).render(scene, 0.0)))


def test_a_picture_above_an_overlay_takes_the_bgra_path(tmp_path: Path):
    small = VideoLayer(ImageSource(photo(tmp_path, (100, 100))), NormRect(0.5, 0.5, 0.3, 0.2))
    scene = scene_of(ImageSource(photo(tmp_path)), Card(NormRect(0.4, 0.4, 0.5, 0.3)))
    scene.add(small)
    new = Compositor(W, H).render_i420(scene, 0.0)
    assert np.array_equal(new, bgra_to_i420(Compositor(W, H).render(scene, 0.0)))


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg CLI")
def test_file_picture_goes_straight_through_in_yuv(tmp_path: Path):
    import subprocess

    from console.media.filesource import FileSource

    clip = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi",
         "-i", f"testsrc2=s={W}x{H}:r=30:d=1", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", str(clip)],
        check=True, timeout=60,
    )  # fmt: skip
    source = FileSource(str(clip), max_size=(W, H), fps=30)
    source.start()
    try:
        card = Card(NormRect(0.0139, 0.3, 0.6, 0.15))
        scene = scene_of(source, card)
        decoded = source.frame_i420(0.0, (W, H))
        assert decoded is not None
        new = Compositor(W, H).render_i420(scene, 0.0)
        outside = slice(0, int(0.3 * H) - 2)  # above the card: the decoder's pixels, untouched
        assert np.array_equal(new[outside], decoded[outside])
        # the old way (YUV → BGRA → blend → YUV) differs only by its round trip's rounding
        old = bgra_to_i420(Compositor(W, H).render(scene, 0.0))
        diff = np.abs(new.astype(int) - old.astype(int))
        assert diff.mean() < 1.0 and np.percentile(diff, 99) <= 4, (diff.mean(), diff.max())
        assert source.opaque and (source.frame(0.0)[..., 3] == 255).all()
    finally:
        source.stop()


def test_sources_that_say_they_are_opaque_are(tmp_path: Path):
    """The compositor skips setting alpha for ``opaque`` sources: their alpha must be 255."""
    from console.media.testpattern import TestPatternSource

    pattern = TestPatternSource(W, H, 30)
    assert pattern.opaque
    for t in (0.0, 0.5, 1.7):
        assert (pattern.frame(t)[..., 3] == 255).all()
    canvas = Compositor(W, H).render(scene_of(pattern), 0.5)
    assert (canvas[..., 3] == 255).all()
