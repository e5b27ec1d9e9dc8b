"""Crash reports were 0644 and redacted only the ``--key``/``--key-name`` keys: a URL password or a
token in the traceback went to a world-readable file."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from console import cli
from console.redaction import register_secret

KEY = "live_987654321_ZyXwVuTsRqPoNmLk"
TOKEN = "ingest-token-5f4e3d2c1b0a"


def _report_from(stderr: str) -> Path:
    line = stderr.strip().splitlines()[-1]
    assert line.startswith("error: unexpected RuntimeError; details in ")
    return Path(line.rsplit(" in ", 1)[1])


def _assert_private_and_clean(path: Path) -> str:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    for secret in (KEY, TOKEN, "Pa@ssw0rd", "abc123secret"):
        assert secret not in text
    return text


def test_cli_crash_report_is_0600_and_redacted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(_args: object) -> int:
        register_secret(KEY, TOKEN)  # as the stream command and the ingest server do
        raise RuntimeError(
            f"failed {KEY} with {TOKEN} at rtmp://user:Pa@ssw0rd@host/app?sign=abc123secret"
        )

    monkeypatch.setitem(cli.COMMANDS, "encoders", boom)
    assert cli.main(["encoders"]) == 1
    err = capsys.readouterr().err
    assert KEY not in err
    text = _assert_private_and_clean(_report_from(err))
    assert "RuntimeError: failed ****" in text  # the traceback is there, only masked


def test_window_excepthook_writes_a_private_redacted_report(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import threading

    from console.runtime import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_excepthook()
    register_secret(TOKEN)
    try:
        raise RuntimeError(f"slot failed with {TOKEN}")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    message = caplog.records[-1].getMessage()
    assert message.startswith("unexpected RuntimeError; details in ")
    _assert_private_and_clean(Path(message.rsplit(" in ", 1)[1]))
