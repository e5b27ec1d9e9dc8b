"""Building the window: the widgets of the three columns, the menus, the hotkeys.

A part of :class:`~console.ui.main_window.MainWindow` (a mixin: ``self`` is the window).
Texts are translated in the ``MainWindow`` context, as before the split.
"""

from __future__ import annotations

import logging

from console.qt.QtCore import QCoreApplication as _Q
from console.qt.QtCore import Qt
from console.qt.QtGui import (
    QAction,
    QActionGroup,
    QKeySequence,
    QShortcut,
)
from console.qt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from console.ui.canvas_panel import FPS_CHOICES
from console.ui.destinations import DestinationsPanel
from console.ui.health import HealthPanel
from console.ui.hotkeys import HOTKEYS
from console.ui.i18n import LANGUAGES
from console.ui.meters import AudioStrip, LevelMeter
from console.ui.plain import plain_label
from console.ui.preview import PreviewWidget

log = logging.getLogger(__name__)


def _group(title_holder: list, layout: QVBoxLayout | QFormLayout) -> QGroupBox:
    box = QGroupBox()
    box.setLayout(layout)
    title_holder.append(box)
    return box


class WindowBuild:
    """Building the window: the widgets of the three columns, the menus, the hotkeys."""

    def _build_ui(self) -> None:
        # -- top bar ------------------------------------------------------------------------
        self.mode_badge = plain_label()
        self.mode_badge.setObjectName("badgeRehearsal")
        self.mode_badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = plain_label()
        self.title_label.setObjectName("showTitle")
        self.live_clock = plain_label()
        self.live_clock.setObjectName("liveClock")
        self.go_live_button = QPushButton()
        self.go_live_button.setObjectName("goLive")
        self.go_live_button.setMinimumWidth(150)
        self.go_live_button.setMinimumHeight(36)
        self.go_live_button.clicked.connect(self.go_live_or_stop)
        top = QFrame()
        top.setObjectName("topBar")
        tl = QHBoxLayout(top)
        tl.setContentsMargins(14, 8, 14, 8)
        tl.addWidget(self.mode_badge)
        tl.addSpacing(8)
        tl.addWidget(self.title_label, 1)
        tl.addWidget(self.live_clock)
        tl.addSpacing(12)
        tl.addWidget(self.go_live_button)

        self.notice_bar = QFrame()
        self.notice_bar.setObjectName("noticeBar")
        self.notice_label = plain_label()
        self.notice_label.setWordWrap(True)
        self.notice_dismiss = QToolButton()
        self.notice_dismiss.clicked.connect(self.clear_notices)
        nl = QHBoxLayout(self.notice_bar)
        nl.setContentsMargins(14, 6, 14, 6)
        nl.addWidget(self.notice_label, 1)
        nl.addWidget(self.notice_dismiss)
        self.notice_bar.hide()

        # -- left: sources, mixer, layers -----------------------------------------------------
        self.video_choice = QComboBox()
        self.video_choice.setObjectName("videoSource")
        self.video_choice.activated.connect(self._video_chosen)
        for combo in (self.video_choice,):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
        self.find_cameras = QToolButton()
        self.find_cameras.clicked.connect(self._probe_cameras)
        vrow = QHBoxLayout()
        vrow.addWidget(self.video_choice, 1)
        vrow.addWidget(self.find_cameras)
        self.audio_choice = QComboBox()
        self.audio_choice.setObjectName("audioSource")
        self.audio_choice.activated.connect(self._audio_chosen)
        self.audio_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.audio_choice.setMinimumContentsLength(8)
        self.add_music = QToolButton()
        self.add_music.clicked.connect(self._add_audio_file)
        arow = QHBoxLayout()
        arow.addWidget(self.audio_choice, 1)
        arow.addWidget(self.add_music)
        self.sources_form = QFormLayout()
        self.sources_form.addRow(plain_label(), vrow)
        self.sources_form.addRow(plain_label(), arow)
        self.sources_box = _group(self._titled, self.sources_form)

        self.strips_layout = QVBoxLayout()
        self.strips_layout.setSpacing(2)
        self.master_meter = LevelMeter()
        self.master_label = plain_label()
        self.master_label.setObjectName("stripTitle")
        mixer_l = QVBoxLayout()
        mixer_l.addLayout(self.strips_layout)
        mixer_l.addWidget(self.master_label)
        mixer_l.addWidget(self.master_meter)
        self.mixer_box = _group(self._titled, mixer_l)
        self.strips: list[AudioStrip] = []

        self.layers_list = QListWidget()
        self.layers_list.setObjectName("layers")
        self.layers_list.setMaximumHeight(150)
        self.layers_list.itemChanged.connect(self._layer_item_changed)
        self.layers_list.currentItemChanged.connect(self._layer_current_changed)
        self.layer_up = QToolButton()
        self.layer_down = QToolButton()
        self.layer_up.clicked.connect(lambda: self._move_layer(+1))
        self.layer_down.clicked.connect(lambda: self._move_layer(-1))
        lbtn = QHBoxLayout()
        lbtn.addWidget(self.layer_up)
        lbtn.addWidget(self.layer_down)
        lbtn.addStretch(1)
        layers_l = QVBoxLayout()
        layers_l.addWidget(self.layers_list)
        layers_l.addLayout(lbtn)
        self.layers_box = _group(self._titled, layers_l)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(10, 10, 6, 10)
        ll.setSpacing(10)
        for box in (self.sources_box, self.mixer_box, self.layers_box):
            ll.addWidget(box)
        ll.addStretch(1)

        # -- centre: preview -------------------------------------------------------------------
        self.preview = PreviewWidget(self.session)
        self.preview.setObjectName("preview")
        self.preview.layer_selected.connect(self._preview_selected)
        self.preview.layout_changed.connect(self._layout_edited)
        self.edit_layout = QToolButton()
        self.edit_layout.setCheckable(True)
        self.edit_layout.setChecked(True)
        self.edit_layout.toggled.connect(self._edit_toggled)
        self.safe_zone_choice = QComboBox()
        self.safe_zone_choice.activated.connect(self._safe_zone_chosen)
        self.preview_info = plain_label()
        self.preview_info.setObjectName("hint")
        self.preview_info.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        ptools = QHBoxLayout()
        ptools.setContentsMargins(0, 0, 0, 0)
        ptools.addWidget(self.edit_layout)
        ptools.addWidget(self.safe_zone_choice)
        ptools.addStretch(1)
        program = QWidget()
        cl = QVBoxLayout(program)
        cl.setContentsMargins(6, 10, 6, 10)
        cl.addWidget(self.preview, 1)
        cl.addLayout(ptools)
        cl.addWidget(self.preview_info)  # its own line: the program column can be narrow
        # the program, and (with a show) the rundown + teleprompter beside or below it
        self.centre_split = QSplitter(Qt.Orientation.Horizontal)
        self.centre_split.setChildrenCollapsible(False)
        self.centre_split.addWidget(program)
        centre = self.centre_split

        # -- right: destinations, health, canvas ---------------------------------------------------
        self.destinations = DestinationsPanel()
        self.destinations.add_requested.connect(self.open_destination_dialog)
        dl = QVBoxLayout()
        dl.addWidget(self.destinations)
        self.destinations_box = _group(self._titled, dl)
        self.health = HealthPanel()
        hl = QVBoxLayout()
        hl.addWidget(self.health)
        self.health_box = _group(self._titled, hl)

        self.orientation = QComboBox()
        self.orientation.addItem("", "portrait")
        self.orientation.addItem("", "landscape")
        self.orientation.activated.connect(self._orientation_chosen)
        self.resolution = QComboBox()
        self.fps = QComboBox()
        for f in FPS_CHOICES:
            self.fps.addItem(f"{f} fps", f)
        self.bitrate = QSpinBox()
        self.bitrate.setRange(500, 20000)
        self.bitrate.setSingleStep(250)
        self.bitrate.setSuffix(" kbps")
        self.encoder = QComboBox()
        self.apply_canvas = QPushButton()
        self.apply_canvas.clicked.connect(self.apply_canvas_settings)
        self.canvas_form = QFormLayout()
        for w in (self.orientation, self.resolution, self.fps, self.bitrate, self.encoder):
            if isinstance(w, QComboBox):
                w.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                w.setMinimumContentsLength(10)
            self.canvas_form.addRow(plain_label(), w)
        self.canvas_form.addRow("", self.apply_canvas)
        self.canvas_box = _group(self._titled, self.canvas_form)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 10, 10, 10)
        rl.setSpacing(10)
        for box in (self.destinations_box, self.health_box, self.canvas_box):
            rl.addWidget(box)
        rl.addStretch(1)

        def scrolled(w: QWidget, width: int) -> QScrollArea:
            area = QScrollArea()
            area.setWidget(w)
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setMinimumWidth(width)
            area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            return area

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(scrolled(left, 290))
        self.splitter.addWidget(centre)
        self.splitter.addWidget(scrolled(right, 330))
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        root = QWidget()
        rl2 = QVBoxLayout(root)
        rl2.setContentsMargins(0, 0, 0, 0)
        rl2.setSpacing(0)
        rl2.addWidget(top)
        rl2.addWidget(self.notice_bar)
        rl2.addWidget(self.splitter, 1)
        self.setCentralWidget(root)
        self.resize(1440, 900)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.console_menu = mb.addMenu("")
        self.rehearsal_action = QAction(self, checkable=True)
        self.rehearsal_action.setChecked(self.settings.rehearsal)
        self.rehearsal_action.toggled.connect(self.set_rehearsal)
        self.console_menu.addAction(self.rehearsal_action)
        self.console_menu.addSeparator()
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.console_menu.addAction(self.quit_action)

        self.language_menu = mb.addMenu("")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, label in [("", ""), *LANGUAGES.items()]:
            act = QAction(label, self, checkable=True)
            act.setData(code)
            act.setChecked(code == self.settings.language)
            act.triggered.connect(lambda _=False, c=code: self.set_language(c))
            group.addAction(act)
            self.language_menu.addAction(act)
            self.language_actions[code] = act

        self.audience_menu = mb.addMenu("")
        self.audience_menu.menuAction().setVisible(False)  # until an audience is attached
        self.sim_action = QAction(self, checkable=True)
        self.sim_action.toggled.connect(self.set_simulated_audience)
        self.ingest_action = QAction(self, checkable=True)
        self.ingest_action.toggled.connect(self.set_ingest)
        self.ingest_port_action = QAction(self)
        self.ingest_port_action.triggered.connect(self.ask_ingest_port)
        self.ingest_status_action = QAction(self)
        self.ingest_status_action.setEnabled(False)
        self.ingest_token_action = QAction(self)
        self.ingest_token_action.triggered.connect(self.copy_ingest_token)
        self.blocked_words_action = QAction(self)
        self.blocked_words_action.triggered.connect(self.edit_blocked_words)
        self.replay_action = QAction(self, checkable=True)
        self.replay_action.toggled.connect(self.set_replay)
        for act in (
            self.sim_action,
            self.replay_action,
            None,
            self.ingest_action,
            self.ingest_status_action,
        ):
            if act is None:
                self.audience_menu.addSeparator()
            else:
                self.audience_menu.addAction(act)
        self.audience_menu.addAction(self.ingest_port_action)
        self.audience_menu.addAction(self.ingest_token_action)
        self.audience_menu.addSeparator()
        self.audience_menu.addAction(self.blocked_words_action)
        self._build_connector_menu()  # platform connectors and their states (audience_menu)

        self.recordings_menu = mb.addMenu("")
        self.clips_action = QAction(self)
        self.clips_action.triggered.connect(self.open_clips)
        self.recordings_menu.addAction(self.clips_action)
        self.clips_dialog = None

        self.view_menu = mb.addMenu("")
        self.detach_action = QAction(self)
        self.detach_action.triggered.connect(self.detach_assistant)
        self.view_menu.menuAction().setVisible(False)  # until a show is attached

        self.help_menu = mb.addMenu("")
        self.help_action = QAction(self)
        self.help_action.triggered.connect(self.show_hotkeys)
        self.help_menu.addAction(self.help_action)
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self.show_about)
        self.help_menu.addAction(self.about_action)

    def _retranslate_recordings(self) -> None:
        self.recordings_menu.setTitle(_Q.translate("MainWindow", "&Recordings"))
        self.clips_action.setText(_Q.translate("MainWindow", "&Clips…"))

    def open_clips(self):  # noqa: ANN201 - ClipsDialog
        """Recordings ▸ Clips…: the show's sessions and the clips cut from its recordings."""
        from console.ui.clips_dialog import ClipsDialog

        show = getattr(getattr(self, "show_folder", None), "path", None)
        if show is None:
            return None
        dialog = ClipsDialog(show, parent=self, tasks=self.tasks)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.clips_dialog = dialog
        return dialog

    def _bind_hotkeys(self) -> None:
        self.shortcuts: dict[str, QShortcut] = {}
        for hk in HOTKEYS:
            sc = QShortcut(QKeySequence(hk.keys), self)
            sc.setContext(Qt.ShortcutContext.ApplicationShortcut)
            sc.activated.connect(getattr(self, f"hotkey_{hk.action}"))
            self.shortcuts[hk.action] = sc
