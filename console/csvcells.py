"""Cells that a spreadsheet shows as text, never runs: the one guard every CSV writer uses.

Excel, LibreOffice and Google Sheets run a cell as a formula when it starts with ``=``, ``+``,
``-`` or ``@`` (and some read a leading tab or carriage return the same way). Product titles,
order ids and comments come from others, so ``=HYPERLINK("http://…","click")`` written as is
would become a live link or worse in the operator's spreadsheet. ``safe_cell`` puts a ``'`` in
front of such text (the spreadsheet shows the text and hides the quote). Numbers stay numbers:
an ``int``/``float`` and a string that is just a decimal number (``-5``, ``-12.50``) pass
unchanged, so amounts and counts still sum; ``-5+1`` is text and gets the quote.
``unquote_cell`` undoes it when the console reads its own export back (catalog import).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _needs_quote(text: str) -> bool:
    if not text:
        return False
    if text.startswith(TRIGGERS):
        return _NUMBER.fullmatch(text) is None
    # spreadsheets skip leading blanks before looking for a formula sign
    stripped = text.lstrip(" \u00a0\u3000")
    return stripped != text and stripped.startswith(TRIGGERS) and not _NUMBER.fullmatch(stripped)


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet shows it without running it (numbers unchanged)."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if _needs_quote(text) else text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def safe_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {k: safe_cell(v) for k, v in row.items()}


def unquote_cell(text: str) -> str:
    """The text ``safe_cell`` was given: drops the ``'`` it added (only before a formula sign)."""
    if text.startswith("'") and _needs_quote(text[1:]):
        return text[1:]
    return text
