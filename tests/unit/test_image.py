"""ImageSource: PNG with alpha, JPEG, non-ASCII paths, and the two user errors."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from console.errors import UserError
from console.media.image import ImageSource


def _write(path: Path, img: np.ndarray, ext: str) -> None:
    ok, buf = cv2.imencode(ext, img)
    assert ok
    path.write_bytes(buf.tobytes())


def test_png_with_alpha_round_trips(tmp_path: Path) -> None:
    img = np.zeros((30, 40, 4), np.uint8)
    img[..., 0] = 10  # B
    img[..., 1] = 20  # G
    img[..., 2] = 200  # R
    img[:, :20, 3] = 255
    img[:, 20:, 3] = 64
    path = tmp_path / "logo.png"
    _write(path, img, ".png")

    src = ImageSource(path)
    src.start()
    out = src.frame(0.0)
    src.stop()

    assert out is not None
    assert out.dtype == np.uint8 and out.shape == (30, 40, 4)
    np.testing.assert_array_equal(out, img)
    assert src.error is None
    assert src.size == (40, 30)


def test_png_without_alpha_and_gray_are_opaque_bgra(tmp_path: Path) -> None:
    bgr = np.full((8, 9, 3), (1, 2, 3), np.uint8)
    _write(tmp_path / "rgb.png", bgr, ".png")
    gray = np.full((8, 9), 77, np.uint8)
    _write(tmp_path / "gray.png", gray, ".png")

    out = ImageSource(tmp_path / "rgb.png").frame(0.0)
    assert out is not None and out.shape == (8, 9, 4)
    assert tuple(out[0, 0]) == (1, 2, 3, 255)

    out = ImageSource(tmp_path / "gray.png").frame(0.0)
    assert out is not None and out.shape == (8, 9, 4)
    assert tuple(out[0, 0]) == (77, 77, 77, 255)


def test_jpeg_is_bgra_and_opaque(tmp_path: Path) -> None:
    img = np.zeros((48, 64, 3), np.uint8)
    img[:, :32] = (255, 0, 0)  # blue left half
    img[:, 32:] = (0, 0, 255)  # red right half
    path = tmp_path / "product.jpg"
    _write(path, img, ".jpg")

    out = ImageSource(path).frame(1.5)
    assert out is not None and out.shape == (48, 64, 4) and out.dtype == np.uint8
    assert (out[..., 3] == 255).all()
    b, g, r = (int(v) for v in out[24, 8, :3])
    assert b > 200 and r < 50  # still blue: channel order kept
    b, g, r = (int(v) for v in out[24, 56, :3])
    assert r > 200 and b < 50


def test_non_ascii_path(tmp_path: Path) -> None:
    folder = tmp_path / "直播 商品图"
    folder.mkdir()
    path = folder / "新品-口红 ✓.png"
    img = np.full((5, 6, 4), (9, 8, 7, 128), np.uint8)
    _write(path, img, ".png")

    src = ImageSource(str(path))
    out = src.frame(0.0)
    assert out is not None
    np.testing.assert_array_equal(out, img)
    assert "新品-口红" in src.name


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.png"
    with pytest.raises(UserError) as info:
        ImageSource(path)
    message = str(info.value)
    assert message.startswith(f"image file not found: {path}")
    assert "\n" not in message


def test_folder_is_not_an_image(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="image file not found"):
        ImageSource(tmp_path)


@pytest.mark.parametrize(
    "content",
    [b"this is not a picture at all\n" * 10, b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40],
    ids=["text", "empty", "truncated-png"],
)
def test_garbage_file_is_a_user_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(content)
    with pytest.raises(UserError) as info:
        ImageSource(path)
    message = str(info.value)
    assert message.startswith(f"cannot read image {path}: not a PNG/JPEG image")
    assert "\n" not in message
