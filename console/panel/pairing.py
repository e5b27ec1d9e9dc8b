"""Pairing a phone with the panel: a short code per role, exchanged once for a device token.

- A code is 6 digits, per role, single-use, valid for 10 minutes; issuing a new one for a role
  replaces the old. Wrong codes are rate-limited: 5 failures per peer and 20 in all within
  10 minutes, after which pairing is refused until the window has passed (a 6-digit code cannot
  be guessed that way: at most 20 guesses against 4 codes per 10 minutes).
- The exchange gives a device token (32 random bytes, URL-safe) bound to the device name the user
  typed on the phone and the code's role. Only its SHA-256 is stored, with the device name, role,
  created and last-seen times, in ``<user data dir>/panel/devices.json`` — written atomically,
  0600, never through a link.
- :meth:`PairingStore.revoke` removes a device; listeners (the server) close its live socket.

No Qt here; thread-safe (the server's loop thread and the window's UI thread both call it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import stat
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.panel.roles import ROLES
from console.redaction import register_secret
from console.show.actor import Actor
from console.show.safe_files import write_atomic
from console.subscribers import Subscribers

log = logging.getLogger(__name__)

APP_NAME = "live-console"
CODE_DIGITS = 6
CODE_TTL_S = 600.0
FAIL_WINDOW_S = 600.0
MAX_FAILS_PER_PEER = 5
MAX_FAILS_TOTAL = 20
MAX_DEVICE_NAME = 40
MAX_DEVICES = 64
LAST_SEEN_SAVE_S = 60.0


class PairingError(Exception):
    """A pairing refused: an HTTP status and one line for the phone."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class PairingCode:
    code: str
    role: str
    expires_at: float

    def remaining(self, now: float) -> float:
        return max(0.0, self.expires_at - now)


@dataclass(frozen=True)
class Device:
    """A paired phone. ``device_id`` is public (the first 12 hex digits of the token's hash)."""

    device_id: str
    name: str
    role: str
    created: float
    last_seen: float
    token_hash: str = ""

    @property
    def actor(self) -> str:
        """How the journal names this device: ``panel:<device>:<role>`` (the shared
        :class:`console.show.actor.Actor` form; a ``:`` in the name becomes ``_``)."""
        return Actor("panel", device=self.name, role=self.role).text

    def public(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "name": self.name,
            "role": self.role,
            "created": self.created,
            "last_seen": self.last_seen,
        }


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME)) / "panel" / "devices.json"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def clean_device_name(name: object) -> str:
    """The device name as typed, checked: 1–40 characters, no control or format characters."""
    if not isinstance(name, str):
        raise PairingError(400, "device name must be text: type a name for this phone")
    text = unicodedata.normalize("NFC", name).strip()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    if not text:
        raise PairingError(400, "device name is empty: type a name for this phone")
    if len(text) > MAX_DEVICE_NAME:
        raise PairingError(
            400, f"device name is over {MAX_DEVICE_NAME} characters: type a shorter one"
        )
    return text


