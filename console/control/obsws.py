"""An obs-websocket v5 server (rpcVersion 1), so Stream Deck, Bitfocus Companion, Touch Portal
and Streamer.bot drive the console as they drive OBS.

Served as the WebSocket route ``/`` of a :class:`~console.server.LocalServer` (Host check, Origin
policy, connection caps, message size) on port 4455 by default. Both subprotocols:
``obswebsocket.json`` (text frames, also when none is offered) and ``obswebsocket.msgpack``
(binary frames). The session is Hello → Identify (authentication always: base64(sha256(
base64(sha256(password + salt)) + challenge))) → Identified, then Request / RequestBatch /
Reidentify, and Events for the client's subscription bitmask. Protocol mistakes close the
connection with the protocol's close codes (4002 … 4012). Failed authentications are limited per
peer: after ``max_failures`` within ``failure_window_s`` every Identify from that address is
closed with 4009 until the window has passed, whatever password it carries.

Numbers and names are those of obs-websocket's ``docs/generated/protocol.json``. No Qt here.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import msgpack
from aiohttp import WSMsgType, web

from console.control import requests as rq
from console.control.target import ControlTarget
from console.errors import UserError
from console.redaction import redact, register_secret
from console.server import LocalServer, Refused, ServerPolicy, loads_json

log = logging.getLogger(__name__)

DEFAULT_PORT = 4455
JSON_PROTOCOL = "obswebsocket.json"
MSGPACK_PROTOCOL = "obswebsocket.msgpack"
VENDOR_NAME = "live-console"

# WebSocketOpCode
OP_HELLO, OP_IDENTIFY, OP_IDENTIFIED, OP_REIDENTIFY = 0, 1, 2, 3
OP_EVENT, OP_REQUEST, OP_REQUEST_RESPONSE = 5, 6, 7
OP_REQUEST_BATCH, OP_REQUEST_BATCH_RESPONSE = 8, 9

# WebSocketCloseCode
CLOSE_UNKNOWN_REASON = 4000
CLOSE_MESSAGE_DECODE_ERROR = 4002
CLOSE_MISSING_DATA_FIELD = 4003
CLOSE_INVALID_DATA_FIELD_TYPE = 4004
CLOSE_INVALID_DATA_FIELD_VALUE = 4005
CLOSE_UNKNOWN_OP_CODE = 4006
CLOSE_NOT_IDENTIFIED = 4007
CLOSE_ALREADY_IDENTIFIED = 4008
CLOSE_AUTHENTICATION_FAILED = 4009
CLOSE_UNSUPPORTED_RPC_VERSION = 4010
CLOSE_SESSION_INVALIDATED = 4011
CLOSE_UNSUPPORTED_FEATURE = 4012

# EventSubscription
SUB_GENERAL = 1 << 0
SUB_CONFIG = 1 << 1
SUB_SCENES = 1 << 2
SUB_INPUTS = 1 << 3
SUB_TRANSITIONS = 1 << 4
SUB_FILTERS = 1 << 5
SUB_OUTPUTS = 1 << 6
SUB_SCENE_ITEMS = 1 << 7
SUB_MEDIA_INPUTS = 1 << 8
SUB_VENDORS = 1 << 9
SUB_UI = 1 << 10
SUB_CANVASES = 1 << 11
SUB_ALL = (1 << 12) - 1  # every category that is not high volume

EVENT_INTENTS: dict[str, int] = {
    "ExitStarted": SUB_GENERAL,
    "CustomEvent": SUB_GENERAL,
    "VendorEvent": SUB_VENDORS,
    "StreamStateChanged": SUB_OUTPUTS,
    "RecordStateChanged": SUB_OUTPUTS,
    "InputMuteStateChanged": SUB_INPUTS,
    "InputVolumeChanged": SUB_INPUTS,
    "SceneItemEnableStateChanged": SUB_SCENE_ITEMS,
    "CurrentProgramSceneChanged": SUB_SCENES,
}

# RequestBatchExecutionType: serial ones run in order; Parallel is answered in order too (the
# results are the same as if run at once, as no request here depends on another's timing)
BATCH_SERIAL_REALTIME, BATCH_SERIAL_FRAME, BATCH_PARALLEL = 0, 1, 2
MAX_BATCH = 256
OUTBOX = 1024  # messages waiting for one slow client before it is dropped


def load_or_create_password() -> str:
    """The control password, made once and kept in the OS keyring (service ``live-console``,
    ``server-token:obs-websocket``; a 0600 file when no keyring is usable) — what the user types
    into Companion / Stream Deck / Touch Portal."""
    from console.server import load_or_create_token

    return load_or_create_token("obs-websocket")


def auth_string(password: str, salt: str, challenge: str) -> str:
    """The ``authentication`` an Identify must carry, exactly as the protocol specifies."""
    secret = base64.b64encode(hashlib.sha256((password + salt).encode("utf-8")).digest())
    return base64.b64encode(hashlib.sha256(secret + challenge.encode("utf-8")).digest()).decode()


class AuthLimiter:
    """Failed authentications per peer: ``max_failures`` within ``window_s`` blocks the peer
    until the oldest of them is ``window_s`` old. A success clears the peer's count."""

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_failures < 1 or window_s <= 0:
            raise UserError("authentication limit: max_failures ≥ 1 and window_s > 0")
        self.max_failures = max_failures
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, peer: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(peer, deque())
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        return failures

    def blocked_for(self, peer: str) -> float:
        """Seconds until ``peer`` may try again (0: it may)."""
        with self._lock:
            now = self.clock()
            failures = self._recent(peer, now)
            if len(failures) < self.max_failures:
                return 0.0
            return max(0.0, failures[-self.max_failures] + self.window_s - now)

    def failed(self, peer: str) -> None:
        with self._lock:
            now = self.clock()
            self._recent(peer, now).append(now)
            if len(self._failures) > 10_000:  # a bound on memory: forget the quietest peers
                for key in [k for k, v in self._failures.items() if not v][:5000]:
                    del self._failures[key]

    def succeeded(self, peer: str) -> None:
        with self._lock:
            self._failures.pop(peer, None)


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _client_name(user_agent: str) -> str:
    """A short, safe client name from the User-Agent's first product (for the journal actor)."""
    first = (user_agent or "").strip().split(" ")[0]
    name = re.sub(r"[^A-Za-z0-9._/-]", "", first)[:40]
    return name or "obs-websocket"


