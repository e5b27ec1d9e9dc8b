"""The chat overlay: the last N audience messages in the outgoing video, fading with age.

Orders and gifts are highlighted (``张** 下单了 保温杯 ×2``); display names are masked by default
(privacy: the stream is public, the name is not ours to publish); hidden messages (blocked words,
blocked users) never reach the stream. Text is sanitised again here (controls, bidi overrides,
zalgo) and every line is elided to the box, so hostile input cannot draw outside it.

The layer is repainted only when its messages change or, while one is fading, at ``fade_hz``
(4 Hz): ``content_key(t)`` is the tuple of (message, opacity step) shown at media time ``t``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from console.audience.hub import AudienceItem
from console.media.compositor import NormRect
from console.overlays.text import safe_text
from console.qt.QtCore import QRectF, Qt
from console.qt.QtGui import QColor, QFont, QPainter, QPainterPath

SHOWN_TYPES = ("comment", "order", "gift", "follow")
#: Short platform names drawn before each line once a feed holds more than one platform.
PLATFORM_BADGES = {
    "bilibili": "B站",
    "douyin": "抖音",
    "kuaishou": "快手",
    "taobao": "淘宝",
    "wechat": "视频号",
    "twitch": "Twitch",
    "youtube": "YouTube",
}


def platform_badge(platform: str) -> str:
    """``bilibili`` → ``B站``; an unknown platform shows its (short) id."""
    return PLATFORM_BADGES.get(platform) or safe_text(platform, 10)


def mask_name(nick: str) -> str:
    """``张三丰`` → ``张**``, ``Alice`` → ``A**``: the first character and two stars."""
    nick = safe_text(nick, 32)
    if not nick:
        return "观众"
    return nick[0] + "**" if len(nick) > 1 else "*"


def message_line(item: AudienceItem, mask: bool = True) -> tuple[str, str]:
    """(name part, message part) as shown on the stream."""
    name = mask_name(item.nick) if mask else (safe_text(item.nick, 24) or "观众")
    e = item.event
    if e.type == "order" and e.order is not None:
        what = item.product_title or e.order.product_id
        return name, f"下单了 {safe_text(what, 40)} ×{e.order.quantity}"
    if e.type == "gift" and e.gift is not None:
        return name, f"送出 {safe_text(e.gift.name, 24)} ×{e.gift.count}"
    if e.type == "follow":
        return name, "关注了主播"
    if e.type == "member_join":
        return name, "来了"
    return name + "：", safe_text(item.text)


class ChatFeed:
    """The last ``capacity`` displayable messages. Thread-safe: the hub thread adds, the render
    thread (overlay) and the UI thread (panel) read snapshots."""

    def __init__(self, capacity: int = 50, types: tuple[str, ...] = SHOWN_TYPES) -> None:
        self.types = types
        self._items: deque[AudienceItem] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._version = 0
        self.platforms: set[str] = set()  # every platform shown so far (badges when > 1)

    def __call__(self, item: AudienceItem) -> None:
        self.add(item)

    def add(self, item: AudienceItem) -> None:
        if item.event.type == "retract":
            self.retract(item.event)
            return
        if item.hidden or item.event.type not in self.types:
            return
        if item.event.type == "comment" and not item.text:
            return
        with self._lock:
            self._items.append(item)
            self.platforms.add(item.event.platform)
            self._version += 1

    def retract(self, event: Any) -> int:
        """Take back what a ``retract`` event names (a platform deleted a message, cleared a
        user's messages or the whole chat): those lines leave the feed. Returns how many."""
        target = event.target
        if target is None:
            return 0

        def gone(item: AudienceItem) -> bool:
            e = item.event
            if e.platform != event.platform:
                return False
            if target.msg_id:
                return e.msg_id == target.msg_id
            if target.user_id:
                return e.user is not None and e.user.id == target.user_id
            return True

        with self._lock:
            kept = [i for i in self._items if not gone(i)]
            removed = len(self._items) - len(kept)
            if removed:
                self._items.clear()
                self._items.extend(kept)
                self._version += 1
        return removed

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._version += 1

    def snapshot(self) -> tuple[int, list[AudienceItem]]:
        with self._lock:
            return self._version, list(self._items)


@dataclass
class ChatStyle:
    comment_bg: str = "#8C000000"  # ARGB
    order_bg: str = "#E6FF6A00"
    gift_bg: str = "#E6D6336C"
    follow_bg: str = "#B3226CE0"
    name_fg: str = "#FFFFD166"
    text_fg: str = "#FFFFFFFF"
    line_gap_ratio: float = 0.25


class ChatOverlayLayer:
    """Compositor layer. ``source`` is a :class:`ChatFeed`, or anything with
    ``subscribe(callback) -> unsubscribe`` delivering :class:`AudienceItem` (the hub)."""

    def __init__(
        self,
        source: Any,
        rect: NormRect,
        max_messages: int = 6,
        *,
        name: str = "chat",
        mask_names: bool = True,
        fade_after_s: float = 20.0,
        fade_s: float = 4.0,
        fade_hz: float = 4.0,
        style: ChatStyle | None = None,
    ) -> None:
        self.name = name
        self.rect = rect
        self.visible = True
        self.max_messages = max(1, max_messages)
        self.mask_names = mask_names
        self.fade_after_s = fade_after_s
        self.fade_s = max(0.001, fade_s)
        self.fade_steps = max(1, round(fade_s * fade_hz))
        self.style = style or ChatStyle()
        self._unsubscribe: Callable[[], None] | None = None
        if isinstance(source, ChatFeed):
            self.feed = source
        else:
            self.feed = ChatFeed(max(50, self.max_messages))
            self._unsubscribe = source.subscribe(self.feed)
        self._first_seen: dict[int, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    # ---- what is shown at time t

    def visible_lines(self, t: float) -> list[tuple[AudienceItem, float]]:
        """(message, opacity) for the messages shown at media time ``t``, oldest first."""
        _, items = self.feed.snapshot()
        items = items[-self.max_messages :]
        shown = []
        with self._lock:
            seen = self._first_seen
            for item in items:
                first = seen.setdefault(item.seq, t)
                if first > t:  # the media clock restarted
                    first = seen[item.seq] = t
                age = t - first
                if age >= self.fade_after_s + self.fade_s:
                    continue
                alpha = 1.0
                if age > self.fade_after_s:
                    remaining = 1.0 - (age - self.fade_after_s) / self.fade_s
                    alpha = max(1, round(remaining * self.fade_steps)) / self.fade_steps
                shown.append((item, alpha))
            live = {item.seq for item in items}
            for seq in [s for s in seen if s not in live]:
                del seen[seq]
        return shown

    def content_key(self, t: float) -> Hashable:
        return (
            self.mask_names,
            tuple((item.seq, alpha) for item, alpha in self.visible_lines(t)),
        )

    # ---- painting

    def _background(self, kind: str) -> QColor:
        s = self.style
        return QColor(
            {"order": s.order_bg, "gift": s.gift_bg, "follow": s.follow_bg}.get(kind, s.comment_bg)
        )

    def paint(self, painter: QPainter, width: int, height: int, t: float) -> None:
        lines = self.visible_lines(t)
        if not lines or width < 8 or height < 8:
            return
        painter.save()
        painter.setClipRect(QRectF(0, 0, width, height))
        painter.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        slot = height / self.max_messages
        size = int(max(10, min(44, slot * 0.5)))
        font = QFont()
        font.setPixelSize(size)
        bold = QFont(font)
        bold.setBold(True)
        line_h = min(slot * (1 - self.style.line_gap_ratio), size * 1.7)
        pad = size * 0.5
        y = float(height)
        for item, alpha in reversed(lines):  # newest at the bottom
            y -= slot
            if y < -0.5:
                break
            name, message = message_line(item, self.mask_names)
            if len(self.feed.platforms) > 1:  # one feed from several platforms: say which
                name = f"[{platform_badge(item.event.platform)}] {name}"
            highlight = item.event.type in ("order", "gift", "follow")
            painter.setOpacity(alpha)
            painter.setFont(bold)
            name_w = painter.fontMetrics().horizontalAdvance(name)
            room = max(0.0, width - 2 * pad - name_w - (pad * 0.4))
            painter.setFont(bold if highlight else font)
            shown = painter.fontMetrics().elidedText(
                message, Qt.TextElideMode.ElideRight, int(room)
            )
            text_w = painter.fontMetrics().horizontalAdvance(shown)
            box_w = min(float(width), name_w + text_w + 2 * pad + pad * 0.4)
            top = y + (slot - line_h) / 2
            path = QPainterPath()
            path.addRoundedRect(QRectF(0, top, box_w, line_h), line_h / 2, line_h / 2)
            painter.fillPath(path, self._background(item.event.type))
            painter.setFont(bold)
            painter.setPen(QColor(self.style.text_fg if highlight else self.style.name_fg))
            name_rect = QRectF(pad, top, name_w + 1, line_h)
            flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(name_rect, int(flags), name)
            painter.setFont(bold if highlight else font)
            painter.setPen(QColor(self.style.text_fg))
            text_rect = QRectF(pad + name_w + pad * 0.4, top, room + 1, line_h)
            painter.drawText(text_rect, int(flags | Qt.TextFlag.TextSingleLine), shown)
        painter.restore()
