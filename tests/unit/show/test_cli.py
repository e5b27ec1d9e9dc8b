"""The show's CLI hook: register() adds verify-lottery and show-state."""

from __future__ import annotations

import argparse

import pytest

from console.errors import UserError
from console.show import cli
from console.show import commands as c
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from tests.unit.show.helpers import FakeClock


def parse(argv: list[str]):
    parser = argparse.ArgumentParser(prog="live-console")
    sub = parser.add_subparsers(dest="command")
    table: dict = {}
    cli.register(sub, table)
    args = parser.parse_args(argv)
    return table[args.command], args


@pytest.fixture
def show(tmp_path):
    path = copy_demo_show(tmp_path / "demo")
    clock = FakeClock(1_900_000_000.0)
    ctl = ShowController.open(path, clock=clock)
    ctl.execute(c.AdvanceRundown())
    ctl.execute(c.AdvanceRundown())  # pins the cup and starts its flash sale
    ctl.execute(
        c.OpenLottery("耳机", 19900, "keyword", 1, 30, keyword="想要", draw_at=1_900_000_040.0)
    )
    for i in range(4):
        ctl.execute(c.AddLotteryEntrant("lottery-1", f"u{i}", f"观众{i}", "comment", "想要"))
    clock.advance(45)
    ctl.tick()
    ctl.execute(c.DrawLottery("lottery-1"))
    ctl.close()
    return path


def test_verify_lottery_command(show, capsys):
    fn, args = parse(["verify-lottery", str(show), "lottery-1"])
    assert fn(args) == 0
    assert "lottery lottery-1: VERIFIED" in capsys.readouterr().out
    fn, args = parse(["verify-lottery", str(show), "lottery-1", "--seed", "00" * 32])
    assert fn(args) == 1
    assert "NOT VERIFIED" in capsys.readouterr().out
    fn, args = parse(["verify-lottery", str(show), "nope"])
    with pytest.raises(UserError, match="no lottery 'nope'"):
        fn(args)


def test_show_state_command(show, capsys):
    fn, args = parse(["show-state", str(show), "--at", "1900000050"])
    assert fn(args) == 0
    out = capsys.readouterr().out
    assert "pinned: CUP-316-500 316不锈钢保温杯 500ml ¥89" in out
    assert "coupon-1 满199减30" in out
    assert "lottery-1 [drawn] 耳机" in out and "winners: 观众" in out
    assert "flash-1 CUP-316-500 ¥59 (list ¥89) 50/50 left, 1:10 left" in out


def test_show_state_missing_folder(tmp_path):
    fn, args = parse(["show-state", str(tmp_path / "nope")])
    with pytest.raises(UserError, match="not found"):
        fn(args)
