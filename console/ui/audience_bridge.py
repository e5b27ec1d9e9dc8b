"""The window's hand-over of the show's audience to the UI thread.

The audience itself — the one :class:`AudienceHub` of the open show, its plugins and moderator —
is the live core's :class:`~console.live.audience.LiveAudience`, the same object ``run``, the
phone panel and the control server use. This bridge only marshals it to the GUI thread:

    source threads (plugins) ─ hub.submit ─> hub thread ─> ChatFeed (chat overlay, render thread)
                                                       └─> AudienceBridge._on_item (hub thread)
                                                              buffer (bounded) + one queued signal
    UI thread ◄── items_received(list[AudienceItem]) ── _drain (takes the whole buffer at once)
    UI thread ◄── plugin_changed(PluginStatus)        ── LiveAudience.on_plugin_status (any thread)

The hub thread never touches a widget. Like the preview bridge, the hub side emits one queued
signal until the UI has drained the buffer, so a flood of chat costs the UI one slot call per
event-loop turn, not one per message; the buffer keeps the newest :data:`MAX_PENDING` plain
items (what a panel bounded to 2 000 rows could show anyway) and, bounded on their own
(:data:`MAX_KEPT`), every order, cart, gift, lottery entry and flagged message
(:func:`kept_row`), and counts the ones it let go.

The layers the audience adds to the outgoing video (chat overlay, pinned comment) are in
``console.overlays.audience_layers``; the default blocked words in ``console.audience.moderation``.
"""

from __future__ import annotations

import heapq
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from console.audience.hub import AudienceHub, AudienceItem
from console.audience.moderation import Moderator
from console.audience.plugins import PluginHost, PluginStatus
from console.live.audience import LiveAudience
from console.overlays.chat import ChatFeed
from console.qt.QtCore import QObject, Qt, Signal
from console.show.actor import WINDOW, Actor
from console.show.journal import Event

log = logging.getLogger(__name__)

SIMULATED = "simulated_audience"
INGEST = "local_ingest"
DEFAULT_INGEST_PORT = 8765
MAX_PENDING = 2000
MAX_KEPT = 4 * MAX_PENDING  # orders, gifts, lottery entries, flagged: a bound of their own


def kept_row(item: AudienceItem) -> bool:
    """Rows a flood never pushes out of the chat panel before plain messages: orders, carts,
    gifts, lottery entries and messages flagged by moderation."""
    return item.event.type in ("order", "cart", "gift") or item.lottery_entry or item.hidden


