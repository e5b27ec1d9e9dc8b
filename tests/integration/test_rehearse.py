"""Headless rehearsal: deterministic for a seed, walks the rundown, refuses a used show."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from console.errors import UserError
from console.rehearse import register as register_rehearse
from console.rehearse import rehearse
from console.show.demo import copy_demo_show
from console.show.journal import Journal

T0 = 1_700_000_000.0
ABSOLUTE_TIMES = {"at", "ends_at", "starts_at", "opens_at", "closes_at", "draw_at"}


def _normalised(journal_path: Path, start: float) -> list[dict]:
    """The exported JSONL with wall-clock fields made relative to the rehearsal's start."""
    out = journal_path.parent / "export.jsonl"
    with Journal(journal_path) as journal:
        journal.export_jsonl(out)

    def fix(value):  # noqa: ANN001, ANN202
        if isinstance(value, dict):
            return {
                k: (
                    v - start
                    if k in ABSOLUTE_TIMES and isinstance(v, int | float)
                    else v - int(start * 1000)
                    if k == "ts_ms"
                    else fix(v)
                )
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    events = []
    for line in out.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        event["ts"] -= start
        event["payload"] = fix(event["payload"])
        events.append(event)
    return events


def _run(tmp_path: Path, name: str, seed: int, start: float, duration: float = 1000) -> Path:
    show = copy_demo_show(tmp_path / name)
    rehearse(show, duration, seed=seed, speed=0, start=start, viewers=100)
    return show / "journal.sqlite"


def test_same_seed_gives_the_same_journal(tmp_path: Path) -> None:
    a = _run(tmp_path, "a", seed=5, start=T0)
    b = _run(tmp_path, "b", seed=5, start=T0 + 86_400 + 17)  # another day, another wall clock
    c = _run(tmp_path, "c", seed=6, start=T0, duration=300)
    ea, eb = _normalised(a, T0), _normalised(b, T0 + 86_400 + 17)
    assert len(ea) > 1000
    assert ea == eb
    assert _normalised(c, T0)[:200] != ea[:200]
    kinds = {e["kind"] for e in ea}
    assert {"show.lottery_drawn", "show.sale_recorded", "audience.order"} <= kinds
    assert not any(k.startswith("health.") for k in kinds)  # no pipeline in a headless rehearsal


def test_rehearsal_walks_the_rundown_and_marks_the_session(tmp_path: Path) -> None:
    show = copy_demo_show(tmp_path / "show")
    result = rehearse(show, 1800, seed=3, speed=0, start=T0, viewers=80)
    with Journal(show / "journal.sqlite") as journal:
        starts = [
            (e.payload["segment_id"], e.ts - T0) for e in journal.events("show.segment_started")
        ]
        sessions = [(e.kind, e.payload["mode"]) for e in journal.events("session.")]
        drawn = list(journal.events("show.lottery_drawn"))
        pins = [e.payload["product_id"] for e in journal.events("show.product_pinned")]
    planned = [("opening", 0), ("thermos", 120), ("quiz", 420), ("mask", 480)]
    planned += [("lottery", 780), ("nuts", 1020), ("scarf", 1260), ("closing", 1500)]
    assert [s for s in starts if s[0] in dict(planned)] == planned
    assert sessions == [("session.started", "rehearsal"), ("session.ended", "rehearsal")]
    assert len(drawn) == 1 and result.lotteries_drawn == 1
    assert pins[0] == "CUP-316-500" and pins[-1] == "PODS-52"
    assert result.segments_started == 8 and result.orders > 0 and result.gmv_cents > 0
    assert "rehearsed 1800 s" in result.summary()


def test_refuses_a_show_that_already_ran_and_rehearses_a_copy(tmp_path: Path) -> None:
    show = copy_demo_show(tmp_path / "show")
    rehearse(show, 30, seed=1, speed=0, start=T0, viewers=20)
    with pytest.raises(UserError, match="already holds .* events .*--copy-to"):
        rehearse(show, 30, seed=1, speed=0, start=T0)
    result = rehearse(show, 30, seed=1, speed=0, start=T0, viewers=20, copy_to=tmp_path / "copy")
    assert result.show == tmp_path / "copy"
    assert (tmp_path / "copy" / "journal.sqlite").is_file()
    with pytest.raises(UserError, match="not empty"):
        rehearse(show, 30, copy_to=tmp_path / "copy")


def test_cli_rehearse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    show = copy_demo_show(tmp_path / "show")
    parser = argparse.ArgumentParser()
    commands: dict = {}
    register_rehearse(parser.add_subparsers(dest="command"), commands)
    args = parser.parse_args(
        ["rehearse", str(show), "--duration", "90", "--speed", "max", "--seed", "4"]
    )
    assert commands["rehearse"](args) == 0
    out = capsys.readouterr().out
    assert "rehearsed 90 s" in out and "live-console report" in out
    with pytest.raises(SystemExit):
        parser.parse_args(["rehearse", str(show), "--duration", "-5"])
