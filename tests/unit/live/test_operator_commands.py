"""Pin / unpin a viewer's comment, hide, block / unblock: show commands, replayed on open."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from console.errors import UserError
from console.show import commands as c
from console.show.actor import Actor
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.folder import ShowFolder

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def show(tmp_path: Path):
    return copy_demo_show(tmp_path / "show")


def open_show(path) -> ShowController:  # noqa: ANN001
    return ShowController.open(ShowFolder.open(path, writer=True))


def test_block_unpins_their_comment_and_a_restart_keeps_both(show):
    panel = Actor("panel", device="phone-1", role="moderator")
    with open_show(show) as ctl:
        ctl.execute(c.PinComment("好看", "张三", "douyin:u1", "m1", "douyin"), actor=panel)
        assert ctl.state.pinned_comment.text == "好看"
        ctl.execute(c.BlockUser("douyin:u1", "张三"), actor=panel)
        assert ctl.state.pinned_comment is None
        with pytest.raises(UserError, match="blocked"):
            ctl.execute(c.PinComment("再来", "张三", "douyin:u1", "m2"), actor=panel)
        ctl.execute(c.PinComment("问一下", "李四", "douyin:u2", "m3"), actor=panel)
        actors = {e.actor for e in ctl.journal.events("show.user_")}
        assert actors == {"panel:phone-1:moderator"}
    with open_show(show) as ctl:  # replayed
        assert ctl.state.blocked_users == frozenset({"douyin:u1"})
        assert ctl.state.pinned_comment.msg_id == "m3"
        ctl.execute(c.HideComment("m3", "douyin", "douyin:u2"), actor="window")
        assert ctl.state.pinned_comment is None
        ctl.execute(c.UnblockUser("douyin:u1"), actor="window")
        with pytest.raises(UserError, match="not blocked"):
            ctl.execute(c.UnblockUser("douyin:u1"), actor="window")
    with open_show(show) as ctl:
        assert ctl.state.blocked_users == frozenset()


def test_refusals_are_one_line_reasons(show):
    with open_show(show) as ctl:
        with pytest.raises(UserError, match="no comment is pinned"):
            ctl.execute(c.UnpinComment(), actor="window")
        with pytest.raises(UserError, match="no user to block"):
            ctl.execute(c.BlockUser(""), actor="window")
        with pytest.raises(UserError, match="rehearsal or live"):
            ctl.execute(c.StartSession("party"), actor="run")


def test_operator_commands_round_trip_as_data_for_remote_clients():
    cmd = c.command_from_dict({"command": "block_user", "user_key": "douyin:u1"})
    assert cmd == c.BlockUser("douyin:u1")
    with pytest.raises(UserError, match="unknown command"):
        c.command_from_dict({"command": "start_session", "mode": "live"})  # the core's own
