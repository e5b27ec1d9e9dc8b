"""A pytest plugin that makes the machine look as if PySide6 were not installed.

    python -m pytest -p tests.no_qt -p no:pytest-qt tests/unit/show …

Loaded with ``-p`` it is imported before any conftest or test module, and from then on every
``import PySide6…`` raises ImportError, as it would in an environment without the binding
(tests/unit/test_import_contracts.py runs the Qt-free core's tests this way).
"""

from __future__ import annotations

import importlib.abc
import sys


class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
            raise ModuleNotFoundError(f"No module named {name!r} (PySide6 is not installed here)")
        return None


if any(m == "PySide6" or m.startswith("PySide6.") for m in sys.modules):
    raise RuntimeError("tests.no_qt loaded after PySide6 was imported: load it with -p first")
sys.meta_path.insert(0, _NoQt())
