"""The one platform-neutral audience event, strict parsing from JSON, and de-duplication.

Every source (simulated audience, local ingest, replay, platform bridges) produces
:class:`AudienceEvent`; nothing downstream knows which platform an event came from. Parsing is
strict: an unknown field, a wrong type or a missing required field is refused with a reason that
names the field (``user.id: expected a non-empty string``), so a bridge author sees at once what
to fix. The schema is documented in ``docs/audience.md``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1
EVENT_TYPES = (
    "comment",
    "like",
    "gift",
    "member_join",
    "follow",
    "share",
    "cart",
    "order",
    "room_stats",
    "retract",
)
# What the audience itself does (a source's ``kinds``): every type but ``retract``, which a
# platform's moderation sends to take messages back.
AUDIENCE_TYPES = tuple(t for t in EVENT_TYPES if t != "retract")
ORDER_STATUSES = ("created", "paid", "cancelled", "refunded")
MAX_TEXT = 2000  # code points kept of a comment (longer text is clipped, not refused)
MAX_ID = 128
MAX_NICK = 256
MAX_TS_MS = 10**14  # year 5138: anything larger is a unit mistake (µs or ns)
_PLATFORM_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")
_TOP_FIELDS = {
    "v",
    "platform",
    "room_id",
    "msg_id",
    "ts_ms",
    "type",
    "user",
    "text",
    "gift",
    "like_count",
    "order",
    "viewers",
    "raw",
    "target",
}


class EventError(ValueError):
    """A refused event; ``str(exc)`` is the reason (names the field)."""


@dataclass(frozen=True)
class User:
    id: str
    nick: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "nick": self.nick}


@dataclass(frozen=True)
class Gift:
    name: str
    count: int = 1
    value_cents: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "count": self.count, "value_cents": self.value_cents}


@dataclass(frozen=True)
class Order:
    product_id: str
    quantity: int = 1
    amount_cents: int = 0
    status: str = "paid"

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_id": self.product_id,
            "quantity": self.quantity,
            "amount_cents": self.amount_cents,
            "status": self.status,
        }


@dataclass(frozen=True)
class Target:
    """What a ``retract`` event takes back: one message (``msg_id``), every message of a user
    (``user_id``), or, with neither, every message of the platform (a chat cleared)."""

    msg_id: str = ""
    user_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (("msg_id", self.msg_id), ("user_id", self.user_id)) if v}


@dataclass(frozen=True)
class AudienceEvent:
    """One thing the audience did. ``ts_ms`` is the platform's time (epoch milliseconds)."""

    platform: str
    msg_id: str
    ts_ms: int
    type: str
    room_id: str = ""
    user: User | None = None
    text: str = ""
    gift: Gift | None = None
    like_count: int = 0
    order: Order | None = None
    viewers: int | None = None
    raw: Any = None
    v: int = SCHEMA_VERSION
    target: Target | None = None  # ``retract`` only

    @property
    def key(self) -> tuple[str, str]:
        """The de-duplication key: platforms may deliver the same message twice."""
        return (self.platform, self.msg_id)

    @property
    def user_key(self) -> str:
        """A user id unique across platforms (``douyin:123``); empty without a user."""
        return f"{self.platform}:{self.user.id}" if self.user else ""

    @property
    def nick(self) -> str:
        if self.user is None:
            return ""
        return self.user.nick or self.user.id

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (parses back to an equal event); optional parts left out when empty."""
        data: dict[str, Any] = {
            "v": self.v,
            "platform": self.platform,
            "room_id": self.room_id,
            "msg_id": self.msg_id,
            "ts_ms": self.ts_ms,
            "type": self.type,
        }
        if self.user is not None:
            data["user"] = self.user.to_dict()
        if self.text:
            data["text"] = self.text
        if self.gift is not None:
            data["gift"] = self.gift.to_dict()
        if self.like_count:
            data["like_count"] = self.like_count
        if self.order is not None:
            data["order"] = self.order.to_dict()
        if self.viewers is not None:
            data["viewers"] = self.viewers
        if self.raw is not None:
            data["raw"] = self.raw
        if self.target is not None:
            data["target"] = self.target.to_dict()
        return data


# ---------------------------------------------------------------------------- parsing


def _str(data: dict[str, Any], name: str, where: str, *, required: bool, limit: int) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise EventError(f"{where}{name}: required")
        return ""
    if not isinstance(value, str):
        raise EventError(f"{where}{name}: expected a string, got {type(value).__name__}")
    if required and not value.strip():
        raise EventError(f"{where}{name}: must not be empty")
    if len(value) > limit:
        raise EventError(f"{where}{name}: longer than {limit} characters")
    return value


def _int(
    data: dict[str, Any],
    name: str,
    where: str,
    *,
    default: int | None,
    low: int = 0,
    high: int = 2**53,
) -> int:
    value = data.get(name)
    if value is None:
        if default is None:
            raise EventError(f"{where}{name}: required")
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventError(f"{where}{name}: expected a whole number, got {value!r}"[:200])
    if not low <= value <= high:
        raise EventError(f"{where}{name}: {value} is outside {low} … {high}")
    return value


def _obj(data: dict[str, Any], name: str, allowed: set[str]) -> dict[str, Any] | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise EventError(f"{name}: expected an object, got {type(value).__name__}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise EventError(f"{name}: unknown field {unknown[0]!r}")
    return value


def parse_event(data: Any) -> AudienceEvent:
    """Validate one event from its JSON form; raises :class:`EventError` with the reason."""
    if not isinstance(data, dict):
        raise EventError(f"an event must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - _TOP_FIELDS)
    if unknown:
        raise EventError(f"unknown field {str(unknown[0])[:40]!r}")
    v = data.get("v", SCHEMA_VERSION)
    if v != SCHEMA_VERSION or isinstance(v, bool):
        raise EventError(f"v: schema version {v!r} is not supported (use {SCHEMA_VERSION})")
    platform = _str(data, "platform", "", required=True, limit=32)
    if not _PLATFORM_RE.match(platform):
        raise EventError(
            f"platform: {platform!r} must be lowercase letters, digits, '.', '_' or '-' (e.g. douyin)"
        )
    msg_id = _str(data, "msg_id", "", required=True, limit=MAX_ID)
    room_id = _str(data, "room_id", "", required=False, limit=MAX_ID)
    ts_ms = _int(data, "ts_ms", "", default=None, low=0, high=MAX_TS_MS)
    kind = data.get("type")
    if kind not in EVENT_TYPES:
        raise EventError(f"type: {str(kind)[:40]!r} is not one of {', '.join(EVENT_TYPES)}")

    user = None
    u = _obj(data, "user", {"id", "nick"})
    if u is not None:
        user = User(
            id=_str(u, "id", "user.", required=True, limit=MAX_ID),
            nick=_str(u, "nick", "user.", required=False, limit=MAX_NICK),
        )
    elif kind not in ("room_stats", "retract"):
        raise EventError(f"user: required for a {kind} event")

    text = _str(data, "text", "", required=kind == "comment", limit=10**6)[:MAX_TEXT]

    gift = None
    g = _obj(data, "gift", {"name", "count", "value_cents"})
    if g is not None:
        gift = Gift(
            name=_str(g, "name", "gift.", required=True, limit=MAX_NICK),
            count=_int(g, "count", "gift.", default=1, low=1, high=10**7),
            value_cents=_int(g, "value_cents", "gift.", default=0, high=10**10),
        )
    elif kind == "gift":
        raise EventError("gift: required for a gift event ({name, count, value_cents})")

    like_count = _int(data, "like_count", "", default=1 if kind == "like" else 0, high=10**7)
    if kind == "like" and like_count < 1:
        raise EventError("like_count: must be at least 1")

    order = None
    o = _obj(data, "order", {"product_id", "quantity", "amount_cents", "status"})
    if o is not None:
        status = o.get("status", "paid")
        if status not in ORDER_STATUSES:
            raise EventError(
                f"order.status: {str(status)[:40]!r} is not one of {', '.join(ORDER_STATUSES)}"
            )
        order = Order(
            product_id=_str(o, "product_id", "order.", required=True, limit=MAX_ID),
            quantity=_int(o, "quantity", "order.", default=1, low=1, high=10**6),
            amount_cents=_int(o, "amount_cents", "order.", default=0, high=10**12),
            status=status,
        )
    elif kind in ("order", "cart"):
        raise EventError(f"order: required for a {kind} event ({{product_id, quantity, …}})")

    viewers = None
    if data.get("viewers") is not None or kind == "room_stats":
        viewers = _int(data, "viewers", "", default=None, high=10**9)

    target = None
    t = _obj(data, "target", {"msg_id", "user_id"})
    if t is not None:
        target = Target(
            msg_id=_str(t, "msg_id", "target.", required=False, limit=MAX_ID),
            user_id=_str(t, "user_id", "target.", required=False, limit=MAX_ID),
        )
    elif kind == "retract":
        raise EventError("target: required for a retract event ({msg_id} or {user_id} or {})")

    return AudienceEvent(
        platform=platform,
        msg_id=msg_id,
        ts_ms=ts_ms,
        type=kind,
        room_id=room_id,
        user=user,
        text=text,
        gift=gift,
        like_count=like_count,
        order=order,
        viewers=viewers,
        raw=data.get("raw"),
        target=target,
    )


def parse_batch(data: Any, limit: int = 1000) -> list[Any]:
    """The items of a request body: one event object, a list, or ``{"events": [...]}``.

    Returns the raw items (each still to be parsed); raises :class:`EventError` when the body is
    none of those shapes or holds more than ``limit`` events.
    """
    if isinstance(data, dict) and set(data) == {"events"}:
        data = data["events"]
        if not isinstance(data, list):
            raise EventError("events: expected a list of events")
    items = data if isinstance(data, list) else [data]
    if not items:
        raise EventError("no events in the request")
    if len(items) > limit:
        raise EventError(f"{len(items)} events in one request: send at most {limit}")
    return items


class Deduper:
    """Remembers the last ``capacity`` (platform, msg_id) keys; thread-safe, bounded LRU."""

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()
        self.duplicates = 0

    def seen(self, key: tuple[str, str]) -> bool:
        """True if ``key`` was seen before (a duplicate); otherwise remember it and return False."""
        with self._lock:
            if key in self._seen:
                self._seen.move_to_end(key)
                self.duplicates += 1
                return True
            self._seen[key] = None
            if len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
            return False

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)
