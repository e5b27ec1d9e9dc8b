"""Recordings ▸ Clips on a real recording, and the crash-resume offer (offscreen widgets).

Screenshots: docs/screenshots/clips-dialog.png (the sessions and the cut clips) and
docs/screenshots/clip-frame.png (a decoded frame of the first clip: the product's card).
"""

from __future__ import annotations

from pathlib import Path

import av
import cv2

from console.live.resume import find_offer
from console.qt.QtWidgets import QDialogButtonBox
from console.show.journal import Event
from console.ui.clips_dialog import ClipsDialog
from console.ui.resume_dialog import ResumeDialog
from tests.integration.test_clips import FPS, A, B, _label, _record

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_clips_dialog_lists_and_cuts_off_the_ui_thread(qtbot, tmp_path):
    rec = _record(tmp_path, [A, B, None], hold_frames=3 * FPS)
    dialog = ClipsDialog(rec.show)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.sessions_list.count() == 1
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(r, 4).text() for r in range(2)] == ["", ""]  # not cut yet
    assert dialog.cut_button.isEnabled()
    dialog.cut_button.click()
    assert not dialog.cut_button.isEnabled()  # the worker runs; the UI thread is free
    qtbot.waitUntil(lambda: "clip(s) cut" in dialog.status.text(), timeout=120_000)
    assert dialog.status.text().startswith("2 of 2 clip(s) cut")
    files = [dialog.table.item(r, 4).text() for r in range(2)]
    assert files[0].endswith(".mp4") and A in files[0] and B in files[1]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SCREENSHOTS / "clips-dialog.png"))

    first = dialog.result.clips[0].job.out
    with av.open(str(first)) as container:
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]
    frame = frames[len(frames) * 2 // 3]
    assert _label(frame, rec) == A
    cv2.imwrite(str(SCREENSHOTS / "clip-frame.png"), frame)


def test_resume_offer_dialog(qtbot):
    targets = [{"id": "dy", "name": "Douyin 抖音", "preset": "douyin", "server": "rtmp://x/live"}]
    offer = find_offer(
        [Event(1, 1000.0, "session.started", {"mode": "live", "targets": targets})], now=1012.0
    )
    assert offer is not None
    dialog = ResumeDialog(offer)
    qtbot.addWidget(dialog)
    dialog.show()
    text = dialog.text.text()
    assert "unfinished 直播 LIVE show to Douyin 抖音 stopped sending 12 s ago" in text
    assert "the room may close in" in text
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    dialog.resume_button.click()
    assert dialog.result() == ResumeDialog.DialogCode.Accepted
