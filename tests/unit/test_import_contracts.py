"""Who may import what: the import-linter contracts (pyproject.toml) hold, they catch what the old
AST check missed, the banned-API rule keeps PySide6 behind console/qt, and the Qt-free core's
tests pass on a machine without PySide6."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# the Qt-free core's unit tests, run with PySide6 unimportable (tests/no_qt.py leaves out the
# test modules that import a Qt part themselves)
CORE_TESTS = ["show", "audience", "analytics", "live", "connectors", "clips"]


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def test_the_contracts_hold() -> None:
    proc = lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # a relative import of the window from media (the old check skipped relative imports)
        ("media/clock.py", "from ..ui import style", "never widgets or the window"),
        # Qt reached indirectly: audience → overlays → QtGui (the old check saw direct ones only)
        ("audience/events.py", "from console.overlays import base", "imports no Qt"),
        # settings and rehearse were never checked
        ("settings.py", "import console.media.compositor", "imports no Qt"),
        ("rehearse.py", "from console.media import pipeline", "reaches media"),
        # a layer reaching up: the show domain importing the live core
        ("show/state.py", "from console.live import golive", "layers"),
        ("panel/__init__.py", "import console.control", "independent"),
    ],
)
def test_a_broken_rule_fails(tmp_path: Path, module: str, line: str, contract: str) -> None:
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT / "console", copy / "console", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "console" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    proc = lint_imports(copy)
    assert proc.returncode != 0, proc.stdout[-2000:]
    broken = proc.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, proc.stdout[-3000:]


@pytest.mark.parametrize(
    "line",
    ["from PySide6.QtWidgets import QWidget", "import PySide6", "from PySide6 import QtGui"],
)
def test_pyside6_only_through_the_one_door(line: str) -> None:
    proc = subprocess.run(
        [
            str(BIN / "ruff"),
            "check",
            "--select",
            "TID251",
            "--stdin-filename",
            "console/media/x.py",
            "-",
        ],
        input=line + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 1 and "TID251" in proc.stdout, proc.stdout
    door = subprocess.run(
        [
            str(BIN / "ruff"),
            "check",
            "--select",
            "TID251",
            "--stdin-filename",
            "console/qt/x.py",
            "-",
        ],
        input=line + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert door.returncode == 0, door.stdout


def test_the_qt_free_core_passes_without_pyside6() -> None:
    args = [sys.executable, "-m", "pytest", "-p", "tests.no_qt", "-p", "no:pytest-qt", "-q"]
    args += ["-p", "no:cacheprovider", "-x", "-m", "not slow"]
    args += [f"tests/unit/{d}" for d in CORE_TESTS if (ROOT / "tests/unit" / d).is_dir()]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout
    left_out = proc.stdout.split("no_qt: left out (Qt side):", 1)[1].splitlines()[0].split()
    # the core's own tests ran; only tests of a Qt part next to the core were left out
    assert "tests.unit.show.test_controller" not in left_out
    assert "tests.unit.audience.test_chat_overlay" in left_out
