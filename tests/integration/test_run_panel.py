"""`live-console run SHOW --panel HOST:PORT` (issue 12): the phone panel in the headless show.

A real `run` subprocess in rehearsal, live to a real nginx-rtmp on loopback, prints each role's
terminal QR and short code; a real Chromium (Playwright) pairs as the assistant from the printed
link and pins a product; the pin is journaled with the phone's actor and the product card is in
the decoded frames of the stream nginx recorded (white card where the test pattern was).
"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import numpy as np
import pytest

from console.show.demo import copy_demo_show
from tests.fixtures.rtmp_servers import free_port
from tests.integration.test_overlays_stream import colour_frames
from tests.integration.test_run_headless import journal, start_run, text
from tests.waiting import wait_for

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
STREAM = "runpanel"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs /usr/bin/chromium")


def _card_rect(show: Path) -> tuple[int, int, int, int, int, int]:
    """The product card's pixels on the default canvas (as `run` places it)."""
    from console.overlays.composition import overlays_for
    from console.settings import CanvasSettings
    from console.show.opening import open_show

    canvas = CanvasSettings()
    folder, controller = open_show(show)
    try:
        layers = overlays_for(controller, folder, canvas)
    finally:
        controller.close()
    card = next(layer for layer in layers if layer.name == "product_card")
    return (*card.rect.to_pixels(canvas.width, canvas.height), canvas.width, canvas.height)


def _white(region: np.ndarray) -> float:
    return float(np.mean(np.all(region > 225, axis=2)))


def test_run_panel_prints_codes_and_a_paired_phone_pins_onto_the_stream(nginx_rtmp, tmp_path):
    show = copy_demo_show(tmp_path / "show")
    port = free_port()
    proc, log = start_run(
        tmp_path,
        str(show),
        "--rehearsal",
        "--go-live",
        "--destination",
        f"{nginx_rtmp.url()}/{STREAM}",
        "--panel",
        f"127.0.0.1:{port}",
    )
    try:
        assert wait_for(lambda: "local-1:live" in text(log) or proc.poll() is not None, 60)
        assert proc.poll() is None, text(log)
        out = text(log)
        codes = dict(re.findall(r"panel (\w+): code (\d{6})", out))
        assert set(codes) == {"host", "assistant", "moderator", "viewer"}, out
        assert "▀" in out or "▄" in out or "█" in out  # the terminal QR (half blocks)
        link = re.search(r"panel assistant: code \d{6} .*? (http://\S+)", out).group(1)
        assert link == f"http://127.0.0.1:{port}/panel/#code={codes['assistant']}"
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 390, "height": 844})
                page.goto(link)
                page.fill("#pair-device", "Li")
                page.click("#pair-button")
                page.wait_for_function("() => window.lcPanel && window.lcPanel.rev > 0")
                page.click("[data-tab=products]")
                page.click('[data-product="MASK-HA-10"] [data-act=pin_product]')
                page.wait_for_selector('[data-product="MASK-HA-10"].is-pinned')
            finally:
                browser.close()
        pinned_at = text(log).count("local-1:live")
        assert wait_for(lambda: text(log).count("local-1:live") >= pinned_at + 4, 30)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0, text(log)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    rows = journal(show)
    assert ("show.product_pinned", "panel:Li:assistant") in rows
    x, y, w, h, cw, ch = _card_rect(show)
    frames = colour_frames(nginx_rtmp.wait_recording(STREAM))
    assert frames and frames[0].shape[:2] == (ch, cw)
    inner = (slice(y + h // 4, y + 3 * h // 4), slice(x + w // 2, x + w - w // 10))
    assert _white(frames[0][inner]) < 0.3  # before the pin: the test pattern
    assert _white(frames[-1][inner]) > 0.5  # after it: the white product card
