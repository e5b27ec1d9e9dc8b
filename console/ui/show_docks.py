"""The show's docks: the assistant panel, the rundown beside the program, the live dashboard and its report.

A part of :class:`~console.ui.main_window.MainWindow` (a mixin: ``self`` is the window).
Texts are translated in the ``MainWindow`` context, as before the split.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from console.qt.QtCore import QByteArray, Qt
from console.qt.QtGui import (
    QGuiApplication,
)
from console.qt.QtWidgets import (
    QDockWidget,
)

if TYPE_CHECKING:
    from console.show.promotions import Promotions
    from console.show.rundown import Rundown
    from console.ui.show_bridge import ShowBridge

from console.qt.QtCore import QCoreApplication as _Q

log = logging.getLogger(__name__)


class ShowDocks:
    """The show's docks: the assistant panel, the rundown beside the program, the live dashboard and its report."""

    def attach_show(self, bridge: ShowBridge, rundown: Rundown, promotions: Promotions) -> None:
        """Add the show's assistant panel (a dock that can float on a second screen) and the
        rundown + teleprompter beside the program. Everything they do is a command."""
        from console.ui.assistant import AssistantPanel
        from console.ui.rundown import RundownPanel

        self.bridge = bridge
        bridge.problem.connect(self.add_notice)
        self.assistant = AssistantPanel(bridge, promotions, self.show_title)
        dock = QDockWidget(self)
        dock.setObjectName("assistantDock")
        dock.setWidget(self.assistant)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        dock.setMinimumWidth(380)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.assistant_dock = dock
        self.rundown_panel = RundownPanel(bridge, rundown)
        self.centre_split.addWidget(self.rundown_panel)
        self.centre_split.setStretchFactor(0, 3)
        self.centre_split.setStretchFactor(1, 2)
        self._orient_centre()
        self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addAction(self.detach_action)
        self.view_menu.menuAction().setVisible(True)
        qs = self._qsettings()
        state = qs.value("window/state")
        centre = qs.value("window/centre")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        else:
            self.resize(max(self.width(), 1900), max(self.height(), 1020))
            self.splitter.setSizes([330, 780, 390])
            self.centre_split.setSizes([430, 350])
            self.resizeDocks([dock], [430], Qt.Orientation.Horizontal)
        if isinstance(centre, QByteArray):
            self.centre_split.restoreState(centre)
        self.retranslate_ui()

    def detach_assistant(self) -> None:
        """Float the assistant panel as its own window (on the second screen if there is one)."""
        dock = self.assistant_dock
        if dock is None:
            return
        dock.show()
        dock.setFloating(True)
        screens = QGuiApplication.screens()
        here = self.screen()
        other = next((sc for sc in screens if sc is not here), None)
        area = (other or here).availableGeometry()
        width = min(520, area.width())
        height = min(900, area.height())
        dock.setGeometry(
            area.x() + (area.width() - width) // 2,
            area.y() + (area.height() - height) // 2,
            width,
            height,
        )
        dock.raise_()

    def attach_dashboard(self, controller) -> None:  # noqa: ANN001 - ShowController
        """The live dashboard (a dock tabbed with the assistant), fed on the UI thread by the
        show bridge and the audience bridge; its button writes the post-show report."""
        from console.analytics.live import LiveStats
        from console.ui.dashboard import DashboardPanel

        stats = LiveStats(clock=controller.now)
        stats.replay(controller.journal.events())
        if self.bridge is not None:
            self.bridge.event_received.connect(stats.on_show_event)
        if self.audience is not None:
            self.audience.items_received.connect(
                lambda items: [stats.on_audience_item(i) for i in items]
            )
        self.dashboard = DashboardPanel(stats, getattr(controller.folder.meta, "currency", "CNY"))
        self.dashboard.report_requested.connect(self.export_report)
        dock = QDockWidget(self)
        dock.setObjectName("dashboardDock")
        dock.setWidget(self.dashboard)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        if self.assistant_dock is not None:
            self.tabifyDockWidget(self.assistant_dock, dock)
            self.assistant_dock.raise_()
        dock.setWindowTitle(_Q.translate("MainWindow", "Dashboard"))
        self.dashboard_dock = dock
        self.view_menu.addAction(dock.toggleViewAction())

    def export_report(self) -> None:
        """Write the show's report (HTML + CSV) into its folder, off the UI thread."""
        from console.analytics.report import write_report

        folder = self.show_folder.path
        out = folder / "reports"

        def work() -> Path:
            out.mkdir(parents=True, exist_ok=True)
            write_report(folder, html=out / "report.html", csv_dir=out)
            return out / "report.html"

        self.add_notice(_Q.translate("MainWindow", "Writing the show report…"))
        self.tasks.run(
            work,
            lambda path: self.add_notice(
                _Q.translate("MainWindow", "Report written: {0}").format(path)
            ),
            lambda exc: self.add_notice(
                _Q.translate("MainWindow", "Report failed: {0}").format(exc)
            ),
        )

    def _orient_centre(self) -> None:
        """Portrait: teleprompter beside the (narrow) program; landscape: below it."""
        portrait = self.settings.canvas.portrait
        self.centre_split.setOrientation(
            Qt.Orientation.Horizontal if portrait else Qt.Orientation.Vertical
        )
