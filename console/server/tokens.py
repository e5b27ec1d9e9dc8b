"""Local server tokens: generated once, kept, so a plugin or relay configured once keeps working.

Kept in the OS keyring (service ``live-console``, name ``server-token:<name>``) when one is
usable, else in ``<user config dir>/tokens/<name>.token``, created 0600 and never followed through
a link. Every token is registered with the process-wide redactor.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import threading
from pathlib import Path

from console.errors import UserError
from console.redaction import register_secret
from console.server.policy import _TOKEN_RE

SERVICE = "live-console"
APP_NAME = "live-console"
_lock = threading.Lock()
_cache: dict[tuple[str, str], str] = {}


def token_file(name: str) -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "tokens" / f"{name}.token"


def _from_keyring(name: str) -> tuple[bool, str | None]:
    """(keyring usable, stored token)."""
    try:
        import keyring
        from keyring.backends import fail

        if isinstance(keyring.get_keyring(), fail.Keyring):
            return False, None
        return True, keyring.get_password(SERVICE, f"server-token:{name}")
    except Exception:  # any keyring failure means: use the file
        return False, None


def _to_keyring(name: str, token: str) -> bool:
    try:
        import keyring

        keyring.set_password(SERVICE, f"server-token:{name}", token)
        return True
    except Exception:
        return False


def _read_file(file: Path) -> str | None:
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserError(
            f"cannot read the server token {file}: {exc.strerror or exc}: delete it to make a new one"
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UserError(f"{file} is not a regular file: delete it to make a new token")
        if os.name == "posix" and info.st_mode & 0o077:
            os.fchmod(fd, 0o600)  # someone widened it: narrow it again
        text = os.read(fd, 4096).decode("ascii", "replace").strip()
    finally:
        os.close(fd)
    return text if _TOKEN_RE.match(text) else None


def _write_file(file: Path, token: str) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(file)  # an unreadable or invalid old token
        fd = os.open(
            file,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
            0o600,
        )
        try:
            os.write(fd, (token + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise UserError(
            f"cannot keep the server token in {file.parent}: {exc.strerror or exc}: "
            "check that the folder is writable"
        ) from None


def load_or_create_token(name: str) -> str:
    """The kept token for server ``name``; made (32 random bytes, URL-safe) on first use."""
    file = token_file(name)
    key = (name, str(file))
    with _lock:
        if key in _cache:
            return _cache[key]
        usable, token = _from_keyring(name)
        if not token or not _TOKEN_RE.match(token):
            token = _read_file(file)
        if not token:
            token = secrets.token_urlsafe(32)
            if not (usable and _to_keyring(name, token)):
                _write_file(file, token)
        register_secret(token)
        _cache[key] = token
        return token
