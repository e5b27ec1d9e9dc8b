"""Every hotkey in one table; the window binds them and the help dialog lists them."""

from __future__ import annotations

from dataclasses import dataclass

from console.qt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from console.qt.QtGui import QKeySequence
from console.qt.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from console.ui.plain import plain_label


@dataclass(frozen=True)
class Hotkey:
    action: (
        str  # the window method's name suffix: "go_live_or_stop" → window.hotkey_go_live_or_stop
    )
    keys: str  # QKeySequence portable text
    description: str  # English source text, translated in context "Hotkeys"


#: The one table. Page Down / Page Up are what presentation clickers send.
HOTKEYS: tuple[Hotkey, ...] = (
    Hotkey(
        "go_live_or_stop",
        "Ctrl+Shift+L",
        QT_TRANSLATE_NOOP("Hotkeys", "Go live / stop (asks first)"),
    ),
    Hotkey(
        "toggle_mic_mute", "Ctrl+M", QT_TRANSLATE_NOOP("Hotkeys", "Mute / unmute the microphone")
    ),
    Hotkey("next_product", "PgDown", QT_TRANSLATE_NOOP("Hotkeys", "Next product")),
    Hotkey("previous_product", "PgUp", QT_TRANSLATE_NOOP("Hotkeys", "Previous product")),
    Hotkey(
        "toggle_layout_edit", "Ctrl+E", QT_TRANSLATE_NOOP("Hotkeys", "Edit layout on the preview")
    ),
    Hotkey("show_help", "F1", QT_TRANSLATE_NOOP("Hotkeys", "Show this list")),
)


def translated(text: str) -> str:
    return QCoreApplication.translate("Hotkeys", text)


class HotkeyHelpDialog(QDialog):
    """Lists :data:`HOTKEYS` as the user's keyboard shows them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(len(HOTKEYS), 2)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.intro = plain_label()
        self.intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(460, 320)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.intro.setText(self.tr("These work anywhere in the console window."))
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        for row, hk in enumerate(HOTKEYS):
            keys = QKeySequence(hk.keys).toString(QKeySequence.SequenceFormat.NativeText)
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(translated(hk.description)))
        self.table.resizeColumnToContents(0)
