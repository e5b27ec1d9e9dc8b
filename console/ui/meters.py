"""Audio meters: a small peak/RMS bar per source, with mute and gain, fed by a UI timer."""

from __future__ import annotations

import math

from console.qt.QtCore import QRectF, QSize, Qt, Signal
from console.qt.QtGui import QColor, QPainter, QPaintEvent
from console.qt.QtWidgets import QHBoxLayout, QSlider, QToolButton, QVBoxLayout, QWidget
from console.ui.plain import plain_label

FLOOR_DB = -60.0


def _fraction(db: float) -> float:
    if not math.isfinite(db):
        return 0.0
    return max(0.0, min(1.0, (db - FLOOR_DB) / -FLOOR_DB))


class LevelMeter(QWidget):
    """A horizontal bar: RMS filled, peak as a tick with a short hold; green → amber → red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.peak_db = -math.inf
        self.rms_db = -math.inf
        self._hold = 0.0
        self._hold_ticks = 0
        self.setMinimumHeight(8)
        self.setMaximumHeight(10)

    def sizeHint(self) -> QSize:  # Qt override
        return QSize(160, 8)

    def set_levels(self, peak_db: float, rms_db: float) -> None:
        self.peak_db, self.rms_db = peak_db, rms_db
        f = _fraction(peak_db)
        if f >= self._hold or self._hold_ticks <= 0:
            self._hold, self._hold_ticks = f, 15  # ~1 s at 15 Hz
        else:
            self._hold_ticks -= 1
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt override
        p = QPainter(self)
        r = QRectF(self.rect())
        p.fillRect(r, QColor("#23272f"))
        level = _fraction(self.rms_db)
        peak = _fraction(self.peak_db)
        w = r.width()
        # coloured zones: up to -18 dBFS green, to -6 amber, above red
        for start, end, color in (
            (0.0, 0.7, "#3fb27f"),
            (0.7, 0.9, "#e0b341"),
            (0.9, 1.0, "#e5534b"),
        ):
            seg_end = min(level, end)
            if seg_end > start:
                p.fillRect(
                    QRectF(r.x() + start * w, r.y(), (seg_end - start) * w, r.height()),
                    QColor(color),
                )
        if peak > 0:
            p.fillRect(QRectF(r.x() + peak * w - 1, r.y(), 2, r.height()), QColor("#d0d6e0"))
        if self._hold > 0:
            p.fillRect(
                QRectF(r.x() + self._hold * w - 1, r.y(), 2, r.height()),
                QColor("#e5534b" if self._hold > 0.9 else "#9aa4b5"),
            )
        p.end()


class AudioStrip(QWidget):
    """One mix source: name, meter, mute button and gain slider (-30 … +10 dB)."""

    mute_toggled = Signal(bool)
    gain_changed = Signal(float)  # linear gain

    def __init__(self, title: str, muted: bool, gain: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = plain_label(title)
        self.title.setObjectName("stripTitle")
        self.meter = LevelMeter()
        self.mute = QToolButton()
        self.mute.setCheckable(True)
        self.mute.setChecked(muted)
        self.mute.setObjectName("muteButton")
        self.mute.toggled.connect(self._on_mute)
        self.gain = QSlider(Qt.Orientation.Horizontal)
        self.gain.setRange(-30, 10)
        db = 20 * math.log10(gain) if gain > 0 else -30
        self.gain.setValue(round(db))
        self.gain.valueChanged.connect(lambda v: self.gain_changed.emit(10 ** (v / 20)))
        self.gain_label = plain_label()
        self.gain_label.setMinimumWidth(44)
        self.gain_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.gain.valueChanged.connect(self._show_gain)
        self._show_gain(self.gain.value())
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title, 1)
        top.addWidget(self.mute)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.gain, 1)
        bottom.addWidget(self.gain_label)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        lay.setSpacing(3)
        lay.addLayout(top)
        lay.addWidget(self.meter)
        lay.addLayout(bottom)
        self.retranslate_ui()

    def _show_gain(self, v: int) -> None:
        self.gain_label.setText(f"{v:+d} dB")

    def _on_mute(self, muted: bool) -> None:
        self.retranslate_ui()
        self.mute_toggled.emit(muted)

    def retranslate_ui(self) -> None:
        self.mute.setText(self.tr("Muted") if self.mute.isChecked() else self.tr("Mute"))
