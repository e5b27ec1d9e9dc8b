"""Commands: everything an operator (or a rundown cue, hotkey, remote client) asks the show to do.

Commands are requests, not facts: ``ShowController.execute`` validates one against the current
state and, if it is allowed, journals the resulting event. Money is in integer cents, times are
epoch seconds, durations are seconds. An id left as ``None`` is assigned by the controller
(``coupon-1``, ``flash-1``, ``lottery-1``, ``poll-1``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from console.errors import UserError

COUPON_KINDS = ("threshold", "percent", "amount")
ENTRY_RULES = ("keyword", "like", "follow", "present")
ENTRY_VIAS = ("comment", "like", "follow", "join", "gift", "share", "manual")
DEFAULT_ENTRY_S = 180.0  # a lottery's entry lasts 3 minutes unless the template says otherwise


@dataclass(frozen=True)
class Command:
    name: ClassVar[str] = ""


@dataclass(frozen=True)
class PinProduct(Command):
    name: ClassVar[str] = "pin_product"
    product_id: str


@dataclass(frozen=True)
class UnpinProduct(Command):
    name: ClassVar[str] = "unpin_product"


@dataclass(frozen=True)
class LaunchCoupon(Command):
    """满减 (``threshold``: spend ``threshold_cents`` save ``discount_cents``), ``percent`` off
    (optionally above a threshold) or ``amount`` off (立减). Valid from ``starts_at`` (default now)
    until ``ends_at`` or for ``duration_s`` (neither: until stopped)."""

    name: ClassVar[str] = "launch_coupon"
    kind: str
    quantity: int
    threshold_cents: int = 0
    discount_cents: int = 0
    percent: int = 0
    starts_at: float | None = None
    ends_at: float | None = None
    duration_s: float | None = None
    product_ids: tuple[str, ...] = ()
    title: str = ""
    coupon_id: str | None = None


@dataclass(frozen=True)
class StopCoupon(Command):
    name: ClassVar[str] = "stop_coupon"
    coupon_id: str


@dataclass(frozen=True)
class StartFlashSale(Command):
    name: ClassVar[str] = "start_flash_sale"
    product_id: str
    sale_price_cents: int
    quantity: int
    duration_s: float
    sale_id: str | None = None


@dataclass(frozen=True)
class StopFlashSale(Command):
    name: ClassVar[str] = "stop_flash_sale"
    sale_id: str


@dataclass(frozen=True)
class OpenLottery(Command):
    """Announce a lottery: everything the law wants said in advance is fixed here.

    Entry opens ``opens_in_s`` after the announcement and lasts ``entry_duration_s`` (default
    3 minutes): the close time is fixed and shown from the start; the draw is at ``draw_at``
    (epoch) or ``draw_delay_s`` after entry closes.
    """

    name: ClassVar[str] = "open_lottery"
    prize: str
    prize_value_cents: int
    entry_rule: str
    winners: int
    entry_duration_s: float = DEFAULT_ENTRY_S
    keyword: str = ""
    opens_in_s: float = 0.0
    draw_at: float | None = None
    draw_delay_s: float = 0.0
    claim_rules: str = ""
    lottery_id: str | None = None


@dataclass(frozen=True)
class CloseLottery(Command):
    """Close entry now. Before the announced close time this is an early close: it needs a
    ``reason``, and it is journaled (``"early": true``) and reported by ``verify-lottery``."""

    name: ClassVar[str] = "close_lottery"
    lottery_id: str
    reason: str = ""


@dataclass(frozen=True)
class DrawLottery(Command):
    """Draw the winners. While promotions are held (every real destination down) a draw is
    refused — viewers would not see it — unless ``override`` (journaled with the draw)."""

    name: ClassVar[str] = "draw_lottery"
    lottery_id: str
    override: bool = False


@dataclass(frozen=True)
class AddLotteryEntrant(Command):
    """An audience member qualifies (``via`` comment/like/follow/join…; ``text`` for comments)."""

    name: ClassVar[str] = "add_lottery_entrant"
    lottery_id: str
    user_id: str
    display_name: str = ""
    via: str = "comment"
    text: str = ""


@dataclass(frozen=True)
class StartPoll(Command):
    """A poll, or a quiz (答题) when ``answer`` is the index of the right option."""

    name: ClassVar[str] = "start_poll"
    question: str
    options: tuple[str, ...]
    answer: int | None = None
    duration_s: float | None = None
    poll_id: str | None = None


@dataclass(frozen=True)
class VotePoll(Command):
    name: ClassVar[str] = "vote_poll"
    poll_id: str
    user_id: str
    option: int


@dataclass(frozen=True)
class StopPoll(Command):
    name: ClassVar[str] = "stop_poll"
    poll_id: str


@dataclass(frozen=True)
class AdvanceRundown(Command):
    name: ClassVar[str] = "advance_rundown"


@dataclass(frozen=True)
class GotoSegment(Command):
    """Jump to a segment by index (0-based) or by its id."""

    name: ClassVar[str] = "goto_segment"
    segment: int | str


@dataclass(frozen=True)
class HoldPromotions(Command):
    """Every real destination is down: freeze the countdowns of flash sales, coupons and lottery
    entry (issued by ``console.show.uplink_hold.UplinkWatcher`` as actor ``stream``)."""

    name: ClassVar[str] = "hold_promotions"
    reason: str = "stream_down"


@dataclass(frozen=True)
class ResumePromotions(Command):
    """The stream is back: every held countdown goes on with the time it had left."""

    name: ClassVar[str] = "resume_promotions"


@dataclass(frozen=True)
class RecordSale(Command):
    """Units sold: decrements stock, and the flash sale's own quantity when ``flash_sale_id``."""

    name: ClassVar[str] = "record_sale"
    product_id: str
    quantity: int
    flash_sale_id: str | None = None
    coupon_id: str | None = None
    order_id: str = ""


