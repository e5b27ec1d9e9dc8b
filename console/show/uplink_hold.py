"""Stream-aware promotions: while every real destination is down, viewers see nothing, so the
countdowns of flash sales, coupons and lottery entry are held, and a draw is refused.

Whatever knows the destinations' states (the window's session, the CLI ``stream`` loop, a test)
calls :meth:`UplinkWatcher.update` with "are all real destinations down?" about once a second.
The watcher journals ``show.promotions_held`` when the last one goes down and
``show.promotions_resumed`` when one is back, both through the ShowController with the actor
``stream``; the reducer moves every held end time on by the time it was held, so the journal
replays to the same countdowns. No Qt, no media: the caller maps its output states to the bool
with :func:`all_real_down`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.errors import UserError
from console.show.commands import HoldPromotions, ResumePromotions
from console.show.journal import Event

if TYPE_CHECKING:  # the controller imports this module
    from console.show.controller import ShowController

log = logging.getLogger(__name__)

STREAM_ACTOR = "stream"
#: how long a platform keeps a room open without a stream when its preset does not say
DEFAULT_ROOM_CLOSE_S = 60.0
#: output states (``OutputState`` names, lower case) in which viewers get no picture
DOWN_STATES = frozenset({"offline", "connecting", "reconnecting", "failed", "ended"})

_KIND_LABELS = {"flash_sale": "flash sale", "coupon": "coupon", "lottery": "lottery"}


def all_real_down(states: Iterable[tuple[str, bool]]) -> bool:
    """``(state name, real)`` per output → True when there is at least one real destination and
    none of them is live. A recording (or a null output) is not real: nobody watches it."""
    real = [state.lower() for state, is_real in states if is_real]
    return bool(real) and all(state in DOWN_STATES for state in real)


@dataclass(frozen=True)
class ResumeNotice:
    held_s: float
    items: tuple[tuple[str, str, str], ...]  # (kind, id, title)
    room_close_s: float

    def text(self) -> str:
        """One line for the assistant: ``held 42 s: flash sale X, coupon Y``."""
        what = ", ".join(
            f"{_KIND_LABELS.get(kind, kind)} {title or ref}" for kind, ref, title in self.items
        )
        line = f"stream back: promotions held {self.held_s:.0f} s" + (f": {what}" if what else "")
        if self.held_s >= self.room_close_s:
            line += (
                f" — down longer than the {self.room_close_s:.0f} s a room stays open without a "
                "stream: check that the room is still open"
            )
        return line


class UplinkWatcher:
    """Hold promotions while every real destination is down; resume when one is back."""

    def __init__(
        self,
        controller: ShowController,
        room_close_s: float | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.controller = controller
        self.room_close_s = float(room_close_s or DEFAULT_ROOM_CLOSE_S)
        self.notify = notify
        self.last_notice: ResumeNotice | None = None

    @property
    def held(self) -> bool:
        return self.controller.state.promotions_hold is not None

    def update(self, all_real_destinations_down: bool, now: float | None = None) -> Event | None:
        """Journal a hold or a resume when the uplink changed; the event, or None."""
        del now  # the controller's clock stamps the event (kept for callers with their own)
        try:
            if all_real_destinations_down and not self.held:
                return self.controller.execute(HoldPromotions(), actor=STREAM_ACTOR)
            if not all_real_destinations_down and self.held:
                event = self.controller.execute(ResumePromotions(), actor=STREAM_ACTOR)
                p = event.payload
                items = tuple((i["kind"], i["id"], i.get("title", "")) for i in p["items"])
                self.last_notice = ResumeNotice(float(p["held_s"]), items, self.room_close_s)
                if self.notify is not None:
                    self.notify(self.last_notice.text())
                return event
        except UserError as exc:  # a race with another writer: the state already says so
            log.warning("promotion hold: %s", exc)
        return None


def room_close_s(platform: str) -> float:
    """How long ``platform``'s rooms stay open without a stream (its preset), else 60 s."""
    from console.platforms.presets import preset_by_id

    try:
        value = preset_by_id(platform).room_close_s
    except (UserError, StopIteration):
        return DEFAULT_ROOM_CLOSE_S
    return float(value) if value else DEFAULT_ROOM_CLOSE_S


class UplinkMonitor:
    """A daemon thread that asks ``outputs()`` (``(state name, is_real)`` per output) every
    ``interval_s`` and tells the watcher: what the live session runs while it is live."""

    def __init__(
        self,
        watcher: UplinkWatcher,
        outputs: Callable[[], Iterable[tuple[str, bool]]],
        interval_s: float = 1.0,
    ) -> None:
        self.watcher = watcher
        self.outputs = outputs
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> Event | None:
        """One look now; the hold or resume event it journaled, if any."""
        try:
            return self.watcher.update(all_real_down(self.outputs()))
        except Exception as exc:  # the stream must not stop for the journal
            log.warning("promotion hold: %s", exc)
            return None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="uplink-hold", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.poll()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)


def output_states(stats: Iterable[object], not_real: Iterable[str]) -> list[tuple[str, bool]]:
    """``OutputStats``-like objects (``name``, ``state`` an enum) → ``(state name, is_real)``;
    outputs named in ``not_real`` (the local recording) are not real destinations."""
    skip = set(not_real)
    out = []
    for o in stats:
        state = getattr(o, "state", None)
        name = getattr(state, "name", str(state))
        out.append((str(name), getattr(o, "name", "") not in skip))
    return out
