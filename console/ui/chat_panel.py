"""The chat panel: the audience as operators see it.

A live list (the last :data:`MAX_ROWS` messages, newest at the bottom; it follows new messages
unless the operator scrolled up), filters (all / questions / orders / keyword), flagged messages
(blocked words, blocked users) greyed with ``⚑`` — shown here, never on the stream — and, per
message, Pin on stream / Unpin / Block user. Quick replies are a small editable list: Copy puts
the text on the clipboard and logs it (the console cannot post to the platforms). The keyword
triggers are visible: lottery entrants (the hub enters the lottery keyword) and the per-product
"想要 / want" counters (``hub.want_counts()``).

Items arrive in batches from :class:`~console.ui.audience_bridge.AudienceBridge` on the UI
thread; nothing here runs on the hub thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from console.audience.hub import AudienceItem
from console.errors import UserError
from console.overlays.audience_layers import PinnedCommentLayer
from console.qt.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from console.qt.QtGui import QAction, QColor, QFont, QGuiApplication
from console.qt.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from console.ui.audience_bridge import INGEST, SIMULATED, AudienceBridge, kept_row
from console.ui.plain import plain_label, plain_tooltip

log = logging.getLogger(__name__)

MAX_ROWS = 2000
TICK_MS = 100  # the list takes the batches that arrived in one tick in one insertion
LISTED = ("comment", "order", "cart", "gift", "follow")
FILTERS = ("all", "questions", "orders")
ItemRole = Qt.ItemDataRole.UserRole + 1

DEFAULT_REPLIES = (
    "欢迎来到直播间！点个关注不迷路～",
    "链接在下方小黄车，1 号链接就是主播手上这款",
    "付款后 48 小时内发货，偏远地区除外",
    "尺码可以看详情页的尺码表，拿不准可以问客服",
    "Welcome! The link is in the shopping bag below.",
)


def _money(cents: int) -> str:
    return f"¥{cents / 100:.2f}".replace(".00", "")


def _let_go(rows: list[AudienceItem], n: int, kept: Callable[[AudienceItem], bool]) -> set[int]:
    """The indexes of the ``n`` rows to let go: the oldest plain ones, then the oldest kept."""
    gone: set[int] = set()
    for r, item in enumerate(rows):
        if len(gone) == n:
            return gone
        if not kept(item):
            gone.add(r)
    for r in range(len(rows)):
        if len(gone) == n:
            break
        gone.add(r)
    return gone


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as ``[start, stop)`` runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][1] == r:
            runs[-1] = (runs[-1][0], r + 1)
        else:
            runs.append((r, r + 1))
    return runs


class ChatModel(QAbstractListModel):
    """The last ``capacity`` listed messages, oldest first. UI thread only."""

    def __init__(self, capacity: int = MAX_ROWS, parent: Any = None) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self.items: list[AudienceItem] = []
        self.blocked: set[str] = set()  # users blocked from this panel (earlier rows grey too)
        self.removed = 0

    # ---- changing

    def add_items(self, items: Iterable[AudienceItem]) -> int:
        """Append a batch (one insertion); past ``capacity`` the oldest plain messages go first,
        orders, carts, gifts, lottery entries and flagged messages last (:func:`kept_row`)."""
        new = [i for i in items if i.event.type in LISTED and (i.text or i.event.type != "comment")]
        if not new:
            return 0
        over = len(self.items) + len(new) - self.capacity
        if over > 0:
            gone = _let_go(self.items + new, over, lambda i: kept_row(i) or self.flagged(i))
            old = len(self.items)
            for start, stop in reversed(_runs(sorted(r for r in gone if r < old))):
                self.beginRemoveRows(QModelIndex(), start, stop - 1)
                del self.items[start:stop]
                self.endRemoveRows()
            new = [item for r, item in enumerate(new, old) if r not in gone]
            self.removed += len(gone)
        if not new:
            return 0
        first = len(self.items)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self.items.extend(new)
        self.endInsertRows()
        return len(new)

    def set_blocked(self, user_key: str, blocked: bool = True) -> None:
        (self.blocked.add if blocked else self.blocked.discard)(user_key)
        if self.items:
            self.dataChanged.emit(self.index(0), self.index(len(self.items) - 1))

    def flagged(self, item: AudienceItem) -> bool:
        return item.hidden or item.event.user_key in self.blocked

    # ---- reading

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def item(self, row: int) -> AudienceItem:
        return self.items[row]

    def line(self, item: AudienceItem) -> str:
        e = item.event
        when = dt.datetime.fromtimestamp(e.ts_ms / 1000).strftime("%H:%M:%S")
        nick = item.nick or self.tr("viewer")
        title = item.product_title or (e.order.product_id if e.order else "")
        if e.type == "order" and e.order is not None:
            text = self.tr("{0} ordered {1} ×{2} · {3}").format(
                nick, title, e.order.quantity, _money(e.order.amount_cents)
            )
            if e.order.status != "paid":
                text += f" ({e.order.status})"
        elif e.type == "cart" and e.order is not None:
            text = self.tr("{0} added {1} to the cart").format(nick, title)
        elif e.type == "gift" and e.gift is not None:
            text = self.tr("{0} sent {1} ×{2}").format(nick, e.gift.name, e.gift.count)
        elif e.type == "follow":
            text = self.tr("{0} followed").format(nick)
        else:
            text = f"{nick}：{item.text}"
        tags = []
        if item.lottery_entry:
            tags.append(self.tr("entered the lottery"))
        if item.want:
            tags.append(self.tr("wants {0}").format(item.product_title or item.product_id))
        mark = "⚑ " if self.flagged(item) else ""
        return f"{when}  {mark}{text}" + (f"   · {' · '.join(tags)}" if tags else "")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:  # noqa: PLR0911
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.line(item)
        if role == ItemRole:
            return item
        flagged = self.flagged(item)
        if role == Qt.ItemDataRole.ForegroundRole:
            if flagged:
                return QColor("#6b7280")
            if item.event.type in ("order", "cart"):
                return QColor("#f0b35a")
            if item.event.type == "gift":
                return QColor("#e48bb0")
            if item.lottery_entry or item.want:
                return QColor("#7cc4a0")
            return None
        if role == Qt.ItemDataRole.FontRole and flagged:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            e = item.event
            lines = [f"{item.nick} · {e.user_key}", f"{e.platform} · {e.type} · {e.msg_id}"]
            flags = list(item.flags)
            if e.user_key in self.blocked and "blocked user" not in flags:
                flags.append("blocked user")
            if flags:
                lines.append(self.tr("Flagged, not on the stream: {0}").format(", ".join(flags)))
            return plain_tooltip("\n".join(lines))  # nick names are text, never markup
        return None


class ChatFilter(QSortFilterProxyModel):
    """All / questions / orders, and a keyword (in the text or the name, any case)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.mode = "all"
        self.keyword = ""

    def set_mode(self, mode: str) -> None:
        self.beginFilterChange()
        self.mode = mode
        self.endFilterChange()

    def set_keyword(self, text: str) -> None:
        self.beginFilterChange()
        self.keyword = text.strip().casefold()
        self.endFilterChange()

    def accepts(self, item: AudienceItem) -> bool:
        kind = item.event.type
        if self.mode == "questions" and not item.is_question:
            return False
        if self.mode == "orders" and kind not in ("order", "cart"):
            return False
        if self.keyword:
            hay = f"{item.nick}\n{item.text}\n{item.product_title}".casefold()
            if self.keyword not in hay:
                return False
        return True

    def filterAcceptsRow(  # noqa: N802 - Qt override
        self, row: int, parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        return self.accepts(model.item(row))


class ChatPanel(QWidget):
    """Operators' view of the chat; see the module docstring."""

    reply_copied = Signal(str)

    def __init__(
        self,
        bridge: AudienceBridge,
        pin_layer: PinnedCommentLayer | None = None,
        replies: Iterable[str] = DEFAULT_REPLIES,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chatPanel")
        self.bridge = bridge
        self.pin_layer = pin_layer
        self.last_error = ""
        self.replies_log: list[tuple[float, str]] = []
        self.counts = {"comment": 0, "order": 0, "like": 0, "gift": 0}
        self.viewers: int | None = None
        self.unseen = 0
        self.queued_let_go = 0  # plain messages a flood pushed out before a tick took them
        self._build(list(replies))
        self._queued: list[AudienceItem] = []
        self.tick = QTimer(self, singleShot=True, interval=TICK_MS, timeout=self.flush)
        bridge.items_received.connect(self.queue_items)
        bridge.plugin_changed.connect(lambda _s: self.refresh_sources())
        self.retranslate_ui()

    # ================================================================== construction
    def _build(self, replies: list[str]) -> None:
        self.sources = plain_label()
        self.sources.setObjectName("hint")
        self.sources.setWordWrap(True)
        self.totals = plain_label()
        self.totals.setObjectName("chatTotals")
        self.triggers = plain_label()
        self.triggers.setObjectName("chatTriggers")
        self.triggers.setWordWrap(True)
        self.triggers.setTextFormat(Qt.TextFormat.RichText)

        self.filter_buttons: dict[str, QToolButton] = {}
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        frow = QHBoxLayout()
        frow.setSpacing(4)
        for mode in FILTERS:
            b = QToolButton()
            b.setCheckable(True)
            b.setChecked(mode == "all")
            b.clicked.connect(lambda _=False, m=mode: self.set_filter(m))
            self.filter_group.addButton(b)
            self.filter_buttons[mode] = b
            frow.addWidget(b)
        self.keyword = QLineEdit()
        self.keyword.setClearButtonEnabled(True)
        self.keyword.textChanged.connect(self._keyword_changed)
        frow.addWidget(self.keyword, 1)

        self.model = ChatModel(MAX_ROWS, self)
        self.proxy = ChatFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QListView()
        self.view.setObjectName("chatList")
        self.view.setModel(self.proxy)
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.view.verticalScrollBar().valueChanged.connect(self._scrolled)

        self.jump = QPushButton()
        self.jump.setObjectName("chatJump")
        self.jump.clicked.connect(self.scroll_to_newest)
        self.jump.hide()

        self.pin_button = QPushButton()
        self.pin_button.setObjectName("primary")
        self.pin_button.clicked.connect(self.pin_selected)
        self.unpin_button = QPushButton()
        self.unpin_button.clicked.connect(self.unpin)
        self.block_button = QPushButton()
        self.block_button.clicked.connect(self.block_selected)
        arow = QHBoxLayout()
        arow.setSpacing(6)
        arow.addWidget(self.pin_button)
        arow.addWidget(self.unpin_button)
        arow.addStretch(1)
        arow.addWidget(self.block_button)
        self.status = plain_label()
        self.status.setObjectName("commandOk")
        self.status.setWordWrap(True)
        self.status.hide()

        self.replies = QListWidget()
        self.replies.setObjectName("quickReplies")
        self.replies.setMaximumHeight(118)
        self.replies.itemDoubleClicked.connect(lambda it: self.copy_reply(it.text()))
        for text in replies:
            self._add_reply_item(text)
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_selected_reply)
        self.add_reply_button = QToolButton()
        self.add_reply_button.clicked.connect(self.new_reply)
        self.remove_reply_button = QToolButton()
        self.remove_reply_button.clicked.connect(self.remove_reply)
        rrow = QHBoxLayout()
        rrow.addWidget(self.copy_button)
        rrow.addStretch(1)
        rrow.addWidget(self.add_reply_button)
        rrow.addWidget(self.remove_reply_button)
        rl = QVBoxLayout()
        rl.setContentsMargins(8, 6, 8, 8)
        rl.addWidget(self.replies)
        rl.addLayout(rrow)
        self.replies_box = QGroupBox()
        self.replies_box.setLayout(rl)

        top = QFrame()
        top.setObjectName("chatHeader")
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(3)
        tl.addWidget(self.sources)
        tl.addWidget(self.totals)
        tl.addWidget(self.triggers)

        root = QVBoxLayout(self)
        root.setContentsMargins(8, 8, 8, 8)
        root.setSpacing(6)
        root.addWidget(top)
        root.addLayout(frow)
        root.addWidget(self.view, 1)
        root.addWidget(self.jump)
        root.addLayout(arow)
        root.addWidget(self.status)
        root.addWidget(self.replies_box)
        self._update_buttons()

    def _add_reply_item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.replies.addItem(item)
        return item

    # ================================================================== texts
    def retranslate_ui(self) -> None:
        for mode, text in zip(FILTERS, (self.tr("All"), self.tr("Questions"), self.tr("Orders"))):
            self.filter_buttons[mode].setText(text)
        self.keyword.setPlaceholderText(self.tr("Keyword or name"))
        self.pin_button.setText(self.tr("Pin on stream"))
        self.pin_button.setToolTip(self.tr("Show the selected comment on the stream (name masked)"))
        self.unpin_button.setText(self.tr("Unpin"))
        self.block_button.setText(self.tr("Block user"))
        self.block_button.setToolTip(
            self.tr("Hide this viewer's messages from the stream; they stay here, flagged")
        )
        self.replies_box.setTitle(self.tr("Quick replies"))
        self.replies.setToolTip(
            self.tr(
                "Double-click to edit. Copy puts the reply on the clipboard to paste it in the platform's app."
            )
        )
        self.copy_button.setText(self.tr("Copy reply"))
        self.add_reply_button.setText(self.tr("Add"))
        self.remove_reply_button.setText(self.tr("Remove"))
        self._update_jump()
        self.refresh_sources()
        self.refresh_counters()
        self.model.layoutChanged.emit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # ================================================================== items
    def queue_items(self, items: list[AudienceItem]) -> None:
        """A batch from the bridge (UI thread): kept until the next tick, so a flood of small
        batches costs one insertion per :data:`TICK_MS` (at most ``capacity`` queued; the
        oldest plain messages go first, as in the list)."""
        self._queued.extend(items)
        over = len(self._queued) - 2 * self.model.capacity
        if over > 0:
            gone = _let_go(self._queued, over, self._keeps_queued)
            self.queued_let_go += len(gone)
            self._queued = [item for r, item in enumerate(self._queued) if r not in gone]
        if not self.tick.isActive():
            self.tick.start()

    def _keeps_queued(self, item: AudienceItem) -> bool:
        # counted rows (likes, room stats) are never let go unseen by the counters
        return kept_row(item) or item.event.type not in LISTED

    def flush(self) -> None:
        """Take what was queued now (the tick does this)."""
        self.tick.stop()
        items, self._queued = self._queued, []
        if items:
            self.add_items(items)

    def add_items(self, items: list[AudienceItem]) -> None:
        """A batch (UI thread): counters, then the list in one insertion (following the newest
        message unless the operator scrolled up)."""
        for item in items:
            kind = item.event.type
            if kind == "room_stats" and item.event.viewers is not None:
                self.viewers = item.event.viewers
            elif kind == "like":
                self.counts["like"] += item.event.like_count
            elif kind in self.counts:
                self.counts[kind] += 1
        bar = self.view.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 4
        before = self.proxy.rowCount()
        added = self.model.add_items(items)
        if added:
            if follow:
                self.view.scrollToBottom()
            else:
                self.unseen += max(0, self.proxy.rowCount() - before)
                self._update_jump()
        self.refresh_counters()

    def _scrolled(self, value: int) -> None:
        if self.unseen and value >= self.view.verticalScrollBar().maximum() - 4:
            self.unseen = 0
            self._update_jump()

    def scroll_to_newest(self) -> None:
        self.view.scrollToBottom()
        self.unseen = 0
        self._update_jump()

    def _update_jump(self) -> None:
        self.jump.setText(self.tr("↓ {0} new — back to the newest").format(self.unseen))
        self.jump.setVisible(self.unseen > 0)

    def shown_items(self) -> list[AudienceItem]:
        """The messages the list shows now (after the filter), oldest first."""
        return [
            self.proxy.data(self.proxy.index(r, 0), ItemRole) for r in range(self.proxy.rowCount())
        ]

    def row_text(self, item: AudienceItem) -> str:
        return self.model.line(item)

    # ================================================================== filters
    def set_filter(self, mode: str) -> None:
        self.filter_buttons[mode].setChecked(True)
        self.proxy.set_mode(mode)
        self.view.scrollToBottom()

    def _keyword_changed(self, text: str) -> None:
        self.proxy.set_keyword(text)
        self.view.scrollToBottom()

    # ================================================================== actions
    def selected_item(self) -> AudienceItem | None:
        index = self.view.currentIndex()
        return index.data(ItemRole) if index.isValid() else None

    def select(self, item: AudienceItem) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if index.data(ItemRole) is item:
                self.view.setCurrentIndex(index)
                return True
        return False

    def _update_buttons(self) -> None:
        item = self.selected_item()
        self.pin_button.setEnabled(
            item is not None and item.event.type == "comment" and self.pin_layer is not None
        )
        self.block_button.setEnabled(item is not None and item.event.user is not None)
        self.unpin_button.setEnabled(self.pin_layer is not None and self.pin_layer.has_content)

    def _context_menu(self, pos: Any) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        self.view.setCurrentIndex(index)
        menu = QMenu(self)
        for button in (self.pin_button, self.unpin_button, self.block_button):
            act = QAction(button.text(), menu)
            act.setEnabled(button.isEnabled())
            act.triggered.connect(button.click)
            menu.addAction(act)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _done(self, text: str) -> None:
        self.last_error = ""
        self.status.setObjectName("commandOk")
        self.status.setText("✓ " + text)
        self._repolish(self.status)
        self.status.show()

    def _refused(self, reason: str) -> None:
        self.last_error = reason
        self.status.setObjectName("commandError")
        self.status.setText("✕ " + self.tr("Not done: {0}").format(reason))
        self._repolish(self.status)
        self.status.show()

    @staticmethod
    def _repolish(w: QWidget) -> None:
        w.style().unpolish(w)
        w.style().polish(w)

    def pin(self, item: AudienceItem) -> bool:
        """Pin a comment onto the stream (masked name + text). Flagged ones are refused."""
        if self.pin_layer is None:
            self._refused(self.tr("this window has no pinned-comment layer"))
            return False
        if item.event.type != "comment" or not item.text:
            self._refused(self.tr("only comments can be pinned"))
            return False
        if self.model.flagged(item):
            self._refused(self.tr("a flagged message never goes on the stream"))
            return False
        try:  # a show command, journaled with the window as the actor
            self.bridge.pin_comment(item)
        except UserError as exc:
            self._refused(str(exc))
            return False
        shown = self.pin_layer.pin(item)
        self._done(self.tr("Pinned on the stream: {0}").format(shown))
        self._update_buttons()
        return True

    def pin_selected(self) -> bool:
        item = self.selected_item()
        return item is not None and self.pin(item)

    def unpin(self) -> None:
        if self.pin_layer is not None and self.pin_layer.has_content:
            try:
                self.bridge.unpin_comment()
            except UserError as exc:
                self._refused(str(exc))
                return
            self.pin_layer.unpin()
            self._done(self.tr("Comment unpinned"))
        self._update_buttons()

    def block(self, item: AudienceItem) -> bool:
        """Block the item's author: their later messages are hidden from the stream."""
        if item.event.user is None:
            return False
        key = item.event.user_key
        try:  # a show command (it unpins their comment), journaled with the window as actor
            self.bridge.block_user(key, nick=item.nick)
        except UserError as exc:
            self._refused(str(exc))
            return False
        self.model.set_blocked(key)
        pinned = self.pin_layer.item if self.pin_layer is not None else None
        if pinned is not None and pinned.event.user_key == key:
            self.pin_layer.unpin()
        self._done(self.tr("Blocked {0}: hidden from the stream from now on").format(item.nick))
        self._update_buttons()
        return True

    def block_selected(self) -> bool:
        item = self.selected_item()
        return item is not None and self.block(item)

    # ---- quick replies
    def reply_texts(self) -> list[str]:
        return [
            self.replies.item(i).text().strip()
            for i in range(self.replies.count())
            if self.replies.item(i).text().strip()
        ]

    def copy_reply(self, text: str) -> None:
        """Copy a reply to the clipboard (paste it in the platform's app) and log it."""
        import time

        text = text.strip()
        if not text:
            return
        QGuiApplication.clipboard().setText(text)
        self.replies_log.append((time.time(), text))
        log.info("quick reply copied: %s", text)
        self._done(self.tr("Copied — paste it in the platform's app: {0}").format(text))
        self.reply_copied.emit(text)

    def copy_selected_reply(self) -> None:
        item = self.replies.currentItem()
        if item is not None:
            self.copy_reply(item.text())

    def new_reply(self) -> None:
        item = self._add_reply_item(self.tr("New reply"))
        self.replies.setCurrentItem(item)
        self.replies.editItem(item)

    def remove_reply(self) -> None:
        row = self.replies.currentRow()
        if row >= 0:
            self.replies.takeItem(row)

    # ================================================================== header
    def refresh_sources(self) -> None:
        names = {SIMULATED: self.tr("Simulated audience"), INGEST: self.tr("Local ingest")}
        parts = []
        for status in self.bridge.statuses.values():
            if status.state == "available" and status.name not in names:
                continue
            label = names.get(status.name, status.name)
            state = {
                "running": self.tr("on"),
                "stopped": self.tr("off"),
                "available": self.tr("off"),
                "failed": self.tr("failed"),
            }.get(status.state, status.state)
            mark = "●" if status.state == "running" else ("✕" if status.state == "failed" else "○")
            parts.append(f"{mark} {label}: {state}")
        self.sources.setText(self.tr("Sources") + " — " + "   ".join(parts))

    def refresh_counters(self) -> None:
        viewers = "–" if self.viewers is None else f"{self.viewers:,}"
        self.totals.setText(
            self.tr("Viewers {0} · Comments {1} · Likes {2} · Orders {3} · Gifts {4}").format(
                viewers,
                f"{self.counts['comment']:,}",
                f"{self.counts['like']:,}",
                f"{self.counts['order']:,}",
                f"{self.counts['gift']:,}",
            )
        )
        self.triggers.setText(self.triggers_html())

    def lottery_entrants(self) -> tuple[int, str] | None:
        """(entrants, keyword) of the lottery taking entries, else None."""
        state = self.bridge.controller.state
        lottery = state.current_lottery()
        if lottery is None or lottery.phase not in ("open", "closed"):
            return None
        return len(lottery.entrants), (lottery.keyword or "")

    def triggers_html(self) -> str:
        from html import escape

        parts = []
        lottery = self.lottery_entrants()
        if lottery is not None:
            n, keyword = lottery
            text = (
                self.tr("Lottery: {0} entered (keyword “{1}”)").format(n, keyword)
                if keyword
                else self.tr("Lottery: {0} entered").format(n)
            )
            parts.append(f"<b>{escape(text)}</b>")
        state = self.bridge.controller.state
        wants = sorted(self.bridge.want_counts().items(), key=lambda kv: -kv[1])
        if wants:
            shown = []
            for pid, n in wants[:4]:
                product = state.products.get(pid)
                title = product.title if product is not None else pid
                title = title if len(title) <= 16 else title[:15] + "…"
                shown.append(f"{escape(title)} <b>{n}</b>")
            parts.append(escape(self.tr("想要 / want")) + ": " + " · ".join(shown))
        if not parts:
            none_yet = escape(self.tr("想要 / want: none yet"))
            return f"<span style='color:#8a93a3'>{none_yet}</span>"
        return "<br>".join(parts)
