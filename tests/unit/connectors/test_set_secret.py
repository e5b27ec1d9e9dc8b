"""``python -m console.connectors set-secret``: credentials into the keyring, never echoed."""

from __future__ import annotations

import io
import subprocess
import sys

import keyring

from console.connectors.__main__ import main
from console.connectors.base import KEYRING_SERVICE


def test_stores_the_secret_from_stdin(memory_keyring, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("oauth:abc123secret\n"))
    assert main(["set-secret", "twitch", "oauth_token"]) == 0
    assert keyring.get_password(KEYRING_SERVICE, "connector.twitch.oauth_token") == (
        "oauth:abc123secret"
    )
    out = capsys.readouterr()
    assert out.out == "stored the twitch oauth_token in the OS keyring\n"
    assert "abc123secret" not in out.out + out.err


def test_unknown_names_and_no_keyring_are_one_line_errors() -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "console.connectors", "set-secret", "twitch", "password"],
        input="x\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: unknown credential twitch password (known: bilibili:")
    assert bad.stderr.count("\n") == 1
    # a fresh process has no keyring backend here: refused in one line, the value not shown
    none = subprocess.run(
        [sys.executable, "-m", "console.connectors", "set-secret", "youtube", "api_key"],
        input="AIza-very-secret\n", capture_output=True, text=True, timeout=60,
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PATH": "/usr/bin"},
    )  # fmt: skip
    assert none.returncode == 2, none.stderr
    assert none.stderr == (
        "error: cannot store the youtube api_key: no usable OS keyring (NoKeyringError)\n"
    )
    assert "AIza-very-secret" not in none.stdout + none.stderr
