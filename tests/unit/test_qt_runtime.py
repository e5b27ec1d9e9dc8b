"""Guards against a Qt binding that corrupts the interpreter (PySide6 6.12.0 on CPython 3.11)."""

import sys

import pytest

from console.qt.QtGui import QColor, QImage, QPainter

pytestmark = pytest.mark.usefixtures("gui_app")


def test_void_qt_calls_do_not_steal_references_to_none():
    image = QImage(8, 8, QImage.Format.Format_ARGB32_Premultiplied)
    before = sys.getrefcount(None)
    for _ in range(2000):
        image.fill(QColor(1, 2, 3))
        painter = QPainter(image)
        painter.drawImage(0, 0, image)
        painter.end()
    # a binding that drops one reference per call loses thousands here and aborts the
    # interpreter ("none_dealloc") within minutes of streaming
    assert sys.getrefcount(None) >= before - 100
