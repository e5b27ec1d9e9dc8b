"""The Destinations box and going live: the window is a client of the live core (console/live): its policy, its outputs, its session journal.

A part of :class:`~console.ui.main_window.MainWindow` (a mixin: ``self`` is the window).
Texts are translated in the ``MainWindow`` context, as before the split.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.errors import UserError
from console.live import golive
from console.live.outputs import recording_path
from console.live.session import LiveSession
from console.media.output import OutputState
from console.platforms import credentials
from console.platforms.presets import key_status, preset_by_id
from console.qt.QtCore import Qt
from console.qt.QtWidgets import (
    QMessageBox,
)
from console.settings import (
    DestinationSettings,
)
from console.show.actor import WINDOW, Actor
from console.ui.destinations import DestinationDialog, chinese_ui, expiry_text

if TYPE_CHECKING:
    from console.audience.compliance import Finding

from console.qt.QtCore import QCoreApplication as _Q

log = logging.getLogger(__name__)


def highlighted_html(text: str) -> str:
    """Plain text with 【phrase】 marks → HTML with the phrase highlighted (amber)."""
    import html
    import re

    body = html.escape(text).replace("\n", "<br>")
    return re.sub(
        "【(.*?)】",
        r"<span style='background:#f5a623;color:#1a1a1a;padding:0 2px'>\1</span>",
        body,
    )


class DestinationsPart:
    """The Destinations box and going live: the window is a client of the live core (console/live): its policy, its outputs, its session journal."""

    def _wire_destination_rows(self) -> None:
        for row in self.destinations.rows.values():
            row.edit_requested.connect(self.open_destination_dialog)
            row.remove_requested.connect(self.remove_destination)
            row.enabled_changed.connect(self._destination_enabled)
            row.reconnect_requested.connect(self.reconnect_now)
        self._names = {d.id: d.name for d in self.settings.destinations}
        self._refresh_mode()

    def _destination(self, dest_id: str) -> DestinationSettings | None:
        return next((d for d in self.settings.destinations if d.id == dest_id), None)

    def open_destination_dialog(self, dest_id: str | None = None) -> DestinationDialog:
        """Open the add/edit dialog (window-modal, not blocking); ``self.destination_dialog``."""
        dest = self._destination(dest_id) if dest_id else None
        copy = DestinationSettings(**vars(dest)) if dest is not None else None
        has_key = dest is not None and (
            dest.key_name in self.session_keys or not self.keyring_problem
        )
        note = ""
        if self.keyring_problem:
            note = _Q.translate(
                "MainWindow", "No OS keyring ({0}): the key is kept in memory until you quit."
            ).format(self.keyring_problem)
        dialog = DestinationDialog(self, copy, has_key=has_key, keyring_note=note)
        dialog.accepted.connect(lambda: self._destination_accepted(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.destination_dialog = dialog
        dialog.open()
        return dialog

    def _destination_accepted(self, dialog: DestinationDialog) -> None:
        dest, key = dialog.result_destination()
        self.save_destination(dest, key)

    def save_destination(self, dest: DestinationSettings, key: str | None) -> None:
        """Add or update a destination; the key goes to the keyring (off the UI thread)."""
        existing = self._destination(dest.id)
        if existing is not None:
            self.settings.destinations[self.settings.destinations.index(existing)] = dest
        else:
            self.settings.destinations.append(dest)
        if key:
            if self.keyring_problem:
                self.session_keys[dest.key_name] = key
            else:

                def stored_failed(exc: BaseException) -> None:
                    self.session_keys[dest.key_name] = key
                    self.keyring_problem = str(exc)
                    self.destinations.keyring_note.show()
                    self.retranslate_ui()

                self.session_keys.pop(dest.key_name, None)
                self.tasks.run(
                    lambda: credentials.store_key(dest.key_name, key), None, stored_failed
                )
        self.destinations.set_destinations(self.settings.destinations)
        self._wire_destination_rows()
        self.schedule_save()

    def remove_destination(self, dest_id: str) -> None:
        dest = self._destination(dest_id)
        if dest is None:
            return
        if not self.confirm(
            _Q.translate("MainWindow", "Remove destination"),
            _Q.translate("MainWindow", "Remove {0} and forget its stream key?").format(dest.name),
        ):
            return
        self.settings.destinations.remove(dest)
        self.session_keys.pop(dest.key_name, None)
        self.tasks.run(lambda: credentials.delete_key(dest.key_name, missing_ok=True))
        self.destinations.set_destinations(self.settings.destinations)
        self._wire_destination_rows()
        self.schedule_save()

    def _destination_enabled(self, dest_id: str, on: bool) -> None:
        dest = self._destination(dest_id)
        if dest is not None:
            dest.enabled = on
            self.schedule_save()

    def _record_toggled(self, on: bool) -> None:
        self.settings.record_when_live = on
        self.schedule_save()

    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        if "【" in text:  # compliance findings: the phrase highlighted (text escaped)
            box.setTextFormat(Qt.TextFormat.RichText)
            box.setText(highlighted_html(text))
        else:  # product titles, destination names: never markup
            box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def go_live_or_stop(self, actor: Actor = WINDOW) -> None:
        if self.session.live:
            self.stop_live(actor)
        else:
            self.go_live(actor)

    def _audience_refusal(self, rehearsal: bool) -> str | None:
        return self.audience.go_live_refusal(rehearsal=rehearsal) if self.audience else None

    def refusal_text(self, refusal: golive.Refusal) -> str:
        """The live core's refusal in the window's language."""
        names = ", ".join(refusal.names)
        if refusal.code == "nothing_to_send":
            return _Q.translate(
                "MainWindow",
                "Nothing to send to: add a destination or turn on the local recording.",
            )
        if refusal.code == "rehearsal_remote":
            return _Q.translate(
                "MainWindow",
                "Rehearsal cannot reach {0}: only local recording and an ingest on this machine (127.0.0.1, localhost) are allowed. Switch rehearsal off to go live.",
            ).format(names)
        if refusal.code == "audience":
            return _Q.translate("MainWindow", "Not going live: {0}").format(refusal.reason)
        if refusal.code == "missing_keys":
            return _Q.translate(
                "MainWindow", "No stream key for {0}: edit the destination and paste the key."
            ).format(names)
        return refusal.text

    def go_live(self, actor: Actor = WINDOW) -> None:
        """Check (the live core's policy), fetch keys (off the UI thread), confirm, then the
        live core joins the outputs to the encode and journals the session with ``actor``."""
        if self.session.live or self.going_live or not self.session.running:
            return
        rehearsal = self.settings.rehearsal
        dests = [d for d in self.settings.destinations if d.enabled]
        record = rehearsal or self.settings.record_when_live
        refusal = self.live.check(dests, record)
        if refusal is not None:
            if refusal.code == "audience":
                self.last_refusal = refusal.reason
            self.add_notice(self.refusal_text(refusal))
            return
        self.last_refusal = ""
        self.going_live = True
        self.go_live_actor = actor
        self._refresh_mode()
        session_keys = dict(self.session_keys)
        show_path = getattr(getattr(self, "show_folder", None), "path", None)

        def fetch() -> tuple[dict[str, str | None], list[Finding] | None]:
            keys = LiveSession.fetch_keys(dests, session_keys, credentials.find_key)
            return keys, golive.compliance(show_path)

        self.tasks.run(
            fetch,
            lambda result: self._confirm_go_live(dests, result[0], record, result[1]),
            self._go_live_failed,
        )

    def _go_live_failed(self, exc: BaseException) -> None:
        self.going_live = False
        self.add_notice(str(exc))
        self._refresh_mode()

    def key_warnings(self, dests: list[DestinationSettings], now: float | None = None) -> list[str]:
        warnings = []
        for d in dests:
            preset = preset_by_id(d.preset)
            st = key_status(d.key_expires_at, d.key_saved_at, preset.key_lifetime_hours, now)
            if st.level in ("expired", "soon"):
                text, _ = expiry_text(self, d, now)
                warnings.append(f"{d.name}: {text}")
            if preset.key_lifetime == "single_use":
                warnings.append(
                    _Q.translate(
                        "MainWindow",
                        "{0}: Kuaishou keys work once and for 2 days; a used key is refused.",
                    ).format(d.name)
                )
        return warnings

    def _confirm_go_live(
        self,
        dests: list[DestinationSettings],
        keys: dict[str, str | None],
        record: bool,
        findings: list[Finding] | None = None,
    ) -> None:
        missing = golive.missing_keys(dests, keys)
        if missing is not None:
            self.going_live = False
            self._refresh_mode()
            self.add_notice(self.refusal_text(missing))
            return
        rehearsal = self.settings.rehearsal
        lines = [f"• {d.name} ({preset_by_id(d.preset).label(chinese_ui())})" for d in dests]
        if record:
            lines.append("• " + _Q.translate("MainWindow", "local recording"))
        warnings = self.key_warnings(dests)
        text = (
            (
                _Q.translate("MainWindow", "Start the rehearsal to:")
                if rehearsal
                else _Q.translate("MainWindow", "Go live now to:")
            )
            + "\n"
            + "\n".join(lines)
        )
        if warnings:
            text += "\n\n⚠ " + "\n⚠ ".join(warnings)
        if findings is not None:
            self.last_findings = findings
            if self.assistant is not None:
                self.assistant.set_findings(findings)
        if findings:
            text += (
                "\n\n"
                + _Q.translate(
                    "MainWindow",
                    "⚠ Compliance: {0} phrase(s) in the show's material to review (advertising law; a warning — you decide in context):",
                ).format(len(findings))
                + "\n"
                + "\n".join("• " + line for line in golive.compliance_lines(findings))
            )
        title = (
            _Q.translate("MainWindow", "Start rehearsal")
            if rehearsal
            else _Q.translate("MainWindow", "Go live")
        )
        self.last_confirmation = text
        # a remote device's Start is its own confirmation (as in OBS): no dialog on this screen
        remote = self.go_live_actor.kind in ("control", "panel")
        if not remote and not self.confirm(title, text):
            self.going_live = False
            self._refresh_mode()
            return
        self._names = {d.id: d.name for d in self.settings.destinations}
        self._names["recording"] = _Q.translate("MainWindow", "Local recording")
        try:
            path = recording_path("rehearsal" if rehearsal else "show") if record else None
            self.live.go_live(dests, keys, record, self.go_live_actor, recording=path)
        except UserError as exc:
            self.going_live = False
            self._refresh_mode()
            self.add_notice(str(exc))
            return
        self.recording = self.live.recording
        for d in dests:
            row = self.destinations.rows.get(d.id)
            if row is not None:
                row.set_state(OutputState.CONNECTING, None)
        self.going_live = False
        self.live_since = time.monotonic()
        self._refresh_mode()
        self.live_started.emit()

    def stop_live(self, actor: Actor = WINDOW) -> None:
        if not self.session.live:
            return
        rehearsal = self.settings.rehearsal
        title = (
            _Q.translate("MainWindow", "Stop rehearsal")
            if rehearsal
            else _Q.translate("MainWindow", "Stop stream")
        )
        text = (
            _Q.translate("MainWindow", "Stop the rehearsal?")
            if rehearsal
            else _Q.translate("MainWindow", "End the live stream for every destination?")
        )
        if not self.confirm(title, text):
            return
        self._stop_live_now(actor)

    def _stop_live_now(self, actor: Actor, then: Callable[[], None] | None = None) -> None:
        """The live core closes the outputs (off the UI thread) and journals the end."""

        def ended(_: object = None) -> None:
            self._live_ended()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            self.add_notice(str(exc))
            ended()

        self.tasks.run(lambda: self.live.stop_live(actor), ended, failed)
        self._refresh_mode()

    def _live_ended(self) -> None:
        self.live_since = None
        for row in self.destinations.rows.values():
            if row.output_state not in (OutputState.FAILED,):
                row.set_state(
                    OutputState.ENDED
                    if row.output_state != OutputState.OFFLINE
                    else OutputState.OFFLINE,
                    row.output_error,
                )
        self._refresh_mode()
        self.live_stopped.emit()
        if getattr(self, "recording", None):
            self.add_notice(
                _Q.translate("MainWindow", "Recording saved: {0}").format(self.recording)
            )

    def reconnect_now(self, name: str) -> None:
        """Skip the wait before the next reconnect attempt of one destination."""
        for output in self.session.hub.outputs:
            if output.name == name and hasattr(output, "reconnect_now"):
                output.reconnect_now()  # sets an event: never blocks the UI thread

    def _output_state(self, name: str, state: OutputState, error: str | None) -> None:
        row = self.destinations.rows.get(name)
        if row is not None:
            row.set_state(state, error, row.bitrate_kbps)