class PairingStore:
    """Codes (in memory) and paired devices (on disk, hashed)."""

    def __init__(
        self,
        path: Path | str | None = None,
        clock: Callable[[], float] = time.time,
        code_ttl_s: float = CODE_TTL_S,
    ) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.clock = clock
        self.code_ttl_s = code_ttl_s
        self._lock = threading.RLock()
        self._codes: dict[str, PairingCode] = {}  # role → current code
        self._fails: deque[tuple[float, str]] = deque()
        self._devices: dict[str, Device] = {}  # token hash → device
        self._last_saved = 0.0
        self._listeners: Subscribers[Callable[[Device], None]] = Subscribers()
        self._load()

    # ---- codes

    def new_code(self, role: str) -> PairingCode:
        """A fresh code for ``role`` (the previous one for that role stops working)."""
        if role not in ROLES:
            raise UserError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        with self._lock:
            while any(c.code == code for c in self._codes.values()):
                code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
            entry = PairingCode(code, role, self.clock() + self.code_ttl_s)
            self._codes[role] = entry
        return entry

    def code_for(self, role: str) -> PairingCode:
        """The role's current code, or a new one when it is missing, used or expired."""
        with self._lock:
            entry = self._codes.get(role)
            if entry is None or entry.expires_at <= self.clock():
                entry = self.new_code(role)
            return entry

    def codes(self) -> dict[str, PairingCode]:
        return {role: self.code_for(role) for role in ROLES}

    def _prune_fails(self, now: float) -> None:
        while self._fails and self._fails[0][0] <= now - FAIL_WINDOW_S:
            self._fails.popleft()

    def pair(self, code: object, device_name: object, peer: str = "?") -> tuple[str, Device]:
        """Exchange a code for a device token; raises :class:`PairingError`."""
        now = self.clock()
        with self._lock:
            self._prune_fails(now)
            mine = sum(1 for _t, p in self._fails if p == peer)
            if mine >= MAX_FAILS_PER_PEER or len(self._fails) >= MAX_FAILS_TOTAL:
                wait = int(self._fails[0][0] + FAIL_WINDOW_S - now) + 1 if self._fails else 1
                raise PairingError(
                    429,
                    f"too many wrong codes: wait {max(1, wait // 60)} min, then use a new code "
                    "from the console",
                )
            name = clean_device_name(device_name)
            text = str(code).strip() if isinstance(code, str | int) else ""
            match = None
            if len(text) == CODE_DIGITS and text.isdigit():
                for role, entry in self._codes.items():
                    if secrets.compare_digest(entry.code, text) and entry.expires_at > now:
                        match = role
            if match is None:
                self._fails.append((now, peer))
                log.info("panel pairing: wrong or expired code from %s", peer)
                raise PairingError(
                    401,
                    "wrong or expired code: read the current code (or scan the QR) in the "
                    "console's Phone panel window",
                )
            if len(self._devices) >= MAX_DEVICES:
                raise PairingError(
                    409, f"{MAX_DEVICES} devices are paired: revoke one in the console first"
                )
            del self._codes[match]  # single use
            token = secrets.token_urlsafe(32)
            register_secret(token)
            digest = token_hash(token)
            device = Device(digest[:12], name, match, now, now, digest)
            self._devices[digest] = device
            self._save()
        log.info("panel: paired %r as %s", name, match)
        return token, device

    # ---- devices

    def authenticate(self, token: str | None) -> Device | None:
        """The device a token belongs to (and its last-seen time bumped), or None."""
        if not token:
            return None
        digest = token_hash(token)
        with self._lock:
            device = self._devices.get(digest)
            if device is None:
                return None
            now = self.clock()
            device = Device(**{**asdict(device), "last_seen": now})
            self._devices[digest] = device
            if now - self._last_saved >= LAST_SEEN_SAVE_S:
                with contextlib.suppress(UserError):
                    self._save()
            return device

    def device(self, device_id: str) -> Device | None:
        with self._lock:
            return next((d for d in self._devices.values() if d.device_id == device_id), None)

    def devices(self) -> list[Device]:
        with self._lock:
            return sorted(self._devices.values(), key=lambda d: d.created)

    def revoke(self, device_id: str) -> Device:
        """Forget a device: its token stops working and its live socket is closed."""
        with self._lock:
            found = next((h for h, d in self._devices.items() if d.device_id == device_id), None)
            if found is None:
                raise UserError(f"no paired device {device_id!r}: it may be revoked already")
            device = self._devices.pop(found)
            self._save()
        log.info("panel: revoked %r (%s)", device.name, device.role)
        self._listeners.notify(device, logger=log, what="panel revoke listener")
        return device

    def on_revoke(self, callback: Callable[[Device], None]) -> Callable[[], None]:
        return self._listeners.add(callback)

    # ---- file

    def _load(self) -> None:
        path = self.path
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror}: check permissions") from None
        if not stat.S_ISREG(st.st_mode):
            raise UserError(f"{path} is not a regular file (a link?): remove it and pair again")
        try:
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(path, flags)
            with os.fdopen(fd, "rb") as fh:
                data = json.loads(fh.read().decode("utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("panel devices file %s unreadable (%s): starting with none", path, exc)
            return
        rows = data.get("devices") if isinstance(data, dict) else None
        for row in rows if isinstance(rows, list) else []:
            try:
                device = Device(
                    device_id=str(row["token_hash"])[:12],
                    name=clean_device_name(row["name"]),
                    role=str(row["role"]),
                    created=float(row["created"]),
                    last_seen=float(row["last_seen"]),
                    token_hash=str(row["token_hash"]),
                )
            except (KeyError, TypeError, ValueError, PairingError):
                log.warning("panel devices file %s: a malformed row skipped", path)
                continue
            if device.role in ROLES and len(device.token_hash) == 64:
                self._devices[device.token_hash] = device

    def _save(self) -> None:
        rows = [asdict(d) for d in self._devices.values()]
        for row in rows:
            row.pop("device_id", None)
        data = json.dumps({"version": 1, "devices": rows}, ensure_ascii=False, indent=1)
        root = self.path.parent
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(root, self.path, data.encode("utf-8"), mode=0o600)
        self._last_saved = self.clock()
