"""The pairing URL as a QR code (segno, pure Python): text for a terminal (``run``), PNG bytes or
SVG text for the window's pairing dialog. No Qt here."""

from __future__ import annotations

import io

import segno


def _qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def terminal_text(url: str, border: int = 2) -> str:
    """The code in Unicode half blocks (two modules a character row), dark on light, so it scans
    from a dark or light terminal alike."""
    rows = [list(row) for row in _qr(url).matrix_iter(scale=1, border=border)]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    lines = []
    for top, bottom in zip(rows[::2], rows[1::2]):
        chars = []
        for a, b in zip(top, bottom):
            # light modules are drawn (full block = both light), dark ones left blank
            chars.append({(0, 0): "█", (0, 1): "▀", (1, 0): "▄", (1, 1): " "}[(a, b)])
        lines.append("".join(chars))
    return "\n".join(lines)


def png_bytes(url: str, scale: int = 8, border: int = 4) -> bytes:
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=scale, border=border, dark="#000000", light="#ffffff")
    return out.getvalue()


def svg_text(url: str, scale: int = 8, border: int = 4) -> str:
    out = io.BytesIO()
    _qr(url).save(out, kind="svg", scale=scale, border=border, xmldecl=False)
    return out.getvalue().decode("utf-8")
