"""Local ingest: an HTTP POST endpoint and a WebSocket endpoint that feed audience events in.

An external fetcher or a platform open-API bridge (kept outside the core, see PLATFORMS.md)
posts events in the documented JSON schema (``docs/audience.md``):

    POST /v1/events      one event, a JSON list, or {"events": [...]}   → 200 {"accepted", …}
    GET  /v1/ws          WebSocket: each text message is what a POST body would be, each answer
                         a text message with the same result JSON
    GET  /v1/health      {"ok": true}

Served by :class:`console.server.LocalServer` (aiohttp) under its policy (``docs/security.md``,
"Local server"): ``Host`` must be this server, a browser ``Origin`` must be allowed (none are by
default), writes need the token (``Authorization: Bearer TOKEN`` or ``x-token``; a WebSocket
may offer the subprotocols ``live-console.v1`` and ``live-console.token.TOKEN``) — also on
loopback — and ``Content-Type: application/json``; never a token in the URL. The token is made
once and kept (:func:`local_token`). With a signing secret, requests carry ``x-timestamp`` (10
digits of epoch seconds or 13 of ms), ``x-nonce-str`` (a letter, then 15–63 of ``A-Z a-z 0-9 _
-``) and ``x-signature`` = hex HMAC-SHA256(secret, timestamp + nonce + body), the scheme Douyin's
open platform uses for its callbacks; these formats make the split of the signed text
unambiguous. More than 300 s off or a nonce seen before is refused. Every refusal is a 4xx with
``{"error": reason}`` and touches nothing else; bad events inside a batch are listed by index
and the good ones accepted. Events are de-duplicated on (platform, msg_id).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from console.audience.events import (
    AUDIENCE_TYPES,
    AudienceEvent,
    Deduper,
    EventError,
    parse_batch,
    parse_event,
)
from console.errors import UserError
from console.redaction import register_secret
from console.server import (
    WS_PROTOCOL,
    LocalServer,
    Refused,
    ServerPolicy,
    check_token_text,
    json_response,
    load_or_create_token,
)

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
MAX_BODY = 64 * 1024
MAX_BATCH = 1000
MAX_SKEW_S = 300
TOKEN_NAME = "audience-ingest"
_TS_RE = re.compile(r"^(?:[0-9]{10}|[0-9]{13})$")
_NONCE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{15,63}$")
_NONCE_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SIG_RE = re.compile(r"^[0-9a-fA-F]{64}$")

Rejected = Refused  # the name this module used before console.server existed


def local_token() -> str:
    """The ingest's kept token (made on first use): what a bridge or plugin on this computer
    sends as ``Authorization: Bearer …``. Plugins in the console process call this."""
    return load_or_create_token(TOKEN_NAME)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sign(secret: str | bytes, timestamp: str, nonce: str, body: bytes) -> str:
    """The ``x-signature`` for a request: hex HMAC-SHA256(secret, timestamp + nonce + body)."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, timestamp.encode() + nonce.encode() + body, hashlib.sha256).hexdigest()


class _NonceStore:
    """Nonces seen within the time window; bounded."""

    def __init__(self, window_s: float, capacity: int = 200_000) -> None:
        self.window_s = window_s
        self.capacity = capacity
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def use(self, nonce: str, now: float) -> None:
        with self._lock:
            while self._seen:
                first, expires = next(iter(self._seen.items()))
                if expires > now:
                    break
                del self._seen[first]
            if nonce in self._seen:
                raise Rejected(409, "replayed request: this x-nonce-str was already used", "replay")
            if len(self._seen) >= self.capacity:
                raise Rejected(429, "too many signed requests: slow down", "nonce_capacity")
            self._seen[nonce] = now + 2 * self.window_s


