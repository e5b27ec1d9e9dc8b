"""Destinations: the add/edit dialog (presets, pasted push URLs, masked keys) and the panel."""

from __future__ import annotations

import datetime as dt
import time
import uuid

from console.errors import UserError
from console.media.output import OutputState
from console.platforms.presets import (
    Preset,
    host_of,
    is_loopback_url,
    key_expiry,
    key_status,
    load_presets,
    preset_by_id,
    secure_server,
    split_push_url,
)
from console.qt.QtCore import QCoreApplication, QEvent, Qt, Signal
from console.qt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from console.redaction import redact
from console.settings import DestinationSettings
from console.timefmt import format_left
from console.ui.plain import plain_label


def chinese_ui() -> bool:
    return QCoreApplication.translate("Language", "en") == "zh_CN"


def expiry_text(
    owner: QWidget, dest: DestinationSettings, now: float | None = None
) -> tuple[str, str]:
    """(text, level) describing when the destination's key expires."""
    preset = preset_by_id(dest.preset)
    st = key_status(dest.key_expires_at, dest.key_saved_at, preset.key_lifetime_hours, now)
    if st.level == "unknown" or st.expires_at is None or st.seconds_left is None:
        return "", "unknown"
    when = dt.datetime.fromtimestamp(st.expires_at).strftime("%Y-%m-%d %H:%M")
    if st.level == "expired":
        return QCoreApplication.translate("Destinations", "Key expired {0} ago ({1})").format(
            format_left(st.seconds_left), when
        ), "expired"
    if st.level == "soon":
        return QCoreApplication.translate("Destinations", "Key expires in {0} ({1})").format(
            format_left(st.seconds_left), when
        ), "soon"
    return QCoreApplication.translate("Destinations", "Key valid until {0}").format(when), "ok"


