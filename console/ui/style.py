"""A calm dark theme: low-contrast panels, one accent, colour only where it means something."""

from __future__ import annotations

from console.qt.QtGui import QColor, QPalette
from console.qt.QtWidgets import QApplication

BG = "#15171c"
PANEL = "#1c1f26"
RAISED = "#252932"
BORDER = "#2e333d"
TEXT = "#d9dee7"
MUTED = "#8a93a3"
ACCENT = "#4da3ff"
OK = "#3fb27f"
AMBER = "#f5a623"
RED = "#e5534b"

STYLESHEET = f"""
QMainWindow, QWidget#consoleWindow {{ background: {BG}; }}
QWidget {{ color: {TEXT}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: {BG}; }}
QMenuBar {{ background: {PANEL}; border-bottom: 1px solid {BORDER}; }}
QMenuBar::item:selected, QMenu::item:selected {{ background: {RAISED}; }}
QMenu {{ background: {PANEL}; border: 1px solid {BORDER}; }}
QFrame#topBar {{ background: {PANEL}; border-bottom: 1px solid {BORDER}; }}
QFrame#noticeBar {{ background: #3a2f18; border-bottom: 1px solid #5a4520; }}
QFrame#noticeBar QLabel {{ color: #f3d9a4; }}
QLabel#showTitle {{ font-size: 12pt; font-weight: 600; }}
QLabel#liveClock {{ font-size: 13pt; font-weight: 600; color: {TEXT}; }}
QLabel#badgeRehearsal, QLabel#badgeLive, QLabel#badgeOff {{
    padding: 5px 12px; border-radius: 4px; font-weight: 700; letter-spacing: 1px;
}}
QLabel#badgeRehearsal {{ background: {AMBER}; color: #1a1a1a; }}
QLabel#badgeLive {{ background: {RED}; color: white; }}
QLabel#badgeOff {{ background: {RAISED}; color: {MUTED}; }}
QGroupBox {{
    background: {PANEL}; border: 1px solid {BORDER}; border-radius: 6px;
    margin-top: 14px; padding: 12px 10px 10px 10px; font-weight: 600;
}}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {MUTED}; }}
QGroupBox QLabel, QGroupBox QCheckBox {{ font-weight: 400; }}
QLabel#hint {{ color: {MUTED}; }}
QLabel#warning {{ color: {AMBER}; }}
QLabel#error {{ color: {RED}; }}
QLabel#value {{ color: {TEXT}; }}
QLabel#rowTitle, QLabel#stripTitle {{ font-weight: 600; }}
QLabel#stateIdle {{ color: {MUTED}; }}
QLabel#stateOk {{ color: {OK}; font-weight: 600; }}
QLabel#stateWarning {{ color: {AMBER}; font-weight: 600; }}
QLabel#stateError {{ color: {RED}; font-weight: 600; }}
QLabel#healthIdle {{ color: {MUTED}; padding: 4px 0; }}
QLabel#healthOk {{ color: {OK}; font-weight: 600; padding: 4px 0; }}
QLabel#healthWarning {{ color: {AMBER}; font-weight: 600; padding: 4px 0; }}
QLabel#healthError {{ color: {RED}; font-weight: 600; padding: 4px 0; }}
QFrame#destinationRow {{ background: {RAISED}; border: 1px solid {BORDER}; border-radius: 5px; }}
QPushButton, QToolButton {{
    background: {RAISED}; border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 10px;
}}
QPushButton:hover, QToolButton:hover {{ border-color: #48505e; }}
QPushButton:disabled, QToolButton:disabled {{ color: #5d6573; }}
QToolButton:checked {{ background: #23405f; border-color: {ACCENT}; }}
QToolButton#muteButton:checked {{ background: #4a2424; border-color: {RED}; color: #ffb4ae; }}
QPushButton#goLive {{
    background: #2d7d57; border: none; color: white; font-weight: 700; font-size: 11pt; padding: 6px 18px;
}}
QPushButton#goLive:hover {{ background: #339065; }}
QPushButton#goLive[live="true"] {{ background: {RED}; }}
QPushButton#goLive:disabled {{ background: {RAISED}; color: #5d6573; }}
QComboBox, QLineEdit, QSpinBox {{
    background: {BG}; border: 1px solid {BORDER}; border-radius: 4px; padding: 3px 6px;
}}
QComboBox QAbstractItemView {{ background: {PANEL}; selection-background-color: {RAISED}; }}
QListWidget, QTableWidget {{ background: {BG}; border: 1px solid {BORDER}; border-radius: 4px; }}
QListWidget::item:selected {{ background: #23405f; }}
QSlider::groove:horizontal {{ height: 4px; background: {BORDER}; border-radius: 2px; }}
QSlider::handle:horizontal {{ background: {TEXT}; width: 12px; margin: -5px 0; border-radius: 6px; }}
QSplitter::handle {{ background: {BG}; }}
QDialog {{ background: {PANEL}; }}
QHeaderView::section {{ background: {RAISED}; border: none; padding: 4px; }}
QDockWidget {{ color: {MUTED}; font-weight: 600; }}
QDockWidget::title {{ background: {PANEL}; padding: 6px 10px; border-bottom: 1px solid {BORDER}; }}
QWidget#assistantPanel {{ background: {BG}; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 4px; background: {PANEL}; top: -1px; }}
QTabBar::tab {{
    background: {BG}; color: {MUTED}; border: 1px solid {BORDER}; border-bottom: none;
    padding: 5px 10px; margin-right: 2px; border-top-left-radius: 4px; border-top-right-radius: 4px;
}}
QTabBar::tab:selected {{ background: {PANEL}; color: {TEXT}; }}
QTabWidget::pane QScrollArea, QTabWidget::pane QScrollArea > QWidget > QWidget {{ background: {PANEL}; }}
QLabel#sectionLabel {{ color: {MUTED}; font-weight: 600; padding-top: 4px; }}
QLabel#glance {{ font-size: 10.5pt; }}
QLabel#commandError {{
    color: #ffb4ae; background: #3a1f1f; border: 1px solid #5c2b2b; border-radius: 4px; padding: 5px 8px;
}}
QLabel#commandOk {{ color: {MUTED}; padding: 2px 2px; }}
QListWidget#catalog {{ background: {PANEL}; border: none; }}
QListWidget#catalog::item, QListWidget#catalog::item:selected {{ background: transparent; }}
QFrame#productRow {{ background: {RAISED}; border: 1px solid {BORDER}; border-radius: 5px; }}
QFrame#productRow[pinned="true"] {{ border-color: {OK}; background: #1f3329; }}
QPushButton#pinButton[pinned="true"] {{ background: #2d7d57; border-color: #2d7d57; color: white; }}
QPushButton#primary {{ background: #23405f; border-color: {ACCENT}; font-weight: 600; }}
QPushButton#primary:disabled {{ background: {RAISED}; border-color: {BORDER}; }}
QListWidget#journalLog {{ alternate-background-color: {PANEL}; }}
QFrame#rundownPanel {{ background: {PANEL}; border-left: 1px solid {BORDER}; }}
QLabel#segmentTitle {{ font-size: 13pt; font-weight: 600; }}
QLabel#segmentTimerOk, QLabel#segmentTimerWarning, QLabel#segmentTimerOver {{
    font-size: 16pt; font-weight: 700; padding: 2px 10px; border-radius: 4px;
}}
QLabel#segmentTimerOk {{ color: {TEXT}; }}
QLabel#segmentTimerWarning {{ color: #1a1a1a; background: {AMBER}; }}
QLabel#segmentTimerOver {{ color: white; background: {RED}; }}
QLabel#teleprompter {{
    background: #0f1114; color: #f2f4f8; border: 1px solid {BORDER}; border-radius: 6px; padding: 14px 16px;
}}
QListWidget#rundownList::item {{ padding: 4px 2px; }}
QWidget#chatPanel {{ background: {BG}; }}
QListView#chatList {{ background: {PANEL}; border: 1px solid {BORDER}; border-radius: 4px; }}
QListView#chatList::item {{ padding: 3px 4px; }}
QListView#chatList::item:selected {{ background: #23405f; color: {TEXT}; }}
QLabel#chatTotals {{ color: {TEXT}; }}
QPushButton#chatJump {{ background: #23405f; border-color: {ACCENT}; }}
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    pal = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, BG),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.Base, BG),
        (QPalette.ColorRole.AlternateBase, PANEL),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.Button, RAISED),
        (QPalette.ColorRole.ButtonText, TEXT),
        (QPalette.ColorRole.Highlight, ACCENT),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.ToolTipBase, PANEL),
        (QPalette.ColorRole.ToolTipText, TEXT),
        (QPalette.ColorRole.PlaceholderText, "#5d6573"),
    ):
        pal.setColor(role, QColor(color))
    app.setPalette(pal)
    app.setStyleSheet(STYLESHEET)
