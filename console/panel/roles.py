"""Who may do what from the phone panel.

Four roles: ``host`` (everything), ``assistant`` (场控: show operations and chat moderation; never
the stream itself, its destinations, keys or sources), ``moderator`` (chat only) and ``viewer``
(read-only numbers). :func:`check` is the one place a panel action is allowed or refused; a
refusal names the role(s) that may do it.
"""

from __future__ import annotations

ROLES: tuple[str, ...] = ("host", "assistant", "moderator", "viewer")

ROLE_LABELS: dict[str, str] = {
    "host": "host",
    "assistant": "assistant",
    "moderator": "moderator",
    "viewer": "viewer",
}

_HOST = frozenset({"host"})
_SHOW = frozenset({"host", "assistant"})
_CHAT = frozenset({"host", "assistant", "moderator"})

# action → (roles that may, what it does in words for the refusal)
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    # the stream, its destinations, keys and sources: the host only
    "start_stream": (_HOST, "start the stream"),
    "stop_stream": (_HOST, "stop the stream"),
    "set_destinations": (_HOST, "change the destinations"),
    "set_key": (_HOST, "change a stream key"),
    "set_source": (_HOST, "change the sources"),
    # show operations
    "pin_product": (_SHOW, "pin a product"),
    "unpin_product": (_SHOW, "unpin the product"),
    "adjust_stock": (_SHOW, "change the stock"),
    "launch_coupon": (_SHOW, "launch a coupon"),
    "stop_coupon": (_SHOW, "stop a coupon"),
    "start_flash_sale": (_SHOW, "start a flash sale"),
    "stop_flash_sale": (_SHOW, "stop a flash sale"),
    "open_lottery": (_SHOW, "open a lottery"),
    "close_lottery": (_SHOW, "close a lottery"),
    "draw_lottery": (_SHOW, "draw a lottery"),
    "start_poll": (_SHOW, "start a poll"),
    "stop_poll": (_SHOW, "stop a poll"),
    "advance_rundown": (_SHOW, "move the rundown on"),
    "goto_segment": (_SHOW, "jump to a rundown segment"),
    # chat moderation
    "pin_comment": (_CHAT, "pin a comment onto the stream"),
    "unpin_comment": (_CHAT, "unpin the comment"),
    "hide_comment": (_CHAT, "hide a comment"),
    "block_user": (_CHAT, "block a user"),
}

# what the host's and the assistant's snapshots hold: everything about the running show
_RUNNING_SHOW = frozenset(
    {
        "show",
        "products",
        "coupons",
        "flash_sales",
        "lotteries",
        "polls",
        "chat",
        "numbers",
        "health",
        "rundown",
        "stream",
        "templates",
    }
)

# what each role's snapshot holds (the server strips the rest before sending)
SECTIONS: dict[str, frozenset[str]] = {
    "host": _RUNNING_SHOW,
    "assistant": _RUNNING_SHOW,
    "moderator": frozenset({"show", "chat", "numbers"}),
    "viewer": frozenset({"show", "numbers", "health"}),
}


def _who(roles: frozenset[str]) -> str:
    names = [r for r in ROLES if r in roles]
    if len(names) == 1:
        return f"the {names[0]}"
    return "the " + ", ".join(names[:-1]) + " or " + names[-1]


def check(role: str, action: str) -> str | None:
    """``None`` when ``role`` may do ``action``; otherwise the refusal, one line that names the
    role(s) that may (``"only the host may stop the stream"``)."""
    if action not in ACTIONS:
        return f"unknown action {action[:40]!r}: the panel offers {', '.join(ACTIONS)}"
    roles, what = ACTIONS[action]
    if role in roles:
        return None
    if role not in ROLES:
        return f"unknown role {role[:20]!r}: pair the device again"
    return f"only {_who(roles)} may {what} (this device is paired as {role})"


def allowed_actions(role: str) -> list[str]:
    """The actions ``role`` may do, in table order (the page shows only these controls)."""
    return [a for a, (roles, _what) in ACTIONS.items() if role in roles]


def sections(role: str) -> frozenset[str]:
    return SECTIONS.get(role, frozenset())