class _Session:
    def __init__(self, ws: web.WebSocketResponse, fmt: str, peer: str, client: str) -> None:
        self.ws = ws
        self.fmt = fmt
        self.peer = peer
        self.identified = False
        self.subscriptions = 0
        self.salt = base64.b64encode(secrets.token_bytes(32)).decode()
        self.challenge = base64.b64encode(secrets.token_bytes(32)).decode()
        self.outbox: asyncio.Queue[bytes | str | None] = asyncio.Queue(OUTBOX)
        self.info = rq.Session(client=client)
        self.closing: _Close | None = None

    def encode(self, op: int, data: dict[str, Any]) -> bytes | str:
        message = {"op": op, "d": data}
        if self.fmt == MSGPACK_PROTOCOL:
            return msgpack.packb(message, use_bin_type=True)
        return json.dumps(message, ensure_ascii=False, separators=(",", ":"))

    def queue(self, op: int, data: dict[str, Any]) -> None:
        try:
            self.outbox.put_nowait(self.encode(op, data))
            self.info.outgoing += 1
        except asyncio.QueueFull:
            self.closing = _Close(CLOSE_UNKNOWN_REASON, "client too slow: messages were piling up")
            with contextlib.suppress(asyncio.QueueFull):
                self.outbox.put_nowait(None)


