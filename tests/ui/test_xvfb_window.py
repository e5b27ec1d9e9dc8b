"""The real program on a real X server: `live-console` under Xvfb, its screen read back as pixels.

Saves docs/screenshots/xvfb-window-{portrait,landscape}.png for review (not pixel-compared).
"""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from console.settings import CanvasSettings, load_settings, save_settings
from tests.waiting import wait_for

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
W, H = 1920, 1080


def read_xwd(path: Path) -> np.ndarray | None:
    """Xvfb's -fbdir framebuffer (XWD, 24-bit TrueColor) as a BGR image."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) < 100:
        return None
    f = struct.unpack(">25I", data[:100])
    header_size, width, height = f[0], f[4], f[5]
    bits_per_pixel, bytes_per_line, ncolors = f[11], f[12], f[19]
    if bits_per_pixel != 32:
        pytest.fail(f"unexpected XWD pixel size {bits_per_pixel}")
    start = header_size + 12 * ncolors
    pixels = np.frombuffer(data, np.uint8, count=bytes_per_line * height, offset=start)
    img = pixels.reshape(height, bytes_per_line // 4, 4)[:, :width, :3]
    return np.ascontiguousarray(img)  # little-endian BGRX → BGR


@pytest.fixture
def xvfb(tmp_path: Path):
    if shutil.which("Xvfb") is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is not installed (scripts/setup.sh installs xvfb)")
        pytest.skip("Xvfb is not installed")
    fbdir = tmp_path / "fb"
    fbdir.mkdir()
    proc = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            "1",
            "-screen",
            "0",
            f"{W}x{H}x24",
            "-fbdir",
            str(fbdir),
            "-nolisten",
            "tcp",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    display = proc.stdout.readline().decode().strip()
    assert display.isdigit(), "Xvfb did not report a display"
    try:
        yield f":{display}", fbdir / "Xvfb_screen0"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_window_under_xvfb(xvfb, orientation: str) -> None:
    display, framebuffer = xvfb
    settings = load_settings()
    settings.canvas = (
        CanvasSettings(720, 1280) if orientation == "portrait" else CanvasSettings(1280, 720)
    )
    save_settings(settings)
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "console"], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    shots: list[np.ndarray] = []

    def window_up_and_moving() -> bool:
        assert proc.poll() is None, proc.stderr.read().decode(errors="replace")[-2000:]
        img = read_xwd(framebuffer)
        if img is None or img.std() < 10:  # still the empty root window
            return False
        shots.append(img)
        if len(shots) < 2:
            return False
        # the preview (test pattern) moves between two reads; the chrome around it does not
        return float(np.abs(shots[-1].astype(int) - shots[-2].astype(int)).mean()) > 0.05

    try:
        assert wait_for(window_up_and_moving, 60), "the window did not appear with a moving preview"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(SCREENSHOTS / f"xvfb-window-{orientation}.png"), shots[-1])
