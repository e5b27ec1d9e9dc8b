"""QtWidgets through the one door (see console/qt/__init__.py)."""

from PySide6.QtWidgets import *  # noqa: F403
