"""Replaying a recorded audience with an injected clock."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from console.audience.events import parse_event
from console.audience.hub import AudienceHub
from console.audience.replay import ReplaySource, load_replay
from console.errors import UserError
from tests.unit.show.helpers import make_controller


class FakeTime:
    """Monotonic clock + wait that advances it: a replay runs instantly."""

    def __init__(self) -> None:
        self.t = 100.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.t

    def wait(self, stop: threading.Event, seconds: float) -> None:
        self.waits.append(seconds)
        self.t += seconds


def write_log(path: Path, offsets_s: list[float]) -> Path:
    lines = []
    for i, offset in enumerate(offsets_s):
        lines.append(
            json.dumps(
                {
                    "platform": "douyin",
                    "msg_id": f"m{i}",
                    "ts_ms": 1_700_000_000_000 + int(offset * 1000),
                    "type": "comment",
                    "user": {"id": f"u{i}", "nick": "张三"},
                    "text": f"第{i}条",
                },
                ensure_ascii=False,
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_replay_at_speed_10_keeps_the_spacing(tmp_path: Path) -> None:
    log = write_log(tmp_path / "chat.jsonl", [0, 1, 1, 5, 30])
    fake = FakeTime()
    source = ReplaySource(log, speed=10, clock=fake.clock, wait=fake.wait, wall_clock=lambda: 5.0)
    played = []
    source.run(lambda e: played.append((round(fake.t - 100.0, 6), e)) or True, threading.Event())
    assert [t for t, _ in played] == [0.0, 0.1, 0.1, 0.5, 3.0]
    assert [e.text for _, e in played] == ["第0条", "第1条", "第2条", "第3条", "第4条"]
    assert played[0][1].msg_id == "r1:m0" and played[0][1].ts_ms == 5000
    assert source.finished and source.played == 5


def test_replay_stops_when_asked(tmp_path: Path) -> None:
    log = write_log(tmp_path / "chat.jsonl", [0, 10, 20])
    fake = FakeTime()
    stop = threading.Event()
    played = []

    def emit(e):
        played.append(e)
        stop.set()
        return True

    ReplaySource(log, clock=fake.clock, wait=fake.wait).run(emit, stop)
    assert len(played) == 1


def test_replay_of_a_journal_export(tmp_path: Path) -> None:
    controller = make_controller(tmp_path)
    hub = AudienceHub(controller)
    for i in range(3):
        hub.submit(
            parse_event(
                {
                    "platform": "douyin",
                    "msg_id": f"m{i}",
                    "ts_ms": 1_000 * i,
                    "type": "comment",
                    "user": {"id": "u"},
                    "text": "想要",
                }
            )
        )
    hub.process_pending()
    export = tmp_path / "journal.jsonl"
    controller.journal.export_jsonl(export)  # show.* lines included: skipped by the replay
    controller.close()
    log = load_replay(export)
    assert len(log.events) == 3 and log.skipped >= 1 and log.bad == []
    assert log.duration_s == 2.0
    fake = FakeTime()
    source = ReplaySource(log, speed=2, clock=fake.clock, wait=fake.wait)
    assert [e.text for e in source.due(fake.t)] == ["想要"]
    assert source.due(fake.t + 0.49) == []
    assert len(source.due(fake.t + 1.0)) == 2


def test_bad_lines_are_listed_and_empty_logs_refused(tmp_path: Path) -> None:
    path = write_log(tmp_path / "chat.jsonl", [0])
    with path.open("a", encoding="utf-8") as f:
        f.write("{not json\n")
        f.write('{"platform": "x", "type": "comment"}\n')
    log = load_replay(path)
    assert len(log.events) == 1
    assert log.bad[0].startswith("line 2: not JSON") and log.bad[1].startswith("line 3: msg_id")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(UserError, match="no audience events"):
        load_replay(tmp_path / "empty.jsonl")
    with pytest.raises(UserError, match="speed"):
        ReplaySource(log, speed=0)
    assert ReplaySource(log).requires_rehearsal
