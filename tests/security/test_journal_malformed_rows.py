"""Defect 11 (journal half): a malformed journal row is named, not a KeyError; journals are 0600.

Rows are inserted with ``sqlite3`` as a hand edit or a damaged copy would leave them. Writers
(the controller, the window's ``open_show``) refuse in one line naming the row's seq, its kind
and what is wrong; ``show-state`` (read-only) prints the state up to the row and then the row.
The journal and its ``-wal``/``-shm`` hold viewers' names and comments: created 0600.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from console.errors import UserError
from console.show.commands import PinProduct
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.journal import Journal, MalformedEvent

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def insert_row(show: Path, kind: str, payload: str, ts: object = 1.0) -> int:
    db = sqlite3.connect(show / "journal.sqlite")
    try:
        cur = db.execute(
            "INSERT INTO events (ts, kind, payload, actor) VALUES (?, ?, ?, 'host')",
            (ts, kind, payload),
        )
        db.commit()
        assert cur.lastrowid is not None
        return cur.lastrowid
    finally:
        db.close()


@pytest.fixture
def pinned_show(tmp_path: Path) -> Path:
    show = copy_demo_show(tmp_path / "show")
    with ShowController.open(show) as controller:
        controller.execute(PinProduct("CUP-316-500"))
    return show


CASES = [
    # kind, payload, what the message must say
    ("show.product_pinned", "{}", "payload has no 'product_id'"),
    ("show.catalog_loaded", '{"products": 5}', "not iterable"),
    ("show.product_pinned", "[1, 2]", "payload is a JSON list, not an object"),
    ("show.product_pinned", "{not json", "payload is not valid JSON"),
]


@pytest.mark.parametrize(("kind", "payload", "problem"), CASES)
def test_writers_refuse_naming_the_row(
    pinned_show: Path, kind: str, payload: str, problem: str
) -> None:
    seq = insert_row(pinned_show, kind, payload)
    with pytest.raises(UserError) as refused:
        ShowController.open(pinned_show)
    message = str(refused.value)
    assert isinstance(refused.value, MalformedEvent) and refused.value.seq == seq
    assert f"event #{seq} ({kind}) is malformed" in message
    assert problem in message
    assert "\n" not in message
    from console.show.opening import open_show  # the window's way in: the same one line

    with pytest.raises(UserError, match=rf"event #{seq} \({kind}\) is malformed"):
        open_show(pinned_show)
    # the refusal let go of the show: nothing is left holding it
    from console.show.lock import holder_of

    assert holder_of(pinned_show) is None


@pytest.mark.parametrize(("kind", "payload", "problem"), CASES)
def test_show_state_prints_the_state_up_to_the_bad_row(
    pinned_show: Path, kind: str, payload: str, problem: str
) -> None:
    seq = insert_row(pinned_show, kind, payload)
    done = run_cli("show-state", str(pinned_show))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "pinned: CUP-316-500" in done.stdout  # the state up to the bad row
    assert f"journal #{seq - 1}" in done.stdout
    assert f"journal error at event #{seq}: " in done.stdout
    assert problem in done.stdout


def test_a_non_numeric_time_is_named(pinned_show: Path) -> None:
    seq = insert_row(pinned_show, "show.product_unpinned", "{}", ts="yesterday")
    with pytest.raises(UserError, match=rf"event #{seq} .*time 'yesterday' is not a number"):
        ShowController.open(pinned_show)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_journal_and_companions_are_created_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: files would be 0644
    try:
        show = copy_demo_show(tmp_path / "show")
        with ShowController.open(show) as controller:
            controller.execute(PinProduct("CUP-316-500"))
            for name in ("journal.sqlite", "journal.sqlite-wal", "journal.sqlite-shm"):
                assert (show / name).exists(), name
                assert _mode(show / name) == 0o600, name
        assert _mode(show / "journal.sqlite") == 0o600
    finally:
        os.umask(old)


def test_an_older_world_readable_journal_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x)")
    db.close()
    os.chmod(path, 0o644)
    Journal(path).close()
    assert _mode(path) == 0o600


def test_read_only_journal_writes_nothing(pinned_show: Path) -> None:
    before = (pinned_show / "journal.sqlite").read_bytes()
    with Journal(pinned_show / "journal.sqlite", read_only=True) as journal:
        assert journal.count() > 0
        with pytest.raises(UserError, match="read-only"):
            journal.append("show.product_unpinned", {})
    assert (pinned_show / "journal.sqlite").read_bytes() == before
    for name in ("journal.sqlite-wal", "journal.sqlite-shm"):  # SQLite may leave them, empty
        if (pinned_show / name).exists():
            assert _mode(pinned_show / name) == 0o600
    wal = pinned_show / "journal.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0
