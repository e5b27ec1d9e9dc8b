"""Defect 6: a lottery anyone who could read the journal could rig.

The seed sat in plain text in ``show.lottery_opened`` before the draw and "Close entry" worked at
any moment: whoever read the journal could recompute the winner after every entry and close when
a chosen account won, and ``verify-lottery`` still said VERIFIED. Now the seed is sealed outside
the journal (a 0600 file in the show folder) until the draw and only its SHA-256 is journaled;
the close time is fixed at open; an early close needs a reason, is journaled as early and
``verify-lottery`` reports it (exit 3, not VERIFIED); late entries are refused; one account
enters once; a crash between open and draw still draws verifiably; old journals still verify.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from console.audience.events import parse_event
from console.audience.hub import AudienceHub
from console.errors import UserError
from console.show import commands as c
from console.show.catalog import Catalog
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.journal import Journal
from console.show.lottery import (
    SeedVault,
    draw_winners,
    entrants_hash,
    seed_hash,
    verify_events,
    verify_lottery,
)
from tests.unit.show.helpers import FakeClock, products

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "console", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def all_journal_text(journal_path: Path) -> list[str]:
    """Every column of every row of every table, read with plain sqlite3."""
    db = sqlite3.connect(journal_path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        cells = []
        for table in tables:
            for row in db.execute(f"SELECT * FROM {table}"):  # names from sqlite
                cells += [str(v) for v in row]
        return cells
    finally:
        db.close()


def sealed_seed(show: Path, lottery_id: str = "lottery-1") -> bytes:
    record = json.loads((show / "lottery-seeds" / f"{lottery_id}.seed").read_text())
    return bytes.fromhex(record["seed"])


@pytest.fixture
def show(tmp_path: Path) -> Path:
    return copy_demo_show(tmp_path / "show")


def test_after_open_no_journal_row_holds_the_seed_and_the_sealed_file_is_0600(show):
    with ShowController.open(show, clock=FakeClock()) as ctl:  # the real secrets.token_bytes
        opened = ctl.execute(c.OpenLottery("耳机", 19900, "keyword", 2, 180, keyword="想要"))
        for i in range(5):
            ctl.execute(c.AddLotteryEntrant("lottery-1", f"douyin:{i}", "", "comment", "想要"))
        seed = sealed_seed(show)
        assert seed_hash(seed) == opened.payload["seed_hash"]
        cells = all_journal_text(show / "journal.sqlite")
        assert cells and not [x for x in cells if seed.hex() in x.lower()]
        # nor in the raw bytes on disk (database and write-ahead log), in any encoding
        raw = b"".join(p.read_bytes() for p in show.glob("journal.sqlite*"))
        assert seed not in raw and seed.hex().encode() not in raw
        assert seed.hex().upper().encode() not in raw
        # nor in the state every overlay, panel and remote client reads
        assert seed.hex() not in repr(ctl.state)
    path = show / "lottery-seeds" / "lottery-1.seed"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_journal_reader_cannot_compute_the_winner_before_the_draw(show):
    """The journal before the draw holds only the commitment: no candidate seed matches it."""
    clock = FakeClock()
    with ShowController.open(show, clock=clock) as ctl:
        ctl.execute(c.OpenLottery("耳机", 19900, "present", 1, 60, draw_delay_s=30))
        for i in range(20):
            ctl.execute(c.AddLotteryEntrant("lottery-1", f"douyin:{i}", "", "join"))
        clock.advance(61)
        ctl.tick()  # entry closed at its time: the attacker now has the frozen list too
        events = list(ctl.journal.events("show.lottery_"))
        commitment = ctl.state.lotteries["lottery-1"].seed_hash
    # the old attack: take any 32-byte hex value in the journal and try it as the seed
    cells = all_journal_text(show / "journal.sqlite")
    candidates = {m.lower() for x in cells for m in re.findall(r"[0-9a-fA-F]{64}", x)}
    assert commitment in candidates  # the commitment is there, as it must be
    for candidate in candidates:
        assert seed_hash(bytes.fromhex(candidate)) != commitment
        report = verify_events(events, "lottery-1", seed_hex=candidate)
        assert not report.seed_hash_ok
    assert "seed" not in next(e for e in events if e.kind == "show.lottery_opened").payload


def test_an_early_close_is_journaled_and_verify_lottery_reports_it(show):
    clock = FakeClock()
    with ShowController.open(show, clock=clock) as ctl:
        ctl.execute(c.OpenLottery("耳机", 19900, "present", 1, 180, draw_delay_s=10))
        closes_at = ctl.state.lotteries["lottery-1"].closes_at
        for i in range(6):
            ctl.execute(c.AddLotteryEntrant("lottery-1", f"douyin:{i}", "", "join"))
        clock.advance(60)
        seq = ctl.state.last_seq
        with pytest.raises(UserError, match="closing early needs a reason"):
            ctl.execute(c.CloseLottery("lottery-1"), actor="assistant")
        assert ctl.state.last_seq == seq  # refused: nothing journaled
        closed = ctl.execute(
            c.CloseLottery("lottery-1", reason="host called it"), actor="assistant"
        )
        assert closed.payload["early"] is True and closed.payload["reason"] == "host called it"
        assert closed.actor == "assistant" and closed.payload["at"] == closes_at - 120
        clock.advance(200)
        ctl.execute(c.DrawLottery("lottery-1"))

    result = run_cli("verify-lottery", show, "lottery-1")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "lottery lottery-1: CLOSED EARLY" in result.stdout
    assert "closed early at" in result.stdout and "120 s before the announced" in result.stdout
    assert "host called it" in result.stdout and "by assistant" in result.stdout
    assert "VERIFIED" not in result.stdout.replace("NOT VERIFIED", "")

    # a journal edited to hide the flag still shows the early time
    db = sqlite3.connect(show / "journal.sqlite")
    seq, payload = db.execute(
        "SELECT seq, payload FROM events WHERE kind = 'show.lottery_closed'"
    ).fetchone()
    data = json.loads(payload)
    for key in ("early", "reason", "announced_closes_at"):
        data.pop(key)
    db.execute("UPDATE events SET payload = ? WHERE seq = ?", (json.dumps(data), seq))
    db.commit()
    db.close()
    report = verify_lottery(show, "lottery-1")
    assert report.checks_ok and report.closed_early and not report.ok
    assert report.exit_code == 3 and report.early_by_s == 120


def test_an_entry_after_the_fixed_close_time_is_refused_without_anyone_pressing_close(show):
    clock = FakeClock()
    with ShowController.open(show, clock=clock) as ctl:
        ctl.execute(c.OpenLottery("耳机", 19900, "present", 1, 60))
        lottery = ctl.state.lotteries["lottery-1"]
        for i in range(3):
            ctl.execute(c.AddLotteryEntrant("lottery-1", f"douyin:{i}", "", "join"))
        clock.advance(60)  # exactly the announced close time; nobody ticked, nobody pressed close
        with pytest.raises(UserError, match="entry is closed"):
            ctl.execute(c.AddLotteryEntrant("lottery-1", "douyin:late", "", "join"))
        closed = ctl.state.lotteries["lottery-1"]
        assert closed.phase == "closed" and closed.closed_at == lottery.closes_at
        assert not closed.closed_early
        assert closed.frozen_entrants == ("douyin:0", "douyin:1", "douyin:2")
        ctl.execute(c.DrawLottery("lottery-1"))
    report = verify_lottery(show, "lottery-1")
    assert report.ok and report.verdict == "VERIFIED" and report.exit_code == 0
    assert "entry closed at the announced time" in report.to_text()


def _comment(msg_id: str, platform: str, user_id: str, nick: str):
    return parse_event(
        {
            "platform": platform,
            "msg_id": msg_id,
            "ts_ms": 1,
            "type": "comment",
            "user": {"id": user_id, "nick": nick},
            "text": "想要",
        }
    )


def test_a_viewer_enters_once(show):
    with ShowController.open(show, clock=FakeClock()) as ctl:
        ctl.execute(c.OpenLottery("耳机", 19900, "keyword", 1, 60, keyword="想要"))
        hub = AudienceHub(ctl)
        hub.submit(_comment("a", "douyin", "1001", "小明"))
        hub.submit(_comment("b", "douyin", "1001", "小明的新名字"))  # same account, renamed
        hub.submit(_comment("c", "kuaishou", "1001", "小明"))  # another platform: another entry
        hub.process_pending()
        entrants = ctl.state.lotteries["lottery-1"].entrants
        assert sorted(entrants) == ["douyin:1001", "kuaishou:1001"]
        assert entrants["douyin:1001"].display_name == "小明"
        # the same id made to look new with an invisible character is refused, not a 2nd entry
        for disguised in ("douyin:1001\u200b", "douyin:\u20601001", "douyin:10\u00a001"):
            with pytest.raises(UserError, match="invisible or control character"):
                ctl.execute(c.AddLotteryEntrant("lottery-1", disguised, "", "comment", "想要"))
        with pytest.raises(UserError, match="already entered"):
            ctl.execute(
                c.AddLotteryEntrant("lottery-1", "douyin:1001\u3000", "x", "comment", "想要")
            )
        assert len(ctl.state.lotteries["lottery-1"].entrants) == 2


CHILD = textwrap.dedent(
    """
    import json, sys
    from console.show import commands as c
    from console.show.controller import ShowController
    ctl = ShowController.open(sys.argv[1])
    e = ctl.execute(c.OpenLottery("耳机", 19900, "present", 2, 600.0, draw_delay_s=5))
    for i in range(7):
        ctl.execute(c.AddLotteryEntrant("lottery-1", f"douyin:{i}", f"观众{i}", "join"))
    print(json.dumps({"closes_at": e.payload["closes_at"], "draw_at": e.payload["draw_at"]}))
    print("READY", flush=True)
    sys.stdin.read()
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_crash_between_open_and_draw_still_draws_and_verifies(show):
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(show)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        info = json.loads(proc.stdout.readline() or "null")
        assert proc.stdout.readline().strip() == "READY", proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
    assert proc.returncode == -signal.SIGKILL
    # restarted after the close and the draw time: it closes at the announced time and draws
    with ShowController.open(show, clock=lambda: info["draw_at"] + 1) as ctl:
        lottery = ctl.state.lotteries["lottery-1"]
        assert lottery.phase == "closed" and lottery.closed_at == info["closes_at"]
        assert len(lottery.frozen_entrants) == 7
        drawn = ctl.execute(c.DrawLottery("lottery-1"))
    assert seed_hash(bytes.fromhex(drawn.payload["seed"])) == lottery.seed_hash
    result = run_cli("verify-lottery", show, "lottery-1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("lottery lottery-1: VERIFIED")


class OrderCheckingJournal(Journal):
    """A real journal that notes, at the moment ``show.lottery_opened`` is appended, whether the
    seed it commits to is already sealed on disk."""

    sealed_before_journaled: bool | None = None

    def append(self, kind, payload, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if kind == "show.lottery_opened":
            vault = SeedVault(self.path.parent)
            try:
                seed = vault.unseal(payload["lottery_id"], payload["seed_hash"])
                self.sealed_before_journaled = seed_hash(seed) == payload["seed_hash"]
            except UserError:
                self.sealed_before_journaled = False
        return super().append(kind, payload, *args, **kwargs)


def test_the_seed_is_sealed_before_its_commitment_is_journaled(tmp_path: Path):
    journal = OrderCheckingJournal(tmp_path / "journal.sqlite")
    with ShowController(journal, Catalog(products()), clock=FakeClock()) as ctl:
        ctl.execute(c.OpenLottery("耳机", 19900, "present", 1))  # default entry: 3 minutes
        assert journal.sealed_before_journaled is True
        lottery = ctl.state.lotteries["lottery-1"]
        assert lottery.closes_at - lottery.opens_at == 180


def test_a_missing_or_swapped_sealed_seed_refuses_the_draw(show):
    clock = FakeClock()
    with ShowController.open(show, clock=clock) as ctl:
        ctl.execute(c.OpenLottery("耳机", 19900, "present", 1, 60))
        ctl.execute(c.AddLotteryEntrant("lottery-1", "douyin:1", "", "join"))
        clock.advance(61)
        path = show / "lottery-seeds" / "lottery-1.seed"
        record = json.loads(path.read_text())
        path.write_text(json.dumps(dict(record, seed="00" * 32)))  # a seed chosen afterwards
        with pytest.raises(UserError, match="does not match the commitment"):
            ctl.execute(c.DrawLottery("lottery-1"))
        path.unlink()
        with pytest.raises(UserError, match="sealed seed of lottery lottery-1 .* is missing"):
            ctl.execute(c.DrawLottery("lottery-1"))
        assert ctl.state.lotteries["lottery-1"].phase == "closed"


def _old_format_show(show: Path, drawn: bool) -> tuple[bytes, list[str]]:
    """A journal as the console wrote it before format 2: the seed inside lottery_opened."""
    seed = bytes(range(32))
    t0 = 1_700_000_000.0
    ids = [f"douyin:{i}" for i in range(9)]
    with Journal(show / "journal.sqlite") as journal:
        journal.append(
            "show.lottery_opened",
            {
                "lottery_id": "lottery-1",
                "prize": "耳机",
                "prize_value_cents": 19900,
                "entry_rule": "present",
                "keyword": "",
                "winners": 2,
                "claim_rules": "",
                "opens_at": t0,
                "closes_at": t0 + 60,
                "draw_at": t0 + 70,
                "seed_hash": seed_hash(seed),
                "seed": seed.hex(),
                "seed_secret": True,
            },
            ts=t0,
        )
        for i, uid in enumerate(ids):
            journal.append(
                "show.lottery_entrant_added",
                {"lottery_id": "lottery-1", "user_id": uid, "display_name": uid, "via": "join"},
                ts=t0 + i,
            )
        h = entrants_hash(ids)
        journal.append(
            "show.lottery_closed",
            {"lottery_id": "lottery-1", "entrants": ids, "entrants_hash": h, "at": t0 + 60},
            actor="clock",
            ts=t0 + 60,
        )
        if drawn:
            winners = draw_winners(seed, h, ids, 2)
            journal.append(
                "show.lottery_drawn",
                {"lottery_id": "lottery-1", "seed": seed.hex(), "winners": winners},
                ts=t0 + 70,
            )
    return seed, ids


def test_an_old_format_journal_still_verifies(show):
    _old_format_show(show, drawn=True)
    report = verify_lottery(show, "lottery-1")
    assert report.ok and report.format == 1, report.to_text()
    assert "format 1 journal" in report.to_text()
    result = run_cli("verify-lottery", show, "lottery-1")
    assert result.returncode == 0 and "VERIFIED" in result.stdout, result.stdout + result.stderr


def test_an_old_format_journal_replays_and_draws_with_its_journaled_seed(show):
    seed, ids = _old_format_show(show, drawn=False)
    assert not (show / "lottery-seeds").exists()  # nothing sealed: the old form keeps working
    with ShowController.open(show, clock=lambda: 1_700_000_000.0 + 71) as ctl:
        drawn = ctl.execute(c.DrawLottery("lottery-1"))
    assert drawn.payload["seed"] == seed.hex()
    assert drawn.payload["winners"] == draw_winners(seed, entrants_hash(ids), ids, 2)
    assert verify_lottery(show, "lottery-1").ok


def test_show_state_prints_the_close_time_and_no_seed(show):
    with ShowController.open(show, clock=lambda: time.time()) as ctl:
        ctl.execute(c.OpenLottery("耳机", 19900, "present", 1, 120))
    result = run_cli("show-state", show)
    assert result.returncode == 0, result.stderr
    assert "(closes " in result.stdout
    assert sealed_seed(show).hex() not in result.stdout


def test_a_planted_link_for_the_seed_folder_is_refused_and_nothing_is_journaled(show, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (show / "lottery-seeds").symlink_to(outside, target_is_directory=True)
    with ShowController.open(show, clock=FakeClock()) as ctl:
        seq = ctl.state.last_seq
        with pytest.raises(UserError, match="symbolic link"):
            ctl.execute(c.OpenLottery("耳机", 19900, "present", 1, 60))
        assert ctl.state.last_seq == seq and not ctl.state.lotteries
    assert list(outside.iterdir()) == []


def test_the_post_show_report_marks_an_early_close(show):
    from console.analytics.html import _lottery_section
    from console.analytics.report import analyze_show

    clock = FakeClock()
    with ShowController.open(show, clock=clock) as ctl:
        ctl.execute(c.OpenLottery("耳机", 19900, "present", 1, 120))
        ctl.execute(c.AddLotteryEntrant("lottery-1", "douyin:1", "", "join"))
        clock.advance(30)
        ctl.execute(c.CloseLottery("lottery-1", reason="rigged?"), actor="assistant")
        clock.advance(120)
        ctl.execute(c.DrawLottery("lottery-1"))
    html = _lottery_section(analyze_show(show))
    assert "CLOSED EARLY" in html and "✓ 已验证 VERIFIED" not in html
