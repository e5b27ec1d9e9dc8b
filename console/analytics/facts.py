"""What one journaled event means for analytics: shared by the post-show report
(:mod:`console.analytics.metrics`) and the live dashboard (:mod:`console.analytics.live`), so the
two always count the same way. Definitions are in ``docs/analytics.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from console.audience.events import AUDIENCE_TYPES
from console.audience.hub import is_question
from console.show.money import parse_money

AUDIENCE = "audience."
HEALTH = "health."
COALESCED = "hub.coalesced"  # likes / joins the hub counted instead of journaling one by one
SESSION_STARTED = "session.started"
SESSION_ENDED = "session.ended"

# audience event types that count as an interaction (the funnel's second stage)
INTERACTIONS = frozenset({"comment", "like", "follow", "share", "gift"})
# every audience type that names a user: seeing one of these means the user was watching
USER_TYPES = frozenset(AUDIENCE_TYPES) - {"room_stats"}


class BadEvent(ValueError):
    """An event whose payload lacks what its kind promises (``str(exc)`` is the field)."""


def user_key(payload: dict[str, Any]) -> str:
    """``platform:user_id`` as the hub namespaces users (empty for room_stats)."""
    user = payload.get("user")
    if not user:
        return ""
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        raise BadEvent("user.id missing")
    return f"{payload.get('platform', '')}:{user['id']}"


def nick(payload: dict[str, Any]) -> str:
    user = payload.get("user") or {}
    return str(user.get("nick") or user.get("id") or "")


@dataclass(frozen=True)
class OrderFact:
    """A paid (or other status) order as the journal saw it."""

    order_id: str
    product_ref: str  # the id in the event (catalog id or the platform's product id)
    quantity: int
    amount_cents: int
    status: str


def order_fact(payload: dict[str, Any]) -> OrderFact:
    order = payload.get("order")
    if not isinstance(order, dict):
        raise BadEvent("order missing")
    try:
        quantity = int(order.get("quantity", 1))
        amount = int(order.get("amount_cents", 0))
        product = str(order["product_id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadEvent(f"order field {exc}") from None
    raw = payload.get("raw")
    order_id = ""
    if isinstance(raw, dict) and raw.get("order_id"):
        order_id = str(raw["order_id"])
    return OrderFact(
        order_id=order_id or str(payload.get("msg_id", "")),
        product_ref=product,
        quantity=quantity,
        amount_cents=amount,
        status=str(order.get("status", "paid")),
    )


@dataclass(frozen=True)
class CoalescedFact:
    """A ``hub.coalesced`` row: ``events`` likes or joins of ``platform`` counted, not
    journaled one by one, under overload; ``units`` is what they add to the like total (the
    sum of their ``like_count``) or to the joins."""

    platform: str
    type: str
    events: int
    units: int


def coalesced_fact(payload: dict[str, Any]) -> CoalescedFact:
    try:
        events = int(payload["count"])
        type_ = str(payload["type"])
        units = int(payload.get("like_count") or events) if type_ == "like" else events
    except (KeyError, TypeError, ValueError) as exc:
        raise BadEvent(f"coalesced field {exc}") from None
    if events < 0 or units < 0:
        raise BadEvent("coalesced count below 0")
    return CoalescedFact(str(payload.get("platform", "")), type_, events, units)


def hidden(payload: dict[str, Any]) -> bool:
    """Hidden from the stream by moderation (blocked word or user)."""
    return bool(payload.get("moderation"))


_FOLD_DROP = re.compile(r"[\W_]+", re.UNICODE)


def question_key(text: str) -> str:
    """Questions that differ only in case, width, spaces, punctuation or emoji group together."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _FOLD_DROP.sub("", folded)


def is_question_text(text: str) -> bool:
    """The same rule the chat panel uses (``?``/``？``/吗/呢/多少/怎么/…/how/what …)."""
    return is_question(text)


class ProductIndex:
    """Maps the product id an order names (catalog id or ``platform_product_id``) to the catalog."""

    def __init__(self) -> None:
        self.titles: dict[str, str] = {}
        self.prices: dict[str, int] = {}
        self._platform: dict[str, str] = {}

    def load(self, products: list[dict[str, Any]]) -> None:
        for p in products:
            pid = str(p["id"])
            self.titles[pid] = str(p.get("title", pid))
            try:
                self.prices[pid] = parse_money(p.get("price", 0))
            except ValueError:
                self.prices[pid] = 0
            if p.get("platform_product_id"):
                self._platform[str(p["platform_product_id"])] = pid

    def resolve(self, ref: str) -> str:
        if ref in self.titles:
            return ref
        return self._platform.get(ref, ref)

    def title(self, pid: str) -> str:
        return self.titles.get(pid, pid)