@dataclass(frozen=True)
class AdjustStock(Command):
    name: ClassVar[str] = "adjust_stock"
    product_id: str
    delta: int
    reason: str = ""


# ---- operator actions on the audience and the live session (the live core) ------------------


@dataclass(frozen=True)
class PinComment(Command):
    """Pin a viewer's comment onto the stream (the overlay masks the name)."""

    name: ClassVar[str] = "pin_comment"
    text: str
    nick: str = ""
    user_key: str = ""
    msg_id: str = ""
    platform: str = ""


@dataclass(frozen=True)
class UnpinComment(Command):
    name: ClassVar[str] = "unpin_comment"


@dataclass(frozen=True)
class HideComment(Command):
    """Keep one viewer's message off the stream (operators still see it)."""

    name: ClassVar[str] = "hide_comment"
    msg_id: str
    platform: str = ""
    user_key: str = ""
    text: str = ""


@dataclass(frozen=True)
class BlockUser(Command):
    """Hide a user's messages from the stream (flagged to operators)."""

    name: ClassVar[str] = "block_user"
    user_key: str
    nick: str = ""


@dataclass(frozen=True)
class UnblockUser(Command):
    name: ClassVar[str] = "unblock_user"
    user_key: str


@dataclass(frozen=True)
class StartSession(Command):
    """The show went on air (``mode`` rehearsal or live) to ``destinations`` destinations."""

    name: ClassVar[str] = "start_session"
    mode: str
    destinations: int = 0
    recording: bool = False
    details: dict[str, Any] = dataclasses.field(default_factory=dict)  # e.g. the rehearsal seed


@dataclass(frozen=True)
class EndSession(Command):
    name: ClassVar[str] = "end_session"
    mode: str
    reason: str = ""


@dataclass(frozen=True)
class RecordHealth(Command):
    """A stream-health sample (``console.analytics.health.health_payload``) for the report."""

    name: ClassVar[str] = "record_health"
    sample: dict[str, Any]


@dataclass(frozen=True)
class AddMarker(Command):
    """A marker on the show's timeline (``label``: what happened)."""

    name: ClassVar[str] = "add_marker"
    label: str


# ---- a session's recording (console/clips: journal time <-> recording media time) ----------


@dataclass(frozen=True)
class NoteRecording(Command):
    """A recording of the running session started (``reason`` start, resume or restart):
    ``path`` (show-relative when inside the show folder), and the mapping ``journal_t`` (epoch,
    the journal's clock) = ``media_t0`` (seconds of the file's own timestamps). ``session`` is
    the seq of the ``session.started`` it belongs to (0: the latest)."""

    name: ClassVar[str] = "note_recording"
    path: str
    journal_t: float
    media_t0: float = 0.0
    reason: str = "start"
    session: int = 0


#: Operator actions remote clients may send too (session and health are the live core's own).
OPERATOR_COMMANDS: tuple[type[Command], ...] = (
    PinComment,
    UnpinComment,
    HideComment,
    BlockUser,
    UnblockUser,
    AddMarker,
)
SESSION_COMMANDS: tuple[type[Command], ...] = (StartSession, EndSession, RecordHealth)

COMMAND_TYPES: dict[str, type[Command]] = {
    cls.name: cls
    for cls in (
        PinProduct,
        UnpinProduct,
        LaunchCoupon,
        StopCoupon,
        StartFlashSale,
        StopFlashSale,
        OpenLottery,
        CloseLottery,
        DrawLottery,
        AddLotteryEntrant,
        StartPoll,
        VotePoll,
        StopPoll,
        AdvanceRundown,
        GotoSegment,
        RecordSale,
        AdjustStock,
        HoldPromotions,
        ResumePromotions,
    )
}

COMMAND_TYPES.update({cls.name: cls for cls in OPERATOR_COMMANDS})


def command_to_dict(command: Command) -> dict[str, Any]:
    """``{"command": "pin_product", "product_id": "cup"}`` — JSON-ready."""
    data: dict[str, Any] = {"command": command.name}
    for f in dataclasses.fields(command):
        value = getattr(command, f.name)
        data[f.name] = list(value) if isinstance(value, tuple) else value
    return data


def command_from_dict(data: dict[str, Any]) -> Command:
    """Inverse of :func:`command_to_dict`; a ``UserError`` names the unknown command or field."""
    if not isinstance(data, dict):
        raise UserError(f"a command must be an object, got {data!r}")
    name = data.get("command")
    cls = COMMAND_TYPES.get(str(name))
    if cls is None:
        raise UserError(f"unknown command {name!r}: use one of {', '.join(COMMAND_TYPES)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "command":
            continue
        if key not in fields:
            raise UserError(f"command {name}: unknown field {key!r}")
        if isinstance(value, list) and "tuple" in str(fields[key].type):
            value = tuple(value)
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise UserError(f"command {name}: {exc}") from None
