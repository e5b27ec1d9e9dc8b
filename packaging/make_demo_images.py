"""Developer script: draws the demo show's product pictures (400x400 PNG, no text).

    .venv/bin/python packaging/make_demo_images.py

Not part of the console (it needs OpenCV); the pictures it writes are committed.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

SIZE = 400
OUT = Path(__file__).resolve().parents[1] / "resources" / "demo_show" / "images"


def _canvas(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> np.ndarray:
    """A vertical gradient background (BGR)."""
    t = np.linspace(0.0, 1.0, SIZE)[:, None, None]
    img = (1 - t) * np.array(top) + t * np.array(bottom)
    return np.broadcast_to(img, (SIZE, SIZE, 3)).astype(np.uint8).copy()


def _shadow(img: np.ndarray, center: tuple[int, int], axes: tuple[int, int]) -> None:
    overlay = img.copy()
    cv2.ellipse(overlay, center, axes, 0, 0, 360, (60, 60, 60), -1, cv2.LINE_AA)
    cv2.addWeighted(overlay, 0.25, img, 0.75, 0, dst=img)


def thermos() -> np.ndarray:  # 保温杯
    img = _canvas((250, 235, 215), (220, 190, 160))
    _shadow(img, (200, 350), (90, 18))
    cv2.rectangle(img, (140, 110), (260, 345), (150, 90, 30), -1, cv2.LINE_AA)
    cv2.rectangle(img, (140, 110), (175, 345), (185, 125, 60), -1, cv2.LINE_AA)
    cv2.rectangle(img, (130, 70), (270, 115), (70, 70, 70), -1, cv2.LINE_AA)
    cv2.rectangle(img, (150, 55), (250, 75), (90, 90, 90), -1, cv2.LINE_AA)
    cv2.ellipse(img, (200, 345), (60, 12), 0, 0, 180, (120, 70, 20), -1, cv2.LINE_AA)
    return img


def face_mask() -> np.ndarray:  # 面膜
    img = _canvas((235, 230, 255), (200, 190, 245))
    _shadow(img, (200, 345), (120, 16))
    cv2.rectangle(img, (90, 70), (310, 335), (245, 245, 250), -1, cv2.LINE_AA)
    cv2.rectangle(img, (90, 70), (310, 110), (180, 120, 230), -1, cv2.LINE_AA)
    cv2.ellipse(img, (200, 220), (70, 90), 0, 0, 360, (215, 200, 250), -1, cv2.LINE_AA)
    for x in (170, 230):
        cv2.ellipse(img, (x, 195), (16, 8), 0, 0, 360, (245, 245, 250), -1, cv2.LINE_AA)
    cv2.ellipse(img, (200, 262), (22, 8), 0, 0, 360, (245, 245, 250), -1, cv2.LINE_AA)
    return img


def nut_box() -> np.ndarray:  # 坚果礼盒
    img = _canvas((200, 230, 250), (150, 190, 235))
    _shadow(img, (200, 350), (140, 18))
    cv2.rectangle(img, (70, 140), (330, 340), (40, 40, 170), -1, cv2.LINE_AA)
    cv2.rectangle(img, (185, 140), (215, 340), (60, 190, 235), -1, cv2.LINE_AA)
    cv2.rectangle(img, (60, 115), (340, 150), (30, 30, 150), -1, cv2.LINE_AA)
    cv2.ellipse(img, (170, 105), (35, 20), 20, 0, 360, (60, 190, 235), 8, cv2.LINE_AA)
    cv2.ellipse(img, (230, 105), (35, 20), -20, 0, 360, (60, 190, 235), 8, cv2.LINE_AA)
    rng = np.random.default_rng(7)
    for _ in range(9):
        x, y = int(rng.integers(90, 170)), int(rng.integers(180, 320))
        cv2.ellipse(
            img,
            (x, y),
            (14, 10),
            int(rng.integers(0, 180)),
            0,
            360,
            (70, 130, 200),
            -1,
            cv2.LINE_AA,
        )
    return img


def earbuds() -> np.ndarray:  # 蓝牙耳机
    img = _canvas((245, 245, 245), (205, 210, 215))
    _shadow(img, (200, 345), (110, 16))
    cv2.ellipse(img, (200, 260), (110, 75), 0, 0, 360, (250, 250, 250), -1, cv2.LINE_AA)
    cv2.ellipse(img, (200, 260), (110, 75), 0, 0, 360, (190, 190, 190), 3, cv2.LINE_AA)
    cv2.line(img, (92, 245), (308, 245), (180, 180, 180), 2, cv2.LINE_AA)
    cv2.circle(img, (200, 300), 6, (80, 200, 80), -1, cv2.LINE_AA)
    for cx in (150, 250):
        cv2.circle(img, (cx, 130), 38, (252, 252, 252), -1, cv2.LINE_AA)
        cv2.circle(img, (cx, 130), 38, (170, 170, 170), 2, cv2.LINE_AA)
        cv2.rectangle(img, (cx - 10, 130), (cx + 10, 205), (252, 252, 252), -1, cv2.LINE_AA)
        cv2.circle(img, (cx, 130), 14, (60, 60, 60), -1, cv2.LINE_AA)
    return img


def scarf() -> np.ndarray:  # 羊毛围巾
    img = _canvas((225, 240, 250), (190, 215, 235))
    _shadow(img, (200, 350), (130, 16))
    pts = np.array(
        [[80, 90], [320, 90], [300, 170], [250, 340], [190, 340], [200, 170], [100, 170]], np.int32
    )
    cv2.fillPoly(img, [pts], (50, 50, 160), cv2.LINE_AA)
    for y in range(100, 170, 22):
        cv2.line(img, (90, y), (310, y), (90, 150, 220), 6, cv2.LINE_AA)
    for x in range(75, 330, 28):
        cv2.line(img, (x, 220), (x - 8, 250), (40, 40, 140), 3, cv2.LINE_AA)
    for x in range(195, 255, 12):
        cv2.line(img, (x, 340), (x, 365), (40, 40, 140), 3, cv2.LINE_AA)
    return img


def detergent_pods() -> np.ndarray:  # 洗衣凝珠
    img = _canvas((250, 245, 225), (235, 220, 180))
    _shadow(img, (200, 350), (140, 18))
    cv2.rectangle(img, (90, 120), (310, 340), (200, 140, 40), -1, cv2.LINE_AA)
    cv2.rectangle(img, (90, 120), (310, 150), (150, 100, 20), -1, cv2.LINE_AA)
    for i, (x, y) in enumerate([(150, 210), (250, 210), (200, 280)]):
        colours = [(240, 160, 40), (80, 200, 120), (200, 90, 200)]
        cv2.circle(img, (x, y), 38, (250, 250, 250), -1, cv2.LINE_AA)
        cv2.ellipse(img, (x, y), (38, 38), 0, 180, 360, colours[i], -1, cv2.LINE_AA)
        cv2.circle(img, (x - 12, y - 14), 7, (255, 255, 255), -1, cv2.LINE_AA)
    return img


def tea_set() -> np.ndarray:  # 茶具
    img = _canvas((220, 240, 225), (180, 215, 190))
    _shadow(img, (200, 350), (140, 18))
    cv2.ellipse(img, (190, 250), (100, 85), 0, 0, 360, (90, 120, 60), -1, cv2.LINE_AA)
    cv2.ellipse(img, (190, 170), (45, 12), 0, 0, 360, (70, 100, 45), -1, cv2.LINE_AA)
    cv2.circle(img, (190, 150), 12, (70, 100, 45), -1, cv2.LINE_AA)
    cv2.line(img, (280, 230), (335, 180), (90, 120, 60), 14, cv2.LINE_AA)
    cv2.ellipse(img, (95, 245), (30, 40), 0, 90, 270, (90, 120, 60), 10, cv2.LINE_AA)
    return img


PICTURES = {
    "thermos.png": thermos,
    "face-mask.png": face_mask,
    "nut-box.png": nut_box,
    "earbuds.png": earbuds,
    "scarf.png": scarf,
    "detergent-pods.png": detergent_pods,
    "tea-set.png": tea_set,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in PICTURES.items():
        ok, png = cv2.imencode(".png", draw(), [cv2.IMWRITE_PNG_COMPRESSION, 9])
        assert ok
        (OUT / name).write_bytes(png.tobytes())
        print(OUT / name, len(png))


if __name__ == "__main__":
    main()
