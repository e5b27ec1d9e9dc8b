"""QtCore through the one door (see console/qt/__init__.py)."""

from PySide6.QtCore import *  # noqa: F403
