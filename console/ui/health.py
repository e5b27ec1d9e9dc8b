"""Stream health: uptime, bitrate, fps, drops by cause, CPU, encoder; amber/red with the reason."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from console.media.output import OutputState, OutputStats
from console.media.pipeline import PipelineStats
from console.media.rtmp.publisher import ROOM_CLOSE_S
from console.qt.QtCore import QEvent
from console.qt.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget
from console.timefmt import hms
from console.ui.plain import plain_label

DROP_CAUSES = (
    "render_lag",
    "encoder_lag",
    "encoder_stalled",
    "congestion",
    "queue_full",
    "disk_slow",
    "disk_error",
)


class CpuMeter:
    """This process's CPU use, % of the whole machine, from ``time.process_time`` deltas."""

    def __init__(self) -> None:
        self._last = (time.monotonic(), time.process_time())
        self.percent = 0.0

    def sample(self) -> float:
        wall, cpu = time.monotonic(), time.process_time()
        dw, dc = wall - self._last[0], cpu - self._last[1]
        self._last = (wall, cpu)
        if dw > 0:
            self.percent = 100.0 * dc / dw / (os.cpu_count() or 1)
        return self.percent


@dataclass
class HealthReport:
    level: str = "ok"  # ok | warning | error | idle
    reasons: list[str] = field(default_factory=list)

    def add(self, level: str, reason: str) -> None:
        order = {"idle": 0, "ok": 1, "warning": 2, "error": 3}
        if order[level] > order[self.level]:
            self.level = level
        self.reasons.append(reason)


