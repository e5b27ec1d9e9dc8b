"""Plugin discovery, lazy loading and failure isolation."""

from __future__ import annotations

import importlib.metadata
import textwrap
import threading
from pathlib import Path

import pytest

from console.audience import plugins as plugins_mod
from console.audience.plugins import ENTRY_POINT_GROUP, PluginHost, builtin_plugins_dir

GOOD = """
import threading

class Source:
    name = "good"
    requires_rehearsal = False

    def __init__(self, context):
        self.greeting = context.config.get("greeting", "hi")

    def run(self, emit, stop):
        for i in range(3):
            emit({"platform": "test", "msg_id": f"g{i}", "ts_ms": 1, "type": "comment",
                  "user": {"id": "u"}, "text": self.greeting})
        emit({"platform": "test", "type": "comment"})  # invalid: counted, not raised
        stop.wait()

def create(context):
    return Source(context)
"""


def make_plugin(root: Path, name: str, code: str, manifest: str | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "source.py").write_text(textwrap.dedent(code), encoding="utf-8")
    (folder / "plugin.toml").write_text(
        manifest
        or f'name = "{name}"\nversion = "1.2"\nentry = "source:create"\nkinds = ["comment"]\n',
        encoding="utf-8",
    )
    return folder


class Collector:
    def __init__(self, expect: int) -> None:
        self.events = []
        self.expect = expect
        self.done = threading.Event()

    def __call__(self, event) -> bool:
        self.events.append(event)
        if len(self.events) >= self.expect:
            self.done.set()
        return True


def test_shipped_plugins_have_valid_manifests() -> None:
    host = PluginHost(lambda e: True)
    names = {s.name for s in host.discover(entry_points=False)}
    assert {"simulated_audience", "example_source", "local_ingest", "replay"} <= names
    assert host.problems == []
    assert all(s.state == "available" for s in host.statuses())


def test_discovery_imports_nothing(tmp_path: Path) -> None:
    make_plugin(tmp_path, "lazy", "raise RuntimeError('imported too early')")
    host = PluginHost(lambda e: True)
    (status,) = host.discover([tmp_path], entry_points=False)
    assert status.name == "lazy" and status.state == "available"


def test_good_plugin_runs_and_feeds_events(tmp_path: Path) -> None:
    make_plugin(tmp_path, "good", GOOD)
    collect = Collector(3)
    reports = []
    host = PluginHost(collect, on_status=reports.append)
    host.discover([tmp_path], entry_points=False)
    status = host.start("good", {"greeting": "你好"})
    assert status.state == "running" and status.version == "1.2"
    assert collect.done.wait(10)
    assert [e.text for e in collect.events] == ["你好"] * 3
    host.stop("good")
    status = host.status("good")
    assert status.state == "stopped" and status.emitted == 3 and status.rejected == 1
    assert [r.state for r in reports] == ["running", "stopped"]


def test_plugin_raising_on_import_is_disabled_and_reported(tmp_path: Path) -> None:
    make_plugin(tmp_path, "broken", "import definitely_not_a_module_xyz\n")
    make_plugin(tmp_path, "good", GOOD)
    collect = Collector(3)
    host = PluginHost(collect)
    host.discover([tmp_path], entry_points=False)
    status = host.start("broken")
    assert status.state == "failed" and status.disabled
    assert status.reason == (
        "failed to load: ModuleNotFoundError: No module named 'definitely_not_a_module_xyz'"
    )
    assert "\n" not in status.reason
    host.start("good")  # the others still work
    assert collect.done.wait(10)
    host.stop_all()


def test_plugin_raising_in_run_is_disabled_and_reported(tmp_path: Path) -> None:
    code = """
    class Source:
        name = "crashy"
        def run(self, emit, stop):
            emit({"platform": "t", "msg_id": "1", "ts_ms": 1, "type": "follow", "user": {"id": "u"}})
            raise RuntimeError("lost the connection\\nsecond line")

    def create(context):
        return Source()
    """
    make_plugin(tmp_path, "crashy", code)
    collect = Collector(1)
    reports = []
    host = PluginHost(collect, on_status=reports.append)
    host.discover([tmp_path], entry_points=False)
    host.start("crashy")
    status = host.wait("crashy", timeout=10)
    assert status.state == "failed"
    assert status.reason == "failed while running: RuntimeError: lost the connection"
    assert len(collect.events) == 1  # what it sent before failing is kept
    assert reports[-1].state == "failed"
    assert host.attached() == []


def test_factory_errors_and_bad_returns_are_reported(tmp_path: Path) -> None:
    make_plugin(tmp_path, "raises", "def create(context):\n    raise ValueError('no api key')\n")
    make_plugin(tmp_path, "norun", "def create(context):\n    return object()\n")
    make_plugin(tmp_path, "nofactory", "x = 1\n")
    host = PluginHost(lambda e: True)
    host.discover([tmp_path], entry_points=False)
    assert host.start("raises").reason == "failed to load: ValueError: no api key"
    assert "without run()" in host.start("norun").reason
    assert "no callable 'create'" in host.start("nofactory").reason


def test_bad_manifests_are_listed_not_fatal(tmp_path: Path) -> None:
    make_plugin(tmp_path, "a", GOOD, manifest='name = "a b"\nentry = "source:create"\n')
    make_plugin(tmp_path, "b", GOOD, manifest='name = "b"\nentry = "nocolon"\n')
    make_plugin(
        tmp_path, "c", GOOD, manifest='name = "c"\nentry = "source:create"\nkinds = ["dance"]\n'
    )
    make_plugin(tmp_path, "d", GOOD, manifest="this is = = not toml")
    make_plugin(tmp_path, "e", GOOD)
    host = PluginHost(lambda e: True)
    statuses = host.discover([tmp_path], entry_points=False)
    assert [s.name for s in statuses] == ["e"]
    assert len(host.problems) == 4


def test_json_manifest_and_relative_imports(tmp_path: Path) -> None:
    folder = tmp_path / "jsonplug"
    (folder / "pkg").mkdir(parents=True)
    (folder / "pkg" / "__init__.py").write_text("from .impl import create\n", encoding="utf-8")
    (folder / "pkg" / "impl.py").write_text(textwrap.dedent(GOOD), encoding="utf-8")
    (folder / "plugin.json").write_text(
        '{"name": "jsonplug", "version": "2", "entry": "pkg:create"}', encoding="utf-8"
    )
    collect = Collector(3)
    host = PluginHost(collect)
    host.discover([tmp_path], entry_points=False)
    assert host.start("jsonplug").state == "running"
    assert collect.done.wait(10)
    host.stop_all()


def test_entry_point_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = importlib.metadata.EntryPoint(
        "ep_sim", "console.audience.simulated:create", ENTRY_POINT_GROUP
    )

    def fake_entry_points(group: str):
        return [ep] if group == ENTRY_POINT_GROUP else []

    monkeypatch.setattr(plugins_mod.importlib.metadata, "entry_points", fake_entry_points)
    host = PluginHost(lambda e: True)
    host.discover([], entry_points=True)
    assert host.start("ep_sim", {"seed": 2}).state == "running"
    assert host.attached()[0].requires_rehearsal
    host.stop_all()


def test_example_plugin_runs() -> None:
    collect = Collector(1)
    host = PluginHost(collect)
    host.discover([builtin_plugins_dir()], entry_points=False)
    host.start("example_source", {"interval_s": 60})
    assert collect.done.wait(10)
    host.stop("example_source")
    assert collect.events[0].platform == "example"
    assert host.attached() == []
