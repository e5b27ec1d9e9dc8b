"""ShowController: the one door through which the show changes.

``execute(command)``: due time transitions first, then validate → ``Journal.append`` (durable) →
``reduce`` → publish. Subscribers are called outside the state lock, in journal order, each event
with the state right after it; a subscriber that raises is logged and the others still run.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.show import rules
from console.show.actor import Actor, actor_text
from console.show.catalog import Catalog
from console.show.commands import AdvanceRundown, Command, GotoSegment, command_to_dict
from console.show.folder import ShowFolder
from console.show.journal import Event, Journal, MalformedEvent, canonical_json
from console.show.lottery import SeedVault
from console.show.promotions import Promotions
from console.show.reducer import reduce
from console.show.rundown import Rundown, cue_command
from console.show.state import CATALOG_LOADED, CUE_FAILED, SHOW_PREFIX, ShowState
from console.subscribers import Subscribers

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Subscriber = Callable[[Event, ShowState], None]


def replay(
    events: Iterable[Event], path: Path | str = "journal", state: ShowState | None = None
) -> ShowState:
    """Fold journaled show events into a state; a row the reducer cannot read raises
    :class:`MalformedEvent` naming its seq and what is wrong (never a bare KeyError)."""
    state = ShowState() if state is None else state
    for event in events:
        try:
            state = reduce(state, event)
        except MalformedEvent:
            raise
        except KeyError as exc:
            raise MalformedEvent(
                Path(path), event.seq, event.kind, f"payload has no {exc.args[0]!r}"
            ) from None
        except (TypeError, ValueError, AttributeError, IndexError, UserError) as exc:
            problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise MalformedEvent(Path(path), event.seq, event.kind, problem[:200]) from None
    return state


def replay_until_error(journal: Journal) -> tuple[ShowState, MalformedEvent | None]:
    """For read-only inspection: the state up to the first malformed row, and that row's error."""
    state = ShowState()
    events = journal.events(SHOW_PREFIX)
    while True:
        try:
            event = next(events)
        except StopIteration:
            return state, None
        except MalformedEvent as exc:
            return state, exc
        try:
            state = replay([event], journal.path, state)
        except MalformedEvent as exc:
            return state, exc


def catalog_hash(catalog: Catalog) -> str:
    return hashlib.sha256(canonical_json(catalog.to_list()).encode("utf-8")).hexdigest()