class ControlPolicy(ServerPolicy):
    """The local server policy, plus: the server's own origin (``http://127.0.0.1:<port>`` …) is
    not a foreign page. Some WebSocket clients (websocket-client, used by obsws-python) send it;
    a browser only sends it for a page served from this address, and this server serves none."""

    own_origins: frozenset[str] = frozenset()

    def allow_own(self, port: int) -> None:
        names = {"127.0.0.1", "localhost", "[::1]", *self.lan_names}
        if self.host not in ("0.0.0.0", "::"):
            names.add(f"[{self.host}]" if ":" in self.host else self.host)
        self.own_origins = frozenset(
            f"{scheme}://{name}:{port}" for name in names for scheme in ("http", "https")
        )

    def check_origin(self, origin: str | None) -> None:
        if origin is not None and origin.strip().lower().rstrip("/") in self.own_origins:
            return
        super().check_origin(origin)


class ObsWebSocketServer:
    """The obs-websocket control server over ``target``; ``password`` is always required."""

    def __init__(
        self,
        target: ControlTarget,
        password: str,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        allowed_origins: tuple[str, ...] | list[str] = (),
        lan_names: tuple[str, ...] | list[str] = (),
        max_clients: int = 32,
        max_message: int = 256 * 1024,
        identify_timeout_s: float = 10.0,
        limiter: AuthLimiter | None = None,
        **limits: Any,
    ) -> None:
        if not isinstance(password, str) or len(password) < 8:
            raise UserError(
                "the obs-websocket control server needs a password of at least 8 characters: "
                "set one (the console keeps it in the keyring)"
            )
        register_secret(password)
        self.target = target
        self._password = password
        self.policy = ControlPolicy(
            host=host,
            port=port,
            allowed_origins=tuple(allowed_origins),
            lan_names=tuple(lan_names),
            max_body=4096,
            max_ws_message=max_message,
            **limits,
        )
        self.max_clients = max_clients
        self.identify_timeout_s = identify_timeout_s
        self.limiter = limiter or AuthLimiter()
        self._server: LocalServer | None = None
        self._sessions: set[_Session] = set()

    # ---- lifecycle

    def start(self) -> tuple[str, int]:
        if self._server is not None:
            return self.address
        server = LocalServer(
            self.policy, [web.get("/", self._websocket)], name="obs-websocket control"
        )
        _, port = server.start()
        self.policy.allow_own(port)
        self._server = server
        self.target.set_event_sink(self.emit)
        log.info("obs-websocket control listening on %s:%s", *self.address)
        return self.address

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None or self._server.address is None:
            return (self.policy.host, self.policy.port)
        return self._server.address

    @property
    def url(self) -> str:
        host, port = self.address
        return f"ws://{host}:{port}"

    @property
    def stats(self) -> dict[str, int]:
        return dict(self._server.stats) if self._server is not None else {}

    def clients(self) -> list[str]:
        """The names of the identified clients connected now (the window's indicator)."""
        return sorted(x.info.client for x in list(self._sessions) if x.identified)

    def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self.target.set_event_sink(None)
        loop = server._loop
        if loop is not None:

            async def goodbye() -> None:
                for session in list(self._sessions):
                    if session.identified and session.subscriptions & SUB_GENERAL:
                        session.queue(OP_EVENT, _event("ExitStarted", None))
                    with contextlib.suppress(asyncio.QueueFull):
                        session.outbox.put_nowait(None)
                for session in list(self._sessions):
                    with contextlib.suppress(Exception):
                        async with asyncio.timeout(2):
                            await session.ws.close(code=1001, message=b"Server stopping.")

            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(goodbye(), loop).result(5)
        server.close()

    def __enter__(self) -> ObsWebSocketServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- events (any thread)

    def emit(self, event_type: str, event_data: dict[str, Any] | None = None) -> None:
        """Send an event to every identified client subscribed to its category."""
        server = self._server
        loop = server._loop if server is not None else None
        if loop is None:
            return
        intent = EVENT_INTENTS.get(event_type, SUB_GENERAL)
        data = _event(event_type, event_data, intent)
        with contextlib.suppress(RuntimeError):  # loop closed while stopping
            loop.call_soon_threadsafe(self._fanout, intent, data)

    def _fanout(self, intent: int, data: dict[str, Any]) -> None:
        for session in list(self._sessions):
            if session.identified and session.subscriptions & intent:
                session.queue(OP_EVENT, data)

    # ---- the WebSocket (server loop)

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(
            protocols=(MSGPACK_PROTOCOL, JSON_PROTOCOL),
            max_msg_size=self.policy.max_ws_message,
            heartbeat=30.0,
            autoping=True,
        )
        if not ws.can_prepare(request).ok:
            raise Refused(
                400, "this is an obs-websocket server: connect with a WebSocket client", "malformed"
            )
        if len(self._sessions) >= self.max_clients:
            raise Refused(503, f"too many control clients ({self.max_clients})", "ws_clients")
        await ws.prepare(request)
        fmt = MSGPACK_PROTOCOL if ws.ws_protocol == MSGPACK_PROTOCOL else JSON_PROTOCOL
        peer = request.remote or "?"
        session = _Session(ws, fmt, peer, _client_name(request.headers.get("User-Agent", "")))
        session.info.broadcast_custom = lambda data: self.emit("CustomEvent", data)
        self._sessions.add(session)
        writer = asyncio.create_task(self._writer(session))
        assert self._server is not None
        self._server.count("control_connections")
        try:
            session.queue(
                OP_HELLO,
                {
                    "obsStudioVersion": rq.OBS_STUDIO_VERSION,
                    "obsWebSocketVersion": rq.OBS_WEBSOCKET_VERSION,
                    "rpcVersion": rq.RPC_VERSION,
                    "authentication": {"challenge": session.challenge, "salt": session.salt},
                },
            )
            await self._serve(session)
        except _Close as close:
            session.closing = close
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._sessions.discard(session)
            with contextlib.suppress(asyncio.QueueFull):
                session.outbox.put_nowait(None)
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await writer
            writer.cancel()
            closing = session.closing
            if closing is not None:
                self._server.count(f"control_closed_{closing.code}")
                log.info(
                    "obs-websocket client %s closed with %s: %s", peer, closing.code, closing.reason
                )
            with contextlib.suppress(Exception):
                if closing is not None:
                    await ws.close(code=closing.code, message=closing.reason.encode("utf-8")[:120])
                else:
                    await ws.close()
        return ws

    async def _writer(self, session: _Session) -> None:
        while True:
            item = await session.outbox.get()
            if item is None:
                return
            if isinstance(item, bytes):
                await session.ws.send_bytes(item)
            else:
                await session.ws.send_str(item)

    async def _serve(self, session: _Session) -> None:
        ws = session.ws
        while session.closing is None:
            timeout = None if session.identified else self.identify_timeout_s
            try:
                message = await ws.receive(timeout=timeout)
            except TimeoutError:
                raise _Close(
                    CLOSE_NOT_IDENTIFIED,
                    f"Identify within {self.identify_timeout_s:g} s of the Hello.",
                ) from None
            if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
                return
            if message.type == WSMsgType.ERROR:
                log.info("obs-websocket client %s: %s", session.peer, ws.exception())
                return
            if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                continue
            session.info.incoming += 1
            payload = self._decode(session, message)
            await self._dispatch(session, payload)

    def _decode(self, session: _Session, message: Any) -> dict[str, Any]:
        if session.fmt == MSGPACK_PROTOCOL:
            if message.type != WSMsgType.BINARY:
                raise _Close(
                    CLOSE_MESSAGE_DECODE_ERROR, "Send binary frames with obswebsocket.msgpack."
                )
            try:
                data = msgpack.unpackb(message.data, raw=False, strict_map_key=True)
            except Exception:  # every way msgpack can fail is a decode error
                raise _Close(CLOSE_MESSAGE_DECODE_ERROR, "Unable to decode MsgPack.") from None
        else:
            if message.type != WSMsgType.TEXT:
                raise _Close(CLOSE_MESSAGE_DECODE_ERROR, "Send text frames with obswebsocket.json.")
            try:
                data = loads_json(message.data.encode("utf-8"), self.policy.max_json_depth)
            except Refused as exc:
                raise _Close(
                    CLOSE_MESSAGE_DECODE_ERROR, f"Unable to decode JSON: {exc.reason}"
                ) from None
        if not isinstance(data, dict):
            raise _Close(CLOSE_MESSAGE_DECODE_ERROR, "A message must be an object with op and d.")
        return data

    async def _dispatch(self, session: _Session, payload: dict[str, Any]) -> None:
        if not session.identified and "request-type" in payload:
            raise _Close(
                CLOSE_UNSUPPORTED_RPC_VERSION,
                "This is obs-websocket 5 (rpcVersion 1): update the client's OBS plugin.",
            )
        if "op" not in payload:
            raise _Close(CLOSE_MISSING_DATA_FIELD, "Your payload is missing an op.")
        op = payload["op"]
        if not isinstance(op, int) or isinstance(op, bool):
            raise _Close(CLOSE_INVALID_DATA_FIELD_TYPE, "Your payload's op is not a number.")
        if "d" not in payload:
            raise _Close(CLOSE_MISSING_DATA_FIELD, "Your payload is missing its d object.")
        data = payload["d"]
        if not isinstance(data, dict):
            raise _Close(CLOSE_INVALID_DATA_FIELD_TYPE, "Your payload's d is not an object.")
        if not session.identified:
            if op != OP_IDENTIFY:
                raise _Close(CLOSE_NOT_IDENTIFIED, "You must Identify before anything else.")
            self._identify(session, data)
            return
        if op == OP_IDENTIFY:
            raise _Close(CLOSE_ALREADY_IDENTIFIED, "You are already identified with the server.")
        if op == OP_REIDENTIFY:
            session.subscriptions = _subscriptions(data)
            session.queue(OP_IDENTIFIED, {"negotiatedRpcVersion": rq.RPC_VERSION})
        elif op == OP_REQUEST:
            await self._request(session, data)
        elif op == OP_REQUEST_BATCH:
            await self._batch(session, data)
        else:
            raise _Close(CLOSE_UNKNOWN_OP_CODE, f"Unknown OpCode: {op}")

    def _identify(self, session: _Session, data: dict[str, Any]) -> None:
        wait = self.limiter.blocked_for(session.peer)
        if wait > 0:
            raise _Close(
                CLOSE_AUTHENTICATION_FAILED,
                f"Too many failed logins from this address: wait {max(1, round(wait))} s.",
            )
        if "rpcVersion" not in data:
            raise _Close(CLOSE_MISSING_DATA_FIELD, "Your payload's data is missing an rpcVersion.")
        rpc = data["rpcVersion"]
        if not isinstance(rpc, int) or isinstance(rpc, bool):
            raise _Close(CLOSE_INVALID_DATA_FIELD_TYPE, "Your rpcVersion is not a number.")
        if rpc != rq.RPC_VERSION:
            raise _Close(
                CLOSE_UNSUPPORTED_RPC_VERSION,
                f"Your requested RPC version is not supported by this server (only {rq.RPC_VERSION}).",
            )
        given = data.get("authentication")
        expected = auth_string(self._password, session.salt, session.challenge)
        if not isinstance(given, str) or not hmac.compare_digest(
            given.encode("utf-8", "replace"), expected.encode("ascii")
        ):
            self.limiter.failed(session.peer)
            assert self._server is not None
            self._server.count("control_auth_failed")
            raise _Close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed.")
        subscriptions = _subscriptions(data)
        self.limiter.succeeded(session.peer)
        session.subscriptions = subscriptions
        session.identified = True
        session.queue(OP_IDENTIFIED, {"negotiatedRpcVersion": rq.RPC_VERSION})

    async def _run(self, session: _Session, request_type: Any, data: Any) -> tuple[dict, Any]:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                None, rq.execute, self.target, request_type, data, session.info
            )
        except Exception as exc:  # a target bug answers 205, never a traceback
            log.error(
                "obs-websocket request %s failed: %s",
                str(request_type)[:60],
                redact(repr(exc))[:300],
            )
            return rq._status(rq.GENERIC_ERROR, "The request failed inside the console."), None

    async def _request(self, session: _Session, data: dict[str, Any]) -> None:
        if "requestType" not in data:
            raise _Close(CLOSE_MISSING_DATA_FIELD, "Your request is missing a requestType.")
        if "requestId" not in data:
            raise _Close(CLOSE_MISSING_DATA_FIELD, "Your request is missing a requestId.")
        status, response = await self._run(session, data["requestType"], data.get("requestData"))
        answer: dict[str, Any] = {
            "requestType": data["requestType"],
            "requestId": data["requestId"],
            "requestStatus": status,
        }
        if response is not None:
            answer["responseData"] = response
        session.queue(OP_REQUEST_RESPONSE, answer)

    async def _batch(self, session: _Session, data: dict[str, Any]) -> None:
        if "requestId" not in data:
            raise _Close(CLOSE_MISSING_DATA_FIELD, "Your request batch is missing a requestId.")
        if "requests" not in data:
            raise _Close(CLOSE_MISSING_DATA_FIELD, "Your request batch is missing its requests.")
        requests = data["requests"]
        if not isinstance(requests, list):
            raise _Close(CLOSE_INVALID_DATA_FIELD_TYPE, "Your batch's requests is not an array.")
        if len(requests) > MAX_BATCH:
            raise _Close(
                CLOSE_INVALID_DATA_FIELD_VALUE, f"A batch holds at most {MAX_BATCH} requests."
            )
        halt = data.get("haltOnFailure", False)
        if not isinstance(halt, bool):
            raise _Close(CLOSE_INVALID_DATA_FIELD_TYPE, "haltOnFailure is not a boolean.")
        execution = data.get("executionType", BATCH_SERIAL_REALTIME)
        if not isinstance(execution, int) or isinstance(execution, bool):
            raise _Close(CLOSE_INVALID_DATA_FIELD_TYPE, "executionType is not a number.")
        if execution not in (BATCH_SERIAL_REALTIME, BATCH_SERIAL_FRAME, BATCH_PARALLEL):
            raise _Close(
                CLOSE_INVALID_DATA_FIELD_VALUE,
                "executionType is not a valid RequestBatchExecutionType.",
            )
        results = []
        for item in requests:
            if isinstance(item, dict):
                status, response = await self._run(
                    session, item.get("requestType"), item.get("requestData")
                )
                result: dict[str, Any] = {
                    "requestType": item.get("requestType", ""),
                    "requestStatus": status,
                }
                if "requestId" in item:
                    result["requestId"] = item["requestId"]
            else:
                status, response = (
                    rq._status(rq.MISSING_REQUEST_TYPE, "A batch entry must be an object."),
                    None,
                )
                result = {"requestType": "", "requestStatus": status}
            if response is not None:
                result["responseData"] = response
            results.append(result)
            if halt and not status["result"]:
                break
        session.queue(
            OP_REQUEST_BATCH_RESPONSE, {"requestId": data["requestId"], "results": results}
        )


def _subscriptions(data: dict[str, Any]) -> int:
    value = data.get("eventSubscriptions", SUB_ALL)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Close(CLOSE_INVALID_DATA_FIELD_TYPE, "eventSubscriptions is not a number.")
    if value < 0:
        raise _Close(CLOSE_INVALID_DATA_FIELD_VALUE, "eventSubscriptions may not be negative.")
    return value


def _event(
    event_type: str, event_data: dict[str, Any] | None, intent: int | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "eventType": event_type,
        "eventIntent": EVENT_INTENTS.get(event_type, SUB_GENERAL) if intent is None else intent,
    }
    if event_data is not None:
        data["eventData"] = event_data
    return data
