"""The journal: durable settings, generic kinds, replay, export, damaged files."""

from __future__ import annotations

import json
import sqlite3

import pytest

from console.errors import UserError
from console.show import commands as c
from console.show.journal import Journal
from console.show.reducer import reduce
from console.show.state import ShowState
from tests.unit.show.helpers import FakeClock, make_controller, replay


def test_wal_full_sync_and_generic_schema(tmp_path):
    with Journal(tmp_path / "j.sqlite") as journal:
        conn = journal._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        indexes = [r[1] for r in conn.execute("PRAGMA index_list(events)")]
        assert "events_kind" in indexes
        journal.append("audience.comment", {"text": "想要"}, actor="douyin", ts=1.0)
        journal.append("health.sample", {"kbps": 2500}, actor="media", ts=2.0)
        e = journal.append("show.product_pinned", {"product_id": "cup"}, ts=3.0)
        assert e.seq == 3
        assert [x.kind for x in journal.events("show.")] == ["show.product_pinned"]
        assert journal.count("audience.") == 1 and journal.count() == 3


def test_append_is_visible_to_another_connection_at_once(tmp_path):
    """Committed on return: a second reader (as after a crash) sees it without any close."""
    journal = Journal(tmp_path / "j.sqlite")
    journal.append("show.x", {"n": 1}, ts=1.0)
    other = sqlite3.connect(tmp_path / "j.sqlite")
    assert other.execute("SELECT kind FROM events").fetchall() == [("show.x",)]
    other.close()
    journal.close()


def test_replay_gives_identical_state(tmp_path):
    clock = FakeClock()
    ctl = make_controller(tmp_path, clock)
    ctl.execute(c.PinProduct("cup"))
    ctl.execute(c.StartFlashSale("cup", 5900, 10, 120))
    ctl.execute(
        c.LaunchCoupon("threshold", 100, threshold_cents=19900, discount_cents=3000, duration_s=600)
    )
    ctl.execute(c.OpenLottery("耳机", 19900, "like", 1, 60))
    ctl.execute(c.AddLotteryEntrant("lottery-1", "u1", "小明", "like"))
    ctl.execute(c.StartPoll("颜色?", ("红", "蓝"), answer=1))
    ctl.execute(c.VotePoll("poll-1", "u1", 1))
    ctl.execute(c.RecordSale("cup", 2, flash_sale_id="flash-1"))
    ctl.execute(c.AdjustStock("mask", -5, "damaged"))
    ctl.execute(c.AdvanceRundown())
    clock.advance(61)
    ctl.tick()
    ctl.journal.append("audience.comment", {"text": "hi"}, ts=clock())  # other parts' events
    live = ctl.state
    ctl.close()
    again = replay(tmp_path, clock)
    assert again.state == live
    assert again.journal.count("show.catalog_loaded") == 1  # same catalog: not journaled again
    # and by folding by hand
    state = ShowState()
    for event in again.journal.events():
        state = reduce(state, event)
    assert state == live
    again.close()


def test_export_jsonl(tmp_path):
    ctl = make_controller(tmp_path)
    ctl.execute(c.PinProduct("cup"))
    ctl.journal.append("audience.like", {"n": 3}, ts=1.0)
    n = ctl.journal.export_jsonl(tmp_path / "all.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text("utf-8").splitlines()]
    assert n == len(rows) == 3
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert rows[1] == {
        "seq": 2,
        "ts": rows[1]["ts"],
        "kind": "show.product_pinned",
        "payload": {"product_id": "cup"},
        "actor": "host",
    }
    assert ctl.journal.export_jsonl(tmp_path / "show.jsonl", prefix="show.") == 2
    ctl.close()


def test_not_a_database(tmp_path):
    path = tmp_path / "journal.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(UserError, match="journal .* is damaged .*restore it from a backup"):
        Journal(path)


def test_truncated_journal(tmp_path):
    path = tmp_path / "journal.sqlite"
    journal = Journal(path)
    for i in range(300):
        journal.append("show.x", {"i": i, "pad": "x" * 200}, ts=float(i))
    journal._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    journal.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UserError, match="damaged"):
        j = Journal(path)
        list(j.events())


def test_bad_payload_row(tmp_path):
    path = tmp_path / "journal.sqlite"
    Journal(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO events (ts, kind, payload, actor) VALUES (1, 'show.x', '{oops', 'x')")
    db.commit()
    db.close()
    with pytest.raises(
        UserError, match=r"event #1 \(show.x\) is malformed: payload is not valid JSON"
    ):
        list(Journal(path).events())


def test_empty_file_left_by_a_crash_is_a_new_journal(tmp_path):
    path = tmp_path / "journal.sqlite"
    path.write_bytes(b"")
    with Journal(path) as journal:
        assert journal.count() == 0


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite"
    Journal(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(UserError, match="newer console"):
        Journal(path)
