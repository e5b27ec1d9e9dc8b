"""A pytest plugin that makes the machine look as if PySide6 were not installed.

    python -m pytest -p tests.no_qt -p no:pytest-qt tests/unit/show …

Loaded with ``-p`` it is imported before any conftest or test module, and from then on every
``import PySide6…`` raises ModuleNotFoundError, as it would in an environment without the
binding. Test modules that import a Qt part of the console themselves (directly or through a
test helper: anything downstream of ``console.qt`` in the import graph) are not collected — they
test the Qt side; everything else must pass without Qt (tests/unit/test_import_contracts.py runs
the Qt-free core's tests this way). That a core module never reaches Qt statically is the
import-linter contracts' job; this run catches the rest (an import made at run time).
"""

from __future__ import annotations

import importlib.abc
import sys
from pathlib import Path

import pytest


class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
            raise ModuleNotFoundError(f"No module named {name!r} (PySide6 is not installed here)")
        return None


if any(m == "PySide6" or m.startswith("PySide6.") for m in sys.modules):
    raise RuntimeError("tests.no_qt loaded after PySide6 was imported: load it with -p first")
sys.meta_path.insert(0, _NoQt())

ROOT = Path(__file__).resolve().parents[1]
_qt_side: set[str] | None = None
left_out: list[str] = []


def _qt_side_modules() -> set[str]:
    global _qt_side
    if _qt_side is None:
        import grimp  # comes with import-linter

        graph = grimp.build_graph("console", "tests")
        _qt_side = set(graph.find_downstream_modules("console.qt", as_package=True))
    return _qt_side


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    path = Path(collection_path)
    if path.suffix != ".py" or not path.name.startswith("test_"):
        return None
    module = ".".join(path.resolve().relative_to(ROOT).with_suffix("").parts)
    if module in _qt_side_modules():
        left_out.append(module)
        return True
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(f"no_qt: left out (Qt side): {' '.join(sorted(left_out))}")
