"""One redactor for the whole process: every secret it holds is replaced by ``****`` in text.

Secrets are registered as they become known (stream keys, URL credentials, ingest and control
tokens); :func:`redact` applies them all plus patterns for secrets that were never registered:

- URL user-info: ``scheme://user:pass@host`` → ``scheme://****@host`` (the password may
  itself contain ``@``: everything up to the *last* ``@`` before the host is user-info);
- query parameters whose name says secret (:func:`is_secret_param`: ``sign``, ``txSecret``,
  ``auth_key``, ``token``, ``key``, ``password`` …) → ``sign=****``; expiry times
  (``expire=``, ``txTime=``) are not secret and stay readable;
- key-shaped words: Twitch ``live_123456_AbCd…`` and YouTube ``abcd-efgh-ijkl-mnop``.

:func:`install_log_redaction` puts :class:`RedactingFilter` on every logging handler (the
message with its arguments, the exception text and the stack are redacted) and a record factory
that redacts records made later, whatever handler they reach.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from urllib.parse import quote, unquote

MASK = "****"
_MIN_LEN = 4  # a shorter registered value would mask ordinary words
_lock = threading.Lock()
_secrets: set[str] = set()
_ordered: list[str] = []  # _secrets, longest first (rebuilt on register)

#: Words in a query parameter's name that make its value a secret.
SECRET_PARAM_WORDS = (
    "sign",
    "sig",
    "secret",
    "token",
    "key",
    "auth",
    "pass",
    "pwd",
    "credential",
    "session",
)
_NOT_SECRET_PARAMS = frozenset({"expire", "expires", "expire_time", "expiretime", "txtime"})

_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<info>[^/\s?#'\"<>]*)@")
_PARAM = re.compile(
    r"(?P<name>(?:^|(?<=[?&;]))[A-Za-z0-9_.\-]+)=(?P<value>[^&\s#'\"<>]*[^&\s#'\"<>.,:;!)\]])"
)
_TWITCH = re.compile(r"\blive_\d{3,}_[A-Za-z0-9]{8,}\b")
_YOUTUBE = re.compile(r"\b[a-z0-9]{4}(?:-[a-z0-9]{4}){3,4}\b", re.IGNORECASE)
_QUERY = re.compile(r"\?[^\s#'\"<>]*")


def is_secret_param(name: str) -> bool:
    """Whether a URL query parameter named ``name`` carries a secret (signature, token, key)."""
    low = name.lower()
    if low in _NOT_SECRET_PARAMS:
        return False
    return any(word in low for word in SECRET_PARAM_WORDS)


def register_secret(*values: object) -> None:
    """Remember secrets for every later :func:`redact`.

    Accepts anything (``None``, empty and non-text values are ignored; surrounding whitespace is
    stripped). A ``name?query`` key also registers its name and its secret query values; a URL
    registers the password in its user-info and its secret query values.
    """
    pieces: set[str] = set()
    for value in values:
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        text = str(value).strip()
        if len(text) < _MIN_LEN:
            continue
        base, _, query = text.partition("?")
        is_url = "://" in base
        if not is_url:  # a URL is not secret as a whole: only its credentials are
            pieces.update({text, quote(text, safe=""), unquote(text), base})
        m = _USERINFO.search(text)
        if m:
            info = m.group("info")
            pieces.add(info)
            password = info.partition(":")[2]
            pieces.update({password, unquote(password)})
        for pair in query.split("&"):
            name, _, val = pair.partition("=")
            if val and (is_secret_param(name) or not is_url):
                pieces.update({val, unquote(val)})
    fresh = {p for p in pieces if len(p) >= _MIN_LEN}
    with _lock:
        if fresh - _secrets:
            _secrets.update(fresh)
            _ordered[:] = sorted(_secrets, key=len, reverse=True)


def _mask_param(m: re.Match[str]) -> str:
    name = m.group("name")
    return f"{name}={MASK}" if is_secret_param(name) else m.group(0)


def _mask_query(m: re.Match[str]) -> str:
    return "?" + _PARAM.sub(_mask_param, m.group(0)[1:])


def forget_secrets() -> None:
    """Forget every registered secret (tests: one test's secrets must not mask the next's text)."""
    with _lock:
        _secrets.clear()
        _ordered.clear()


def redact(text: object, *extra: object) -> str:
    """``text`` with every registered secret (and ``extra``, registered too) and every
    secret-shaped part replaced by ``****``."""
    if extra:
        register_secret(*extra)
    text = "" if text is None else str(text)
    with _lock:
        pieces = list(_ordered)
    for piece in pieces:
        if piece in text:
            text = text.replace(piece, MASK)
    text = _USERINFO.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)
    text = _QUERY.sub(_mask_query, text)
    text = _TWITCH.sub(MASK, text)
    return _YOUTUBE.sub(MASK, text)


def looks_like_key(text: str) -> bool:
    """Whether a stray word could be a stream key (long, signed, or key-shaped)."""
    return (
        len(text) > 12
        or redact(text) != text
        or "?" in text
        or "=" in text
        or text.startswith("live_")
    )


# --------------------------------------------------------------------------- logging


def _redact_record(record: logging.LogRecord) -> None:
    if getattr(record, "_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a bad format string still gets logged, redacted
        message = f"{record.msg!r} {record.args!r}"
    record.msg, record.args = redact(message), None
    if record.exc_info:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = redact(text)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._redacted = True  # type: ignore[attr-defined]


class RedactingFilter(logging.Filter):
    """Redacts a record's message (arguments formatted in), exception text and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


_FILTER = RedactingFilter()
_factory_installed = False


def _all_handlers() -> list[logging.Handler]:
    loggers: list[logging.Logger] = [logging.getLogger()]
    for value in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(value, logging.Logger):
            loggers.append(value)
    return [h for lg in loggers for h in lg.handlers]


def install_log_redaction() -> None:
    """Redact every log record: a :class:`RedactingFilter` on every handler there is, and a
    record factory so handlers added later get redacted records too. Idempotent."""
    global _factory_installed
    for handler in _all_handlers():
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    with _lock:
        if _factory_installed:
            return
        _factory_installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(factory)