class HealthPanel(QWidget):
    """Numbers the host checks at a glance, and one line that says what is wrong."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = plain_label()
        self.status.setObjectName("healthIdle")
        self.status.setWordWrap(True)
        self.values: dict[str, QLabel] = {}
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(14)
        self._keys = (
            "uptime",
            "bitrate",
            "fps",
            "dropped",
            "cpu",
            "encoder",
            "latency",
            "destinations",
            "audience",
        )
        for key in self._keys:
            value = plain_label("–")
            value.setObjectName("value")
            value.setWordWrap(True)
            self.values[key] = value
            self.form.addRow(plain_label(), value)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.status)
        lay.addLayout(self.form)
        self._prev_drops: dict[str, int] = {}
        self._accounting: dict[str, int] | None = None
        self.report = HealthReport("idle")
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        labels = {
            "uptime": self.tr("Uptime"),
            "bitrate": self.tr("Outgoing bitrate"),
            "fps": self.tr("Frame rate"),
            "dropped": self.tr("Dropped frames"),
            "cpu": self.tr("CPU"),
            "encoder": self.tr("Encoder"),
            "latency": self.tr("Encode latency"),
            "destinations": self.tr("Destinations"),
            "audience": self.tr("Audience events"),
        }
        for row, key in enumerate(self._keys):
            item = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            item.widget().setText(labels[key])
        self.update_audience(self._accounting)
        self._show_status()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def update_stats(
        self,
        stats: PipelineStats | None,
        outputs: list[OutputStats],
        names: dict[str, str],
        target_fps: int,
        preview_fps: float,
        cpu_percent: float,
        live_seconds: float | None,
    ) -> HealthReport:
        report = HealthReport("ok")
        if stats is None:
            self.report = HealthReport("idle")
            self._show_status()
            return self.report
        v = self.values
        up = int(live_seconds) if live_seconds is not None else int(stats.uptime_s)
        v["uptime"].setText(
            hms(up, always_hours=True)
            + ("" if live_seconds is not None else "  " + self.tr("(preview, not live)"))
        )
        kbps = sum(o.bitrate_kbps for o in outputs)
        v["bitrate"].setText(f"{kbps:,.0f} kbps" if outputs else self.tr("not sending"))
        v["fps"].setText(
            self.tr("{0:.1f} of {1} · preview {2:.0f}").format(
                stats.render_fps, target_fps, preview_fps
            )
        )
        drops = dict(stats.dropped)
        for o in outputs:
            for cause, n in o.dropped.items():
                if cause != "offline":
                    drops[cause] = drops.get(cause, 0) + n
        total = sum(drops.values())
        v["dropped"].setText(
            str(total)
            + (
                " (" + ", ".join(f"{k} {n}" for k, n in sorted(drops.items())) + ")"
                if drops
                else ""
            )
        )
        v["cpu"].setText(f"{cpu_percent:.0f} %")
        v["encoder"].setText(stats.encoder or "–")
        v["latency"].setText(
            self.tr("{0:.0f} ms render · {1:.0f} ms encode").format(
                stats.render_ms, stats.encode_ms
            )
        )
        states = [o for o in outputs]
        v["destinations"].setText(
            ", ".join(f"{names.get(o.name, o.name)}: {o.state.name.lower()}" for o in states)
            or self.tr("none live")
        )

        # -- what is wrong ------------------------------------------------------------------
        if stats.error:
            report.add("error", stats.error)
        for o in outputs:
            label = names.get(o.name, o.name)
            if o.state == OutputState.FAILED:
                report.add("error", f"{label}: {o.error or self.tr('failed')}")
            elif o.state == OutputState.RECONNECTING:
                lost = int(o.lost_for_s or 0)
                text = self.tr(
                    "{0}: connection lost {1} s ago ({2}), reconnecting, attempt {3}"
                ).format(label, lost, o.error or "?", o.reconnect_attempts)
                left = ROOM_CLOSE_S - lost
                text += " · " + (
                    self.tr("room may close in {0} s").format(left)
                    if left > 0
                    else self.tr("the room may have closed")
                )
                report.add("error" if lost >= 30 else "warning", text)
            elif o.state == OutputState.CONNECTING:
                report.add("warning", self.tr("{0}: connecting").format(label))
            elif o.queued_ms > 700:
                report.add(
                    "warning",
                    self.tr("{0}: network slow, {1} ms queued").format(label, o.queued_ms),
                )
        if stats.uptime_s > 3 and stats.render_fps < 0.9 * target_fps:
            report.add(
                "warning",
                self.tr("rendering {0:.1f} fps of {1}").format(stats.render_fps, target_fps),
            )
        new = {
            k: n - self._prev_drops.get(k, 0)
            for k, n in drops.items()
            if n > self._prev_drops.get(k, 0)
        }
        self._prev_drops = drops
        if new:
            report.add(
                "warning",
                self.tr("dropping frames: {0}").format(
                    ", ".join(f"{k} +{n}" for k, n in new.items())
                ),
            )
        if stats.video_bitrate and stats.video_bitrate < stats.video_bitrate_set:
            report.add(
                "warning",
                self.tr("network slow: video bitrate lowered to {0} of {1} kbps").format(
                    stats.video_bitrate // 1000, stats.video_bitrate_set // 1000
                ),
            )
            link = getattr(stats, "link_bps", None)
            if link:  # what the server's acknowledgements say the link carries, and why
                report.add(
                    "warning",
                    self.tr("link ≈ {0:.1f} Mbit/s, target {1:.1f} Mbit/s ({2})").format(
                        link / 1e6, stats.video_bitrate / 1e6, getattr(stats, "abr_reason", "")
                    ),
                )
        if cpu_percent > 85:
            report.add("warning", self.tr("CPU at {0:.0f} %").format(cpu_percent))
        if stats.encoder_fallback:
            report.add("warning", stats.encoder_fallback)
        self.report = report
        self._show_status()
        return report

    def update_audience(self, accounting: dict[str, int] | None) -> str:
        """The audience row: where the hub's events went by cause (``AudienceHub.accounting``;
        None: no audience running). Returns the text shown."""
        self._accounting = dict(accounting) if accounting is not None else None
        if accounting is None:
            text = self.tr("no audience")
        else:
            dropped = {
                k.split(":", 1)[1]: n
                for k, n in sorted(accounting.items())
                if k.startswith("dropped:") and n
            }
            text = self.tr("{0} accepted · {1} coalesced · {2} sampled out · {3} dropped").format(
                f"{accounting.get('accepted', 0):,}",
                f"{accounting.get('coalesced', 0):,}",
                f"{accounting.get('sampled_for_overlay', 0):,}",
                f"{sum(dropped.values()):,}",
            )
            if dropped:
                text += " (" + ", ".join(f"{k} {n:,}" for k, n in dropped.items()) + ")"
            if accounting.get("duplicate"):
                text += " · " + self.tr("{0} duplicates").format(f"{accounting['duplicate']:,}")
            if accounting.get("unaccounted"):
                text += " · " + self.tr("{0} unaccounted").format(f"{accounting['unaccounted']:,}")
        self.values["audience"].setText(text)
        return text

    def _show_status(self) -> None:
        r = self.report
        if r.level == "idle":
            text = self.tr("Starting…")
        elif r.level == "ok":
            text = self.tr("All good")
        else:
            text = "; ".join(r.reasons)
        self.status.setText(("● " if r.level != "idle" else "") + text)
        self.status.setObjectName("health" + r.level.capitalize())
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