class DestinationDialog(QDialog):
    """Add or edit one destination. The key goes to the keyring, never to settings."""

    def __init__(
        self,
        parent: QWidget | None = None,
        dest: DestinationSettings | None = None,
        has_key: bool = False,
        keyring_note: str = "",
    ) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.editing = dest is not None
        self.dest = dest or DestinationSettings(id=f"dest-{uuid.uuid4().hex[:8]}")
        self.presets: tuple[Preset, ...] = load_presets()
        self.preset = QComboBox()
        for p in self.presets:
            self.preset.addItem(p.label(chinese_ui()), p.id)
        self.name = QLineEdit(self.dest.name)
        self.push_url = QLineEdit()
        self.push_url.setEchoMode(QLineEdit.EchoMode.Password)  # a push URL holds the key
        self.server = QLineEdit(self.dest.server)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setObjectName("streamKey")
        self.reveal = QToolButton()
        self.reveal.setCheckable(True)
        self.reveal.toggled.connect(self._reveal)
        key_row = QHBoxLayout()
        key_row.setContentsMargins(0, 0, 0, 0)
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.reveal)
        self.note = plain_label()
        self.note.setWordWrap(True)
        self.note.setObjectName("hint")
        self.expiry = plain_label()
        self.expiry.setWordWrap(True)
        self.error = plain_label()
        self.error.setWordWrap(True)
        self.error.setObjectName("error")
        self.keyring_note = plain_label(keyring_note)
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setObjectName("warning")
        self.keyring_note.setVisible(bool(keyring_note))
        self.form = QFormLayout()
        self.form.addRow("", self.preset)
        self.form.addRow("", self.name)
        self.form.addRow("", self.push_url)
        self.form.addRow("", self.server)
        self.form.addRow("", key_row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.note)
        lay.addWidget(self.expiry)
        lay.addWidget(self.keyring_note)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.has_key = has_key
        self.key_value: str | None = None
        self._expires_at = self.dest.key_expires_at
        idx = self.preset.findData(self.dest.preset)
        self.preset.setCurrentIndex(max(0, idx))
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.push_url.textChanged.connect(self._paste)
        self.key.textChanged.connect(self._key_changed)
        self.resize(520, 0)
        self.retranslate_ui()
        self._preset_changed(apply_server=not self.editing)

    # -- behaviour -------------------------------------------------------------------------
    def current_preset(self) -> Preset:
        return preset_by_id(self.preset.currentData())

    def _preset_changed(self, *_: object, apply_server: bool = True) -> None:
        p = self.current_preset()
        if apply_server and p.server and not self.push_url.text():
            self.server.setText(p.server)
        if not self.name.text() or not self.editing:
            self.name.setText(p.label(chinese_ui()) if p.id != "custom" else self.name.text())
        self.server.setPlaceholderText(p.server_hint)
        self.key.setPlaceholderText(
            p.key_hint if not self.has_key else self.tr("(stored — leave empty to keep)")
        )
        self.note.setText(p.note_text(chinese_ui()))
        self._update_expiry()

    def _paste(self, text: str) -> None:
        if not text.strip():
            self.error.clear()
            return
        try:
            server, key = split_push_url(text)
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self.server.setText(server)
        self.key.setText(key)
        for p in self.presets:  # recognise the platform from the server host
            host = p.server.split("/")[2] if p.server.count("/") >= 2 else ""
            if host and host.split(".", 1)[-1] in server:
                self.preset.setCurrentIndex(self.preset.findData(p.id))
                break

    def _key_changed(self, text: str) -> None:
        if text.strip():
            self._expires_at = key_expiry(text.strip())
        self._update_expiry()

    def _update_expiry(self) -> None:
        probe = DestinationSettings(
            preset=self.current_preset().id,
            key_expires_at=self._expires_at,
            key_saved_at=int(time.time()) if self.key.text().strip() else self.dest.key_saved_at,
        )
        text, level = expiry_text(self, probe)
        if self.current_preset().key_lifetime == "single_use":
            text = (text + " · " if text else "") + self.tr("Single-use key, valid 2 days")
        self.expiry.setText(text)
        self.expiry.setObjectName({"expired": "error", "soon": "warning"}.get(level, "hint"))
        self.expiry.style().unpolish(self.expiry)
        self.expiry.style().polish(self.expiry)

    def _reveal(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.key.setEchoMode(mode)
        self.retranslate_ui()

    def _accept(self) -> None:
        from console.media.rtmp import parse_rtmp_url

        server = self.server.text().strip()
        key = self.key.text().strip()
        if not key and not self.has_key:
            self.error.setText(self.tr("Paste the stream key from your platform."))
            return
        try:
            # settings never hold a secret: a signature in the server URL moves into the key
            clean, moved_key = secure_server(server, key)
            if clean != server and not key:
                raise UserError(
                    "the server URL holds a signature or token: paste the stream key again "
                    "so it can be kept with the key, not in the settings"
                )
            server, key = clean, moved_key
            parse_rtmp_url(server, key or "k")
        except UserError as exc:
            self.error.setText(redact(exc))
            return
        self.server.setText(server)
        self.dest.name = self.name.text().strip() or host_of(server) or server
        self.dest.preset = self.current_preset().id
        self.dest.server = server
        if not self.dest.key_name:
            self.dest.key_name = self.dest.id
        if key:
            self.key_value = key
            self.dest.key_expires_at = key_expiry(key)
            self.dest.key_saved_at = int(time.time())
        self.accept()

    def result_destination(self) -> tuple[DestinationSettings, str | None]:
        return self.dest, self.key_value

    # -- texts -----------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.setWindowTitle(
            self.tr("Edit destination") if self.editing else self.tr("Add destination")
        )
        labels = [
            self.tr("Platform"),
            self.tr("Name"),
            self.tr("Push URL"),
            self.tr("Server"),
            self.tr("Stream key"),
        ]
        for row, text in enumerate(labels):
            item = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                item.widget().setText(text)
        self.push_url.setPlaceholderText(self.tr("Paste the full push URL to fill server and key"))
        self.reveal.setText(self.tr("Hide") if self.reveal.isChecked() else self.tr("Show"))
        self.reveal.setToolTip(self.tr("Show or hide the stream key"))

    def changeEvent(self, event: QEvent) -> None:  # Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


STATE_LEVEL = {
    OutputState.OFFLINE: "idle",
    OutputState.CONNECTING: "warning",
    OutputState.LIVE: "ok",
    OutputState.RECONNECTING: "warning",
    OutputState.ENDED: "idle",
    OutputState.FAILED: "error",
}


