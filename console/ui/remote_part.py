"""Console ▸ Remote control and Console ▸ Phone panel: the team's own devices drive the window's
live core (issue 12).

A part of :class:`~console.ui.main_window.MainWindow` (a mixin: ``self`` is the window). The
targets are the live core's, shared with ``live-console run`` (``console/live/control_target.py``,
``console/live/panel_target.py``); this part only hands their calls over to the UI thread
(:class:`GuiCall`) so they go through the same paths as a click: the layer list, the mixer
strips, the go-live flow (with the remote actor; no confirmation dialog — the button pressed on
the Stream Deck or the phone is the confirmation, as in OBS). Texts are translated in the
``MainWindow`` context.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from console.control import requests as rq
from console.control.target import AudioInput, ControlError
from console.qt.QtCore import QCoreApplication as _Q
from console.qt.QtCore import QObject, Qt, QThread, QTimer, Signal
from console.qt.QtGui import QAction
from console.show.actor import Actor

log = logging.getLogger(__name__)

DEFAULT_CONTROL_PORT = 4455
DEFAULT_PANEL_PORT = 8766


class GuiCall(QObject):
    """Runs a callable on the UI thread from any thread and waits (bounded) for its result."""

    _call = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, job: list) -> None:
        fn, done = job[0], job[3]
        try:
            job[1] = fn()
        except BaseException as exc:  # handed back to the calling thread
            job[2] = exc
        done.set()

    def __call__(self, fn: Callable[[], Any], timeout: float = 5.0) -> Any:
        if QThread.currentThread() == self.thread():
            return fn()
        job: list = [fn, None, None, threading.Event()]
        self._call.emit(job)
        if not job[3].wait(timeout):
            raise ControlError(rq.REQUEST_PROCESSING_FAILED, "the console window is busy")
        if job[2] is not None:
            raise job[2]
        return job[1]


class RemotePart:
    """Console ▸ Remote control (obs-websocket) and Console ▸ Phone panel (+ LAN)."""

    def _build_remote(self) -> None:
        from console.ui.plain import plain_label

        self.gui_call = GuiCall(self)
        self.remote_server: Any = None
        self.remote_target: Any = None
        self.remote_port = DEFAULT_CONTROL_PORT
        self.remote_password: str | None = None
        self.panel_server: Any = None
        self.panel_target: Any = None
        self.panel_port = DEFAULT_PANEL_PORT
        self.panel_lan = False
        self.remote_action = QAction(self, checkable=True)
        self.remote_action.toggled.connect(lambda on: self.set_remote_control(on))
        self.remote_status_action = QAction(self)
        self.remote_status_action.setEnabled(False)
        self.remote_password_action = QAction(self)
        self.remote_password_action.triggered.connect(self.copy_remote_password)
        self.panel_action = QAction(self)
        self.panel_action.triggered.connect(self.open_phone_panel)
        self.panel_lan_action = QAction(self, checkable=True)
        self.panel_lan_action.toggled.connect(self.set_panel_lan)
        menu = self.console_menu
        before = self.quit_action
        for act in (
            self.remote_action,
            self.remote_status_action,
            self.remote_password_action,
            None,
            self.panel_action,
            self.panel_lan_action,
            None,
        ):
            if act is None:
                menu.insertSeparator(before)
            else:
                menu.insertAction(before, act)
        self.remote_badge = plain_label()
        self.remote_badge.setObjectName("remoteBadge")
        self.lan_badge = plain_label()
        self.lan_badge.setObjectName("lanBadge")
        self.lan_badge.hide()
        bar = self.live_clock.parentWidget().layout()
        at = bar.indexOf(self.live_clock)
        bar.insertWidget(at, self.lan_badge)
        bar.insertWidget(at, self.remote_badge)
        self.remote_timer = QTimer(self, interval=1000, timeout=self._refresh_remote)
        self.remote_timer.start()
        self.live_started.connect(lambda: self._remote_live(True))
        self.live_stopped.connect(lambda: self._remote_live(False))

    def _retranslate_remote(self) -> None:
        self.remote_action.setText(
            _Q.translate("MainWindow", "Remote &control (obs-websocket, port {0})").format(
                self.remote_port
            )
        )
        self.remote_password_action.setText(
            _Q.translate("MainWindow", "Copy the remote-control &password")
        )
        self.panel_action.setText(_Q.translate("MainWindow", "&Phone panel…"))
        self.panel_lan_action.setText(_Q.translate("MainWindow", "Allow phones on the Wi-Fi (LAN)"))
        self._refresh_remote()

    # ---- what the live core's targets drive, on the UI thread

    def _remote_go_live(self, actor: Actor) -> None:
        self.gui_call(lambda: self.go_live(actor))

    def _remote_stop(self, actor: Actor) -> None:
        self.gui_call(lambda: self._stop_live_now(actor) if self.session.live else None)

    def _remote_layers(self) -> list[tuple[str, bool]]:
        from console.ui.layers_panel import layer_enabled

        return self.gui_call(
            lambda: [(lay.name, layer_enabled(lay)) for lay in reversed(self.session.overlays)]
        )

    def _remote_set_layer(self, name: str, enabled: bool) -> None:
        def apply() -> None:  # through the layer list, as a tick in the window
            for i in range(self.layers_list.count()):
                item = self.layers_list.item(i)
                if item.data(Qt.ItemDataRole.UserRole) == name:
                    item.setCheckState(
                        Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked
                    )

        self.gui_call(apply)

    def _remote_audio(self) -> list[AudioInput]:
        def read() -> list[AudioInput]:
            mixer = self.session.mixer
            out = []
            for entry in self.session.audio:
                name = entry.source.name
                try:
                    muted, gain = mixer.is_muted(name), mixer.gain(name)
                except KeyError:
                    continue
                out.append(AudioInput(name, muted, rq.mul_to_db(gain), uuid=name))
            return out

        return self.gui_call(read)

    def _strip(self, name: str) -> Any:
        for strip, entry in zip(self.strips, self.session.audio):
            if entry.source.name == name:
                return strip
        raise ControlError(rq.RESOURCE_NOT_FOUND, f"no input {name!r}")

    def _remote_set_muted(self, name: str, muted: bool) -> None:
        self.gui_call(lambda: self._strip(name).mute.setChecked(muted))  # the strip's path

    def _remote_set_gain(self, name: str, gain: float) -> None:
        import math

        def apply() -> None:
            strip = self._strip(name)
            db = 20 * math.log10(gain) if gain > 0 else -30
            strip.gain.setValue(max(-30, min(10, round(db))))
            self._gain(self.strips.index(strip), gain)  # the exact gain, not the slider's step

        self.gui_call(apply)

    def _remote_hotkeys(self) -> dict[str, Callable[[Actor], None]]:
        from console.ui.hotkeys import HOTKEYS

        keys: dict[str, Callable[[Actor], None]] = {}
        for hk in HOTKEYS:
            if hk.action == "go_live_or_stop":
                keys[f"window.{hk.action}"] = lambda actor: (
                    self._remote_stop(actor) if self.session.live else self._remote_go_live(actor)
                )
            elif hk.action != "show_help":
                fn = getattr(self, f"hotkey_{hk.action}")
                keys[f"window.{hk.action}"] = lambda actor, fn=fn: self.gui_call(fn)
        return keys

    def _remote_live(self, on: bool) -> None:
        for target in (self.remote_target, self.panel_target):
            if target is not None:
                target.live_changed(on)

    # ---- remote control (obs-websocket)

    def set_remote_control(self, on: bool, port: int | None = None) -> None:
        """Start (or stop) the obs-websocket server on the window's live core. The password is
        made once and kept in the OS keyring (fetched off the UI thread)."""
        if port is not None:
            self.remote_port = int(port)
        if not on:
            self._stop_remote()
            return
        if self.remote_server is not None:
            return

        def got(password: str) -> None:
            self.remote_password = password
            try:
                self._start_remote(password)
            except Exception as exc:  # a port in use: say so, in one line
                self.add_notice(
                    _Q.translate("MainWindow", "Remote control did not start: {0}").format(exc)
                )
                self._set_checked(self.remote_action, False)
            self._refresh_remote()

        from console.control.obsws import load_or_create_password

        self.tasks.run(load_or_create_password, got, lambda e: self.add_notice(str(e)))

    def _start_remote(self, password: str) -> None:
        from console.control.obsws import ObsWebSocketServer
        from console.live.control_target import LiveControlTarget, LiveParts
        from console.ui.destinations_part import recording_path

        parts = LiveParts(
            go_live=self._remote_go_live,
            stop_live=self._remote_stop,
            layers=self._remote_layers,
            set_layer=self._remote_set_layer,
            audio=self._remote_audio,
            set_muted=self._remote_set_muted,
            set_gain=self._remote_set_gain,
            orientation=lambda: self.settings.canvas.orientation,
            recording_path=lambda: recording_path("recording"),
            hotkeys=self._remote_hotkeys(),
        )
        target = LiveControlTarget(self.live.controller, self.live, parts)
        server = ObsWebSocketServer(target, password, port=self.remote_port)
        try:
            server.start()
        except BaseException:
            target.close()
            raise
        self.remote_target, self.remote_server = target, server
        self._set_checked(self.remote_action, True)

    def _stop_remote(self) -> None:
        server, self.remote_server = self.remote_server, None
        target, self.remote_target = self.remote_target, None
        if server is not None:
            server.close()
        if target is not None:
            self.tasks.run(target.close)  # may finish a remote recording
        self._set_checked(self.remote_action, False)
        self._refresh_remote()

    def copy_remote_password(self) -> None:
        from console.qt.QtWidgets import QApplication

        if self.remote_password:
            QApplication.clipboard().setText(self.remote_password)

    # ---- the phone panel

    def open_phone_panel(self) -> Any:
        """Console ▸ Phone panel…: start the panel (if needed) and show the pairing dialog."""
        from console.ui.pairing_dialog import PairingDialog

        if self.panel_server is None:
            try:
                self._start_panel()
            except Exception as exc:  # a port in use: say so, in one line
                self.add_notice(
                    _Q.translate("MainWindow", "The phone panel did not start: {0}").format(exc)
                )
                return None
        dialog = PairingDialog(self.panel_server, parent=self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.pairing_dialog = dialog
        return dialog

    def _start_panel(self) -> None:
        from console.live.panel_target import LivePanelTarget
        from console.panel.pairing import PairingStore
        from console.panel.server import PanelServer

        hub = self.audience.hub if self.audience is not None else None
        target = LivePanelTarget(
            self.live.controller, hub, self.live, self._remote_go_live, self._remote_stop
        )
        server = PanelServer(target, PairingStore(), port=self.panel_port, lan=self.panel_lan)
        try:
            server.start()
        except BaseException:
            target.close()
            raise
        self.panel_target, self.panel_server = target, server
        self._refresh_remote()

    def _stop_panel(self) -> None:
        server, self.panel_server = self.panel_server, None
        target, self.panel_target = self.panel_target, None
        if server is not None:
            server.close()
        if target is not None:
            target.close()

    def set_panel_lan(self, on: bool) -> None:
        """Phones on the Wi-Fi: the panel restarts bound to every interface (the LAN address
        allowed in Host/Origin), and the header says so; off: loopback only again."""
        self.panel_lan = bool(on)
        running = self.panel_server is not None
        self._stop_panel()
        if running or on:
            try:
                self._start_panel()
            except Exception as exc:
                self.add_notice(
                    _Q.translate("MainWindow", "The phone panel did not start: {0}").format(exc)
                )
        self._refresh_remote()

    # ---- the header and the menu

    def _refresh_remote(self) -> None:
        server = self.remote_server
        if server is None:
            self.remote_badge.hide()
            self.remote_status_action.setVisible(False)
        else:
            names = server.clients()
            text = _Q.translate("MainWindow", "remote: {0} connected").format(len(names))
            if names:
                text += f" ({', '.join(names)})"
            self.remote_badge.setText(text)
            self.remote_badge.show()
            self.remote_status_action.setText(text)
            self.remote_status_action.setVisible(True)
        self.remote_password_action.setEnabled(bool(self.remote_password))
        panel = self.panel_server
        if panel is not None and self.panel_lan:
            self.lan_badge.setText(
                _Q.translate("MainWindow", "LAN: phones can connect at {0}").format(
                    f"{panel.base_url}/panel/"
                )
            )
            self.lan_badge.show()
        else:
            self.lan_badge.hide()

    @staticmethod
    def _set_checked(action: QAction, on: bool) -> None:
        action.blockSignals(True)
        action.setChecked(on)
        action.blockSignals(False)

    def _close_remote(self) -> None:
        """Stop both servers (the window is closing; before the show's journal closes)."""
        self.remote_timer.stop()
        self._stop_remote()
        self._stop_panel()
