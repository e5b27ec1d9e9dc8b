"""Rundown (直播脚本) and teleprompter for the host: current segment, timer, talking points.

The teleprompter is a widget of the window only — it is never a layer of the Scene, so it can
never reach the outgoing video. Next / Previous / double-click run ``AdvanceRundown`` /
``GotoSegment`` through the controller, which journals the segment and runs its cues.
"""

from __future__ import annotations

from console.qt.QtCore import QEvent, Qt
from console.qt.QtGui import QFont
from console.qt.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from console.show import commands as c
from console.show.journal import Event
from console.show.rundown import Rundown
from console.show.state import ShowState
from console.ui.assistant import _esc, clock_text
from console.ui.plain import plain_label, set_plain_tooltip
from console.ui.show_bridge import ShowBridge

#: The timer turns amber this many seconds before the planned end (or at 80 % of it).
WARN_BEFORE_S = 30.0


def timer_level(elapsed: float, planned: float) -> str:
    """``ok`` / ``warning`` (close to the planned end) / ``over`` (past it)."""
    if planned <= 0:
        return "ok"
    if elapsed > planned:
        return "over"
    if elapsed >= min(planned - WARN_BEFORE_S, 0.8 * planned):
        return "warning"
    return "ok"


class Teleprompter(QLabel):
    """Large, high-contrast talking points for the host to read while presenting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teleprompter")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(120)
        font = QFont(self.font())
        font.setPixelSize(24)
        self.setFont(font)
        self.points: tuple[str, ...] = ()

    def set_points(self, points: tuple[str, ...], placeholder: str = "") -> None:
        self.points = tuple(points)
        if not points:
            self.setText(f"<span style='color:#8a93a3'>{_esc(placeholder)}</span>")
            return
        items = "".join(f"<p style='margin:0 0 14px 0'>▸&nbsp;{_esc(p)}</p>" for p in points)
        self.setText(items)

    def plain_text(self) -> str:
        return "\n".join(self.points)


class RundownPanel(QFrame):
    """Segment header (title, timer, Previous/Next), teleprompter, and the segment list."""

    def __init__(self, bridge: ShowBridge, rundown: Rundown, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rundownPanel")
        self.bridge = bridge
        self.rundown = rundown
        self.last_error = ""

        self.segment_title = plain_label()
        self.segment_title.setObjectName("segmentTitle")
        self.segment_title.setWordWrap(True)
        self.timer = plain_label()
        self.timer.setObjectName("segmentTimerOk")
        self.timer.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.previous_button = QPushButton()
        self.previous_button.clicked.connect(self.previous)
        self.next_button = QPushButton()
        self.next_button.setObjectName("primary")
        self.next_button.clicked.connect(self.next)
        self.status = plain_label()
        self.status.setObjectName("commandError")
        self.status.setWordWrap(True)
        self.status.hide()
        self.teleprompter = Teleprompter()
        self.up_next = plain_label()
        self.up_next.setObjectName("hint")
        self.up_next.setWordWrap(True)
        self.segments = QListWidget()
        self.segments.setObjectName("rundownList")
        self.segments.setMaximumHeight(190)
        self.segments.itemDoubleClicked.connect(lambda item: self.goto(self.segments.row(item)))
        for seg in rundown:
            item = QListWidgetItem()
            set_plain_tooltip(item, seg.title)
            self.segments.addItem(item)

        head = QHBoxLayout()
        head.addWidget(self.segment_title, 1)
        head.addWidget(self.timer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.setSpacing(8)
        lay.addLayout(head)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        lay.addWidget(self.teleprompter, 1)
        lay.addWidget(self.up_next)
        lay.addWidget(self.segments)
        self.setMinimumWidth(280)

        bridge.event_received.connect(self._event)
        bridge.second_ticked.connect(self.refresh_timer)
        self.retranslate_ui()

    # -- texts -------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.previous_button.setText(self.tr("◀ Previous"))
        self.next_button.setText(self.tr("Next segment ▶"))
        self.next_button.setToolTip(self.tr("Starts the next segment and runs its cues"))
        self.segments.setToolTip(self.tr("Double-click a segment to go to it (its cues run)"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- commands ------------------------------------------------------------------------------
    def _run(self, command: c.Command) -> bool:
        event, reason = self.bridge.execute(command, actor="host")
        if event is None:
            self.last_error = reason
            self.status.setText("✕ " + self.tr("Not done: {0}").format(reason))
            self.status.show()
            return False
        self.last_error = ""
        self.status.hide()
        self.refresh()
        return True

    def next(self) -> bool:
        return self._run(c.AdvanceRundown())

    def previous(self) -> bool:
        position = self.bridge.state.rundown
        if position is None or position.index == 0:
            self.last_error = self.tr("already at the first segment")
            self.status.setText("✕ " + self.last_error)
            self.status.show()
            return False
        return self._run(c.GotoSegment(position.index - 1))

    def goto(self, index: int) -> bool:
        return self._run(c.GotoSegment(index))

    # -- display -------------------------------------------------------------------------------
    def _event(self, event: Event, state: ShowState) -> None:
        if event.kind.startswith("show.segment_"):
            self.refresh()

    def refresh(self) -> None:
        state = self.bridge.state
        position = state.rundown
        current = position.index if position else -1
        total = len(self.rundown)
        for i, seg in enumerate(self.rundown):
            item = self.segments.item(i)
            marker = "▶ " if i == current else "   "
            item.setText(f"{marker}{i + 1}. {seg.title}  ·  {clock_text(seg.planned_s)}")
            font = item.font()
            font.setBold(i == current)
            item.setFont(font)
            item.setForeground(Qt.GlobalColor.gray if i < current else Qt.GlobalColor.white)
        if current >= 0:
            self.segments.setCurrentRow(current)
        if position is None:
            first = self.rundown[0].title if total else ""
            self.segment_title.setText(
                self.tr("Not started · {0} segments").format(total)
                if total
                else self.tr("No rundown")
            )
            self.teleprompter.set_points(
                (),
                self.tr("Press Next to start with “{0}”.").format(first)
                if total
                else self.tr("This show has no rundown.json segments."),
            )
            self.up_next.setText("")
        else:
            seg = self.rundown[current]
            self.segment_title.setText(f"{current + 1}/{total} · {seg.title}")
            self.teleprompter.set_points(seg.talking_points, self.tr("No talking points."))
            if current + 1 < total:
                self.up_next.setText(
                    self.tr("Up next: {0}").format(self.rundown[current + 1].title)
                )
            else:
                self.up_next.setText(self.tr("Last segment"))
        self.previous_button.setEnabled(current > 0)
        self.next_button.setEnabled(current + 1 < total)
        self.refresh_timer()

    def refresh_timer(self) -> None:
        position = self.bridge.state.rundown
        if position is None:
            self.timer.setText("–:–– / –:––")
            level = "ok"
        else:
            now = self.bridge.now()
            elapsed = position.elapsed(now)
            level = timer_level(elapsed, position.planned_s)
            text = f"{clock_text(elapsed, countdown=False)} / {clock_text(position.planned_s)}"
            if level == "over":
                over = clock_text(position.overrun(now), countdown=False)
                text = self.tr("+{0} over · {1}").format(over, text)
            self.timer.setText(text)
        name = {
            "ok": "segmentTimerOk",
            "warning": "segmentTimerWarning",
            "over": "segmentTimerOver",
        }[level]
        if self.timer.objectName() != name:
            self.timer.setObjectName(name)
            self.timer.style().unpolish(self.timer)
            self.timer.style().polish(self.timer)
        self.timer_level = level