class ShowController:
    def __init__(
        self,
        journal: Journal,
        catalog: Catalog | None = None,
        rundown: Rundown | None = None,
        promotions: Promotions | None = None,
        clock: Clock = time.time,
        token_bytes: Callable[[int], bytes] = secrets.token_bytes,
        folder: ShowFolder | None = None,
    ) -> None:
        self.journal = journal
        self.folder = folder
        self.rundown = rundown or Rundown()
        self.promotions = promotions or Promotions()
        self.clock = clock
        # lottery seeds are sealed in the show folder (the journal's folder), outside the journal
        seeds = SeedVault(folder.path if folder is not None else journal.path.parent)
        self._ctx = rules.Context(rundown=self.rundown, token_bytes=token_bytes, seeds=seeds)
        self._lock = threading.RLock()
        self._drain_lock = threading.Lock()
        self._outbox: deque[tuple[Event, ShowState]] = deque()
        self._subscribers: Subscribers[Subscriber] = Subscribers()
        self._state = replay(journal.events(SHOW_PREFIX), journal.path)
        if catalog is not None and catalog_hash(catalog) != self._state.catalog_hash:
            self.load_catalog(catalog)

    @classmethod
    def open(
        cls,
        folder: ShowFolder | str | Path,
        clock: Clock = time.time,
        token_bytes: Callable[[int], bytes] = secrets.token_bytes,
    ) -> ShowController:
        """Open a show folder and replay its journal to the exact state it recorded.

        A catalog.json that differs from the catalog last journaled is journaled anew (stock
        restarts from the file's numbers). Due time transitions are applied at once.
        """
        owned = not isinstance(folder, ShowFolder)
        if not isinstance(folder, ShowFolder):
            folder = ShowFolder.open(folder, writer=True)
        try:
            folder.hold_writer()  # one writer per show: before anything is read
            journal = folder.open_journal(read_only=False)
        except BaseException:
            if owned:
                folder.close()
            raise
        try:
            catalog = folder.load_catalog()
            promotions = folder.load_promotions()
            rundown = folder.load_rundown(promotions, {p.id for p in catalog})
            controller = cls(
                journal,
                catalog,
                rundown,
                promotions,
                clock=clock,
                token_bytes=token_bytes,
                folder=folder,
            )
            controller.tick()
        except BaseException:
            journal.close()
            folder.close()
            raise
        return controller

    # ---- reading

    @property
    def state(self) -> ShowState:
        return self._state

    def now(self) -> float:
        return float(self.clock())

    # ---- subscribing

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(event, state)`` after every journaled show event; returns unsubscribe."""
        return self._subscribers.add(callback)

    # ---- changing

    def execute(self, command: Command, actor: Actor | str = "host") -> Event:
        """Validate and apply one command; raises ``UserError`` with the reason if refused.

        ``actor`` (an :class:`~console.show.actor.Actor` or its text) goes into the journal."""
        actor = actor_text(actor)
        with self._lock:
            now = self.now()
            self._apply_due(now)
            drafts = rules.decide(self._state, command, now, self._ctx)
            events = [self._commit(d, actor, now) for d in drafts]
        self._drain()
        if isinstance(command, AdvanceRundown | GotoSegment):
            self._run_cues(events[0].payload["index"])
        return events[0]

    def tick(self, now: float | None = None) -> list[Event]:
        """Journal the time-driven transitions due at ``now`` (the app calls this once a second)."""
        with self._lock:
            events = self._apply_due(self.now() if now is None else now)
        self._drain()
        return events

    def record_audience(self, rows: list[tuple[str, dict[str, Any], str, float]]) -> list[Event]:
        """Journal a batch of audience events (``audience.*``, actor ``audience:PLATFORM``) in
        one transaction: the hub's one door into the journal. Not show state: no reducer."""
        for kind, _payload, _actor, _ts in rows:
            if kind.startswith(SHOW_PREFIX):
                raise UserError(f"{kind} is a show event: send it as a command")
        return self.journal.append_many(rows)

    def load_catalog(self, catalog: Catalog, actor: str = "host") -> Event:
        """Journal a new catalog; stock becomes the catalog's numbers."""
        with self._lock:
            draft = rules.Draft(
                CATALOG_LOADED, {"products": catalog.to_list(), "hash": catalog_hash(catalog)}
            )
            event = self._commit(draft, actor, self.now())
        self._drain()
        return event

    def close(self) -> None:
        """Close the journal and let go of the show's writer lock."""
        self.journal.close()
        if self.folder is not None:
            self.folder.close()

    def __enter__(self) -> ShowController:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- internals

    def _commit(self, draft: rules.Draft, actor: str, now: float) -> Event:
        event = self.journal.append(draft.kind, draft.payload, actor=actor, ts=now)
        self._state = reduce(self._state, event)
        self._outbox.append((event, self._state))
        return event

    def _apply_due(self, now: float) -> list[Event]:
        events = []
        for _ in range(1000):  # each draft ends what made it due; the bound is only a guard
            drafts = rules.due_drafts(self._state, now)
            if not drafts:
                break
            for draft in drafts:
                events.append(self._commit(draft, "clock", now))
        return events

    def _run_cues(self, index: int) -> None:
        segment = self.rundown[index]
        for cue in segment.cues:
            try:
                self.execute(cue_command(cue, self.promotions), actor="rundown")
            except UserError as exc:
                log.warning("rundown cue %s in segment %s refused: %s", cue, segment.id, exc)
                with self._lock:
                    self._commit(
                        rules.Draft(
                            CUE_FAILED,
                            {"segment_id": segment.id, "cue": cue, "reason": str(exc)},
                        ),
                        "rundown",
                        self.now(),
                    )
                self._drain()

    def _drain(self) -> None:
        """Deliver queued events in order; whoever holds the drain lock delivers for everyone."""
        while True:
            if not self._drain_lock.acquire(blocking=False):
                return  # another thread (or an outer call on this one) is delivering
            try:
                while True:
                    with self._lock:
                        if not self._outbox:
                            break
                        event, state = self._outbox.popleft()
                    self._subscribers.notify(
                        event, state, logger=log, what=f"show subscriber (on {event.kind})"
                    )
            finally:
                self._drain_lock.release()
            with self._lock:
                if not self._outbox:
                    return


def describe_command(command: Command) -> dict[str, Any]:
    """A command as JSON-ready data (for logs and remote clients)."""
    return command_to_dict(command)
