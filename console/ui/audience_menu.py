"""The Audience menu and the chat dock: simulated audience, replay, local ingest, blocked words.

A part of :class:`~console.ui.main_window.MainWindow` (a mixin: ``self`` is the window).
Texts are translated in the ``MainWindow`` context, as before the split.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.qt.QtCore import QByteArray, Qt
from console.qt.QtGui import (
    QAction,
    QGuiApplication,
)
from console.qt.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
)

if TYPE_CHECKING:
    from console.audience.plugins import PluginStatus
    from console.ui.audience_bridge import AudienceBridge

from console.qt.QtCore import QCoreApplication as _Q

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectorEntry:
    """A platform connector the Audience menu starts: its plugin, the setting it asks for."""

    plugin: str
    platform: str
    setting: str  # room_id / channel / video_id
    prompt: str


CONNECTORS = (
    ConnectorEntry(
        "bilibili_live",
        "Bilibili",
        "room_id",
        "Bilibili live room number (live.bilibili.com/NUMBER):",
    ),
    ConnectorEntry("twitch_chat", "Twitch", "channel", "Twitch channel (twitch.tv/LOGIN):"),
    ConnectorEntry(
        "youtube_chat", "YouTube", "video_id", "YouTube live video id (youtube.com/watch?v=ID):"
    ),
)


@dataclass
class AudiencePrefs:
    """The audience settings, kept in window.ini (``[audience]``) next to settings.json."""

    simulated: bool = True  # attach the simulated audience in rehearsal
    ingest: bool = False  # run the local ingest (HTTP/WebSocket on 127.0.0.1)
    ingest_port: int = 8765
    blocked_words: list[str] = field(default_factory=list)
    quick_replies: list[str] = field(default_factory=list)


class AudienceMenu:
    """The Audience menu and the chat dock: simulated audience, replay, local ingest, blocked words."""

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
        from console.audience.moderation import DEFAULT_BLOCKED_WORDS
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
        audience.connector_changed.connect(self._connector_changed)
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
                _Q.translate(
                    "MainWindow",
                    "The simulated audience runs only in rehearsal: faked comments or orders on a real broadcast are forbidden.",
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
                _Q.translate(
                    "MainWindow",
                    "A replayed chat runs only in rehearsal: it must never reach a real broadcast.",
                )
            )
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self,
                _Q.translate("MainWindow", "Replay a recorded chat"),
                "",
                _Q.translate("MainWindow", "Event logs (*.jsonl);;All files (*)"),
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
            _Q.translate("MainWindow", "Local ingest port"),
            _Q.translate(
                "MainWindow", "Port on 127.0.0.1 for HTTP POST /v1/events and WebSocket /v1/ws:"
            ),
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
                _Q.translate(
                    "MainWindow",
                    "Ingest token copied: send it as Authorization: Bearer <token> to {0}",
                ).format(f"http://127.0.0.1:{self.ingest_port}/v1/events")
            )

        self.tasks.run(local_token, copied, lambda e: self.add_notice(str(e)))

    def edit_blocked_words(self) -> None:
        if self.audience is None:
            return
        text, ok = QInputDialog.getMultiLineText(
            self,
            _Q.translate("MainWindow", "Blocked words"),
            _Q.translate(
                "MainWindow",
                "One word or phrase a line. Chat containing one is hidden from the stream and shown flagged here.",
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
        self._refresh_connector_states()

    def _audience_failed(self, name: str, reason: str) -> None:
        self.add_notice(
            _Q.translate("MainWindow", "Audience source {0} stopped: {1}").format(name, reason)
        )

    # ---- platform connectors (Bilibili, Twitch, YouTube): start them, show their state

    def _build_connector_menu(self) -> None:
        """Audience ▸ Platform chat: one entry per connector (asks its room / channel / video,
        credentials come from the keyring only), and one disabled line per running connector
        with its state, kept current from ``on_state`` through the bridge."""
        self.connector_menu = self.audience_menu.addMenu("")
        self.connector_actions: dict[str, QAction] = {}
        for entry in CONNECTORS:
            act = QAction(self)
            act.triggered.connect(lambda _=False, e=entry: self.ask_connector(e.plugin))
            self.connector_menu.addAction(act)
            self.connector_actions[entry.plugin] = act
        self.connector_stop_action = QAction(self)
        self.connector_stop_action.triggered.connect(self.stop_connectors)
        self.connector_menu.addSeparator()
        self.connector_menu.addAction(self.connector_stop_action)
        self.connector_state_separator = self.audience_menu.addSeparator()
        self.connector_state_actions: dict[str, QAction] = {}
        #: per connector, the settings besides the one asked (endpoints, backoff; never a key)
        self.connector_settings: dict[str, dict] = {}
        self.ask_text = self._ask_text  # replaced in tests

    def _retranslate_connectors(self) -> None:
        self.connector_menu.setTitle(_Q.translate("MainWindow", "&Platform chat"))
        names = {
            "bilibili_live": _Q.translate("MainWindow", "&Bilibili live room…"),
            "twitch_chat": _Q.translate("MainWindow", "&Twitch channel…"),
            "youtube_chat": _Q.translate("MainWindow", "&YouTube live chat…"),
        }
        for plugin, act in self.connector_actions.items():
            act.setText(names[plugin])
        self.connector_stop_action.setText(_Q.translate("MainWindow", "&Stop platform chat"))
        self._refresh_connector_states()

    def _ask_text(self, title: str, label: str, default: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label, text=default)
        return text.strip() if ok and text.strip() else None

    def ask_connector(self, plugin: str) -> None:
        """Audience ▸ Platform chat ▸ …: ask the room / channel / video and start it."""
        entry = next(e for e in CONNECTORS if e.plugin == plugin)
        last = str(self._qsettings().value(f"connectors/{plugin}_{entry.setting}", "") or "")
        value = self.ask_text(entry.platform, _Q.translate("MainWindow", entry.prompt), last)
        if value is not None:
            self.start_connector(plugin, value)

    def start_connector(self, plugin: str, value: str) -> None:
        """Start a platform connector through the plugin path with its setting (``value``: the
        room id, channel or video id) and the kept extra settings; keys from the keyring."""
        if self.audience is None:
            return
        entry = next(e for e in CONNECTORS if e.plugin == plugin)
        qs = self._qsettings()
        qs.setValue(f"connectors/{plugin}_{entry.setting}", value)
        qs.sync()
        config = {**self.connector_settings.get(plugin, {}), entry.setting: value}
        if self.audience.running(plugin):
            host = self.audience.host  # a new room: the old connection goes first
            self.tasks.run(
                lambda: host.stop(plugin), lambda _: self.audience.start_plugin(plugin, config)
            )
            return
        self.audience.start_plugin(plugin, config)

    def stop_connectors(self) -> None:
        if self.audience is None:
            return
        for entry in CONNECTORS:
            if self.audience.running(entry.plugin):
                self.audience.stop_plugin(entry.plugin)

    def _connector_changed(self, plugin: str, label: str) -> None:
        self._refresh_connector_states()

    def _refresh_connector_states(self) -> None:
        labels = self.audience.connector_labels if self.audience is not None else {}
        for plugin in list(self.connector_state_actions):
            if plugin not in labels:
                act = self.connector_state_actions.pop(plugin)
                self.audience_menu.removeAction(act)
                act.deleteLater()
        platforms = {e.plugin: e.platform for e in CONNECTORS}
        for plugin, label in labels.items():
            act = self.connector_state_actions.get(plugin)
            if act is None:
                act = QAction(self)
                act.setEnabled(False)
                self.audience_menu.addAction(act)
                self.connector_state_actions[plugin] = act
            act.setText(f"{platforms.get(plugin, plugin)}: {label}")
        running = self.audience is not None and any(
            self.audience.running(e.plugin) for e in CONNECTORS
        )
        self.connector_stop_action.setEnabled(running)

    def _refresh_audience_menu(self) -> None:
        if self.audience is None:
            return
        status = self.audience.statuses.get("local_ingest")
        state = status.state if status is not None else "missing"
        if state == "running":
            text = _Q.translate("MainWindow", "Ingest: listening on http://127.0.0.1:{0}").format(
                self.ingest_port
            )
        elif state == "failed":
            text = _Q.translate("MainWindow", "Ingest: failed — {0}").format(status.reason)
        else:
            text = _Q.translate("MainWindow", "Ingest: off (port {0})").format(self.ingest_port)
        self.ingest_status_action.setText(text)
        self.ingest_action.setText(
            _Q.translate("MainWindow", "Local &ingest (HTTP/WebSocket on 127.0.0.1:{0})").format(
                self.ingest_port
            )
        )
        if self.chat is not None:
            self.chat.refresh_sources()
