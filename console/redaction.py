"""One redactor for the whole process: every secret it holds is replaced by ``****`` in text.

Secrets are registered as they become known (stream keys, URL credentials, ingest and control
tokens); :func:`redact` applies them all plus patterns for secrets that were never registered
(URL user-info, ``sign=``/``token=``/``key=`` query parts).
"""

from __future__ import annotations

import threading
from urllib.parse import quote

MASK = "****"
_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(*values: str | None) -> None:
    """Remember secrets (and the parts of a ``name?query`` key) for every later :func:`redact`."""
    pieces: set[str] = set()
    for value in values:
        if not value:
            continue
        pieces.add(value)
        pieces.add(quote(value, safe=""))
        base, _, query = value.partition("?")
        pieces.add(base)
        for pair in query.split("&"):
            pieces.add(pair.partition("=")[2])
    with _lock:
        _secrets.update(p for p in pieces if len(p) >= 4)


def redact(text: str, *extra: str | None) -> str:
    """``text`` with every registered secret (and ``extra``) replaced by ``****``."""
    if extra:
        register_secret(*extra)
    with _lock:
        pieces = sorted(_secrets, key=len, reverse=True)
    for piece in pieces:
        if piece in text:
            text = text.replace(piece, MASK)
    return text
