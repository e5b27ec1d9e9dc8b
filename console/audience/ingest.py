"""Local ingest: an HTTP POST endpoint and a WebSocket endpoint that feed audience events in.

An external fetcher or a platform open-API bridge (kept outside the core, see PLATFORMS.md)
posts events in the documented JSON schema (``docs/audience.md``):

    POST /v1/events      one event, a JSON list, or {"events": [...]}   → 200 {"accepted", …}
    GET  /v1/ws          WebSocket (RFC 6455): each text message is what a POST body would be,
                         each answer a text message with the same result JSON
    GET  /v1/health      {"ok": true}

Security: binds 127.0.0.1 by default; any other address needs a token (``Authorization: Bearer
TOKEN`` or ``x-token``; WebSocket also ``?token=``) and the server refuses to start without one.
With a signing secret, HTTP posts carry ``x-timestamp`` (epoch seconds), ``x-nonce-str`` and
``x-signature`` = hex HMAC-SHA256(secret, timestamp + nonce + body), the scheme Douyin's open
platform uses for its callbacks; more than 300 s off or a nonce seen before is refused. Every
refusal is a 4xx with ``{"error": reason}`` and touches nothing else; bad events inside a batch
are listed by index and the good ones accepted. Events are de-duplicated on (platform, msg_id).

Stdlib only: ``http.server.ThreadingHTTPServer`` and a small RFC 6455 server on the same port.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import socket
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from console.audience.events import AudienceEvent, Deduper, EventError, parse_batch, parse_event
from console.errors import UserError

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
MAX_BODY = 64 * 1024
MAX_BATCH = 1000
MAX_SKEW_S = 300
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


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


class Rejected(Exception):
    def __init__(self, status: int, reason: str, category: str = "") -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.category = category or reason.split(":")[0]


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
    kinds = (
        "comment",
        "like",
        "gift",
        "member_join",
        "follow",
        "share",
        "cart",
        "order",
        "room_stats",
    )

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
    ) -> None:
        if not is_loopback(host) and not token:
            raise UserError(
                f"the audience ingest on {host} would be reachable from the network: "
                "set a token, or bind 127.0.0.1"
            )
        if token is not None and len(token) < 16:
            raise UserError("the ingest token is too short: use at least 16 characters")
        self.emit = emit
        self.host = host
        self.port = port
        self.token = token
        self.secret = secret
        self.require_signature = bool(secret) if require_signature is None else require_signature
        if self.require_signature and not secret:
            raise UserError("signed requests are required but no signing secret is set")
        self.max_body = max_body
        self.max_batch = max_batch
        self.max_skew_s = max_skew_s
        self.max_ws_clients = max_ws_clients
        self.clock = clock
        self.dedupe = Deduper()
        self.nonces = _NonceStore(max_skew_s)
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ws: set[socket.socket] = set()
        self._ws_lock = threading.Lock()

    # ---- lifecycle

    def start(self) -> tuple[str, int]:
        """Bind and serve on a background thread; returns the bound (host, port)."""
        if self._server is not None:
            return self.address
        handler = type("IngestHandler", (_Handler,), {"ingest": self})
        try:
            server = ThreadingHTTPServer((self.host, self.port), handler)
        except OSError as exc:
            raise UserError(
                f"cannot listen on {self.host}:{self.port} for the audience ingest: "
                f"{exc.strerror or exc}: pick another port"
            ) from None
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="audience-ingest"
        )
        self._thread.daemon = True
        self._thread.start()
        log.info("audience ingest listening on %s:%s", *self.address)
        return self.address

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None:
            return (self.host, self.port)
        host, port = self._server.server_address[:2]
        return (str(host), int(port))

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._ws_lock:
            clients = list(self._ws)
        for sock in clients:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(5)

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

    # ---- checks shared by HTTP and WebSocket

    def count(self, what: str, n: int = 1) -> None:
        with self._stats_lock:
            self.stats[what] += n

    def check_token(self, headers: Any, query: str = "") -> None:
        if not self.token:
            return
        given = headers.get("x-token") or ""
        auth = headers.get("authorization") or ""
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not given and query:
            given = (parse_qs(query).get("token") or [""])[0]
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            raise Rejected(401, "missing or wrong token", "token")

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
        if not ts.isdigit() or len(ts) > 13:
            raise Rejected(401, "x-timestamp: epoch seconds expected", "bad_signature")
        if not _NONCE_RE.match(nonce):
            raise Rejected(401, "x-nonce-str: 8 to 64 letters, digits, '_' or '-'", "bad_signature")
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
        try:
            data = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise Rejected(400, "body is not UTF-8", "malformed") from None
        except json.JSONDecodeError as exc:
            raise Rejected(
                400, f"body is not valid JSON: {exc.msg} at {exc.pos}", "malformed"
            ) from None
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


class _Handler(BaseHTTPRequestHandler):
    ingest: IngestServer
    protocol_version = "HTTP/1.1"
    server_version = "live-console-ingest"
    sys_version = ""
    timeout = 10  # seconds for a request to arrive (slow senders do not hold a thread)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("ingest %s: " + format, self.address_string(), *args)

    def _send_json(self, status: int, data: dict[str, Any], close: bool = False) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def _reject(self, exc: Rejected, close: bool = False) -> None:
        self.ingest.count(f"rejected_{exc.category}")
        log.info("ingest refused a request from %s: %s", self.client_address[0], exc.reason)
        self._send_json(exc.status, {"ok": False, "error": exc.reason}, close=close)

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        ingest = self.ingest
        path = urlsplit(self.path).path
        if path not in ("/v1/events", "/v1/events/"):
            self._reject(
                Rejected(404, f"no endpoint {path[:60]}: POST /v1/events", "not_found"), close=True
            )
            return
        try:
            ingest.check_token(self.headers)
            if self.headers.get("transfer-encoding"):
                raise Rejected(
                    411, "send a Content-Length (chunked bodies are not accepted)", "length"
                )
            length_text = self.headers.get("content-length")
            if length_text is None:
                raise Rejected(411, "Content-Length required", "length")
            if not length_text.strip().isdigit():
                raise Rejected(400, "bad Content-Length", "length")
            length = int(length_text)
            if length > ingest.max_body:
                raise Rejected(
                    413,
                    f"body of {length} bytes is over the {ingest.max_body // 1024} KB limit: "
                    "send smaller batches",
                    "oversized",
                )
        except Rejected as exc:
            self._drain()
            self._reject(exc, close=True)
            return
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True
            return
        try:
            ingest.check_signature(self.headers, body)
            status, result = ingest.accept(body)
        except Rejected as exc:
            self._reject(exc)
            return
        if status >= 400:
            ingest.count("rejected_malformed")
        self._send_json(status, result)

    def _drain(self, limit: int = 1 << 20) -> None:
        """Read and discard a refused body (up to ``limit``) so the client sees our answer
        instead of a connection reset; a larger body is not read at all."""
        text = (self.headers.get("content-length") or "").strip()
        if not text.isdigit() or int(text) > limit:
            return
        left = int(text)
        try:
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    return
                left -= len(chunk)
        except OSError:
            return

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        split = urlsplit(self.path)
        if split.path == "/v1/health":
            self._send_json(200, {"ok": True})
            return
        if split.path == "/v1/ws":
            self._websocket(split.query)
            return
        self._reject(Rejected(404, f"no endpoint {split.path[:60]}", "not_found"))

    def do_PUT(self) -> None:  # noqa: N802
        self._reject(Rejected(405, "use POST /v1/events", "method"), close=True)

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    # ---- WebSocket (RFC 6455, server side)

    def _websocket(self, query: str) -> None:
        ingest = self.ingest
        h = self.headers
        try:
            ingest.check_token(h, query)
            if (h.get("upgrade") or "").lower() != "websocket" or "upgrade" not in (
                h.get("connection") or ""
            ).lower():
                raise Rejected(400, "WebSocket upgrade expected on /v1/ws", "malformed")
            if h.get("sec-websocket-version") != "13":
                raise Rejected(426, "WebSocket version 13 required", "malformed")
            key = h.get("sec-websocket-key") or ""
            try:
                valid_key = len(base64.b64decode(key, validate=True)) == 16
            except ValueError:
                valid_key = False
            if not valid_key:
                raise Rejected(400, "bad Sec-WebSocket-Key", "malformed")
            if ingest.require_signature:
                ingest.check_signature(h, b"")  # the handshake is signed over an empty body
            with ingest._ws_lock:
                if len(ingest._ws) >= ingest.max_ws_clients:
                    raise Rejected(503, "too many WebSocket clients", "ws_clients")
                ingest._ws.add(self.connection)
        except Rejected as exc:
            self._reject(exc, close=True)
            return
        try:
            accept = base64.b64encode(
                hashlib.sha1((key + WS_GUID).encode(), usedforsecurity=False).digest()
            ).decode()
            self.send_response(HTTPStatus.SWITCHING_PROTOCOLS)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.end_headers()
            self.wfile.flush()
            self.connection.settimeout(300)  # an idle bridge is dropped after 5 minutes
            ingest.count("ws_connections")
            _WebSocketSession(self, ingest).serve()
        finally:
            self.close_connection = True
            with ingest._ws_lock:
                ingest._ws.discard(self.connection)


class _WsClose(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _WebSocketSession:
    def __init__(self, handler: _Handler, ingest: IngestServer) -> None:
        self.rfile = handler.rfile
        self.wfile = handler.wfile
        self.ingest = ingest

    def _read(self, n: int) -> bytes:
        data = self.rfile.read(n)
        if data is None or len(data) < n:
            raise ConnectionError("peer closed")
        return data

    def send(self, opcode: int, payload: bytes) -> None:
        n = len(payload)
        if n < 126:
            head = bytes([0x80 | opcode, n])
        elif n < 65536:
            head = bytes([0x80 | opcode, 126]) + n.to_bytes(2, "big")
        else:
            head = bytes([0x80 | opcode, 127]) + n.to_bytes(8, "big")
        self.wfile.write(head + payload)

    def send_json(self, data: dict[str, Any]) -> None:
        self.send(0x1, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def close(self, code: int, reason: str) -> None:
        with contextlib.suppress(OSError):
            self.send(0x8, code.to_bytes(2, "big") + reason.encode("utf-8")[:120])

    def read_frame(self) -> tuple[bool, int, bytes]:
        b1, b2 = self._read(2)
        fin, opcode = bool(b1 & 0x80), b1 & 0x0F
        if b1 & 0x70:
            raise _WsClose(1002, "reserved bits set")
        length = b2 & 0x7F
        if length == 126:
            length = int.from_bytes(self._read(2), "big")
        elif length == 127:
            length = int.from_bytes(self._read(8), "big")
        if not b2 & 0x80:
            raise _WsClose(1002, "client frames must be masked")
        if opcode >= 0x8 and (length > 125 or not fin):
            raise _WsClose(1002, "bad control frame")
        if length > self.ingest.max_body:
            raise _WsClose(1009, f"message over {self.ingest.max_body // 1024} KB")
        mask = self._read(4)
        data = self._read(length)
        if length:
            repeated = (mask * (length // 4 + 1))[:length]
            data = (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
                length, "big"
            )
        return fin, opcode, data

    def serve(self) -> None:
        message = bytearray()
        message_op = 0
        try:
            while True:
                fin, opcode, data = self.read_frame()
                if opcode == 0x8:
                    code = int.from_bytes(data[:2], "big") if len(data) >= 2 else 1000
                    self.close(code if code in (1000, 1001) else 1000, "")
                    return
                if opcode == 0x9:
                    self.send(0xA, data)
                    continue
                if opcode == 0xA:
                    continue
                if opcode in (0x1, 0x2):
                    if message_op:
                        raise _WsClose(1002, "new message before the previous one ended")
                    message_op, message = opcode, bytearray(data)
                elif opcode == 0x0:
                    if not message_op:
                        raise _WsClose(1002, "continuation without a message")
                    message += data
                else:
                    raise _WsClose(1002, f"unknown opcode {opcode}")
                if len(message) > self.ingest.max_body:
                    raise _WsClose(1009, f"message over {self.ingest.max_body // 1024} KB")
                if not fin:
                    continue
                op, body = message_op, bytes(message)
                message_op, message = 0, bytearray()
                self._handle(op, body)
        except _WsClose as exc:
            self.ingest.count("ws_closed_protocol")
            log.info("ingest WebSocket closed: %s", exc.reason)
            self.close(exc.code, exc.reason)
        except (ConnectionError, OSError, ValueError):
            return

    def _handle(self, opcode: int, body: bytes) -> None:
        if opcode == 0x2:
            self.ingest.count("rejected_malformed")
            self.send_json({"ok": False, "error": "send events as text (JSON) messages"})
            return
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise _WsClose(1007, "text message is not UTF-8") from None
        try:
            status, result = self.ingest.accept(body)
        except Rejected as exc:
            self.ingest.count(f"rejected_{exc.category}")
            self.send_json({"ok": False, "error": exc.reason})
            return
        if status >= 400:
            self.ingest.count("rejected_malformed")
        self.send_json(result)


def create(context: Any) -> IngestServer:
    """Plugin factory (``console.audience.ingest:create``); settings: host, port, token, secret."""
    config = dict(getattr(context, "config", {}) or {})
    allowed = {"host", "port", "token", "secret", "require_signature", "max_body"}
    unknown = sorted(set(config) - allowed)
    if unknown:
        raise UserError(f"local ingest: unknown setting {unknown[0]!r}")
    return IngestServer(**config)
