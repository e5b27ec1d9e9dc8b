"""Text from others stays text: plain labels and escaped tooltips for the whole window.

A ``QLabel`` guesses: text that looks like HTML (``<font size=7>``, ``<h1>``, ``<img src=…>``) is
rendered as rich text, and so is a tooltip. Comments, nick names, product titles, rundown
segments and plugin names come from others, so every label in the window is made with
:func:`plain_label` (``Qt.TextFormat.PlainText``) and a tooltip that may carry their text is set
with :func:`set_plain_tooltip` (escaped and wrapped, so Qt shows the characters, not markup).
The few labels that are rich on purpose (the at-a-glance table, the lottery and poll cards, the
teleprompter, the chat triggers) build their HTML with every piece of outside text escaped.
"""

from __future__ import annotations

import html
from typing import Protocol

from console.qt.QtCore import Qt
from console.qt.QtWidgets import QLabel, QWidget


class _HasToolTip(Protocol):
    def setToolTip(self, text: str) -> None: ...  # Qt API


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A ``QLabel`` that never interprets its text as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if text:
        label.setText(text)
    return label


def escape_rich(text: str) -> str:
    """``text`` for a rich-text string: ``< > & " '`` escaped, newlines as ``<br>``."""
    return html.escape(text, quote=True).replace("\n", "<br>")


def plain_tooltip(text: str) -> str:
    """A tooltip string Qt shows as exactly ``text`` (empty stays empty: no tooltip)."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{escape_rich(text)}</p>"


def set_plain_tooltip(target: _HasToolTip, text: str) -> None:
    """``target.setToolTip`` (a widget, a list/table item, an action) with ``text`` as text."""
    target.setToolTip(plain_tooltip(text))
