"""The live core (console/live): Qt-free, and the session journal goes through commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from console.errors import UserError
from console.live import golive
from console.live.session import LiveSession
from console.media.output import OutputState, OutputStats
from console.settings import DestinationSettings
from console.show.actor import Actor
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.folder import ShowFolder

if TYPE_CHECKING:
    from console.live.engine import EngineStats
    from console.live.outputs import OutputSpec
    from console.media.output import StateCallback

ROOT = Path(__file__).resolve().parents[3]

NO_QT = """
import importlib.abc, sys
class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("PySide6 is not installed here")
sys.meta_path.insert(0, NoQt())
import console.live, console.live.engine, console.live.golive, console.live.outputs
import console.live.health, console.live.session, console.live.audience
print(sorted(m for m in sys.modules if "PySide6" in m))
"""


def test_the_live_core_imports_without_pyside6():
    proc = subprocess.run(
        [sys.executable, "-c", NO_QT], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


class FakeOutput:
    def __init__(self, name: str) -> None:
        self.name = name
        self.started = self.stopped = 0

    def start(self) -> None:
        self.started += 1

    def stop(self, timeout: float = 5.0) -> None:
        self.stopped += 1

    def stats(self) -> OutputStats:
        return OutputStats(name=self.name, state=OutputState.LIVE)


class FakeEngine:
    """Stands in for the media pipeline: the core only passes it outputs and reads numbers."""

    def __init__(self) -> None:
        self.outputs: list = []
        self.stopped = False

    def start(self) -> None: ...

    def stop(self, timeout: float = 10.0) -> None:
        self.stopped = True

    def add_output(self, output: FakeOutput) -> None:
        output.start()
        self.outputs.append(output)

    def remove_outputs(self) -> list:
        outs, self.outputs = self.outputs, []
        return outs

    def output_stats(self) -> list:
        return [o.stats() for o in self.outputs]

    def stats(self) -> EngineStats:
        from console.live.engine import EngineStats

        return EngineStats(render_fps=30.0, encoder="libx264", outputs=self.output_stats())


@pytest.fixture
def controller(tmp_path: Path):
    folder = ShowFolder.open(copy_demo_show(tmp_path / "show"), writer=True)
    ctl = ShowController.open(folder)
    yield ctl
    ctl.close()


def dest(server: str, name: str = "room") -> DestinationSettings:
    return DestinationSettings(id=name, name=name, server=server, key_name=name)


def session(controller: ShowController, **kw: Any) -> tuple[LiveSession, list[FakeOutput]]:
    built: list[FakeOutput] = []

    def factory(spec: OutputSpec, on_state: StateCallback | None) -> FakeOutput:
        out = FakeOutput(spec.name)
        built.append(out)
        return out

    live = LiveSession(controller, output_factory=factory, **kw)
    live.attach_engine(FakeEngine())
    return live, built


def test_rehearsal_refuses_a_remote_destination_and_journals_nothing(controller, tmp_path):
    live, built = session(controller, rehearsal=True)
    before = controller.journal.count()
    far = dest("rtmp://push.example.com/live")
    refusal = live.check([far], record=True)
    assert refusal is not None and refusal.code == "rehearsal_remote"
    assert refusal.names == ("room",)
    with pytest.raises(UserError, match="Rehearsal cannot reach room"):
        live.go_live([far], {"room": "k"}, True, Actor("run"), recording=tmp_path / "r.flv")
    assert built == [] and controller.journal.count() == before


def test_missing_key_is_one_refusal_before_any_output(controller):
    live, built = session(controller, rehearsal=False)
    plan = live.plan([dest("rtmp://push.example.com/live")], {"room": None}, record=False)
    assert plan.refusal is not None and plan.refusal.code == "missing_keys"
    assert "No stream key for room" in plan.refusal.text
    assert built == []


def test_session_start_health_and_end_are_commands_with_the_actor(controller, tmp_path):
    live, built = session(controller, rehearsal=True, health_interval_s=3600)
    loop = dest("rtmp://127.0.0.1:1935/live")
    actor = Actor("control", name="companion")
    live.go_live([loop], {"room": "key"}, True, actor, recording=tmp_path / "r.flv")
    assert live.live and [o.name for o in built] == ["room", "recording"]
    assert live._health.sample()
    live.close(Actor("run"), reason="signal")
    assert all(o.stopped for o in built) and not live.live
    rows = [
        (e.kind, e.actor) for e in controller.journal.events() if not e.kind.startswith("show.")
    ]
    assert ("session.started", "control:companion") in rows
    assert ("health.sample", "health") in rows
    assert ("session.ended", "run") in rows
    ended = list(controller.journal.events("session.ended"))[-1]
    assert ended.payload == {"mode": "rehearsal", "reason": "signal"}


def test_an_audience_that_fakes_viewers_refuses_a_real_broadcast(controller):
    asked: list[bool] = []

    def refusal(rehearsal: bool) -> str | None:
        asked.append(rehearsal)
        return None if rehearsal else "simulated audience attached"

    live, _ = session(controller, rehearsal=False, audience_refusal=refusal)
    found = live.check([dest("rtmp://push.example.com/live")], record=False)
    assert found is not None and found.code == "audience" and asked == [False]
    assert live.check([dest("rtmp://127.0.0.1/live")], record=False) is None  # loopback


def test_key_warnings_name_the_destination():
    d = DestinationSettings(id="a", name="抖音", server="rtmp://x/y", key_expires_at=1000)
    (line,) = golive.key_warnings([d], now=2000)
    assert line.startswith("抖音: Key expired")
