"""Moderation on the platform: delete a viewer's message or ban (time out) a viewer there too.

The console's own moderation (``console.audience.moderation.Moderator``: blocked words and
users) acts locally on every source. Where a platform allows it and the account has the rights,
the operator can also act on the platform::

    from console.connectors.moderation import on_platform
    on_platform(host.attached(), item, "delete")          # Twitch, YouTube (OAuth, moderator)
    on_platform(host.attached(), item, "ban", 600)        # a 10-minute timeout

It raises a one-line :class:`~console.errors.UserError` when no connector for the item's
platform is running, the platform does not allow it, or the account lacks the rights.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from console.connectors.base import Connector
from console.errors import UserError

_DERIVED = (":paid", ":member", ":bits", ":text")  # events the connectors derive from a message


def platform_message_id(msg_id: str) -> str:
    """The platform's own id of the message an event came from."""
    for suffix in _DERIVED:
        if msg_id.endswith(suffix):
            return msg_id[: -len(suffix)]
    return msg_id


def on_platform(
    sources: Iterable[Any], item_or_event: Any, action: str, duration_s: int | None = None
) -> str:
    """Delete (``action="delete"``) the message or ban (``"ban"``) its author on its platform;
    returns what was done, as one line."""
    event = getattr(item_or_event, "event", item_or_event)
    for source in sources:
        connector = getattr(source, "source", source)
        if not isinstance(connector, Connector) or connector.platform != event.platform:
            continue
        if action == "delete":
            connector.delete_message(platform_message_id(event.msg_id))
            return f"deleted on {event.platform}"
        if action == "ban":
            if event.user is None:
                raise UserError("this event has no user to ban")
            connector.ban_user(event.user.id, duration_s)
            what = f"timed out for {duration_s} s" if duration_s else "banned"
            return f"{event.nick or event.user.id} {what} on {event.platform}"
        raise UserError(f"unknown moderation action {action!r} (delete or ban)")
    raise UserError(f"no {event.platform} connector is running: blocked in the console only")
