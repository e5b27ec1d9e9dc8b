"""kill -9 in the middle of a show: reopening gives back the same state."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from console.show.commands import CloseLottery
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.lottery import entrants_hash

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def start_probe(show: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.crash_probe", str(show), *extra],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def read_until_ready(proc: subprocess.Popen) -> list[str]:
    lines = []
    while True:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"probe exited early: {proc.wait()} {proc.stderr.read()}")
        if line.strip() == "READY":
            return lines
        lines.append(line)


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    proc.stdout.close()
    proc.stderr.close()
    proc.stdin.close()


def test_state_survives_sigkill(tmp_path):
    show = copy_demo_show(tmp_path / "show")
    proc = start_probe(show)
    try:
        report = json.loads(read_until_ready(proc)[-1])
    finally:
        kill(proc)
    assert (show / "journal.sqlite-wal").exists()  # killed with the WAL still open

    ctl = ShowController.open(show)  # real clock, as the app would
    try:
        state = ctl.state
        now = ctl.now()
        assert state.last_seq == report["last_seq"]
        assert state.pinned.product_id == report["pinned"] == "CUP-316-500"
        assert state.pinned.since == report["pinned_since"]
        sale = state.flash_sales[report["sale_id"]]
        assert sale.ends_at == report["ends_at"]  # the countdown's true end, not restarted
        assert sale.active(now) and sale.remaining(now) == report["ends_at"] - now
        assert sale.remaining_quantity == report["remaining_quantity"] == 47
        lottery = state.lotteries[report["lottery_id"]]
        assert lottery.phase == "open" and lottery.seed_hash == report["seed_hash"]
        assert sorted(lottery.entrants) == report["entrants"] == [f"u{i}" for i in range(5)]
        assert state.stock == report["stock"]
        assert state.stock["CUP-316-500"] == 297 and state.stock["PODS-52"] == 798
        # and the show goes on: close the lottery, its hash covers the entrants from before the crash
        event = ctl.execute(CloseLottery(report["lottery_id"], reason="test: close after restart"))
        assert event.payload["entrants_hash"] == entrants_hash(report["entrants"])
    finally:
        ctl.close()


def test_every_acknowledged_write_survives_sigkill(tmp_path):
    show = copy_demo_show(tmp_path / "show")
    proc = start_probe(show, "--spam")
    acknowledged: list[int] = []
    try:
        read_until_ready(proc)
        while len(acknowledged) < 40:  # kill mid-stream, after a few dozen commits
            acknowledged.append(int(proc.stdout.readline()))
    finally:
        kill(proc)
    ctl = ShowController.open(show)
    try:
        seqs = {e.seq for e in ctl.journal.events("show.sale_recorded")}
        assert set(acknowledged) <= seqs
        sold = ctl.state.sold["PODS-52"] + ctl.state.sold["MASK-HA-10"]
        assert sold == len(seqs) >= len(acknowledged)
        assert ctl.state.stock["PODS-52"] == 800 - ctl.state.sold["PODS-52"]
    finally:
        ctl.close()