class DestinationRow(QFrame):
    """One destination: enable box, name, key expiry, state with reason, edit/remove."""

    edit_requested = Signal(str)
    remove_requested = Signal(str)
    enabled_changed = Signal(str, bool)
    reconnect_requested = Signal(str)

    def __init__(self, dest: DestinationSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("destinationRow")
        self.dest = dest
        self.enabled = QCheckBox()
        self.enabled.setChecked(dest.enabled)
        self.enabled.toggled.connect(lambda on: self.enabled_changed.emit(dest.id, on))
        self.title = plain_label()
        self.title.setObjectName("rowTitle")
        self.detail = plain_label()
        self.detail.setObjectName("hint")
        self.detail.setWordWrap(True)
        self.state = plain_label()
        self.state.setObjectName("stateIdle")
        self.state.setWordWrap(True)
        self.edit = QToolButton()
        self.remove = QToolButton()
        self.edit.clicked.connect(lambda: self.edit_requested.emit(dest.id))
        self.remove.clicked.connect(lambda: self.remove_requested.emit(dest.id))
        self.reconnect = QToolButton()
        self.reconnect.setVisible(False)
        self.reconnect.clicked.connect(lambda: self.reconnect_requested.emit(dest.id))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.enabled)
        top.addWidget(self.title, 1)
        top.addWidget(self.edit)
        top.addWidget(self.remove)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(2)
        lay.addLayout(top)
        lay.addWidget(self.detail)
        state_row = QHBoxLayout()
        state_row.setContentsMargins(0, 0, 0, 0)
        state_row.addWidget(self.state, 1)
        state_row.addWidget(self.reconnect)
        lay.addLayout(state_row)
        self.lost_for_s = 0.0
        self.output_state = OutputState.OFFLINE
        self.output_error: str | None = None
        self.bitrate_kbps = 0.0
        self.retranslate_ui()

    def set_state(
        self,
        state: OutputState,
        error: str | None,
        bitrate_kbps: float = 0.0,
        lost_for_s: float = 0.0,
    ) -> None:
        self.output_state, self.output_error, self.bitrate_kbps = state, error, bitrate_kbps
        self.lost_for_s = lost_for_s
        self.reconnect.setVisible(state == OutputState.RECONNECTING)
        self.retranslate_ui()

    def set_locked(self, locked: bool) -> None:
        for w in (self.enabled, self.edit, self.remove):
            w.setEnabled(not locked)

    def retranslate_ui(self) -> None:
        dest = self.dest
        preset = preset_by_id(dest.preset)
        host = host_of(dest.server) or redact(dest.server)
        # a Custom destination named after its URL (older settings) shows the host only
        self.title.setText(redact(dest.name) if dest.name and dest.name != dest.server else host)
        parts = [preset.label(chinese_ui()), host]
        if is_loopback_url(dest.server):
            parts.append(self.tr("local"))
        text, level = expiry_text(self, dest)
        if text:
            parts.append(text)
        self.detail.setText(" · ".join(parts))
        self.detail.setObjectName({"expired": "error", "soon": "warning"}.get(level, "hint"))
        names = {
            OutputState.OFFLINE: self.tr("Offline"),
            OutputState.CONNECTING: self.tr("Connecting…"),
            OutputState.LIVE: self.tr("Live"),
            OutputState.RECONNECTING: self.tr("Reconnecting…"),
            OutputState.ENDED: self.tr("Ended"),
            OutputState.FAILED: self.tr("Failed"),
        }
        state = names[self.output_state]
        if self.output_state == OutputState.LIVE and self.bitrate_kbps:
            state += f" · {self.bitrate_kbps:,.0f} kbps"
        if self.output_state == OutputState.RECONNECTING:
            lost = int(self.lost_for_s)
            state += f" {lost // 60}:{lost % 60:02d}"
        if self.output_error:
            state += f": {self.output_error}"
        self.state.setText(state)
        level_name = STATE_LEVEL[self.output_state]
        self.state.setObjectName("state" + level_name.capitalize())
        for w in (self.state, self.detail):
            w.style().unpolish(w)
            w.style().polish(w)
        self.edit.setText(self.tr("Edit"))
        self.remove.setText(self.tr("Remove"))
        self.reconnect.setText(self.tr("Reconnect now"))
        self.enabled.setToolTip(self.tr("Send to this destination when going live"))


class DestinationsPanel(QWidget):
    """The list of destinations, the local-recording switch and the add button."""

    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, DestinationRow] = {}
        self.list = QVBoxLayout()
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.setSpacing(6)
        self.empty = plain_label()
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.record = QCheckBox()
        self.record_state = plain_label()
        self.record_state.setObjectName("hint")
        self.record_state.setWordWrap(True)
        self.add = QPushButton()
        self.add.clicked.connect(self.add_requested)
        self.keyring_note = plain_label()
        self.keyring_note.setObjectName("warning")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(self.list)
        lay.addWidget(self.empty)
        lay.addWidget(self.add, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.keyring_note)
        lay.addWidget(self.record)
        lay.addWidget(self.record_state)
        self.retranslate_ui()

    def set_destinations(self, dests: list[DestinationSettings]) -> DestinationRow | None:
        for row in self.rows.values():
            row.setParent(None)
            row.deleteLater()
        self.rows.clear()
        for d in dests:
            row = DestinationRow(d)
            self.rows[d.id] = row
            self.list.addWidget(row)
        self.empty.setVisible(not dests)
        return None

    def retranslate_ui(self) -> None:
        self.empty.setText(
            self.tr(
                "No destinations yet. Add one with the server URL and stream key from your platform."
            )
        )
        self.add.setText(self.tr("Add destination…"))
        self.record.setText(self.tr("Record a local copy"))
        for row in self.rows.values():
            row.retranslate_ui()
