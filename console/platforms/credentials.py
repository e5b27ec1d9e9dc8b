"""Stream keys in the OS keyring; never in config files, logs or messages."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

from console.errors import UserError

SERVICE = "live-console"


def get_key(name: str) -> str:
    try:
        key = keyring.get_password(SERVICE, name)
    except KeyringError as exc:
        raise UserError(
            f"cannot read stream key '{name}': no usable OS keyring ({exc.__class__.__name__}); pass it with --key instead"
        ) from None
    if not key:
        raise UserError(
            f"no stream key named '{name}' in the keyring: store it with `live-console key set {name}`"
        )
    return key


def set_key(name: str, key: str) -> None:
    if not key.strip():
        raise UserError("empty stream key: paste the key from your platform's live console")
    try:
        keyring.set_password(SERVICE, name, key.strip())
    except KeyringError as exc:
        raise UserError(
            f"cannot store stream key '{name}': no usable OS keyring ({exc.__class__.__name__})"
        ) from None


def delete_key(name: str) -> None:
    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        raise UserError(f"no stream key named '{name}' in the keyring") from None
    except KeyringError as exc:
        raise UserError(f"cannot delete stream key '{name}': {exc.__class__.__name__}") from None


def redact(text: str, *secrets: str | None) -> str:
    """Replace every secret in ``text`` with ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
