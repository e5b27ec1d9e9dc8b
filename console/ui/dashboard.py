"""Live dashboard panel: viewers now, comments per minute, likes, orders, GMV, conversion, the
pinned product's counters and stream health, refreshed every few seconds.

The numbers come from :class:`console.analytics.live.LiveStats`, which the controller and the
audience hub feed on their own threads; this panel only reads ``stats.snapshot()`` (a frozen
copy, under the aggregator's lock) from a UI timer, so it never blocks the stream or the hub and
is never touched off the UI thread. Wiring (in the window):

    stats = LiveStats(clock=controller.now); stats.replay(controller.journal.events())
    controller.subscribe(stats.on_show_event); hub.subscribe(stats.on_audience_item)
    panel = DashboardPanel(stats); panel.report_requested.connect(window.export_report)
"""

from __future__ import annotations

from console.analytics.html import money, pct
from console.analytics.live import LiveSnapshot, LiveStats
from console.qt.QtCore import Qt, QTimer, Signal
from console.qt.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from console.ui.plain import plain_label


def _elapsed(seconds: float) -> str:
    m, s = divmod(max(0, int(seconds)), 60)
    return f"{m}:{s:02d}"


class _Tile(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(0)
        self.caption = plain_label(parent=self)
        self.caption.setObjectName("dashboardCaption")
        self.value = plain_label("–", self)
        self.value.setObjectName("dashboardValue")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)


class DashboardPanel(QWidget):
    """Read-only numbers for the operators; ``refresh()`` runs on a timer (default every 2 s)."""

    report_requested = Signal()

    KEYS = ("viewers", "comments", "likes", "orders", "gmv", "conversion")

    def __init__(
        self,
        stats: LiveStats,
        currency: str = "CNY",
        interval_ms: int = 2000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardPanel")
        self.stats = stats
        self.currency = currency
        self.last: LiveSnapshot | None = None
        grid = QGridLayout()
        grid.setSpacing(6)
        self.tiles: dict[str, _Tile] = {}
        for i, key in enumerate(self.KEYS):
            tile = _Tile(self)
            self.tiles[key] = tile
            grid.addWidget(tile, i // 3, i % 3)
        self.pinned = plain_label(parent=self)
        self.pinned.setObjectName("dashboardPinned")
        self.pinned.setWordWrap(True)
        self.pinned.setTextFormat(Qt.TextFormat.PlainText)
        self.health = plain_label(parent=self)
        self.health.setObjectName("dashboardHealth")
        self.report_button = QPushButton(self)
        self.report_button.clicked.connect(self.report_requested)
        bottom = QHBoxLayout()
        bottom.addWidget(self.health, 1)
        bottom.addWidget(self.report_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(grid)
        layout.addWidget(self.pinned)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.retranslate()
        self.timer = QTimer(self, interval=interval_ms, timeout=self.refresh)
        self.timer.start()
        self.refresh()

    def retranslate(self) -> None:
        captions = {
            "viewers": self.tr("Viewers now"),
            "comments": self.tr("Comments / min"),
            "likes": self.tr("Likes"),
            "orders": self.tr("Orders"),
            "gmv": self.tr("GMV"),
            "conversion": self.tr("Conversion"),
        }
        for key, text in captions.items():
            self.tiles[key].caption.setText(text)
        self.report_button.setText(self.tr("Report…"))
        if self.last is not None:
            self._show(self.last)

    def refresh(self) -> LiveSnapshot:
        snap = self.stats.snapshot()
        self._show(snap)
        return snap

    def _show(self, snap: LiveSnapshot) -> None:
        self.last = snap
        values = {
            "viewers": f"{snap.viewers_now:,}",
            "comments": f"{snap.comments_per_min:,}",
            "likes": f"{snap.likes:,}",
            "orders": f"{snap.orders:,}",
            "gmv": money(snap.gmv_cents, self.currency),
            "conversion": pct(snap.conversion),
        }
        for key, text in values.items():
            self.tiles[key].value.setText(text)
        self.tiles["viewers"].setToolTip(
            self.tr("Peak {0} · {1} different viewers seen").format(
                f"{snap.peak_viewers:,}", f"{snap.unique_viewers:,}"
            )
        )
        p = snap.pinned
        if p is None:
            self.pinned.setText(self.tr("Pinned: –"))
        else:
            self.pinned.setText(
                self.tr(
                    "Pinned: {0} for {1} · {2} orders · {3} · {4} carts · {5} comments · "
                    "conversion {6}"
                ).format(
                    p.title,
                    _elapsed(snap.at - p.since),
                    p.orders,
                    money(p.gmv_cents, self.currency),
                    p.carts,
                    p.comments,
                    pct(p.conversion),
                )
            )
        rate = "–" if snap.bitrate_kbps is None else f"{snap.bitrate_kbps:,.0f} kbps"
        self.health.setText(
            self.tr("Stream: {0} dropped · {1} reconnects · {2}").format(
                f"{snap.drops:,}", snap.reconnects, rate
            )
        )
