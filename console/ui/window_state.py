"""What the window keeps: settings (debounced save), window.ini (geometry, docks), and the close that stops everything in order.

A part of :class:`~console.ui.main_window.MainWindow` (a mixin: ``self`` is the window).
Texts are translated in the ``MainWindow`` context, as before the split.
"""

from __future__ import annotations

import logging

from console.errors import UserError
from console.qt.QtCore import QByteArray, QSettings
from console.qt.QtCore import QCoreApplication as _Q
from console.qt.QtGui import (
    QCloseEvent,
)
from console.settings import (
    config_dir,
    save_settings,
)
from console.show.actor import WINDOW

log = logging.getLogger(__name__)


class WindowState:
    """What the window keeps: settings (debounced save), window.ini (geometry, docks), and the close that stops everything in order."""

    def schedule_save(self) -> None:
        self._save_timer.start()

    def save_now(self) -> None:
        try:
            save_settings(self.settings, self.settings_folder)
        except OSError as exc:
            self.add_notice(
                _Q.translate("MainWindow", "Settings not saved: {0}").format(exc.strerror)
            )
        if self.layout_store is not None:
            try:
                self.layout_store.flush()
            except UserError as exc:
                self.add_notice(_Q.translate("MainWindow", "Layout not saved: {0}").format(exc))

    def _qsettings(self) -> QSettings:
        folder = self.settings_folder or config_dir()
        return QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        qs = self._qsettings()
        geometry = qs.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = qs.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([330, 700, 410])
        self._fill_canvas_controls(self.settings.canvas)

    def _save_geometry(self) -> None:
        qs = self._qsettings()
        qs.setValue("window/geometry", self.saveGeometry())
        qs.setValue("window/splitter", self.splitter.saveState())
        if self.assistant_dock is not None:
            qs.setValue("window/state", self.saveState())
            qs.setValue("window/centre", self.centre_split.saveState())
        qs.sync()

    quitting_without_asking = False

    def quit_without_asking(self) -> None:
        """SIGINT / SIGTERM: close as Quit does (outputs stopped, session ended, recording
        finalised) without the "You are live" question nobody is there to answer."""
        self.quitting_without_asking = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        if self.closed:
            event.accept()
            return
        if (
            self.session.live
            and not self.quitting_without_asking
            and not self.confirm(
                _Q.translate("MainWindow", "Quit"),
                _Q.translate("MainWindow", "You are live. End the stream and quit?"),
            )
        ):
            event.ignore()
            return
        event.ignore()
        if self.closing:
            return
        self.closing = True
        self._refresh_mode()
        self.health_timer.stop()
        self.meter_timer.stop()
        self._save_geometry()
        self._save_timer.stop()  # a pending save must not fire after the window is gone
        self.save_now()
        if self.live.live:  # the session ends in the journal before the pipeline stops
            self._stop_live_now(WINDOW, lambda: self.session.stop(self._finish_close))
        else:
            self.session.stop(self._finish_close)

    def _finish_close(self) -> None:
        if self._save_timer.isActive():  # something changed while the pipeline stopped
            self._save_timer.stop()
            self.save_now()
        self._close_remote()  # remote control and the phone panel (remote_part)
        if self.audience is not None:  # plugins and the hub thread stop before the journal
            self._save_audience_prefs()
            self.audience.stop()
        if self.bridge is not None:  # the render thread has stopped reading the show state
            self.bridge.close()
        for dock in (self.assistant_dock, self.chat_dock):
            if dock is not None and dock.isFloating():
                dock.close()
        self.closed = True
        self.close()
