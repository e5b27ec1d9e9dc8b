"""Journal.append_many and the hub's batches: one durable commit per batch, order kept."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from console.audience.events import parse_event
from console.audience.hub import AudienceHub
from console.audience.moderation import Moderator
from console.errors import UserError
from console.show.commands import OpenLottery, PinProduct
from console.show.journal import Journal
from tests.unit.show.helpers import FakeClock, make_controller


def ev(msg_id: str, kind: str = "comment", user: str = "u1", **parts):
    data = {"platform": "douyin", "msg_id": msg_id, "ts_ms": 1, "type": kind}
    data["user"] = {"id": user, "nick": f"观众{user}"}
    if kind == "comment":
        data.setdefault("text", parts.pop("text", "hello"))
    data.update(parts)
    return parse_event(data)


@pytest.fixture
def controller(tmp_path: Path):
    c = make_controller(tmp_path, FakeClock())
    yield c
    c.close()


class SpyJournal:
    """Wraps a journal, counting the calls the hub makes."""

    def __init__(self, journal: Journal) -> None:
        self.inner = journal
        self.batches: list[int] = []
        self.appends = 0

    def append_many(self, rows):
        self.batches.append(len(rows))
        return self.inner.append_many(rows)

    def append(self, *args, **kwargs):
        self.appends += 1
        return self.inner.append(*args, **kwargs)


# ---------------------------------------------------------------- Journal.append_many


def test_append_many_commits_once_and_numbers_in_order(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    first = journal.append("show.x", {"a": 1})
    statements: list[str] = []
    journal._conn.set_trace_callback(statements.append)
    rows = [
        (f"audience.k{i}", {"i": i, "text": "想要"}, "audience:douyin", 10.0 + i) for i in range(5)
    ]
    events = journal.append_many(rows)
    journal._conn.set_trace_callback(None)
    assert [e.seq for e in events] == list(range(first.seq + 1, first.seq + 6))
    assert [(e.kind, e.payload, e.actor, e.ts) for e in events] == rows
    assert [s for s in statements if s in ("BEGIN IMMEDIATE", "COMMIT")] == [
        "BEGIN IMMEDIATE",
        "COMMIT",
    ]
    assert journal.append_many([]) == []
    # committed when it returns: another connection sees every row; durable settings kept
    other = sqlite3.connect(tmp_path / "j.sqlite")
    assert other.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 6
    other.close()
    assert journal._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert journal._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [e.to_dict() for e in journal.events("audience.")] == [e.to_dict() for e in events]
    journal.close()


def test_append_many_is_all_or_nothing(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    rows = [("audience.a", {"i": 1}, "x", 1.0), (None, {"i": 2}, "x", 2.0)]  # NOT NULL kind
    with pytest.raises(UserError, match="cannot write to journal"):
        journal.append_many(rows)
    assert journal.count() == 0
    assert journal.append("audience.b", {}).seq >= 1  # the journal still works
    assert journal.count() == 1
    journal.close()


# ---------------------------------------------------------------- the hub's batches


def test_pending_events_are_journaled_in_one_transaction_in_order(controller) -> None:
    spy = SpyJournal(controller.journal)
    hub = AudienceHub(controller, journal=spy)
    items = []
    hub.subscribe(items.append)
    for i in range(1200):
        assert hub.submit(ev(f"m{i}", user=f"u{i}"))
    assert hub.submit(ev("m5"))  # a repeat inside the batch
    assert hub.process_pending() == 1201
    assert spy.batches == [500, 500, 200] and spy.appends == 0
    assert hub.stats.batches == 3 and hub.stats.batch_max == 500
    assert hub.stats.duplicates == 1 and hub.stats.journaled == hub.stats.processed == 1200
    journaled = list(controller.journal.events("audience."))
    assert [j.payload["msg_id"] for j in journaled] == [f"m{i}" for i in range(1200)]
    assert [i.event.msg_id for i in items] == [f"m{i}" for i in range(1200)]
    assert [i.journal_seq for i in items] == [j.seq for j in journaled]
    assert [i.seq for i in items] == list(range(1, 1201))


def test_process_pending_limit_is_respected(controller) -> None:
    spy = SpyJournal(controller.journal)
    hub = AudienceHub(controller, journal=spy, batch_size=4)
    for i in range(10):
        hub.submit(ev(f"m{i}"))
    assert hub.process_pending(limit=6) == 6
    assert spy.batches == [4, 2] and hub.pending == 4


def test_reactions_in_a_batch_see_the_state_each_one_left(controller) -> None:
    """Same viewer twice in one batch: one lottery entry; wants counted per viewer."""
    controller.execute(OpenLottery("耳机", 19900, "keyword", 1, 60, keyword="想要"))
    controller.execute(PinProduct("cup"))
    hub = AudienceHub(controller, moderator=Moderator(["加微信"]))
    items = []
    hub.subscribe(items.append)
    for msg_id, user, text in [
        ("a", "u1", "想要"),
        ("b", "u1", "想要！"),
        ("c", "u2", "想要 加微信"),  # hidden: neither an entry nor a want
        ("d", "u3", "想要"),
    ]:
        hub.submit(ev(msg_id, user=user, text=text))
    hub.process_pending()
    assert list(controller.state.current_lottery().entrants) == ["douyin:u1", "douyin:u3"]
    assert hub.stats.lottery_entries == 2 and hub.stats.lottery_refused == 0
    assert hub.want_counts() == {"cup": 2}
    assert [i.lottery_entry != "" for i in items] == [True, False, False, True]
    assert items[2].hidden
    # the audience rows are journaled before the entries they caused
    kinds = [e.kind for e in controller.journal.events() if e.kind.startswith("audience.")]
    assert kinds == ["audience.comment"] * 4


def test_likes_are_not_coalesced(controller) -> None:
    hub = AudienceHub(controller)
    for i in range(5):
        hub.submit(ev(f"l{i}", "like", like_count=i + 1))
    hub.process_pending()
    likes = list(controller.journal.events("audience.like"))
    assert [e.payload["msg_id"] for e in likes] == [f"l{i}" for i in range(5)]
    assert sum(e.payload["like_count"] for e in likes) == 15


def test_a_journal_failure_costs_the_batch_not_the_hub(controller, monkeypatch) -> None:
    hub = AudienceHub(controller)
    items = []
    hub.subscribe(items.append)

    def full(rows):
        raise UserError("cannot write to journal: disk full")

    monkeypatch.setattr(controller.journal, "append_many", full)
    for i in range(3):
        hub.submit(ev(f"m{i}"))
    hub.process_pending()
    assert hub.stats.journal_errors == 3 and hub.stats.journaled == 0
    assert [i.journal_seq for i in items] == [0, 0, 0]  # still shown
    monkeypatch.undo()
    hub.submit(ev("m9"))
    hub.process_pending()
    assert hub.stats.journaled == 1 and items[-1].journal_seq > 0


def test_an_odd_payload_falls_back_to_one_event_at_a_time(controller) -> None:
    hub = AudienceHub(controller)
    items = []
    hub.subscribe(items.append)
    odd = ev("odd")
    object.__setattr__(odd, "raw", {1j})  # not JSON: only this event fails to journal
    for e in (ev("a"), odd, ev("b")):
        hub.submit(e)
    hub.process_pending()
    assert [i.event.msg_id for i in items] == ["a", "odd", "b"]
    assert hub.stats.journaled == 2 and hub.stats.journal_errors == 1
    assert [e.payload["msg_id"] for e in controller.journal.events("audience.")] == ["a", "b"]


def test_a_journal_without_append_many_gets_single_appends(controller) -> None:
    class Plain:
        def __init__(self, inner):
            self.inner = inner
            self.calls = 0

        def append(self, *args, **kwargs):
            self.calls += 1
            return self.inner.append(*args, **kwargs)

    plain = Plain(controller.journal)
    hub = AudienceHub(controller, journal=plain)
    for i in range(3):
        hub.submit(ev(f"m{i}"))
    hub.process_pending()
    assert plain.calls == 3 and hub.stats.journaled == 3


def test_queue_high_water_mark_never_exceeds_the_bound() -> None:
    hub = AudienceHub(queue_size=50)
    for i in range(80):
        hub.submit(ev(f"m{i}"))
    assert hub.stats.queue_max == 50 and hub.stats.dropped_queue_full == 30
    hub.process_pending()
    assert hub.pending == 0 and hub.stats.queue_max == 50


def test_hub_thread_batches_a_burst_and_stops_cleanly(controller) -> None:
    spy = SpyJournal(controller.journal)
    hub = AudienceHub(controller, journal=spy)
    done = threading.Event()
    seen = []

    def collect(item):
        seen.append(item.event.msg_id)
        if len(seen) == 3000:
            done.set()

    hub.subscribe(collect)
    for i in range(3000):  # queued before the thread starts: taken in batches of 500
        hub.submit(ev(f"m{i}", user=f"u{i}"))
    hub.start()
    assert done.wait(30)
    hub.stop()
    assert seen == [f"m{i}" for i in range(3000)]
    assert spy.batches == [500] * 6
    assert controller.journal.count("audience.comment") == 3000
