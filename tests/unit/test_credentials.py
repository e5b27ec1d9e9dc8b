"""The stream-key API (console/platforms/credentials.py): one function per operation."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import PasswordDeleteError

from console.errors import UserError
from console.platforms import credentials
from console.redaction import redact
from tests.fixtures.media import MemoryKeyring


class StrictMemoryKeyring(MemoryKeyring):
    """Deleting a missing password fails, as it does in the OS keyrings."""

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        super().delete_password(service, username)


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = StrictMemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_store_find_get_delete(ring: MemoryKeyring) -> None:
    assert credentials.find_key("dest-1") is None
    credentials.store_key("dest-1", "  live_abcdef123  ")
    assert credentials.find_key("dest-1") == "live_abcdef123"
    assert credentials.get_key("dest-1") == "live_abcdef123"
    assert "live_abcdef123" not in redact("key live_abcdef123")
    credentials.delete_key("dest-1")
    assert credentials.find_key("dest-1") is None


def test_get_and_delete_name_what_is_missing(ring: MemoryKeyring) -> None:
    with pytest.raises(UserError, match="live-console key set dest-2"):
        credentials.get_key("dest-2")
    with pytest.raises(UserError, match="no stream key named 'dest-2'"):
        credentials.delete_key("dest-2")
    credentials.delete_key("dest-2", missing_ok=True)  # the window forgetting: not an error


def test_an_empty_key_is_refused(ring: MemoryKeyring) -> None:
    with pytest.raises(UserError, match="empty stream key"):
        credentials.store_key("dest-3", "   ")
    assert credentials.find_key("dest-3") is None


def test_without_a_keyring(no_keyring: None) -> None:
    with pytest.raises(credentials.KeyringUnavailable, match="no usable OS keyring"):
        credentials.find_key("dest-4")
    with pytest.raises(credentials.KeyringUnavailable, match="cannot store"):
        credentials.store_key("dest-4", "live_zz99887766")
    with pytest.raises(UserError, match="pass it with --key instead"):
        credentials.get_key("dest-4")
    credentials.delete_key("dest-4", missing_ok=True)
    assert credentials.keyring_problem() is not None
