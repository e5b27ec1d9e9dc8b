"""The log filter redacted the message but not ``exc_info``: a key in an exception's text
reached the handler's output in the traceback."""

from __future__ import annotations

import io
import logging

from console.redaction import install_log_redaction, register_secret

KEY = "sk-live-7Qm2Zr9xWp4Lt8Vb"


def _capture(name: str) -> tuple[logging.Logger, io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    logger.propagate = False
    return logger, stream, handler


def test_exc_info_and_args_with_a_registered_key_are_redacted() -> None:
    logger, stream, handler = _capture("tests.security.exc_info")
    try:
        register_secret(KEY)
        install_log_redaction()
        try:
            raise RuntimeError(f"publish refused for stream {KEY}")
        except RuntimeError:
            logger.exception("send failed for %s", KEY)
        logger.error("stack", stack_info=True, extra={"note": KEY})
        out = stream.getvalue()
        assert "RuntimeError: publish refused for stream ****" in out  # the traceback is kept
        assert "send failed for ****" in out
        assert KEY not in out
    finally:
        logging.getLogger("tests.security.exc_info").removeHandler(handler)


def test_handler_added_after_install_is_redacted_too() -> None:
    install_log_redaction()
    logger, stream, handler = _capture("tests.security.late_handler")
    try:
        try:
            raise ValueError("rtmp://user:Pa@ssw0rd@host/app?sign=abc123secret")
        except ValueError:
            logger.warning("connect failed", exc_info=True)
        out = stream.getvalue()
        assert "ssw0rd" not in out and "abc123secret" not in out
        assert "ValueError: rtmp://****@host/app?sign=****" in out
    finally:
        logger.removeHandler(handler)


def test_filter_on_existing_handler_redacts_exc_text() -> None:
    from console.redaction import RedactingFilter

    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", (KEY,), None)
    record.exc_text = f"Traceback ...\nRuntimeError: {KEY}"
    register_secret(KEY)
    assert RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert KEY not in text and "boom ****" in text
