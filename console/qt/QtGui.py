"""QtGui through the one door (see console/qt/__init__.py)."""

from PySide6.QtGui import *  # noqa: F403
