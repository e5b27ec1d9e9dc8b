"""A stream key pasted without ``--key`` is a stray argument: argparse must not echo it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

KEY_BASE = "live_123456789_AbCdEfGhIjKlMnOpQr"
SIGN = "9f8e7d6c5b4a39281706"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.mark.parametrize(
    "stray",
    [f"{KEY_BASE}?expire=1700000000&sign={SIGN}", "abcd-efgh-ijkl-mnop", "x" * 20],
)
def test_stray_key_is_not_in_stderr(stray: str) -> None:
    proc = _run("stream", "--url", "rtmp://127.0.0.1/app", stray)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: unrecognized argument")
    assert "--key-name" in lines[0]  # says what to do instead
    for part in (stray, KEY_BASE, SIGN, "abcd-efgh"):
        assert part not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_key_given_as_a_command_is_not_echoed() -> None:
    proc = _run(f"{KEY_BASE}?sign={SIGN}")
    assert proc.returncode == 2
    assert KEY_BASE not in proc.stderr and SIGN not in proc.stderr
    assert "invalid choice" in proc.stderr


def test_short_stray_word_is_still_named() -> None:
    proc = _run("stream", "--url", "rtmp://127.0.0.1/app", "--fsp", "30")
    assert proc.returncode == 2
    assert "--fsp 30" in proc.stderr  # short, key-less words are still shown to fix the typo
