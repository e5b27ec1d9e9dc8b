"""The console window: preview, sources, mixer, layers, destinations, health, go live.

Talks to the media side only through :class:`~console.ui.session.MediaSession` (which runs
every blocking call in a worker) and reads stats on UI timers: health at 1 Hz, meters at 15 Hz.
Going live, the outputs and the session journal are the live core's (``console/live``): the
window is one of its clients.

The window is put together from parts, one module each (mixins on this class):
``window_build`` (widgets, menus, hotkeys), ``sources_panel``, ``layers_panel``,
``canvas_panel``, ``destinations_part`` (destinations and going live), ``audience_menu``,
``show_docks`` (assistant, rundown, dashboard) and ``window_state`` (settings, geometry, close).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from console.live import golive
from console.live.session import LiveSession
from console.media.compositor import Layer
from console.qt.QtCore import QEvent, QTimer, Signal
from console.qt.QtWidgets import (
    QDockWidget,
    QFormLayout,
    QGroupBox,
    QMainWindow,
    QMessageBox,
)
from console.settings import (
    Settings,
)
from console.show.actor import HOTKEY, WINDOW, Actor
from console.ui.health import CpuMeter
from console.ui.hotkeys import HotkeyHelpDialog
from console.ui.i18n import LanguageManager
from console.ui.session import MediaSession
from console.ui.tasks import BackgroundTasks

if TYPE_CHECKING:
    from console.audience.compliance import Finding
    from console.ui.assistant import AssistantPanel
    from console.ui.audience_bridge import AudienceBridge
    from console.ui.chat_panel import ChatPanel
    from console.ui.rundown import RundownPanel
    from console.ui.show_bridge import ShowBridge

from console.timefmt import hms
from console.ui.audience_menu import AudienceMenu, AudiencePrefs
from console.ui.canvas_panel import FPS_CHOICES, RESOLUTIONS, CanvasPanel
from console.ui.destinations_part import DestinationsPart, highlighted_html, recording_path
from console.ui.layers_panel import LayersPanel, LayoutStore, layer_enabled
from console.ui.remote_part import RemotePart
from console.ui.show_docks import ShowDocks
from console.ui.sources_panel import SourcesPanel
from console.ui.window_build import WindowBuild
from console.ui.window_state import WindowState

__all__ = [
    "FPS_CHOICES",
    "RESOLUTIONS",
    "AudiencePrefs",
    "LayoutStore",
    "MainWindow",
    "compliance_lines",
    "highlighted_html",
    "layer_enabled",
    "recording_path",
]

log = logging.getLogger(__name__)

compliance_lines = golive.compliance_lines  # ``location: text with 【phrase】 — clause``


class MainWindow(
    WindowBuild,
    ShowDocks,
    AudienceMenu,
    SourcesPanel,
    LayersPanel,
    CanvasPanel,
    DestinationsPart,
    RemotePart,
    WindowState,
    QMainWindow,
):
    """The host's window. ``confirm`` can be replaced (tests) to answer confirmation dialogs."""

    product_next_requested = Signal()
    product_previous_requested = Signal()
    live_started = Signal()
    live_stopped = Signal()

    def __init__(
        self,
        settings: Settings,
        overlays: list[Layer],
        show_id: str = "demo",
        show_title: str = "",
        languages: LanguageManager | None = None,
        settings_folder: Path | None = None,
        layout_store: LayoutStore | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("consoleWindow")
        self.layout_store = layout_store
        self.bridge: ShowBridge | None = None
        self.assistant: AssistantPanel | None = None
        self.rundown_panel: RundownPanel | None = None
        self.assistant_dock: QDockWidget | None = None
        self.audience: AudienceBridge | None = None
        self.chat: ChatPanel | None = None
        self.chat_dock: QDockWidget | None = None
        self.dashboard = None  # DashboardPanel, once a show is attached
        self._last_health_sample = 0.0
        self.last_refusal = ""
        self.last_findings: list[Finding] = []
        self.settings = settings
        self.show_id = show_id
        self.show_title = show_title
        self.settings_folder = settings_folder
        self.languages = languages or LanguageManager()
        self.tasks = BackgroundTasks(self)
        self.session = MediaSession(self.tasks, overlays, self)
        # the live core: go-live policy, outputs, the session journal (the show comes later)
        self.live = LiveSession(
            None,
            rehearsal=settings.rehearsal,
            on_state=self.session.output_states.callback,
            audience_refusal=self._audience_refusal,
            audience_accounting=self._audience_accounting,  # with each health sample
        )
        self.go_live_actor: Actor = WINDOW  # who the next go live / stop is journaled as
        self.confirm: Callable[[str, str], bool] = self._ask
        self.session_keys: dict[str, str] = {}  # keys kept in memory when there is no keyring
        self.keyring_problem: str | None = None
        self.notices: list[str] = []
        self.live_since: float | None = None
        self.going_live = False
        self.closing = False
        self.closed = False
        self.encoders: list[str] = []
        self.cameras: list[int] | None = None
        self.mics: list[str] = []
        self.last_health = None
        self.cpu = CpuMeter()
        self._names: dict[str, str] = {}
        self._titled: list[QGroupBox] = []
        self._save_timer = QTimer(self, singleShot=True, interval=400, timeout=self.save_now)

        self._build_ui()
        self._build_menus()
        self._build_remote()  # Console ▸ Remote control, Phone panel (remote_part)
        self._bind_hotkeys()
        self._apply_layout(self.settings.canvas)
        self.destinations.set_destinations(self.settings.destinations)
        self._wire_destination_rows()
        self.destinations.record.setChecked(self.settings.record_when_live)
        self.destinations.record.toggled.connect(self._record_toggled)
        self._restore_geometry()

        s = self.session
        s.started.connect(self._pipeline_started)
        s.stopped.connect(lambda: self.live.attach_engine(None))
        s.start_failed.connect(self._pipeline_failed)
        s.notice.connect(self.add_notice)
        s.sources_changed.connect(self._sources_changed)
        s.live_stopped.connect(self._live_ended)
        s.output_states.state_changed.connect(self._output_state)

        self.health_timer = QTimer(self, interval=1000, timeout=self._update_health)
        self.meter_timer = QTimer(self, interval=66, timeout=self._update_meters)
        self.health_timer.start()
        self.meter_timer.start()
        self.retranslate_ui()
        self._refresh_mode()
        self._start_pipeline()
        self._probe_in_background()

    # ================================================================== texts
    def retranslate_ui(self) -> None:
        titles = [
            self.tr("Sources"),
            self.tr("Audio mixer"),
            self.tr("Layers"),
            self.tr("Destinations"),
            self.tr("Stream health"),
            self.tr("Canvas and encoding"),
        ]
        for box, title in zip(self._titled, titles):
            box.setTitle(title)
        for row, text in enumerate((self.tr("Video"), self.tr("Audio"))):
            self.sources_form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        labels = (
            self.tr("Orientation"),
            self.tr("Resolution"),
            self.tr("Frame rate"),
            self.tr("Video bitrate"),
            self.tr("Encoder"),
        )
        for row, text in enumerate(labels):
            self.canvas_form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        self.orientation.setItemText(0, self.tr("Portrait 9:16"))
        self.orientation.setItemText(1, self.tr("Landscape 16:9"))
        self.apply_canvas.setText(self.tr("Apply"))
        self.apply_canvas.setToolTip(
            self.tr("Restarts the preview with the new canvas; not while live")
        )
        self.find_cameras.setText(self.tr("Find cameras"))
        self.add_music.setText(self.tr("Add music…"))
        self.master_label.setText(self.tr("Master"))
        self.layer_up.setText(self.tr("Raise"))
        self.layer_down.setText(self.tr("Lower"))
        self.edit_layout.setText(self.tr("Edit layout"))
        self.edit_layout.setToolTip(
            self.tr("Drag overlays on the preview to move them; drag a corner to resize")
        )
        self.notice_dismiss.setText(self.tr("Dismiss"))
        self.console_menu.setTitle(self.tr("&Console"))
        self.rehearsal_action.setText(self.tr("&Rehearsal mode (nothing leaves this machine)"))
        self.quit_action.setText(self.tr("&Quit"))
        self._retranslate_remote()
        self._retranslate_recordings()
        self._retranslate_connectors()
        self.language_menu.setTitle(self.tr("&Language"))
        self.language_actions[""].setText(self.tr("System language"))
        self.view_menu.setTitle(self.tr("&View"))
        self.audience_menu.setTitle(self.tr("&Audience"))
        self.sim_action.setText(self.tr("&Simulated audience (rehearsal only)"))
        self.ingest_port_action.setText(self.tr("Ingest &port…"))
        self.ingest_token_action.setText(self.tr("&Copy ingest token"))
        self.blocked_words_action.setText(self.tr("&Blocked words…"))
        self.replay_action.setText(self.tr("&Replay a recorded chat… (rehearsal only)"))
        if self.chat_dock is not None:
            self.chat_dock.setWindowTitle(self.tr("Chat"))
            self.chat_dock.toggleViewAction().setText(self.tr("&Chat panel"))
            self._refresh_audience_menu()
        self.detach_action.setText(self.tr("Open the assistant in its own &window"))
        if self.assistant_dock is not None:
            self.assistant_dock.setWindowTitle(self.tr("Assistant"))
            self.assistant_dock.toggleViewAction().setText(self.tr("&Assistant panel"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.help_action.setText(self.tr("&Keyboard shortcuts"))
        self.about_action.setText(self.tr("&About Live Console"))
        self.preview.placeholder_text = self.tr("Starting the preview…")
        self.preview.badge_text = self.tr("REHEARSAL") if self.settings.rehearsal else ""
        self._fill_video_choices()
        self._fill_audio_choices()
        self._fill_safe_zones()
        self._fill_layers()
        for strip in self.strips:
            strip.retranslate_ui()
        self.destinations.retranslate_ui()
        if self.keyring_problem:
            self.destinations.keyring_note.setText(
                self.tr(
                    "No OS keyring ({0}): stream keys are kept in memory for this session only."
                ).format(self.keyring_problem)
            )
        self._refresh_mode()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def set_language(self, code: str) -> None:
        self.settings.language = code
        self.languages.set_language(code)
        self.schedule_save()

    # ================================================================== mode, notices
    def set_rehearsal(self, on: bool) -> None:
        if self.session.live or self.going_live:
            self.rehearsal_action.blockSignals(True)
            self.rehearsal_action.setChecked(self.settings.rehearsal)
            self.rehearsal_action.blockSignals(False)
            self.add_notice(self.tr("Stop before switching between rehearsal and live."))
            return
        self.settings.rehearsal = on
        self.live.set_rehearsal(on)
        if self.audience is not None:
            self.audience.set_rehearsal(on)
            if (
                on
                and self.sim_action.isChecked()
                and not self.audience.running("simulated_audience")
            ):
                self._start_simulated()
            elif not on and self.audience.running("simulated_audience"):
                self.add_notice(
                    self.tr(
                        "The simulated audience is still attached: going live to a platform is refused until you switch it off (Audience menu)."
                    )
                )
        self.preview.badge_text = self.tr("REHEARSAL") if on else ""
        self._sync_rehearsal_layer()
        self.preview.update()
        self._refresh_mode()
        self.schedule_save()

    def _refresh_mode(self) -> None:
        live = self.session.live
        rehearsal = self.settings.rehearsal
        if rehearsal:
            badge, name = self.tr("REHEARSAL · 彩排"), "badgeRehearsal"
        elif live:
            badge, name = self.tr("ON AIR"), "badgeLive"
        else:
            badge, name = self.tr("OFF AIR"), "badgeOff"
        self.mode_badge.setText(badge)
        self.mode_badge.setObjectName(name)
        self.mode_badge.style().unpolish(self.mode_badge)
        self.mode_badge.style().polish(self.mode_badge)
        if live:
            text = self.tr("Stop rehearsal") if rehearsal else self.tr("Stop stream")
        else:
            text = self.tr("Start rehearsal") if rehearsal else self.tr("Go live")
        if self.going_live:
            text = self.tr("Connecting…")
        self.go_live_button.setText(text)
        self.go_live_button.setProperty("live", live)
        self.go_live_button.style().unpolish(self.go_live_button)
        self.go_live_button.style().polish(self.go_live_button)
        self.go_live_button.setEnabled(
            self.session.running and not self.going_live and not self.closing
        )
        prefix = (
            (self.tr("REHEARSAL") + " — ")
            if rehearsal
            else ((self.tr("ON AIR") + " — ") if live else "")
        )
        self.setWindowTitle(
            prefix + self.tr("Live Console") + (f" · {self.show_title}" if self.show_title else "")
        )
        self.title_label.setText(self.show_title)
        locked = live or self.going_live
        self.apply_canvas.setEnabled(not locked and self.session.running)
        for row in self.destinations.rows.values():
            row.set_locked(locked)
        self.rehearsal_action.setEnabled(not locked)
        self.destinations.record.setEnabled(not rehearsal and not locked)
        self.destinations.record_state.setText(
            self.tr("Rehearsal always records a local copy.") if rehearsal else ""
        )
        self.destinations.record_state.setVisible(rehearsal)

    def add_notice(self, text: str) -> None:
        from console.redaction import redact

        text = redact(text)  # a notice may quote a server's reply, a URL or an error
        if text in self.notices:
            return
        self.notices.append(text)
        self.notice_label.setText("\n".join(self.notices[-4:]))
        self.notice_bar.show()

    def clear_notices(self) -> None:
        self.notices.clear()
        self.notice_bar.hide()

    # ================================================================== health
    def _audience_accounting(self) -> dict[str, int] | None:
        """The running hub's accounting by cause (None without an audience)."""
        hub = getattr(self.audience, "hub", None)
        return hub.accounting() if hub is not None else None

    def _update_health(self) -> None:
        stats = self.session.stats()  # health samples go to the journal from the live core
        outputs = self.session.hub.output_stats()
        cpu = self.cpu.sample()
        for o in outputs:
            row = self.destinations.rows.get(o.name)
            if row is not None:
                row.set_state(o.state, o.error, o.bitrate_kbps, o.lost_for_s)
        live_for = time.monotonic() - self.live_since if self.live_since is not None else None
        self.last_health = self.health.update_stats(
            stats,
            outputs,
            self._names,
            self.settings.canvas.fps,
            self.preview.paint_fps(),
            cpu,
            live_for,
        )
        self.health.update_audience(self._audience_accounting())
        if live_for is not None:
            self.live_clock.setText(hms(live_for, always_hours=True))
        else:
            self.live_clock.setText("")
        c = self.settings.canvas
        self.preview_info.setText(
            f"{c.width}×{c.height} · {c.fps} fps · {c.video_bitrate_kbps} kbps · "
            + self.tr("preview {0:.0f} fps").format(self.preview.paint_fps())
        )

    # ================================================================== hotkeys
    def hotkey_go_live_or_stop(self) -> None:
        self.go_live_or_stop(HOTKEY)

    def hotkey_toggle_mic_mute(self) -> None:
        """Mute the first microphone in the mix (or the first source when there is none)."""
        entries = self.session.audio
        if not entries:
            return
        index = next((i for i, e in enumerate(entries) if e.slot.spec.startswith("mic")), 0)
        if index < len(self.strips):
            self.strips[index].mute.toggle()

    def hotkey_next_product(self) -> None:
        """With a show: pin the next catalog product (a PinProduct command); always emits."""
        if self.assistant is not None:
            self.assistant.pin_relative(+1)
        self.product_next_requested.emit()

    def hotkey_previous_product(self) -> None:
        if self.assistant is not None:
            self.assistant.pin_relative(-1)
        self.product_previous_requested.emit()

    def hotkey_toggle_layout_edit(self) -> None:
        self.edit_layout.toggle()

    def hotkey_show_help(self) -> None:
        self.show_hotkeys()

    def show_hotkeys(self) -> HotkeyHelpDialog:
        dialog = HotkeyHelpDialog(self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.help_dialog = dialog
        return dialog

    def show_about(self) -> QMessageBox:
        """Help ▸ About: the version, as ``live-console --version`` says it."""
        from console.qt import binding_version
        from console.resources import version

        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("About Live Console"),
            self.tr("Live Console {version}").format(version=version()),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText(f"live-console {version()} · PySide6 {binding_version()}")
        if not self.windowIcon().isNull():
            box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.finished.connect(box.deleteLater)
        box.open()
        self.about_dialog = box
        return box
