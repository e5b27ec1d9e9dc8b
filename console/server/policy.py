"""What a local server accepts: the checks :class:`~console.server.local.LocalServer` applies to
every connection and request, and the helpers endpoints use for writes."""

from __future__ import annotations

import hmac
import ipaddress
import json
import re
from dataclasses import dataclass, field
from typing import Any

from console.errors import UserError

WS_PROTOCOL = "live-console.v1"
"""The WebSocket subprotocol a client offers (and the server selects)."""
WS_TOKEN_PREFIX = "live-console.token."
"""A browser's WebSocket cannot set headers: it carries the token as a second offered
subprotocol, ``live-console.token.<TOKEN>`` (never selected, never echoed)."""

_TOKEN_RE = re.compile(r"^[A-Za-z0-9._~+-]{16,256}$")
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]', re.DOTALL)


class Refused(Exception):
    """A request (or connection) the policy or an endpoint turns away: an HTTP status, a one-line
    reason for the client, and a short category for the server's counters."""

    def __init__(self, status: int, reason: str, category: str = "") -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.category = category or reason.split(":")[0]


def check_token_text(token: str) -> str:
    """A configured token, checked: 16–256 of ``A-Z a-z 0-9 . _ ~ + -`` (header- and
    subprotocol-safe). Raises :class:`UserError` otherwise."""
    if len(token) < 16:
        raise UserError("the token is too short: use at least 16 characters")
    if not _TOKEN_RE.match(token):
        raise UserError(
            "the token may only hold letters, digits and . _ ~ + - (16 to 256 of them): "
            "pick another"
        )
    return token


def _host_name(value: str) -> str | None:
    """The host part of a ``Host`` header (no port, no brackets, lower case), or None."""
    value = value.strip().lower()
    if not value or any(c in value for c in "/@?#\\ \t"):
        return None
    if value.startswith("["):
        end = value.find("]")
        rest = value[end + 1 :] if end > 0 else None
        if rest is None or (rest and not re.fullmatch(r":\d{1,5}", rest)):
            return None
        return value[1:end]
    name, sep, port = value.rpartition(":")
    if sep and re.fullmatch(r"\d{1,5}", port):
        value = name
    elif sep:
        return None
    return value.rstrip(".") or None


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


@dataclass
class ServerPolicy:
    """The rules one local server runs under. Defaults suit a loopback server fed by programs on
    this computer; every number is documented in ``docs/security.md`` ("Local server")."""

    host: str = "127.0.0.1"
    port: int = 0
    token: str | None = None
    lan_names: tuple[str, ...] = ()
    """Extra names (or addresses) a LAN client may use in its ``Host`` header."""
    allowed_origins: tuple[str, ...] = ()
    """Browser origins (``scheme://host[:port]``) allowed to call; default none."""
    max_connections: int = 128
    max_connections_per_peer: int = 64
    head_timeout_s: float = 10.0
    """A request head must be complete within this of the connection opening or the previous
    answer; otherwise the connection is closed (slow senders hold nothing)."""
    body_timeout_s: float = 10.0
    """The whole body must arrive within this of the head."""
    max_body: int = 64 * 1024
    max_ws_message: int = 64 * 1024
    max_json_depth: int = 64
    ws_idle_timeout_s: float = 300.0
    max_head_line: int = 8190
    max_headers: int = 64
    _origins: frozenset[str] = field(init=False, repr=False, default=frozenset())

    def __post_init__(self) -> None:
        if self.token is not None:
            check_token_text(self.token)
        self.lan_names = tuple(n.strip().lower().rstrip(".") for n in self.lan_names if n.strip())
        origins = set()
        for origin in self.allowed_origins:
            text = origin.strip().lower().rstrip("/")
            if not re.fullmatch(r"[a-z][a-z0-9+.-]*://[^/?#@\s]+", text):
                raise UserError(
                    f"allowed origin {origin!r} is not scheme://host[:port]: "
                    "write it as the browser sends it, e.g. http://localhost:3000"
                )
            origins.add(text)
        self._origins = frozenset(origins)
        for name in ("max_connections", "max_connections_per_peer", "max_body", "max_ws_message"):
            if int(getattr(self, name)) < 1:
                raise UserError(f"{name} must be at least 1")
        for name in ("head_timeout_s", "body_timeout_s", "ws_idle_timeout_s"):
            if not float(getattr(self, name)) > 0:
                raise UserError(f"{name} must be more than 0 seconds")

    # ---- per request

    def check_host(self, header: str | None, local_address: str | None) -> None:
        """Refuse a ``Host`` that is not this server's (DNS rebinding)."""
        if not header:
            raise Refused(400, "Host header required", "host")
        name = _host_name(header)
        allowed = {*_LOOPBACK_NAMES, *self.lan_names}
        if not _is_wildcard(self.host):
            allowed.add(self.host.lower().strip("[]"))
        if local_address:
            allowed.add(local_address.lower())
        if name is None or name not in allowed:
            shown = header.strip()[:80]
            raise Refused(
                421,
                f"Host {shown!r} is not this server: use 127.0.0.1 or localhost "
                "(a LAN name must be configured)",
                "host",
            )

    def check_origin(self, origin: str | None) -> None:
        """No ``Origin``: a program, allowed. A browser's ``Origin`` must be in the allow-list."""
        if origin is None:
            return
        if origin.strip().lower().rstrip("/") not in self._origins:
            raise Refused(
                403,
                f"Origin {origin.strip()[:80]!r} is not allowed to call this server",
                "origin",
            )

    def check_token(self, headers: Any, ws_protocols: list[str] | None = None) -> None:
        """The token from ``Authorization: Bearer``, ``x-token`` or (WebSocket) the
        ``live-console.token.<TOKEN>`` subprotocol; compared in constant time."""
        if not self.token:
            raise Refused(401, "this server has no token configured: writes are off", "token")
        given = (headers.get("x-token") or "").strip()
        auth = (headers.get("authorization") or "").strip()
        if auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        for proto in ws_protocols or ():
            if proto.startswith(WS_TOKEN_PREFIX) and not given:
                given = proto[len(WS_TOKEN_PREFIX) :]
        if not given or not hmac.compare_digest(
            given.encode("utf-8", "replace"), self.token.encode("utf-8")
        ):
            raise Refused(
                401,
                "missing or wrong token: send Authorization: Bearer <token> "
                "(the console's Audience menu copies it)",
                "token",
            )

    @staticmethod
    def check_json_type(content_type: str) -> None:
        if content_type != "application/json":
            raise Refused(415, "Content-Type must be application/json", "content_type")

    def loads(self, body: bytes) -> Any:
        """Decode a JSON body (UTF-8, nested at most ``max_json_depth``) or refuse with 400."""
        return loads_json(body, self.max_json_depth)


def json_depth(body: bytes) -> int:
    """How deep ``[``/``{`` nest in a JSON text, ignoring brackets inside strings."""
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(body):
        char = match.group()
        if char in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif char in (b"]", b"}"):
            depth -= 1
    return deepest


def loads_json(body: bytes, max_depth: int = 64) -> Any:
    """``json.loads`` for untrusted bodies: 400 :class:`Refused` for non-UTF-8, too deep or bad
    JSON — never a RecursionError."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8", "malformed") from None
    if json_depth(body) > max_depth:
        raise Refused(400, f"JSON nested deeper than {max_depth} levels", "malformed")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Refused(400, f"body is not valid JSON: {exc.msg} at {exc.pos}", "malformed") from None
    except RecursionError:
        raise Refused(400, f"JSON nested deeper than {max_depth} levels", "malformed") from None