class IngestServer:
    """The local ingest. ``emit(event) -> bool`` receives valid, de-duplicated events."""

    name = "local_ingest"
    requires_rehearsal = False
    kinds = AUDIENCE_TYPES

    def __init__(
        self,
        emit: Callable[[AudienceEvent], bool] | None = None,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        token: str | None = None,
        secret: str | None = None,
        require_signature: bool | None = None,
        max_body: int = MAX_BODY,
        max_batch: int = MAX_BATCH,
        max_skew_s: float = MAX_SKEW_S,
        max_ws_clients: int = 16,
        clock: Callable[[], float] = time.time,
        allowed_origins: tuple[str, ...] | list[str] = (),
        lan_names: tuple[str, ...] | list[str] = (),
        **limits: Any,
    ) -> None:
        if not is_loopback(host) and not token:
            raise UserError(
                f"the audience ingest on {host} would be reachable from the network: "
                "set a token, or bind 127.0.0.1"
            )
        if token is not None:
            check_token_text(token)
        self.emit = emit
        self.host = host
        self.port = port
        self.token = token if token is not None else local_token()
        register_secret(self.token)
        self.secret = secret
        if secret:
            register_secret(secret)
        self.require_signature = bool(secret) if require_signature is None else require_signature
        if self.require_signature and not secret:
            raise UserError("signed requests are required but no signing secret is set")
        unknown = sorted(set(limits) - _LIMITS)
        if unknown:
            raise UserError(f"local ingest: unknown setting {unknown[0]!r}")
        self.policy = ServerPolicy(
            host=host,
            port=port,
            token=self.token,
            allowed_origins=tuple(allowed_origins),
            lan_names=tuple(lan_names),
            max_body=max_body,
            max_ws_message=max_body,
            **limits,
        )
        self.max_body = max_body
        self.max_batch = max_batch
        self.max_skew_s = max_skew_s
        self.max_ws_clients = max_ws_clients
        self.clock = clock
        self.dedupe = Deduper()
        self.nonces = _NonceStore(max_skew_s)
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self._server: LocalServer | None = None
        self._ws: set[web.WebSocketResponse] = set()

    # ---- lifecycle

    def start(self) -> tuple[str, int]:
        """Bind and serve on a background thread; returns the bound (host, port)."""
        if self._server is not None:
            return self.address
        routes = [
            web.post("/v1/events", self._post_events),
            web.post("/v1/events/", self._post_events),
            web.get("/v1/ws", self._websocket),
            web.get("/v1/health", self._health),
        ]
        server = LocalServer(self.policy, routes, name="audience ingest", count=self.count)
        server.start()
        self._server = server
        log.info("audience ingest listening on %s:%s", *self.address)
        return self.address

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None or self._server.address is None:
            return (self.host, self.port)
        return self._server.address

    @property
    def connections(self) -> int:
        """Open connections (HTTP and WebSocket) right now."""
        return self._server.connections if self._server is not None else 0

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()

    stop = close

    def run(self, emit: Callable[[AudienceEvent], bool], stop: threading.Event) -> None:
        """As a plugin source: serve until ``stop`` is set."""
        self.emit = emit
        self.start()
        try:
            stop.wait()
        finally:
            self.close()

    def __enter__(self) -> IngestServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- endpoints (on the server's asyncio loop)

    async def _health(self, request: web.Request) -> web.Response:
        return json_response(200, {"ok": True})

    async def _post_events(self, request: web.Request) -> web.Response:
        server = self._server
        assert server is not None
        server.require_write(request)  # token, then Content-Type: application/json
        body = await server.read_body(request)
        self.check_signature(request.headers, body)
        status, result = self.accept(body)
        if status >= 400:
            self.count("rejected_malformed")
        return json_response(status, result)

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        server = self._server
        assert server is not None
        offered = [
            p.strip()
            for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")
            if p.strip()
        ]
        server.require_write(request, offered)
        if offered and WS_PROTOCOL not in offered:
            raise Refused(
                400,
                f"offer the WebSocket subprotocol {WS_PROTOCOL} (with the token one)",
                "malformed",
            )
        if self.require_signature:
            self.check_signature(request.headers, b"")  # the handshake is signed over no body
        ws = web.WebSocketResponse(
            protocols=(WS_PROTOCOL,),
            max_msg_size=self.max_body,
            receive_timeout=self.policy.ws_idle_timeout_s,
            autoping=True,
        )
        if not ws.can_prepare(request).ok:
            raise Refused(400, "WebSocket upgrade expected on /v1/ws", "malformed")
        if len(self._ws) >= self.max_ws_clients:
            raise Refused(503, "too many WebSocket clients", "ws_clients")
        self._ws.add(ws)
        try:
            await ws.prepare(request)
            self.count("ws_connections")
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await ws.send_str(self._ws_answer(message.data.encode("utf-8")))
                elif message.type == WSMsgType.BINARY:
                    self.count("rejected_malformed")
                    await ws.send_json(
                        {"ok": False, "error": "send events as text (JSON) messages"}
                    )
                elif message.type == WSMsgType.ERROR:
                    self.count("ws_closed_protocol")
                    log.info("ingest WebSocket closed: %s", ws.exception())
                    break
        except (TimeoutError, ConnectionError):
            pass
        finally:
            self._ws.discard(ws)
        return ws

    def _ws_answer(self, body: bytes) -> str:
        try:
            status, result = self.accept(body)
        except Refused as exc:
            self.count(f"rejected_{exc.category}")
            return json.dumps({"ok": False, "error": exc.reason}, ensure_ascii=False)
        if status >= 400:
            self.count("rejected_malformed")
        return json.dumps(result, ensure_ascii=False)

    # ---- checks

    def count(self, what: str, n: int = 1) -> None:
        with self._stats_lock:
            self.stats[what] += n

    def check_signature(self, headers: Any, body: bytes) -> None:
        ts = headers.get("x-timestamp")
        nonce = headers.get("x-nonce-str")
        signature = headers.get("x-signature")
        if ts is None and nonce is None and signature is None:
            if self.require_signature:
                raise Rejected(
                    401,
                    "unsigned request: send x-timestamp, x-nonce-str and x-signature",
                    "unsigned",
                )
            return
        if not self.secret:
            raise Rejected(401, "signed request but no signing secret is configured", "unsigned")
        if not (ts and nonce and signature):
            raise Rejected(
                401,
                "incomplete signature: need x-timestamp, x-nonce-str and x-signature",
                "bad_signature",
            )
        if not _TS_RE.match(ts):
            raise Rejected(
                401,
                "x-timestamp: exactly 10 digits (epoch seconds) or 13 (milliseconds)",
                "bad_signature",
            )
        if not _NONCE_RE.match(nonce):
            raise Rejected(
                401,
                "x-nonce-str: a letter, then 15 to 63 letters, digits, '_' or '-'",
                "bad_signature",
            )
        if body and body[0] in _NONCE_CHARS:
            raise Rejected(401, "a signed body must start with '{' or '['", "bad_signature")
        if not _SIG_RE.match(signature.strip()):
            raise Rejected(401, "x-signature: 64 hex digits expected", "bad_signature")
        expected = sign(self.secret, ts, nonce, body)
        if not hmac.compare_digest(expected, signature.strip().lower()):
            raise Rejected(401, "bad signature", "bad_signature")
        seconds = int(ts) / 1000 if len(ts) == 13 else int(ts)
        now = self.clock()
        if abs(now - seconds) > self.max_skew_s:
            raise Rejected(
                401,
                f"x-timestamp is {abs(now - seconds):.0f} s off (more than {self.max_skew_s:.0f} s): "
                "check the sender's clock",
                "stale",
            )
        self.nonces.use(nonce, now)

    def accept(self, body: bytes) -> tuple[int, dict[str, Any]]:
        """Validate and emit a request body; (HTTP status, result JSON)."""
        if self.emit is None:
            raise Rejected(503, "the ingest is not connected to the console yet", "not_ready")
        data = self.policy.loads(body)  # UTF-8, depth ≤ 64, valid JSON — else a 400 reason
        try:
            items = parse_batch(data, self.max_batch)
        except EventError as exc:
            raise Rejected(400, str(exc), "malformed") from None
        rejected = []
        events = []
        for i, item in enumerate(items):
            try:
                events.append(parse_event(item))
            except EventError as exc:
                entry: dict[str, Any] = {"index": i, "reason": str(exc)}
                if isinstance(item, dict) and isinstance(item.get("msg_id"), str):
                    entry["msg_id"] = item["msg_id"][:128]
                rejected.append(entry)
        accepted = duplicates = dropped = 0
        for event in events:
            if self.dedupe.seen(event.key):
                duplicates += 1
            elif self.emit(event):
                accepted += 1
            else:
                dropped += 1
        self.count("accepted", accepted)
        self.count("duplicates", duplicates)
        self.count("dropped", dropped)
        self.count("invalid_events", len(rejected))
        result = {
            "ok": not rejected,
            "accepted": accepted,
            "duplicates": duplicates,
            "dropped": dropped,
            "rejected": rejected,
        }
        if not events:
            result["error"] = f"no valid events: {rejected[0]['reason']}"
            return 400, result
        return 200, result


_LIMITS = {
    "max_connections",
    "max_connections_per_peer",
    "head_timeout_s",
    "body_timeout_s",
    "ws_idle_timeout_s",
    "max_json_depth",
}


def create(context: Any) -> IngestServer:
    """Plugin factory (``console.audience.ingest:create``); settings: host, port, token, secret,
    require_signature, max_body, allowed_origins, lan_names. Without a token the kept one
    (:func:`local_token`) is used."""
    config = dict(getattr(context, "config", {}) or {})
    allowed = {
        "host",
        "port",
        "token",
        "secret",
        "require_signature",
        "max_body",
        "allowed_origins",
        "lan_names",
    }
    unknown = sorted(set(config) - allowed)
    if unknown:
        raise UserError(f"local ingest: unknown setting {unknown[0]!r}")
    return IngestServer(**config)
