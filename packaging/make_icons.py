"""Draws the application icon and writes it in every format the bundles need.

    .venv/bin/python packaging/make_icons.py

resources/icons/live-console-<size>.png (16 … 512; the window icon, the Linux .desktop icon),
packaging/live-console.ico (Windows, PNG-compressed entries) and packaging/live-console.icns
(macOS, PNG entries). The outputs are committed; run this only to change the icon.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from console.qt.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt  # noqa: E402
from console.qt.QtGui import (  # noqa: E402
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPolygonF,
)

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 32, 48, 64, 128, 256, 512)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    box = QPainterPath()
    box.addRoundedRect(QRectF(s * 0.04, s * 0.04, s * 0.92, s * 0.92), s * 0.2, s * 0.2)
    grad = QLinearGradient(0, 0, s, s)
    grad.setColorAt(0, QColor("#FF2D55"))
    grad.setColorAt(1, QColor("#FF7A1A"))
    p.fillPath(box, grad)
    # a play triangle (the stream) inside a shopping-bag outline (the commerce)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("white"))
    bag = QPainterPath()
    bag.addRoundedRect(QRectF(s * 0.22, s * 0.34, s * 0.56, s * 0.46), s * 0.06, s * 0.06)
    p.drawPath(bag)
    handle = QPainterPath()
    handle.addEllipse(QPointF(s * 0.5, s * 0.34), s * 0.14, s * 0.14)
    inner = QPainterPath()
    inner.addEllipse(QPointF(s * 0.5, s * 0.34), s * 0.09, s * 0.09)
    p.drawPath(handle.subtracted(inner).subtracted(bag))
    p.setBrush(QColor("#FF2D55"))
    p.drawPolygon(
        QPolygonF(
            [QPointF(s * 0.43, s * 0.45), QPointF(s * 0.43, s * 0.69), QPointF(s * 0.63, s * 0.57)]
        )
    )
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data)


def ico(pngs: dict[int, bytes]) -> bytes:
    sizes = [n for n in (16, 32, 48, 64, 128, 256) if n in pngs]
    out = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    blobs = b""
    for n in sizes:
        blob = pngs[n]
        out += struct.pack("<BBBBHHII", n % 256, n % 256, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return out + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    kinds = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}
    body = b"".join(k + struct.pack(">I", 8 + len(pngs[n])) + pngs[n] for n, k in kinds.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    pngs = {n: png_bytes(draw(n)) for n in SIZES}
    icons = ROOT / "resources" / "icons"
    icons.mkdir(exist_ok=True)
    for n, blob in pngs.items():
        (icons / f"live-console-{n}.png").write_bytes(blob)
    (ROOT / "packaging" / "live-console.ico").write_bytes(ico(pngs))
    (ROOT / "packaging" / "live-console.icns").write_bytes(icns(pngs))
    print(f"wrote {len(pngs)} PNGs in {icons}, packaging/live-console.ico and .icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
