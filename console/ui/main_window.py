"""The console window: preview, sources, mixer, layers, destinations, health, go live.

Talks to the media side only through :class:`~console.ui.session.MediaSession` (which runs
every blocking call in a worker) and reads stats on UI timers: health at 1 Hz, meters at 15 Hz.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.errors import UserError
from console.live import golive
from console.live.session import LiveSession
from console.media.compositor import Layer, NormRect, VideoLayer
from console.media.output import OutputState
from console.platforms import credentials
from console.platforms.presets import key_status, preset_by_id
from console.settings import (
    AudioSlot,
    CanvasSettings,
    DestinationSettings,
    LayerPlacement,
    Settings,
    config_dir,
    save_settings,
)
from console.show.actor import HOTKEY, WINDOW, Actor
from console.ui.destinations import DestinationDialog, DestinationsPanel, chinese_ui, expiry_text
from console.ui.health import CpuMeter, HealthPanel
from console.ui.hotkeys import HOTKEYS, HotkeyHelpDialog
from console.ui.i18n import LANGUAGES, LanguageManager
from console.ui.meters import AudioStrip, LevelMeter
from console.ui.plain import plain_label
from console.ui.preview import PreviewWidget
from console.ui.session import MediaSession
from console.ui.tasks import BackgroundTasks

if TYPE_CHECKING:
    from console.audience.compliance import Finding
    from console.audience.plugins import PluginStatus
    from console.show.promotions import Promotions
    from console.show.rundown import Rundown
    from console.ui.assistant import AssistantPanel
    from console.ui.audience_bridge import AudienceBridge
    from console.ui.chat_panel import ChatPanel
    from console.ui.rundown import RundownPanel
    from console.ui.show_bridge import ShowBridge

log = logging.getLogger(__name__)

RESOLUTIONS = {"portrait": [(720, 1280), (1080, 1920)], "landscape": [(1280, 720), (1920, 1080)]}
FPS_CHOICES = (25, 30, 50, 60)


def recording_path(stem: str) -> Path:
    from platformdirs import user_videos_dir

    folder = Path(user_videos_dir()) / "live-console"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}-{dt.datetime.now():%Y%m%d-%H%M%S}.flv"


@dataclass
class AudiencePrefs:
    """The audience settings, kept in window.ini (``[audience]``) next to settings.json."""

    simulated: bool = True  # attach the simulated audience in rehearsal
    ingest: bool = False  # run the local ingest (HTTP/WebSocket on 127.0.0.1)
    ingest_port: int = 8765
    blocked_words: list[str] = field(default_factory=list)
    quick_replies: list[str] = field(default_factory=list)


compliance_lines = golive.compliance_lines  # ``location: text with 【phrase】 — clause``


def highlighted_html(text: str) -> str:
    """Plain text with 【phrase】 marks → HTML with the phrase highlighted (amber)."""
    import html
    import re

    body = html.escape(text).replace("\n", "<br>")
    return re.sub(
        "【(.*?)】",
        r"<span style='background:#f5a623;color:#1a1a1a;padding:0 2px'>\1</span>",
        body,
    )


def layer_enabled(layer: Layer) -> bool:
    """The user's on/off for a layer. Show layers hide themselves when there is nothing to show
    (``visible`` is then False); ``enabled`` is what the layers list and the layout store."""
    return bool(getattr(layer, "enabled", layer.visible))


class LayoutStore(Protocol):
    """Where the overlay placements of a show live (the show folder's layout.json)."""

    def load(self, orientation: str) -> list[LayerPlacement] | None: ...

    def save(self, orientation: str, placements: list[LayerPlacement]) -> None: ...

    def flush(self) -> None: ...


def _group(title_holder: list, layout: QVBoxLayout | QFormLayout) -> QGroupBox:
    box = QGroupBox()
    box.setLayout(layout)
    title_holder.append(box)
    return box


class MainWindow(QMainWindow):
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

    # ================================================================== construction
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

    def _bind_hotkeys(self) -> None:
        self.shortcuts: dict[str, QShortcut] = {}
        for hk in HOTKEYS:
            sc = QShortcut(QKeySequence(hk.keys), self)
            sc.setContext(Qt.ShortcutContext.ApplicationShortcut)
            sc.activated.connect(getattr(self, f"hotkey_{hk.action}"))
            self.shortcuts[hk.action] = sc

    # ================================================================== the show
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

    # ================================================================== the audience
    def audience_prefs(self) -> AudiencePrefs:
        qs = self._qsettings()
        defaults = AudiencePrefs()

        def flag(key: str, default: bool) -> bool:
            value = qs.value(f"audience/{key}", default)
            return value if isinstance(value, bool) else str(value).lower() in ("true", "1")

        def words(key: str) -> list[str] | None:
            value = qs.value(f"audience/{key}")
            if value is None:
                return None
            items = [value] if isinstance(value, str) else list(value)
            return [str(w) for w in items if str(w).strip()]

        try:
            port = int(qs.value("audience/ingest_port", defaults.ingest_port))
        except (TypeError, ValueError):
            port = defaults.ingest_port
        from console.ui.audience_bridge import DEFAULT_BLOCKED_WORDS
        from console.ui.chat_panel import DEFAULT_REPLIES

        blocked = words("blocked_words")
        replies = words("quick_replies")
        return AudiencePrefs(
            simulated=flag("simulated", defaults.simulated),
            ingest=flag("ingest", defaults.ingest),
            ingest_port=port if 0 < port < 65536 else defaults.ingest_port,
            blocked_words=list(DEFAULT_BLOCKED_WORDS) if blocked is None else blocked,
            quick_replies=list(DEFAULT_REPLIES) if replies is None else replies,
        )

    def _save_audience_prefs(self) -> None:
        if self.audience is None:
            return
        qs = self._qsettings()
        qs.setValue("audience/simulated", self.sim_action.isChecked())
        qs.setValue("audience/ingest", self.ingest_action.isChecked())
        qs.setValue("audience/ingest_port", self.ingest_port)
        qs.setValue("audience/blocked_words", self.audience.moderator.blocked_words)
        if self.chat is not None:
            qs.setValue("audience/quick_replies", self.chat.reply_texts())
        qs.sync()

    def attach_audience(self, audience: AudienceBridge) -> None:
        """Start the show's audience hub, add the chat panel (a dock beside the assistant) and
        the Audience menu; attach the simulated audience in rehearsal (when chosen)."""
        from console.ui.chat_panel import ChatPanel

        prefs = self.audience_prefs()
        self.audience = audience
        self.ingest_port = prefs.ingest_port
        pin_layer = self._overlay("pinned_comment")
        self.chat = ChatPanel(audience, pin_layer, prefs.quick_replies)
        dock = QDockWidget(self)
        dock.setObjectName("chatDock")
        dock.setWidget(self.chat)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        dock.setMinimumWidth(380)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        if self.assistant_dock is not None:
            self.tabifyDockWidget(self.assistant_dock, dock)
            qs_state = self._qsettings().value("window/state")
            if isinstance(qs_state, QByteArray):
                self.restoreState(qs_state)
            self.assistant_dock.raise_()
        self.chat_dock = dock
        self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.menuAction().setVisible(True)
        self.audience_menu.menuAction().setVisible(True)
        audience.plugin_changed.connect(self._audience_status)
        audience.plugin_failed.connect(self._audience_failed)
        if self.bridge is not None:
            self.bridge.event_received.connect(lambda *_: self.chat.refresh_counters())
        audience.start()
        for act, on in ((self.sim_action, prefs.simulated), (self.ingest_action, prefs.ingest)):
            act.blockSignals(True)
            act.setChecked(on)
            act.blockSignals(False)
        if prefs.simulated and self.settings.rehearsal:
            self._start_simulated()
        if prefs.ingest:
            self._start_ingest()
        self.retranslate_ui()

    # ================================================================== dashboard, report

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
        dock.setWindowTitle(self.tr("Dashboard"))
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

        self.add_notice(self.tr("Writing the show report…"))
        self.tasks.run(
            work,
            lambda path: self.add_notice(self.tr("Report written: {0}").format(path)),
            lambda exc: self.add_notice(self.tr("Report failed: {0}").format(exc)),
        )

    def _start_simulated(self) -> None:
        import random

        # a fresh seed per start: message ids must not repeat within the hub's de-duplication
        seed = random.SystemRandom().randrange(1, 2**31)
        settings: dict = {}
        show = getattr(getattr(self, "show_folder", None), "path", None)
        if show is not None:  # the show's own room: show.json "rehearsal" (docs/analytics.md)
            from console.audience.simulated import show_settings
            from console.errors import UserError

            try:
                settings = show_settings(show)
            except UserError as exc:
                log.warning("simulated audience uses its defaults: %s", exc)
        self.audience.start_plugin("simulated_audience", {**settings, "seed": seed})

    def _start_ingest(self) -> None:
        from console.audience.ingest import local_token  # the kept token; keyring off the UI thread

        def start(token: str) -> None:
            if self.audience is not None:
                config = {"host": "127.0.0.1", "port": self.ingest_port, "token": token}
                self.audience.start_plugin("local_ingest", config)
                self._refresh_audience_menu()

        self.tasks.run(local_token, start, lambda e: self.add_notice(str(e)))

    def set_simulated_audience(self, on: bool) -> None:
        """Audience ▸ Simulated audience: attach it (in rehearsal) or detach it."""
        if self.audience is None:
            return
        if on and not self.settings.rehearsal:
            self.sim_action.blockSignals(True)
            self.sim_action.setChecked(False)
            self.sim_action.blockSignals(False)
            self.add_notice(
                self.tr(
                    "The simulated audience runs only in rehearsal: faked comments or orders on a real broadcast are forbidden."
                )
            )
            return
        if on:
            self._start_simulated()
        else:
            self.audience.stop_plugin("simulated_audience")
        self._save_audience_prefs()

    def set_replay(self, on: bool, path: str | None = None, speed: float = 1.0) -> None:
        """Audience ▸ Replay a recorded chat: a JSONL event log (e.g. an earlier show's journal
        export) played into this show — rehearsal only, like the simulated audience."""
        if self.audience is None:
            return
        if not on:
            self.audience.stop_plugin("replay")
            return
        if not self.settings.rehearsal:
            self._uncheck(self.replay_action)
            self.add_notice(
                self.tr(
                    "A replayed chat runs only in rehearsal: it must never reach a real broadcast."
                )
            )
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Replay a recorded chat"),
                "",
                self.tr("Event logs (*.jsonl);;All files (*)"),
            )
        if not path:
            self._uncheck(self.replay_action)
            return
        self.audience.start_plugin("replay", {"path": path, "speed": speed})

    @staticmethod
    def _uncheck(action: QAction) -> None:
        action.blockSignals(True)
        action.setChecked(False)
        action.blockSignals(False)

    def set_ingest(self, on: bool) -> None:
        """Audience ▸ Local ingest: HTTP/WebSocket on 127.0.0.1 at the chosen port."""
        if self.audience is None:
            return
        if on:
            self._start_ingest()
        else:
            self.audience.stop_plugin("local_ingest")
        self._save_audience_prefs()
        self._refresh_audience_menu()

    def ask_ingest_port(self) -> None:
        port, ok = QInputDialog.getInt(
            self,
            self.tr("Local ingest port"),
            self.tr("Port on 127.0.0.1 for HTTP POST /v1/events and WebSocket /v1/ws:"),
            self.ingest_port,
            1024,
            65535,
        )
        if ok:
            self.set_ingest_port(port)

    def set_ingest_port(self, port: int) -> None:
        self.ingest_port = int(port)
        self._save_audience_prefs()
        if self.audience is not None and self.audience.running("local_ingest"):
            # restart on the new port once the old server has let go of its socket
            host = self.audience.host
            self.tasks.run(lambda: host.stop("local_ingest"), lambda _: self._start_ingest())
        self._refresh_audience_menu()

    def copy_ingest_token(self) -> None:
        """Audience ▸ Copy ingest token: what a bridge sends as ``Authorization: Bearer …``."""
        from console.audience.ingest import local_token

        def copied(token: str) -> None:
            QGuiApplication.clipboard().setText(token)
            self.add_notice(
                self.tr(
                    "Ingest token copied: send it as Authorization: Bearer <token> to {0}"
                ).format(f"http://127.0.0.1:{self.ingest_port}/v1/events")
            )

        self.tasks.run(local_token, copied, lambda e: self.add_notice(str(e)))

    def edit_blocked_words(self) -> None:
        if self.audience is None:
            return
        text, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("Blocked words"),
            self.tr(
                "One word or phrase a line. Chat containing one is hidden from the stream and shown flagged here."
            ),
            "\n".join(self.audience.moderator.blocked_words),
        )
        if ok:
            self.set_blocked_words([w.strip() for w in text.splitlines() if w.strip()])

    def set_blocked_words(self, words: list[str]) -> None:
        if self.audience is not None:
            self.audience.moderator.set_blocked_words(words)
            self._save_audience_prefs()

    def _audience_status(self, status: PluginStatus) -> None:
        action = {
            "simulated_audience": self.sim_action,
            "local_ingest": self.ingest_action,
            "replay": self.replay_action,
        }.get(status.name)
        if action is not None and status.state == "failed" and action.isChecked():
            action.blockSignals(True)  # it stopped by itself: the menu says so, prefs keep it
            action.setChecked(False)
            action.blockSignals(False)
        self._refresh_audience_menu()

    def _audience_failed(self, name: str, reason: str) -> None:
        self.add_notice(self.tr("Audience source {0} stopped: {1}").format(name, reason))

    def _refresh_audience_menu(self) -> None:
        if self.audience is None:
            return
        status = self.audience.statuses.get("local_ingest")
        state = status.state if status is not None else "missing"
        if state == "running":
            text = self.tr("Ingest: listening on http://127.0.0.1:{0}").format(self.ingest_port)
        elif state == "failed":
            text = self.tr("Ingest: failed — {0}").format(status.reason)
        else:
            text = self.tr("Ingest: off (port {0})").format(self.ingest_port)
        self.ingest_status_action.setText(text)
        self.ingest_action.setText(
            self.tr("Local &ingest (HTTP/WebSocket on 127.0.0.1:{0})").format(self.ingest_port)
        )
        if self.chat is not None:
            self.chat.refresh_sources()

    def _orient_centre(self) -> None:
        """Portrait: teleprompter beside the (narrow) program; landscape: below it."""
        portrait = self.settings.canvas.portrait
        self.centre_split.setOrientation(
            Qt.Orientation.Horizontal if portrait else Qt.Orientation.Vertical
        )

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

    # ================================================================== pipeline
    def _start_pipeline(self) -> None:
        s = self.settings
        self.preview.clear()
        self.session.start(
            s.canvas, s.sources.video, [AudioSlot(a.spec, a.gain, a.muted) for a in s.sources.audio]
        )
        self._refresh_mode()

    def _pipeline_started(self) -> None:
        self.live.attach_engine(self.session.engine())
        self._refresh_mode()
        self._fill_layers()

    def _pipeline_failed(self, message: str) -> None:
        self.add_notice(self.tr("The preview could not start: {0}").format(message))
        self._refresh_mode()

    def _sources_changed(self) -> None:
        s = self.session
        self.settings.sources.video = s.video_spec
        self.settings.sources.audio = [AudioSlot(a.spec, a.gain, a.muted) for a in s.audio_slots()]
        self._rebuild_strips()
        self._fill_video_choices()
        self._fill_audio_choices()
        self.schedule_save()

    def _probe_in_background(self) -> None:
        from console.media.audio import list_input_devices
        from console.media.encoder import available_encoders

        def encoders_done(names: list[str]) -> None:
            self.encoders = names
            self._fill_encoders()

        self.tasks.run(available_encoders, encoders_done, lambda e: self.add_notice(str(e)))

        def mics_done(devices: list[tuple[int, str]]) -> None:
            self.mics = [name for _, name in devices]
            self._fill_audio_choices()

        self.tasks.run(list_input_devices, mics_done, lambda e: None)

        def keyring_done(problem: str | None) -> None:
            self.keyring_problem = problem
            if problem:
                self.destinations.keyring_note.show()
                self.retranslate_ui()

        self.tasks.run(credentials.keyring_problem, keyring_done)

    def _probe_cameras(self) -> None:
        from console.media.camera import probe_cameras

        self.find_cameras.setEnabled(False)
        self.find_cameras.setText(self.tr("Searching…"))

        def done(found: list[int]) -> None:
            self.cameras = found
            self.find_cameras.setEnabled(True)
            self.retranslate_ui()
            if not found:
                self.add_notice(
                    self.tr("No camera found. Connect one and search again, or use a media file.")
                )

        self.tasks.run(probe_cameras, done, lambda e: done([]))

    # ================================================================== sources UI
    def _fill_video_choices(self) -> None:
        c = self.video_choice
        c.blockSignals(True)
        c.clear()
        c.addItem(self.tr("Test pattern"), "testpattern")
        for idx in self.cameras or []:
            c.addItem(self.tr("Camera {0}").format(idx), f"camera:{idx}")
        current = self.session.video_spec if self.session.running else self.settings.sources.video
        if c.findData(current) < 0:
            kind, _, arg = current.partition(":")
            c.addItem(f"{Path(arg).name or arg} ({kind})", current)
        c.addItem(self.tr("Media file…"), "pick:file")
        c.addItem(self.tr("Image…"), "pick:image")
        c.addItem(self.tr("Camera or stream URL…"), "pick:url")
        c.setCurrentIndex(c.findData(current))
        c.blockSignals(False)

    def _fill_audio_choices(self) -> None:
        c = self.audio_choice
        c.blockSignals(True)
        c.clear()
        c.addItem(self.tr("Test tone"), "tone")
        c.addItem(self.tr("Silence"), "silence")
        c.addItem(self.tr("Microphone (system default)"), "mic")
        for name in self.mics:
            c.addItem(self.tr("Microphone: {0}").format(name), f"mic:{name}")
        slots = self.session.audio_slots() if self.session.running else self.settings.sources.audio
        current = slots[0].spec if slots else "silence"
        if c.findData(current) < 0:
            kind, _, arg = current.partition(":")
            c.addItem(f"{Path(arg).name or arg} ({kind})", current)
        c.addItem(self.tr("Audio file…"), "pick:file")
        c.setCurrentIndex(c.findData(current))
        c.blockSignals(False)

    def _video_chosen(self, index: int) -> None:
        spec = self.video_choice.itemData(index)
        if spec == "pick:file":
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Choose a media file"),
                "",
                self.tr("Media (*.mp4 *.mov *.mkv *.flv *.webm);;All files (*)"),
            )
            spec = f"file:{path}" if path else None
        elif spec == "pick:image":
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Choose an image"),
                "",
                self.tr("Images (*.png *.jpg *.jpeg *.webp);;All files (*)"),
            )
            spec = f"image:{path}" if path else None
        elif spec == "pick:url":
            from PySide6.QtWidgets import QInputDialog

            text, ok = QInputDialog.getText(
                self,
                self.tr("Camera or stream"),
                self.tr("Device index, video file path or stream URL:"),
            )
            spec = f"camera:{text.strip()}" if ok and text.strip() else None
        if spec is None:
            self._fill_video_choices()
            return
        self.choose_video(spec)

    def choose_video(self, spec: str) -> None:
        """Switch the program's video source (works while live: the stream goes on)."""
        self.session.switch_video(
            spec, lambda msg: (self.add_notice(msg), self._fill_video_choices())
        )

    def _audio_chosen(self, index: int) -> None:
        spec = self.audio_choice.itemData(index)
        if spec == "pick:file":
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Choose an audio or media file"),
                "",
                self.tr("Media (*.mp3 *.m4a *.wav *.aac *.mp4 *.mkv);;All files (*)"),
            )
            if not path:
                self._fill_audio_choices()
                return
            spec = f"file:{path}"
        self.choose_audio(spec)

    def choose_audio(self, spec: str, index: int = 0) -> None:
        """Replace mix source ``index`` (or add one with ``index == len``)."""
        if not self.session.audio and index == 0:
            index = 0
        self.session.set_audio(
            index, spec, lambda msg: (self.add_notice(msg), self._fill_audio_choices())
        )

    def _add_audio_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose background music"),
            "",
            self.tr("Audio (*.mp3 *.m4a *.wav *.aac *.flac *.mp4);;All files (*)"),
        )
        if path:
            self.choose_audio(f"file:{path}", len(self.session.audio))

    def _rebuild_strips(self) -> None:
        for strip in self.strips:
            strip.setParent(None)
            strip.deleteLater()
        self.strips = []
        for i, entry in enumerate(self.session.audio):
            strip = AudioStrip(entry.source.name, entry.slot.muted, entry.slot.gain)
            strip.mute_toggled.connect(lambda m, i=i: self._mute(i, m))
            strip.gain_changed.connect(lambda g, i=i: self._gain(i, g))
            self.strips_layout.addWidget(strip)
            self.strips.append(strip)

    def _mute(self, index: int, muted: bool) -> None:
        self.session.set_muted(index, muted)
        self.settings.sources.audio = [
            AudioSlot(a.spec, a.gain, a.muted) for a in self.session.audio_slots()
        ]
        self.schedule_save()

    def _gain(self, index: int, gain: float) -> None:
        self.session.set_gain(index, gain)
        self.settings.sources.audio = [
            AudioSlot(a.spec, a.gain, a.muted) for a in self.session.audio_slots()
        ]
        self.schedule_save()

    def _update_meters(self) -> None:
        if not self.session.running:
            return
        meters = self.session.mixer.meters()
        for strip, entry in zip(self.strips, self.session.audio):
            peak, rms = meters.get(entry.source.name, (float("-inf"), float("-inf")))
            strip.meter.set_levels(peak, rms)
        peak, rms = meters.get("master", (float("-inf"), float("-inf")))
        self.master_meter.set_levels(peak, rms)

    # ================================================================== layers and layout
    def _layout_key(self, canvas: CanvasSettings | None = None) -> str:
        return f"{self.show_id}:{(canvas or self.settings.canvas).orientation}"

    def _apply_layout(self, canvas: CanvasSettings) -> None:
        """Place the overlays as saved for this show and orientation (if saved)."""
        saved = self._saved_layout(canvas)
        if not saved:
            self._sync_rehearsal_layer()
            return
        by_name = {o.name: o for o in self.session.overlays}
        order = []
        for p in saved:
            lay = by_name.pop(p.name, None)
            if lay is None:
                continue
            lay.rect = NormRect(p.x, p.y, p.w, p.h)
            lay.visible = p.visible  # a show layer takes this as its "enabled" flag
            order.append(lay)
        self.session.overlays[:] = order + list(by_name.values())
        scene = self.session.scene
        for i, lay in enumerate(self.session.overlays):
            if lay in scene.layers:
                scene.move(lay, i + 1)
        self._sync_rehearsal_layer()

    def _saved_layout(self, canvas: CanvasSettings | None = None) -> list[LayerPlacement] | None:
        canvas = canvas or self.settings.canvas
        if self.layout_store is not None:
            return self.layout_store.load(canvas.orientation)
        return self.settings.layouts.get(self._layout_key(canvas))

    def _sync_rehearsal_layer(self) -> None:
        """The REHEARSAL badge layer is on in rehearsal and off when live for real."""
        lay = self._overlay("rehearsal")
        if lay is not None and layer_enabled(lay) != self.settings.rehearsal:
            lay.visible = self.settings.rehearsal
            if hasattr(self, "layers_list"):
                self._fill_layers()

    def _store_layout(self) -> None:
        overlays = [lay for lay in self.session.scene.layers if not isinstance(lay, VideoLayer)]
        if overlays:
            self.session.overlays[:] = overlays
        placements = [
            LayerPlacement(o.name, o.rect.x, o.rect.y, o.rect.w, o.rect.h, layer_enabled(o))
            for o in self.session.overlays
        ]
        if self.layout_store is not None:
            self.layout_store.save(self.settings.canvas.orientation, placements)
        else:
            self.settings.layouts[self._layout_key()] = placements
        self.schedule_save()

    def _fill_layers(self) -> None:
        lst = self.layers_list
        lst.blockSignals(True)
        lst.clear()
        for lay in reversed(self.session.overlays):  # topmost first
            item = QListWidgetItem(lay.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if layer_enabled(lay) else Qt.CheckState.Unchecked
            )
            item.setData(Qt.ItemDataRole.UserRole, lay.name)
            item.setToolTip(self.tr("Tick to show on the stream"))
            lst.addItem(item)
            if lay.name == self.preview.selected:
                lst.setCurrentItem(item)
        lst.blockSignals(False)

    def _overlay(self, name: str) -> Layer | None:
        return next((o for o in self.session.overlays if o.name == name), None)

    def _layer_item_changed(self, item: QListWidgetItem) -> None:
        lay = self._overlay(item.data(Qt.ItemDataRole.UserRole))
        if lay is not None:
            lay.visible = item.checkState() == Qt.CheckState.Checked
            self.preview.update()
            self._store_layout()

    def _layer_current_changed(self, item: QListWidgetItem | None, _: object = None) -> None:
        self.preview.select(item.data(Qt.ItemDataRole.UserRole) if item else "")

    def _preview_selected(self, name: str) -> None:
        for i in range(self.layers_list.count()):
            item = self.layers_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.layers_list.blockSignals(True)
                self.layers_list.setCurrentItem(item)
                self.layers_list.blockSignals(False)
                return
        self.layers_list.clearSelection()

    def _move_layer(self, direction: int) -> None:
        """Raise (+1) or lower (-1) the selected overlay; the video stays at the bottom."""
        lay = self._overlay(self.preview.selected)
        if lay is None:
            return
        overlays = self.session.overlays
        i = overlays.index(lay)
        j = min(max(0, i + direction), len(overlays) - 1)
        if i == j:
            return
        overlays.insert(j, overlays.pop(i))
        scene = self.session.scene
        if lay in scene.layers:
            scene.move(lay, j + 1)
        self._fill_layers()
        self._store_layout()

    def _layout_edited(self) -> None:
        self._store_layout()

    def _edit_toggled(self, on: bool) -> None:
        self.preview.edit_mode = on
        if not on:
            self.preview.select("")
        self.preview.update()

    def _fill_safe_zones(self) -> None:
        from console.platforms.presets import load_presets

        c = self.safe_zone_choice
        c.blockSignals(True)
        c.clear()
        c.addItem(self.tr("No safe-zone guide"), "")
        for p in load_presets():
            if p.safe_zones:
                c.addItem(self.tr("Safe zones: {0}").format(p.label(chinese_ui())), p.id)
        c.setCurrentIndex(max(0, c.findData(self.settings.safe_zone_preset)))
        c.blockSignals(False)
        self._show_safe_zones()

    def _safe_zone_chosen(self, index: int) -> None:
        self.settings.safe_zone_preset = self.safe_zone_choice.itemData(index) or ""
        self._show_safe_zones()
        self.schedule_save()

    def _show_safe_zones(self) -> None:
        pid = self.settings.safe_zone_preset
        zones: list = []
        if pid:
            preset = preset_by_id(pid)
            zones = [(z.label(chinese_ui()), z.rect) for z in preset.safe_zones]
        self.preview.safe_zones = zones
        self.preview.update()

    # ================================================================== canvas
    def _fill_canvas_controls(self, canvas: CanvasSettings) -> None:
        self.orientation.setCurrentIndex(0 if canvas.portrait else 1)
        self._fill_resolutions(canvas.orientation, (canvas.width, canvas.height))
        self.fps.setCurrentIndex(max(0, self.fps.findData(canvas.fps)))
        self.bitrate.setValue(canvas.video_bitrate_kbps)
        self._fill_encoders()

    def _fill_resolutions(self, orientation: str, current: tuple[int, int] | None = None) -> None:
        self.resolution.clear()
        for w, h in RESOLUTIONS[orientation]:
            self.resolution.addItem(f"{w} × {h}", (w, h))
        if current is not None:
            self.resolution.setCurrentIndex(max(0, self.resolution.findData(current)))

    def _orientation_chosen(self, index: int) -> None:
        self._fill_resolutions(self.orientation.itemData(index))

    def _fill_encoders(self) -> None:
        c = self.encoder
        c.clear()
        c.addItem(self.tr("Automatic (hardware if it opens)"), "auto")
        for name in self.encoders:
            c.addItem(name, name)
        if not self.encoders:
            c.addItem(self.tr("libx264 (checking hardware…)"), "libx264")
        c.setCurrentIndex(max(0, c.findData(self.settings.canvas.encoder)))

    def canvas_from_controls(self) -> CanvasSettings:
        w, h = self.resolution.currentData()
        return CanvasSettings(
            w, h, self.fps.currentData(), self.bitrate.value(), self.encoder.currentData() or "auto"
        )

    def apply_canvas_settings(self, canvas: CanvasSettings | None = None) -> None:
        """Rebuild the pipeline for a new canvas (only when not live)."""
        if self.session.live or self.going_live:
            self.add_notice(self.tr("Stop before changing the canvas."))
            return
        canvas = canvas or self.canvas_from_controls()
        old_key = self._layout_key()
        if self.session.running:
            self._store_layout()
        self.settings.canvas = canvas
        self._fill_canvas_controls(canvas)
        if self._layout_key() != old_key:
            self._default_layout_for(canvas)
            self._apply_layout(canvas)
        self.schedule_save()
        self._orient_centre()
        self.apply_canvas.setEnabled(False)
        self.session.stop(self._start_pipeline)

    #: Set by the composition root: (orientation) → default placements for a new orientation.
    default_layout: Callable[[str], dict[str, NormRect]] | None = None

    def _default_layout_for(self, canvas: CanvasSettings) -> None:
        if self.default_layout is None or self._saved_layout(canvas):
            return
        for name, rect in self.default_layout(canvas.orientation).items():
            lay = self._overlay(name)
            if lay is not None:
                lay.rect = rect

    def _apply_layout_settings(self) -> None:
        self._fill_canvas_controls(self.settings.canvas)

    # ================================================================== destinations
    def _wire_destination_rows(self) -> None:
        for row in self.destinations.rows.values():
            row.edit_requested.connect(self.open_destination_dialog)
            row.remove_requested.connect(self.remove_destination)
            row.enabled_changed.connect(self._destination_enabled)
            row.reconnect_requested.connect(self.reconnect_now)
        self._names = {d.id: d.name for d in self.settings.destinations}
        self._refresh_mode()

    def _destination(self, dest_id: str) -> DestinationSettings | None:
        return next((d for d in self.settings.destinations if d.id == dest_id), None)

    def open_destination_dialog(self, dest_id: str | None = None) -> DestinationDialog:
        """Open the add/edit dialog (window-modal, not blocking); ``self.destination_dialog``."""
        dest = self._destination(dest_id) if dest_id else None
        copy = DestinationSettings(**vars(dest)) if dest is not None else None
        has_key = dest is not None and (
            dest.key_name in self.session_keys or not self.keyring_problem
        )
        note = ""
        if self.keyring_problem:
            note = self.tr("No OS keyring ({0}): the key is kept in memory until you quit.").format(
                self.keyring_problem
            )
        dialog = DestinationDialog(self, copy, has_key=has_key, keyring_note=note)
        dialog.accepted.connect(lambda: self._destination_accepted(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.destination_dialog = dialog
        dialog.open()
        return dialog

    def _destination_accepted(self, dialog: DestinationDialog) -> None:
        dest, key = dialog.result_destination()
        self.save_destination(dest, key)

    def save_destination(self, dest: DestinationSettings, key: str | None) -> None:
        """Add or update a destination; the key goes to the keyring (off the UI thread)."""
        existing = self._destination(dest.id)
        if existing is not None:
            self.settings.destinations[self.settings.destinations.index(existing)] = dest
        else:
            self.settings.destinations.append(dest)
        if key:
            if self.keyring_problem:
                self.session_keys[dest.key_name] = key
            else:

                def stored_failed(exc: BaseException) -> None:
                    self.session_keys[dest.key_name] = key
                    self.keyring_problem = str(exc)
                    self.destinations.keyring_note.show()
                    self.retranslate_ui()

                self.session_keys.pop(dest.key_name, None)
                self.tasks.run(
                    lambda: credentials.store_key(dest.key_name, key), None, stored_failed
                )
        self.destinations.set_destinations(self.settings.destinations)
        self._wire_destination_rows()
        self.schedule_save()

    def remove_destination(self, dest_id: str) -> None:
        dest = self._destination(dest_id)
        if dest is None:
            return
        if not self.confirm(
            self.tr("Remove destination"),
            self.tr("Remove {0} and forget its stream key?").format(dest.name),
        ):
            return
        self.settings.destinations.remove(dest)
        self.session_keys.pop(dest.key_name, None)
        self.tasks.run(lambda: credentials.forget_key(dest.key_name))
        self.destinations.set_destinations(self.settings.destinations)
        self._wire_destination_rows()
        self.schedule_save()

    def _destination_enabled(self, dest_id: str, on: bool) -> None:
        dest = self._destination(dest_id)
        if dest is not None:
            dest.enabled = on
            self.schedule_save()

    def _record_toggled(self, on: bool) -> None:
        self.settings.record_when_live = on
        self.schedule_save()

    # ================================================================== go live / stop
    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        if "【" in text:  # compliance findings: the phrase highlighted (text escaped)
            box.setTextFormat(Qt.TextFormat.RichText)
            box.setText(highlighted_html(text))
        else:  # product titles, destination names: never markup
            box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def go_live_or_stop(self, actor: Actor = WINDOW) -> None:
        if self.session.live:
            self.stop_live(actor)
        else:
            self.go_live(actor)

    def _audience_refusal(self, rehearsal: bool) -> str | None:
        return self.audience.go_live_refusal(rehearsal=rehearsal) if self.audience else None

    def refusal_text(self, refusal: golive.Refusal) -> str:
        """The live core's refusal in the window's language."""
        names = ", ".join(refusal.names)
        if refusal.code == "nothing_to_send":
            return self.tr("Nothing to send to: add a destination or turn on the local recording.")
        if refusal.code == "rehearsal_remote":
            return self.tr(
                "Rehearsal cannot reach {0}: only local recording and an ingest on this machine (127.0.0.1, localhost) are allowed. Switch rehearsal off to go live."
            ).format(names)
        if refusal.code == "audience":
            return self.tr("Not going live: {0}").format(refusal.reason)
        if refusal.code == "missing_keys":
            return self.tr("No stream key for {0}: edit the destination and paste the key.").format(
                names
            )
        return refusal.text

    def go_live(self, actor: Actor = WINDOW) -> None:
        """Check (the live core's policy), fetch keys (off the UI thread), confirm, then the
        live core joins the outputs to the encode and journals the session with ``actor``."""
        if self.session.live or self.going_live or not self.session.running:
            return
        rehearsal = self.settings.rehearsal
        dests = [d for d in self.settings.destinations if d.enabled]
        record = rehearsal or self.settings.record_when_live
        refusal = self.live.check(dests, record)
        if refusal is not None:
            if refusal.code == "audience":
                self.last_refusal = refusal.reason
            self.add_notice(self.refusal_text(refusal))
            return
        self.last_refusal = ""
        self.going_live = True
        self.go_live_actor = actor
        self._refresh_mode()
        session_keys = dict(self.session_keys)
        show_path = getattr(getattr(self, "show_folder", None), "path", None)

        def fetch() -> tuple[dict[str, str | None], list[Finding] | None]:
            keys = LiveSession.fetch_keys(dests, session_keys, credentials.find_key)
            return keys, golive.compliance(show_path)

        self.tasks.run(
            fetch,
            lambda result: self._confirm_go_live(dests, result[0], record, result[1]),
            self._go_live_failed,
        )

    def _go_live_failed(self, exc: BaseException) -> None:
        self.going_live = False
        self.add_notice(str(exc))
        self._refresh_mode()

    def key_warnings(self, dests: list[DestinationSettings], now: float | None = None) -> list[str]:
        warnings = []
        for d in dests:
            preset = preset_by_id(d.preset)
            st = key_status(d.key_expires_at, d.key_saved_at, preset.key_lifetime_hours, now)
            if st.level in ("expired", "soon"):
                text, _ = expiry_text(self, d, now)
                warnings.append(f"{d.name}: {text}")
            if preset.key_lifetime == "single_use":
                warnings.append(
                    self.tr(
                        "{0}: Kuaishou keys work once and for 2 days; a used key is refused."
                    ).format(d.name)
                )
        return warnings

    def _confirm_go_live(
        self,
        dests: list[DestinationSettings],
        keys: dict[str, str | None],
        record: bool,
        findings: list[Finding] | None = None,
    ) -> None:
        missing = golive.missing_keys(dests, keys)
        if missing is not None:
            self.going_live = False
            self._refresh_mode()
            self.add_notice(self.refusal_text(missing))
            return
        rehearsal = self.settings.rehearsal
        lines = [f"• {d.name} ({preset_by_id(d.preset).label(chinese_ui())})" for d in dests]
        if record:
            lines.append("• " + self.tr("local recording"))
        warnings = self.key_warnings(dests)
        text = (
            (self.tr("Start the rehearsal to:") if rehearsal else self.tr("Go live now to:"))
            + "\n"
            + "\n".join(lines)
        )
        if warnings:
            text += "\n\n⚠ " + "\n⚠ ".join(warnings)
        if findings is not None:
            self.last_findings = findings
            if self.assistant is not None:
                self.assistant.set_findings(findings)
        if findings:
            text += (
                "\n\n"
                + self.tr(
                    "⚠ Compliance: {0} phrase(s) in the show's material to review (advertising law; a warning — you decide in context):"
                ).format(len(findings))
                + "\n"
                + "\n".join("• " + line for line in compliance_lines(findings))
            )
        title = self.tr("Start rehearsal") if rehearsal else self.tr("Go live")
        self.last_confirmation = text
        if not self.confirm(title, text):
            self.going_live = False
            self._refresh_mode()
            return
        self._names = {d.id: d.name for d in self.settings.destinations}
        self._names["recording"] = self.tr("Local recording")
        try:
            path = recording_path("rehearsal" if rehearsal else "show") if record else None
            self.live.go_live(dests, keys, record, self.go_live_actor, recording=path)
        except UserError as exc:
            self.going_live = False
            self._refresh_mode()
            self.add_notice(str(exc))
            return
        self.recording = self.live.recording
        for d in dests:
            row = self.destinations.rows.get(d.id)
            if row is not None:
                row.set_state(OutputState.CONNECTING, None)
        self.going_live = False
        self.live_since = time.monotonic()
        self._refresh_mode()
        self.live_started.emit()

    def stop_live(self, actor: Actor = WINDOW) -> None:
        if not self.session.live:
            return
        rehearsal = self.settings.rehearsal
        title = self.tr("Stop rehearsal") if rehearsal else self.tr("Stop stream")
        text = (
            self.tr("Stop the rehearsal?")
            if rehearsal
            else self.tr("End the live stream for every destination?")
        )
        if not self.confirm(title, text):
            return
        self._stop_live_now(actor)

    def _stop_live_now(self, actor: Actor, then: Callable[[], None] | None = None) -> None:
        """The live core closes the outputs (off the UI thread) and journals the end."""

        def ended(_: object = None) -> None:
            self._live_ended()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            self.add_notice(str(exc))
            ended()

        self.tasks.run(lambda: self.live.stop_live(actor), ended, failed)
        self._refresh_mode()

    def _live_ended(self) -> None:
        self.live_since = None
        for row in self.destinations.rows.values():
            if row.output_state not in (OutputState.FAILED,):
                row.set_state(
                    OutputState.ENDED
                    if row.output_state != OutputState.OFFLINE
                    else OutputState.OFFLINE,
                    row.output_error,
                )
        self._refresh_mode()
        self.live_stopped.emit()
        if getattr(self, "recording", None):
            self.add_notice(self.tr("Recording saved: {0}").format(self.recording))

    def reconnect_now(self, name: str) -> None:
        """Skip the wait before the next reconnect attempt of one destination."""
        for output in self.session.hub.outputs:
            if output.name == name and hasattr(output, "reconnect_now"):
                output.reconnect_now()  # sets an event: never blocks the UI thread

    def _output_state(self, name: str, state: OutputState, error: str | None) -> None:
        row = self.destinations.rows.get(name)
        if row is not None:
            row.set_state(state, error, row.bitrate_kbps)

    # ================================================================== health
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
        if live_for is not None:
            s = int(live_for)
            self.live_clock.setText(f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}")
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
        from PySide6 import __version__ as pyside_version

        from console.resources import version

        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("About Live Console"),
            self.tr("Live Console {version}").format(version=version()),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText(f"live-console {version()} · PySide6 {pyside_version}")
        if not self.windowIcon().isNull():
            box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.finished.connect(box.deleteLater)
        box.open()
        self.about_dialog = box
        return box

    # ================================================================== persistence
    def schedule_save(self) -> None:
        self._save_timer.start()

    def save_now(self) -> None:
        try:
            save_settings(self.settings, self.settings_folder)
        except OSError as exc:
            self.add_notice(self.tr("Settings not saved: {0}").format(exc.strerror))
        if self.layout_store is not None:
            try:
                self.layout_store.flush()
            except UserError as exc:
                self.add_notice(self.tr("Layout not saved: {0}").format(exc))

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

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.closed:
            event.accept()
            return
        if self.session.live and not self.confirm(
            self.tr("Quit"), self.tr("You are live. End the stream and quit?")
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
