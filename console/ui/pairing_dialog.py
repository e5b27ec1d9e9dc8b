"""The phone panel's pairing window: a QR code and a short code per role, and the paired devices
with their names, roles and last-seen times, each with Revoke.

Opened from the main window with ``PairingDialog(server, parent=self).show()`` (``server`` is a
started :class:`console.panel.server.PanelServer`). Device names come from phones, so every label
is plain text (:mod:`console.ui.plain`).
"""

from __future__ import annotations

import time

from console.panel import qr
from console.panel.pairing import Device
from console.panel.roles import ROLES
from console.panel.server import PanelServer
from console.qt.QtCore import Qt, QTimer
from console.qt.QtGui import QPixmap
from console.qt.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from console.ui.plain import plain_label

ROLE_TEXT = {
    "host": "Host 主播 — everything",
    "assistant": "Assistant 场控 — show operations (not the stream, destinations, keys, sources)",
    "moderator": "Moderator 评论管理 — chat only",
    "viewer": "Viewer 只看数据 — read-only numbers",
}


class _RolePage(QWidget):
    def __init__(self, server: PanelServer, role: str) -> None:
        super().__init__()
        self.server = server
        self.role = role
        self._url = ""
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(ROLE_TEXT[role]))
        self.qr = plain_label()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setMinimumSize(264, 264)
        layout.addWidget(self.qr)
        self.code = plain_label()
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.code.font()
        font.setPointSize(28)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.code)
        self.url = plain_label()
        self.url.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.url)
        self.expires = plain_label()
        self.expires.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.expires)
        row = QHBoxLayout()
        self.renew = QPushButton("New code")
        self.renew.clicked.connect(self.new_code)
        row.addStretch(1)
        row.addWidget(self.renew)
        row.addStretch(1)
        layout.addLayout(row)
        self.refresh()

    def new_code(self) -> None:
        self.server.store.new_code(self.role)
        self.refresh()

    def refresh(self) -> None:
        code = self.server.store.code_for(self.role)
        url = self.server.pairing_url(self.role)
        if url != self._url:
            self._url = url
            pixmap = QPixmap()
            pixmap.loadFromData(qr.png_bytes(url, scale=6, border=4), "PNG")
            self.qr.setPixmap(pixmap)
            self.code.setText(f"{code.code[:3]} {code.code[3:]}")
            self.url.setText(url)
        left = int(code.remaining(time.time()))
        self.expires.setText(f"single use · expires in {left // 60}:{left % 60:02d}")


class PairingDialog(QDialog):
    """Per-role QR + code; paired devices with Revoke. Refreshes itself once a second."""

    def __init__(self, server: PanelServer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.server = server
        self.setWindowTitle("Phone panel · 手机场控")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.pages = {role: _RolePage(server, role) for role in ROLES}
        for role, page in self.pages.items():
            self.tabs.addTab(page, role.capitalize())
        layout.addWidget(self.tabs)
        layout.addWidget(plain_label("Paired devices"))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Device", "Role", "Last seen", ""])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        grid = QGridLayout()
        self.hint = plain_label(
            "Scan with the phone's camera, or open the address and type the code. "
            "Revoke closes the phone's connection at once."
        )
        self.hint.setWordWrap(True)
        grid.addWidget(self.hint, 0, 0)
        layout.addLayout(grid)
        self._shown: list[tuple[str, str, int]] = []
        self.refresh()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(1000)

    def refresh(self) -> None:
        for page in self.pages.values():
            page.refresh()
        devices = self.server.store.devices()
        key = [(d.device_id, d.name, int(d.last_seen)) for d in devices]
        if key == self._shown:
            return
        self._shown = key
        self.table.setRowCount(len(devices))
        for row, device in enumerate(devices):
            self.table.setItem(row, 0, QTableWidgetItem(device.name))
            self.table.setItem(row, 1, QTableWidgetItem(device.role))
            seen = time.strftime("%H:%M:%S", time.localtime(device.last_seen))
            self.table.setItem(row, 2, QTableWidgetItem(seen))
            button = QPushButton("Revoke")
            button.setObjectName(f"revoke-{device.device_id}")
            button.clicked.connect(lambda _=False, d=device: self.revoke(d))
            self.table.setCellWidget(row, 3, button)
        self.table.resizeColumnsToContents()

    def revoke(self, device: Device) -> None:
        self.server.store.revoke(device.device_id)
        self.refresh()
