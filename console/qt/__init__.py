"""The one door to Qt: every Qt import in the console goes through this package.

``console.qt.QtCore``, ``console.qt.QtGui`` and ``console.qt.QtWidgets`` re-export the binding's
modules of the same names (today PySide6, pinned in pyproject.toml), so a binding or version
change is an edit here and nowhere else. Ruff's banned-API rule (TID251, pyproject.toml) refuses a
direct ``PySide6`` import anywhere else; the import-linter contracts decide which package may use
which of the three (``console.media`` and ``console.overlays``: QtCore and QtGui only; the Qt-free
core: none) — docs/architecture.md, "Who may import what".

This ``__init__`` imports no Qt module itself, so importing ``console.qt.QtGui`` does not load
QtWidgets.
"""

from __future__ import annotations

#: The Qt binding behind this package.
BINDING = "PySide6"


def binding_version() -> str:
    """The binding's version (for Help ▸ About and bug reports)."""
    from PySide6 import __version__  # deferred: this package's __init__ loads no Qt

    return str(__version__)
