"""Crash resume in the window: the offer when a show opens with an unfinished session.

``offer_resume(window)`` is called by the composition root (``console/app.py``) once the
window's live core has the show's controller. If the journal has an unfinished session
(``LiveSession.resume_offer()``), then as soon as the preview runs (the live core needs the
engine) the operator is asked with :class:`~console.ui.resume_dialog.ResumeDialog` — through
``window.ask_resume(offer)``, which tests replace. Accepted: the saved destinations whose id is
in ``offer.destination_ids``, their keys from the keyring and ``LiveSession.resume`` run in the
window's workers; the live core refuses a rehearsal resumed as a live show and a live show
resumed as a rehearsal, and that refusal is shown as its one line.
"""

from __future__ import annotations

import time
from typing import Any

from console.live.outputs import recording_path
from console.live.resume import ResumeOffer
from console.live.session import LiveSession
from console.media.output import OutputState
from console.platforms import credentials
from console.qt.QtCore import QCoreApplication as _Q
from console.qt.QtCore import QTimer
from console.show.actor import WINDOW


def ask_resume_dialog(window: Any, offer: ResumeOffer) -> bool:
    """The window's default ``ask_resume``: the modal ResumeDialog, True when accepted."""
    from console.ui.resume_dialog import ResumeDialog

    dialog = ResumeDialog(offer, window)
    try:
        return dialog.exec() == ResumeDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def offer_resume(window: Any) -> ResumeOffer | None:
    """Offer to resume the show's unfinished session once the preview runs (None: none)."""
    offer = window.live.resume_offer()
    window.resume_offer = offer
    if offer is None:
        return None
    if not callable(getattr(window, "ask_resume", None)):
        window.ask_resume = lambda o: ask_resume_dialog(window, o)
    asked = []

    def ready() -> None:
        if asked or window.closing:
            return
        asked.append(True)
        if window.ask_resume(offer):
            resume(window, offer)

    if window.live.engine is not None:
        QTimer.singleShot(0, ready)
    else:
        window.session.started.connect(ready)
    return offer


def resume(window: Any, offer: ResumeOffer) -> None:
    """Resume to the session's saved destinations in a worker; the window shows it live."""
    dests = [d for d in window.settings.destinations if d.id in offer.destination_ids]
    rehearsal = window.live.rehearsal
    record = offer.recording
    path = recording_path("rehearsal" if rehearsal else "show") if record else None
    session_keys = dict(window.session_keys)
    window.going_live = True
    window._refresh_mode()

    def work() -> list[Any]:
        keys = LiveSession.fetch_keys(dests, session_keys, credentials.find_key)
        return window.live.resume(offer, dests, keys, WINDOW, recording=path)

    def done(_: object) -> None:
        window._names = {d.id: d.name for d in window.settings.destinations}
        window._names["recording"] = _Q.translate("MainWindow", "Local recording")
        window.recording = window.live.recording
        for d in dests:
            row = window.destinations.rows.get(d.id)
            if row is not None:
                row.set_state(OutputState.CONNECTING, None)
        window.going_live = False
        window.live_since = time.monotonic()
        window._refresh_mode()
        window.add_notice(
            _Q.translate("MainWindow", "Resumed: the unfinished session goes on ({0})").format(
                offer.text()
            )
        )
        window.live_started.emit()

    def failed(exc: BaseException) -> None:
        window.going_live = False
        window._refresh_mode()
        window.add_notice(
            _Q.translate("MainWindow", "The session was not resumed: {0}").format(exc)
        )

    window.tasks.run(work, done, failed)
