"""AudienceHub: where every audience source's events meet the show.

    source threads ─ submit(event) ─> bounded queue (full: the new event is dropped, counted)
        hub thread: takes what is queued, up to ``batch_size`` (500) events at a time
                   ─> dedupe (platform, msg_id) ─> moderation (hidden / flagged), each event
                   ─> Journal.append_many(batch)  (one transaction, one commit: durable before
                      anyone sees it)
                   ─> per event, in order, show reactions through the controller:
                        lottery keyword/like/follow entry → AddLotteryEntrant
                        paid order for a catalog product  → RecordSale (flash sale price if running)
                        "想要 / want" comment             → per-product want counter
                   ─> subscribers (chat overlay, chat panel, analytics): ``callback(item)``

Subscribers run on the hub thread, after the batch is journaled, in arrival order; one that
raises is logged and the others still run. A UI subscriber must hand over to the UI thread itself
(queued signal).

Batching is what keeps a chat flood (5 000 events/s) cheap: a durable commit costs a few hundred
microseconds (an fsync), so one commit per event caps the hub at a few thousand events/s, while
one commit per batch costs the same whatever the batch size. Under light load a batch is a single
event, so nothing waits for a batch to fill. Below the overload marks every like is a message
with its own (platform, msg_id), journaled as such (replay and analytics read them one by one).

Backpressure, by policy (docs/audience.md "Overload"): orders, gifts and comments or likes that
enter the open lottery go to a *priority lane* — never dropped by count, capped in memory
(``priority_cap_bytes``; past it the producer waits up to ``priority_block_s``, and only then is
an event refused, counted ``dropped:priority_overflow``). The normal lane is bounded
(``queue_size``); as it fills: at ``coalesce_at`` likes and joins become counts (journaled as one
``hub.coalesced`` row per platform and type), at ``shed_at`` room stats are dropped, and when
a batch is larger than ``overlay_quota`` comments only a sample of them reaches the subscribers
that asked for sampling (the chat overlay) — all are journaled. Full: the event is dropped,
counted ``dropped:queue_full``. :meth:`AudienceHub.accounting` says where every event went.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from console.audience.events import AudienceEvent, Deduper, EventError, parse_event
from console.audience.moderation import Moderator, match_key, sanitize_text
from console.errors import UserError
from console.subscribers import Subscribers

log = logging.getLogger(__name__)

AUDIENCE_PREFIX = "audience."
DEFAULT_WANT_WORDS = ("想要", "要了", "求链接", "上链接", "want", "wantit", "wantone")
DEFAULT_BATCH = 500
PRIORITY_TYPES = ("order", "gift")
COALESCE_TYPES = ("like", "member_join")
COALESCED_KIND = "hub.coalesced"
PRIORITY_CAP_BYTES = 64 * 1024 * 1024
EVENT_OVERHEAD_BYTES = 600  # an event object's own memory, roughly, besides its text


@dataclass(frozen=True)
class AudienceItem:
    """An event after the hub: what the overlay, the chat panel and analytics receive."""

    event: AudienceEvent
    seq: int  # the hub's own order (1, 2, …)
    text: str  # display-safe text (sanitised, clipped)
    nick: str  # display-safe name (not masked: masking is the overlay's choice)
    hidden: bool = False  # not for the stream (blocked word / user); operators still see it
    flags: tuple[str, ...] = ()
    product_id: str = ""  # catalog product an order/cart/want refers to
    product_title: str = ""
    want: bool = False  # a "想要 / want" comment counted for ``product_id``
    lottery_entry: str = ""  # lottery id the comment entered
    is_question: bool = False
    journal_seq: int = 0


@dataclass
class HubStats:
    received: int = 0
    processed: int = 0
    duplicates: int = 0
    dropped_queue_full: int = 0  # the same as dropped["queue_full"]
    dropped: Counter = field(default_factory=Counter)  # by cause (queue_full, room_stats, …)
    coalesced: int = 0  # likes and joins counted, not queued (overload)
    coalesced_rows: int = 0  # hub.coalesced rows journaled for them
    sampled_for_overlay: int = 0  # comments journaled but not shown on the overlay (overload)
    priority: int = 0  # events that went through the priority lane
    priority_max_bytes: int = 0
    rejected: int = 0  # dicts that did not parse
    hidden: int = 0
    journaled: int = 0
    journal_errors: int = 0
    lottery_entries: int = 0
    lottery_refused: int = 0
    sales_recorded: int = 0
    sales_refused: int = 0
    subscriber_errors: int = 0
    failed: int = 0  # an unexpected error while processing (logged): not journaled, not shown
    queue_max: int = 0  # the deepest the queue has been (never more than its bound)
    batches: int = 0  # journal transactions (one per batch of new events)
    batch_max: int = 0  # the most events handled in one batch
    by_type: Counter = field(default_factory=Counter)


def is_question(text: str) -> bool:
    t = text.strip()
    return (
        t.endswith(("?", "？", "吗", "么", "呢"))
        or any(w in t for w in ("多少", "怎么", "能不能", "可以吗", "有没有", "几号", "什么"))
        or t.lower().startswith(("how ", "what ", "does ", "is ", "can ", "do ", "when "))
    )


def _coalesced_row(platform: str, type_: str, count: int, likes: int) -> dict[str, Any]:
    row: dict[str, Any] = {"platform": platform, "type": type_, "count": count}
    if type_ == "like":
        row["like_count"] = likes or count
    return row


class AudienceHub:
    """Thread-safe: ``submit`` from any thread; processing on the hub thread (``start``) or
    synchronously with :meth:`process_pending` (tests, a timer-driven host)."""

    def __init__(
        self,
        controller: Any = None,
        journal: Any = None,
        moderator: Moderator | None = None,
        queue_size: int = 10_000,
        dedupe_size: int = 100_000,
        want_words: Iterable[str] = DEFAULT_WANT_WORDS,
        clock: Callable[[], float] | None = None,
        batch_size: int = DEFAULT_BATCH,
        priority_cap_bytes: int = PRIORITY_CAP_BYTES,
        priority_block_s: float = 5.0,
        overlay_quota: int = 50,
    ) -> None:
        self.controller = controller
        self.journal = journal if journal is not None else getattr(controller, "journal", None)
        # the one door into the journal: the controller's (or, in tests, an injected writer's)
        if journal is None and hasattr(controller, "record_audience"):
            self._append_many = controller.record_audience
            self._append_one = None
        else:
            self._append_many = getattr(journal, "append_many", None)
            self._append_one = getattr(journal, "append", None)
        self.moderator = moderator or Moderator()
        self.clock = clock or (controller.now if controller is not None else time.time)
        self.stats = HubStats()
        self.queue_size = queue_size
        self.batch_size = max(1, batch_size)
        self.coalesce_at = max(1, queue_size // 4)  # likes and joins become counts
        self.shed_at = max(1, queue_size // 2)  # room stats are dropped
        self.overlay_quota = max(1, overlay_quota)  # comments per batch shown when sampling
        self.priority_cap_bytes = priority_cap_bytes
        self.priority_block_s = priority_block_s
        self._cond = threading.Condition()
        # (arrival number, event[, size]): a batch is handed on in arrival order
        self._normal: deque[tuple[int, AudienceEvent]] = deque()
        self._priority: deque[tuple[int, AudienceEvent, int]] = deque()
        self._arrivals = itertools.count()
        self._priority_bytes = 0
        self._coalesced: Counter[tuple[str, str]] = Counter()
        self._coalesced_likes: Counter[tuple[str, str]] = Counter()  # their like_count sum
        self._stopping = False
        self._dedupe = Deduper(dedupe_size)
        self._want_words = [match_key(w) for w in want_words if match_key(w)]
        self._wants: dict[str, set[str]] = {}
        self._subscribers: Subscribers[Callable[[AudienceItem], None]] = Subscribers()
        self._sampled: set[int] = set()  # id() of subscribers that take a sample under overload
        self._lock = threading.Lock()
        self._process_lock = threading.Lock()
        self._seq = 0
        self._thread: threading.Thread | None = None

    # ---- input (any thread)

    def submit(self, event: AudienceEvent | dict[str, Any]) -> bool:
        """Queue one event; False when the queue is full (the event is dropped and counted)."""
        if not isinstance(event, AudienceEvent):
            try:
                event = parse_event(event)
            except EventError as exc:
                with self._lock:
                    self.stats.rejected += 1
                log.warning("audience event refused: %s", exc)
                return False
        with self._lock:
            self.stats.received += 1
        if event.type in PRIORITY_TYPES or self._enters_lottery(event):
            return self._submit_priority(event)
        with self._cond:
            depth = len(self._normal)
            if depth >= self.queue_size:
                self._drop("queue_full")
                return False
            if event.type in COALESCE_TYPES and depth >= self.coalesce_at:
                self._coalesced[(event.platform, event.type)] += 1
                if event.type == "like":
                    self._coalesced_likes[(event.platform, event.type)] += event.like_count or 1
                with self._lock:
                    self.stats.coalesced += 1
                self._cond.notify()
                return True
            if event.type == "room_stats" and depth >= self.shed_at:
                self._drop("room_stats")
                return False
            self._normal.append((next(self._arrivals), event))
            self._cond.notify()
            depth += 1
        if depth > self.stats.queue_max:
            with self._lock:
                self.stats.queue_max = max(self.stats.queue_max, depth)
        return True

    def _submit_priority(self, event: AudienceEvent) -> bool:
        """Orders, gifts, lottery entries: never dropped by count; past the memory cap the
        producer waits (an ingest thread, a connector) for the hub to catch up."""
        size = EVENT_OVERHEAD_BYTES + 4 * len(event.text) + len(event.nick)
        with self._cond:
            deadline = time.monotonic() + self.priority_block_s
            while self._priority and self._priority_bytes + size > self.priority_cap_bytes:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stopping:
                    self._drop("priority_overflow")
                    return False
                self._cond.wait(remaining)
            self._priority.append((next(self._arrivals), event, size))
            self._priority_bytes += size
            with self._lock:
                self.stats.priority += 1
                self.stats.priority_max_bytes = max(
                    self.stats.priority_max_bytes, self._priority_bytes
                )
            self._cond.notify_all()
        return True

    def _drop(self, cause: str) -> None:
        with self._lock:
            self.stats.dropped[cause] += 1
            if cause == "queue_full":
                self.stats.dropped_queue_full += 1

    def _enters_lottery(self, event: AudienceEvent) -> bool:
        """Would this event enter the open lottery (so it must not be lost)?"""
        state = getattr(self.controller, "state", None)
        if state is None or event.user is None or event.type not in ("comment", "like", "follow"):
            return False
        lottery = state.current_lottery()
        return lottery is not None and self._lottery_via(event, lottery) is not None

    @staticmethod
    def _lottery_via(event: AudienceEvent, lottery: Any) -> str | None:
        if lottery.phase != "open":
            return None
        via = {"comment": "comment", "like": "like", "follow": "follow"}.get(event.type)
        rule_via = {"keyword": "comment", "like": "like", "follow": "follow"}.get(
            lottery.entry_rule
        )
        if via is None or via != rule_via:
            return None
        if via == "comment" and (not lottery.keyword or lottery.keyword not in event.text):
            return None
        return via

    def accounting(self) -> dict[str, int]:
        """Where every event submitted went: ``received`` = ``accepted`` + ``duplicate`` +
        ``coalesced`` + ``failed`` + ``dropped:<cause>`` + ``pending``; ``unaccounted`` is what
        is left (0 unless something is wrong). ``sampled_for_overlay`` are accepted comments
        (journaled) the overlay did not show; ``rejected`` never counted as received."""
        with self._cond:
            pending = len(self._normal) + len(self._priority)
        with self._lock:
            st = self.stats
            out = {
                "received": st.received,
                "accepted": st.processed,
                "duplicate": st.duplicates,
                "coalesced": st.coalesced,
                "failed": st.failed,
                "pending": pending,
                "sampled_for_overlay": st.sampled_for_overlay,
                "rejected": st.rejected,
                "priority": st.priority,
            }
            out.update({f"dropped:{cause}": n for cause, n in sorted(st.dropped.items())})
            dropped = sum(st.dropped.values())
        out["unaccounted"] = out["received"] - (
            out["accepted"]
            + out["duplicate"]
            + out["coalesced"]
            + out["failed"]
            + dropped
            + pending
        )
        return out

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._normal) + len(self._priority)

    # ---- output

    def subscribe(
        self, callback: Callable[[AudienceItem], None], sampled: bool = False
    ) -> Callable[[], None]:
        """``sampled``: under overload this subscriber (the chat overlay) gets a sample of the
        comments of a large batch (``overlay_quota`` of them), never fewer orders or gifts."""
        if sampled:  # before it can be called: a sampled subscriber never sees a full batch
            with self._lock:
                self._sampled.add(id(callback))
        remove = self._subscribers.add(callback)

        def unsubscribe() -> None:
            remove()
            with self._lock:
                self._sampled.discard(id(callback))

        return unsubscribe

    def want_counts(self) -> dict[str, int]:
        """Product id → how many different viewers said 想要 / want while it was pinned."""
        with self._lock:
            return {pid: len(users) for pid, users in self._wants.items()}

    def reset_wants(self, product_id: str | None = None) -> None:
        with self._lock:
            if product_id is None:
                self._wants.clear()
            else:
                self._wants.pop(product_id, None)

    # ---- the hub thread

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="audience-hub", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the hub thread after what is queued now has been handled (up to ``timeout``)."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        thread.join(timeout)
        with self._cond:
            self._stopping = False

    def _take(self, limit: int, wait: bool) -> tuple[list[AudienceEvent], dict, bool]:
        """(events, coalesced counts, stop): the priority lane first, then the normal one."""
        with self._cond:
            while wait and not (self._priority or self._normal or self._coalesced):
                if self._stopping:
                    return [], {}, True
                self._cond.wait()
            taken: list[tuple[int, AudienceEvent]] = []
            freed = 0
            while self._priority and len(taken) < limit:
                arrival, event, size = self._priority.popleft()
                freed += size
                taken.append((arrival, event))
            while self._normal and len(taken) < limit:
                taken.append(self._normal.popleft())
            # the priority lane goes first only across batches (under load); within a batch the
            # events keep the order they arrived in (a gift after the comment before it)
            taken.sort(key=lambda pair: pair[0])
            batch = [event for _, event in taken]
            if freed:
                self._priority_bytes -= freed
                self._cond.notify_all()  # a producer waiting on the memory cap
            coalesced = {
                key: (n, self._coalesced_likes.get(key, 0)) for key, n in self._coalesced.items()
            }
            self._coalesced, self._coalesced_likes = Counter(), Counter()
            stop = self._stopping and not (self._priority or self._normal)
            return batch, coalesced, stop

    def _loop(self) -> None:
        while True:
            batch, coalesced, stop = self._take(self.batch_size, wait=True)
            if batch or coalesced:
                self._process_batch(batch, coalesced)
            if stop:
                return

    def process_pending(self, limit: int | None = None) -> int:
        """Process queued events on the calling thread (in batches); returns how many were
        handled (duplicates included)."""
        n = 0
        while limit is None or n < limit:
            size = self.batch_size if limit is None else min(self.batch_size, limit - n)
            batch, coalesced, _ = self._take(size, wait=False)
            if not batch and not coalesced:
                break
            self._process_batch(batch, coalesced)
            n += len(batch)
        return n

    # ---- processing

    def _process_batch(
        self,
        events: list[AudienceEvent],
        coalesced: dict[tuple[str, str], tuple[int, int]] | None = None,
    ) -> None:
        """Dedupe and moderate each event, journal the new ones in one transaction, then react
        and hand them to the subscribers, in arrival order."""
        if coalesced:
            self._journal_coalesced(coalesced)
        items: list[AudienceItem] = []
        with self._process_lock:
            fresh: list[tuple[AudienceEvent, Any]] = []
            duplicates = 0
            for event in events:
                try:
                    if self._dedupe.seen(event.key):
                        duplicates += 1
                        continue
                    fresh.append((event, self.moderator.check(event)))
                except Exception:
                    self._failed(event)
            if duplicates:
                with self._lock:
                    self.stats.duplicates += duplicates
            seqs = self._journal_batch(fresh)
            for (event, verdict), journal_seq in zip(fresh, seqs, strict=True):
                try:
                    items.append(self._react(event, verdict, journal_seq))
                except Exception:
                    self._failed(event)
        if not items:
            return
        subscribers = self._subscribers.snapshot()
        with self._lock:
            sampled_ids = set(self._sampled)
        comments = sum(1 for i in items if i.event.type == "comment")
        step = comments / self.overlay_quota if comments > self.overlay_quota else 0.0
        shown_every: set[int] = set()
        if step:  # overload: an even sample of this batch's comments for the overlay
            idx = [k for k, i in enumerate(items) if i.event.type == "comment"]
            shown_every = {idx[int(j * step)] for j in range(self.overlay_quota)}
            with self._lock:
                self.stats.sampled_for_overlay += comments - len(shown_every)
        for k, item in enumerate(items):
            skip = bool(step) and item.event.type == "comment" and k not in shown_every
            for callback in subscribers:
                if skip and id(callback) in sampled_ids:
                    continue
                try:
                    callback(item)
                except Exception:
                    with self._lock:
                        self.stats.subscriber_errors += 1
                    log.exception("audience subscriber %r failed", callback)

    def _journal_coalesced(self, coalesced: dict[tuple[str, str], tuple[int, int]]) -> None:
        """One ``hub.coalesced`` row per (platform, type): how many likes / joins were counted
        instead of journaled one by one (``count``) and, for likes, the sum of their
        ``like_count`` (``like_count``; the report's like total reads it)."""
        if self._append_many is None:
            return
        ts = float(self.clock())
        rows = [
            (COALESCED_KIND, _coalesced_row(p, t, n, likes), f"audience:{p}", ts)
            for (p, t), (n, likes) in sorted(coalesced.items())
        ]
        try:
            self._append_many(rows)
        except Exception as exc:  # counted; the counts stay in the stats
            log.error("coalesced counts not journaled: %s", exc)
            return
        with self._lock:
            self.stats.coalesced_rows += len(rows)

    def _failed(self, event: AudienceEvent) -> None:
        with self._lock:
            self.stats.failed += 1
        log.exception("audience event %s failed", event.key)

    def _react(self, event: AudienceEvent, verdict: Any, journal_seq: int) -> AudienceItem:
        state = getattr(self.controller, "state", None)
        product_id, title = self._product_of(event, state)
        want = False
        entry = ""
        if (
            event.type == "comment"
            and not verdict.hidden
            and state is not None
            and state.pinned is not None
            and self._is_want(event.text)
        ):
            product_id = state.pinned.product_id
            title = self._title(state, product_id)
            want = True
            with self._lock:
                self._wants.setdefault(product_id, set()).add(event.user_key)
        if not verdict.hidden and state is not None:
            entry = self._lottery_entry(event, state)
        if event.type == "order" and state is not None:
            self._record_sale(event, state, product_id)
        with self._lock:
            self._seq += 1
            seq = self._seq
            self.stats.processed += 1
            self.stats.by_type[event.type] += 1
            if verdict.hidden:
                self.stats.hidden += 1
        return AudienceItem(
            event=event,
            seq=seq,
            text=sanitize_text(event.text),
            nick=sanitize_text(event.nick, 32),
            hidden=verdict.hidden,
            flags=verdict.flags,
            product_id=product_id,
            product_title=title,
            want=want,
            lottery_entry=entry,
            is_question=event.type == "comment" and is_question(event.text),
            journal_seq=journal_seq,
        )

    def _journal_batch(self, fresh: list[tuple[AudienceEvent, Any]]) -> list[int]:
        """Journal the batch in one transaction; the journal seq of each event (0: not
        journaled). A journal without ``append_many`` gets one ``append`` per event."""
        if self.journal is None or not fresh:
            return [0] * len(fresh)
        ts = float(self.clock())
        rows = []
        for event, verdict in fresh:
            payload = event.to_dict()
            if verdict.flags:
                payload["moderation"] = list(verdict.flags)
            rows.append((AUDIENCE_PREFIX + event.type, payload, f"audience:{event.platform}", ts))
        append_many = self._append_many
        if append_many is not None:
            try:
                journaled = append_many(rows)
            except UserError as exc:  # the disk: nothing of the batch was written
                with self._lock:
                    self.stats.journal_errors += len(rows)
                log.error("%d audience events not journaled: %s", len(rows), exc)
                return [0] * len(rows)
            except Exception:  # one odd payload: fall back to one transaction per event
                log.exception("audience batch not journaled; journaling event by event")
            else:
                with self._lock:
                    self.stats.journaled += len(journaled)
                    self.stats.batches += 1
                    self.stats.batch_max = max(self.stats.batch_max, len(journaled))
                return [e.seq for e in journaled]
        return [self._journal_one(row) for row in rows]

    def _journal_one(self, row: tuple[str, dict[str, Any], str, float]) -> int:
        kind, payload, actor, ts = row
        try:
            if self._append_one is None:  # through the controller: a batch of one
                journaled = self._append_many([row])[0]
            else:
                journaled = self._append_one(kind, payload, actor=actor, ts=ts)
        except Exception as exc:
            with self._lock:
                self.stats.journal_errors += 1
            log.error("audience event not journaled: %s", exc)
            return 0
        with self._lock:
            self.stats.journaled += 1
        return journaled.seq

    def _is_want(self, text: str) -> bool:
        key = match_key(text)
        return any(w in key for w in self._want_words)

    @staticmethod
    def _title(state: Any, product_id: str) -> str:
        product = state.products.get(product_id) if state is not None else None
        return product.title if product is not None else ""

    def _product_of(self, event: AudienceEvent, state: Any) -> tuple[str, str]:
        """The catalog product an order/cart names (catalog id or the platform's product id)."""
        if event.order is None:
            return "", ""
        ref = event.order.product_id
        if state is None:
            return ref, ""
        if ref in state.products:
            return ref, state.products[ref].title
        for product in state.products.values():
            if product.platform_product_id and product.platform_product_id == ref:
                return product.id, product.title
        return "", ""

    def _lottery_entry(self, event: AudienceEvent, state: Any) -> str:
        lottery = state.current_lottery()
        if lottery is None or event.user is None:
            return ""
        via = self._lottery_via(event, lottery)
        if via is None:
            return ""
        if event.user_key in lottery.entrants:
            return ""
        from console.show.commands import AddLotteryEntrant

        try:
            self.controller.execute(
                AddLotteryEntrant(
                    lottery.lottery_id,
                    event.user_key,
                    display_name=sanitize_text(event.nick, 32),
                    via=via,
                    text=event.text,
                ),
                actor="audience",
            )
        except UserError as exc:
            with self._lock:
                self.stats.lottery_refused += 1
            log.info("lottery entry refused: %s", exc)
            return ""
        with self._lock:
            self.stats.lottery_entries += 1
        return lottery.lottery_id

    def _record_sale(self, event: AudienceEvent, state: Any, product_id: str) -> None:
        order = event.order
        if order is None or order.status != "paid" or not product_id:
            return
        from console.show.commands import RecordSale

        now = float(self.clock())
        sale = state.flash_sale_for(product_id, now)
        sale_id = (
            sale.sale_id if sale is not None and sale.remaining_quantity >= order.quantity else None
        )
        try:
            self.controller.execute(
                RecordSale(
                    product_id, order.quantity, flash_sale_id=sale_id, order_id=event.msg_id
                ),
                actor="audience",
            )
        except UserError as exc:
            with self._lock:
                self.stats.sales_refused += 1
            log.info("order %s not recorded: %s", event.msg_id, exc)
            return
        with self._lock:
            self.stats.sales_recorded += 1
