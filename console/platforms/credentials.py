"""Stream keys in the OS keyring; never in config files, logs or messages."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

from console.errors import UserError
from console.redaction import register_secret

SERVICE = "live-console"


class KeyringUnavailable(UserError):
    """No usable OS keyring: keys can only be kept in memory for this session."""


def keyring_problem() -> str | None:
    """``None`` when an OS keyring backend is usable, else a short reason. May block: call it
    off the UI thread (some backends talk to a daemon over D-Bus)."""
    try:
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return "no OS keyring backend is installed or running"
        keyring.get_password(SERVICE, "__probe__")
    except KeyringError as exc:
        return f"the OS keyring does not answer ({exc.__class__.__name__})"
    except Exception as exc:  # a broken backend is reported, never fatal
        return f"the OS keyring failed ({exc.__class__.__name__})"
    return None


def find_key(name: str) -> str | None:
    """The stored key, or ``None`` when there is none; raises :class:`KeyringUnavailable`."""
    try:
        key = keyring.get_password(SERVICE, name) or None
    except KeyringError as exc:
        raise KeyringUnavailable(
            f"cannot read stream key '{name}': no usable OS keyring ({exc.__class__.__name__})"
        ) from None
    register_secret(key)
    return key


def get_key(name: str) -> str:
    """The stored key; a :class:`~console.errors.UserError` that says how to store it when
    there is none (the CLI's ``--key-name``)."""
    try:
        key = find_key(name)
    except KeyringUnavailable as exc:
        raise UserError(f"{exc}; pass it with --key instead") from None
    if not key:
        raise UserError(
            f"no stream key named '{name}' in the keyring: store it with `live-console key set {name}`"
        )
    return key


def store_key(name: str, key: str) -> None:
    """Keep ``key`` under ``name``; raises :class:`KeyringUnavailable` when there is no keyring."""
    if not key.strip():
        raise UserError("empty stream key: paste the key from your platform's live console")
    register_secret(key)
    try:
        keyring.set_password(SERVICE, name, key.strip())
    except KeyringError as exc:
        raise KeyringUnavailable(
            f"cannot store stream key '{name}': no usable OS keyring ({exc.__class__.__name__})"
        ) from None


def delete_key(name: str, *, missing_ok: bool = False) -> None:
    """Delete a stored key. A missing key is an error unless ``missing_ok`` (then a missing or
    unusable keyring is not one either: the window forgets a key on its way out)."""
    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        if not missing_ok:
            raise UserError(f"no stream key named '{name}' in the keyring") from None
    except KeyringError as exc:
        if not missing_ok:
            raise UserError(
                f"cannot delete stream key '{name}': {exc.__class__.__name__}"
            ) from None