class AudienceBridge(QObject):
    """The window's view of a :class:`LiveAudience` (``live``): its items and plugin changes as
    Qt signals on the UI thread, and the window's plugin start/stop and viewer actions.

    ``feed`` (the chat overlay's :class:`ChatFeed`, subscribed to the hub by the composition
    root: the overlay is drawn on the render thread and needs no UI hop) is only used here to
    take a blocked user's lines off the overlay at once. ``background(fn)`` runs a blocking
    call (stopping a plugin joins its thread) off the UI thread; default: inline.
    """

    items_received = Signal(list)  # [AudienceItem], oldest first — UI thread
    plugin_changed = Signal(object)  # PluginStatus — UI thread
    plugin_failed = Signal(str, str)  # name, one-line reason — UI thread
    connector_changed = Signal(str, str)  # plugin name, the connector's one-line state — UI thread

    _pending = Signal()  # emitted on the hub thread, delivered queued
    _status = Signal(object)  # emitted on any thread, delivered queued
    _connector = Signal(str, str)  # emitted on a connector's thread, delivered queued

    def __init__(
        self,
        live: LiveAudience,
        feed: ChatFeed | None = None,
        *,
        background: Callable[[Callable[[], Any]], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.live = live
        self.feed = feed
        self.background = background or (lambda fn: fn())
        self.statuses: dict[str, PluginStatus] = {s.name: s for s in live.host.statuses()}
        self.config: dict[str, dict[str, Any]] = {}
        self.dropped = 0  # items let go because the UI had not drained the buffer
        self.delivered = 0
        self._buffer: deque[tuple[int, AudienceItem]] = deque()  # plain messages, (n, item)
        self._kept: deque[tuple[int, AudienceItem]] = deque()  # orders, gifts, … (kept_row)
        self._arrived = 0
        self._lock = threading.Lock()
        self._signalled = False
        self._pending.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        self._status.connect(self._on_status, Qt.ConnectionType.QueuedConnection)
        self._connector.connect(self._on_connector, Qt.ConnectionType.QueuedConnection)
        #: plugin name → the platform connector's state line (connecting / connected / …)
        self.connector_labels: dict[str, str] = {}
        self._connector_unsubscribe: dict[str, Callable[[], None]] = {}
        self._unsubscribe = [
            live.subscribe(self._on_item),
            live.on_plugin_status(self._status.emit),
        ]

    # ---- the live core's audience (one hub for the window, run, the panel, the control server)

    @property
    def controller(self) -> Any:
        return self.live.controller

    @property
    def hub(self) -> AudienceHub:
        return self.live.hub

    @property
    def host(self) -> PluginHost:
        return self.live.host

    @property
    def moderator(self) -> Moderator:
        return self.live.moderator

    @property
    def started(self) -> bool:
        return self.live.started

    # ---- lifecycle (UI thread)

    def start(self) -> None:
        self.live.start()

    def stop(self) -> None:
        """Stop every plugin, then the hub (before the show's journal closes)."""
        for unsubscribe in [*self._connector_unsubscribe.values(), *self._unsubscribe]:
            unsubscribe()
        self._connector_unsubscribe.clear()
        self._unsubscribe = []
        self.live.stop()

    def set_rehearsal(self, on: bool) -> None:
        self.live.set_rehearsal(on)

    # ---- plugins (UI thread)

    def available(self, name: str) -> bool:
        return name in self.statuses

    def running(self, name: str) -> bool:
        status = self.statuses.get(name)
        return status is not None and status.state == "running"

    def start_plugin(self, name: str, config: dict[str, Any] | None = None) -> PluginStatus | None:
        """Start a plugin; a failure is reported through ``plugin_failed``, never raised."""
        if name not in self.statuses:
            self.plugin_failed.emit(name, "not installed")
            return None
        if config is not None:
            self.config[name] = dict(config)
        status = self.host.start(name, self.config.get(name))
        self.statuses[name] = status
        return status

    def stop_plugin(self, name: str) -> None:
        """Stop a plugin off the UI thread (it joins the plugin's thread)."""
        if name not in self.statuses:
            return
        self.background(lambda: self.host.stop(name))

    def go_live_refusal(self, rehearsal: bool) -> str | None:
        """Why going live is refused with the attached sources (None: allowed)."""
        return self.live.go_live_refusal(rehearsal)

    def _on_status(self, status: PluginStatus) -> None:
        self.statuses[status.name] = status
        self._follow_connector(status)
        self.plugin_changed.emit(status)
        if status.state == "failed":
            self.plugin_failed.emit(status.name, status.reason)

    # ---- platform connectors: their state (connector thread) → UI thread

    def _follow_connector(self, status: PluginStatus) -> None:
        """A running plugin whose source has ``on_state`` (a platform connector): follow its
        state line; once it is no longer running, stop following (a failure's line stays)."""
        name = status.name
        if status.state == "running":
            if name in self._connector_unsubscribe:
                return
            source = next((h.source for h in self.host.attached() if h.name == name), None)
            if source is None or not callable(getattr(source, "on_state", None)):
                return
            self._connector_unsubscribe[name] = source.on_state(
                lambda state, n=name: self._connector.emit(n, state.label)
            )
            self._on_connector(name, source.state.label)
            return
        unsubscribe = self._connector_unsubscribe.pop(name, None)
        if unsubscribe is not None:
            unsubscribe()
        if status.state == "failed" and name in self.connector_labels:
            last = self.connector_labels[name]
            self._on_connector(
                name, last if last.startswith("failed") else f"failed: {status.reason}"
            )
        elif name in self.connector_labels:
            del self.connector_labels[name]
            self.connector_changed.emit(name, "")

    def _on_connector(self, name: str, label: str) -> None:
        if name not in self._connector_unsubscribe and not label.startswith("failed"):
            return  # a late line from a connector no longer followed
        self.connector_labels[name] = label
        self.connector_changed.emit(name, label)

    # ---- items: hub thread → UI thread

    def _on_item(self, item: AudienceItem) -> None:
        with self._lock:
            self._arrived += 1
            if kept_row(item):
                self._kept.append((self._arrived, item))
                if len(self._kept) > MAX_KEPT:
                    self._kept.popleft()
                    self.dropped += 1
            else:
                self._buffer.append((self._arrived, item))
                if len(self._buffer) > MAX_PENDING:
                    self._buffer.popleft()
                    self.dropped += 1
            notify = not self._signalled
            self._signalled = True
        if notify:
            self._pending.emit()

    def _drain(self) -> None:
        with self._lock:
            plain, kept = list(self._buffer), list(self._kept)
            self._buffer.clear()
            self._kept.clear()
            self._signalled = False
        items = [item for _, item in heapq.merge(plain, kept, key=lambda pair: pair[0])]
        if items:
            self.delivered += len(items)
            self.items_received.emit(items)

    # ---- operator actions on viewers (UI thread): show commands with the actor

    def pin_comment(self, item: AudienceItem, actor: Actor = WINDOW) -> Event:
        """``PinComment`` (journaled with ``actor``); ``UserError`` with the reason if refused."""
        return self.live.pin_comment(item, actor)

    def unpin_comment(self, actor: Actor = WINDOW) -> Event | None:
        if getattr(self.controller.state, "pinned_comment", None) is None:
            return None
        return self.live.unpin_comment(actor)

    def block_user(self, user_key: str, actor: Actor = WINDOW, nick: str = "") -> None:
        """``BlockUser`` (journaled with ``actor``; it unpins their comment); the user's later
        messages are hidden from the stream, and so are the ones the overlay shows now."""
        if user_key not in self.controller.state.blocked_users:
            self.live.block_user(user_key, actor, nick)
        self.moderator.block_user(user_key)
        feed = self.feed
        if feed is None:
            return
        _, items = feed.snapshot()
        if any(i.event.user_key == user_key for i in items):
            feed.clear()
            for i in items:
                if i.event.user_key != user_key:
                    feed.add(i)

    def unblock_user(self, user_key: str, actor: Actor = WINDOW) -> None:
        if user_key in self.controller.state.blocked_users:
            self.live.unblock_user(user_key, actor)
        self.moderator.unblock_user(user_key)

    def want_counts(self) -> dict[str, int]:
        return self.hub.want_counts()
