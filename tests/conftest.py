"""Shared test setup: offscreen Qt, a private config dir, an in-memory keyring."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest_plugins = ["tests.fixtures.media", "tests.fixtures.pulse", "tests.fixtures.rtmp_servers"]


@pytest.fixture(autouse=True)
def _private_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets its own config, data and video folders; nothing touches the user's files."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))


@pytest.fixture(autouse=True)
def _fresh_redactor() -> None:
    """The redactor is process-wide: a secret one test registers must not mask the next's text."""
    from console.redaction import forget_secrets

    forget_secrets()
