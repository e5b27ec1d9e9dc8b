"""The crash-resume offer when a show opens with an unfinished session.

``ResumeDialog(offer, parent)`` says what :meth:`ResumeOffer.text` says (destinations, rehearsal
or live, seconds since the last media, the room-close countdown, ticking down while it is open)
with **Resume / 继续直播** and **Not now**. The window calls ``LiveSession.resume(offer, dests,
keys, actor)`` in a worker when it is accepted (keys from the keyring, as for go-live); a
rehearsal is only resumed as a rehearsal (``console/live/resume.py``).
"""

from __future__ import annotations

import time

from console.live.resume import ResumeOffer
from console.qt.QtCore import QTimer
from console.qt.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget
from console.ui.plain import plain_label


class ResumeDialog(QDialog):
    def __init__(self, offer: ResumeOffer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offer = offer
        self._opened = time.monotonic()
        self.setWindowTitle("继续直播? Resume the show?")
        self.text = plain_label()
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.resume_button = buttons.addButton(
            "继续直播 Resume", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton("暂不 Not now", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(1000)
        self.refresh()

    def refresh(self) -> None:
        """The offer's line, with the seconds since it was made added (a countdown)."""
        waited = time.monotonic() - self._opened
        o = self.offer
        now = o.last_media_at + o.since_s + waited
        since = max(0.0, now - o.last_media_at)
        left = max(0.0, o.room_close_s - since)
        where = ", ".join(t["name"] for t in o.targets) or "the local recording only"
        kind = "彩排 rehearsal" if o.rehearsal else "直播 LIVE show"
        room = (
            f"the room may close in {left:.0f} s"
            if left > 0
            else "the room has probably closed — resuming starts a new one on most platforms"
        )
        self.text.setText(
            f"An unfinished {kind} to {where} stopped sending {since:.0f} s ago; {room}.\n"
            "Resume going live to the same destinations (keys from the keyring), recording "
            "into a new file of the same session?"
        )
