"""The phone panel's endpoints, served by a :class:`~console.server.LocalServer` under its policy.

    GET  /panel/             the page (index.html, app.js, style.css, strings.json: files shipped
                             in ``console/panel/static``; CSP ``default-src 'self'``)
    GET  /panel/session      {"paired": bool, "role", "device"} for the cookie this browser holds
    POST /panel/pair         {"code": "123456", "device": "Li's phone"} → {"token", "role", …};
                             the token is also set as an HttpOnly SameSite=Strict cookie
    GET  /panel/ws           WebSocket (subprotocol ``live-console.v1``); the token from the cookie
                             or the ``live-console.token.<TOKEN>`` subprotocol, never the URL

On the socket: the server sends ``{"type":"hello","role","device","actions"}`` then a
``{"type":"state","rev":N,...}`` snapshot (only the sections the role may see), and after that
coalesced snapshots at most every ``push_interval_s`` (0.25 s: ≤ 4/s) when something changed. The
phone sends ``{"type":"action","action":"pin_product","args":{…},"id":N}`` and gets
``{"type":"result","id":N,"ok":bool,"reason":…}``; ``{"type":"sync"}`` asks for a snapshot now.
A refused action names the role(s) that may do it. Every action is done with the actor
``panel:<device>:<role>`` (journaled by the target) and logged; a revoked device's socket is
closed (code 4401).

Host (DNS rebinding), Origin (only the panel's own origins), connection caps, head/body deadlines
and size limits are the LocalServer's (``docs/security.md``, "Local server" and "Phone panel").
No Qt here.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import json
import logging
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from aiohttp import WSMsgType, web

from console.errors import UserError
from console.panel import roles
from console.panel.pairing import Device, PairingError, PairingStore
from console.panel.target import PanelRefusal, PanelTarget
from console.redaction import redact
from console.server import (
    WS_PROTOCOL,
    WS_TOKEN_PREFIX,
    LocalServer,
    Refused,
    ServerPolicy,
    json_response,
    loads_json,
)

log = logging.getLogger(__name__)

COOKIE = "lc_panel"
COOKIE_MAX_AGE = 365 * 24 * 3600
DEFAULT_PORT = 8765
MAX_MESSAGE = 16 * 1024
MAX_BODY = 4 * 1024
MAX_CLIENTS = 16
CLOSE_REVOKED = 4401

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
STATIC: dict[str, str] = {
    "index.html": "text/html",
    "app.js": "text/javascript",
    "style.css": "text/css",
    "strings.json": "application/json",
}


def _static(name: str) -> bytes:
    return resources.files("console.panel").joinpath("static", name).read_bytes()


def lan_address() -> str | None:
    """This machine's address on the LAN (the interface a route to the outside would use); no
    packet is sent."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the route
        address = s.getsockname()[0]
        if not ipaddress.ip_address(address).is_loopback:
            return str(address)
    return None


@dataclass(eq=False)
class _Client:
    ws: web.WebSocketResponse
    device: Device
    peer: str
    sent_rev: int = 0


@dataclass
class PanelStats:
    counts: Counter = field(default_factory=Counter)


class PanelServer:
    """The phone panel on ``host:port``: loopback by default; ``lan=True`` binds every interface
    (``0.0.0.0``) and allows the LAN address and ``lan_names`` in Host and Origin."""

    def __init__(
        self,
        target: PanelTarget,
        store: PairingStore,
        host: str | None = None,
        port: int = DEFAULT_PORT,
        lan: bool = False,
        lan_names: tuple[str, ...] | list[str] = (),
        max_clients: int = MAX_CLIENTS,
        max_message: int = MAX_MESSAGE,
        max_body: int = MAX_BODY,
        push_interval_s: float = 0.25,
        **limits: Any,
    ) -> None:
        self.target = target
        self.store = store
        self.lan = lan
        self.host = host or ("0.0.0.0" if lan else "127.0.0.1")
        self.port = port
        self.lan_names = tuple(lan_names)
        self.max_clients = max_clients
        self.max_message = max_message
        self.push_interval_s = push_interval_s
        self._limits = dict(limits)
        self._max_body = max_body
        self.policy = self._policy(port, ())
        self.stats: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server: LocalServer | None = None
        self._clients: set[_Client] = set()
        self._rev = itertools.count(1)
        self._dirty: asyncio.Event | None = None
        self._pusher: asyncio.Task[None] | None = None
        self._unsubs: list[Any] = []
        self._public_host = "127.0.0.1"

    def _policy(self, port: int, origins: tuple[str, ...]) -> ServerPolicy:
        names = list(self.lan_names)
        return ServerPolicy(
            host=self.host,
            port=port,
            lan_names=tuple(names),
            allowed_origins=origins,
            max_body=self._max_body,
            max_ws_message=self.max_message,
            **self._limits,
        )

    # ---- lifecycle

    def start(self) -> tuple[str, int]:
        if self._server is not None and self._server.address is not None:
            return self._server.address
        routes = [
            web.get("/panel", self._redirect),
            web.get("/panel/", self._page),
            web.get("/panel/session", self._session),
            web.post("/panel/pair", self._pair),
            web.get("/panel/ws", self._websocket),
            web.get("/panel/{name}", self._file),
        ]
        server = LocalServer(self.policy, routes, name="phone panel", count=self._count)
        host, port = server.start()
        self._server = server
        # the page's own origins, known now that the port is: every name Host may carry
        names = {"127.0.0.1", "localhost", *(n.lower() for n in self.lan_names)}
        if self.lan:
            address = lan_address()
            if address:
                names.add(address)
                self._public_host = self.lan_names[0] if self.lan_names else address
        elif host not in ("0.0.0.0", "::"):
            names.add(host)
            self._public_host = host
        origins = tuple(
            f"http://[{n}]:{port}" if ":" in n else f"http://{n}:{port}" for n in sorted(names)
        )
        server.policy = self.policy = self._policy(port, origins)
        self._run(self._start_pusher()).result(5)
        self._unsubs.append(self.target.subscribe(self._changed))
        self._unsubs.append(self.store.on_revoke(self._revoked))
        log.info("phone panel on http://%s:%s/panel/", self._public_host, port)
        return host, port

    def close(self) -> None:
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        server = self._server
        if server is None:
            return
        with contextlib.suppress(Exception):
            self._run(self._shutdown()).result(5)
        self._server = None
        server.close()

    def __enter__(self) -> PanelServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, coro: Any) -> Any:
        assert self._server is not None and self._server._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._server._loop)

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None or self._server.address is None:
            return (self.host, self.port)
        return self._server.address

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` as a phone reaches it (the LAN name or address when on the LAN)."""
        return f"http://{self._public_host}:{self.address[1]}"

    def pairing_url(self, role: str) -> str:
        """``http://HOST:PORT/panel/#code=123456`` for the role's current code (the code rides in
        the fragment: it never reaches a server log or a proxy)."""
        return f"{self.base_url}/panel/#code={self.store.code_for(role).code}"

    def clients(self) -> list[tuple[Device, str]]:
        with self._lock:
            return [(c.device, c.peer) for c in self._clients]

    def disconnect_all(self, code: int = 1012, reason: str = "console restarting") -> None:
        """Close every panel's socket from the server side (the pages reconnect and resync)."""

        async def close() -> None:
            for client in list(self._clients):
                with contextlib.suppress(Exception):
                    await client.ws.close(code=code, message=reason.encode("utf-8"))

        if self._server is not None:
            self._run(close()).result(5)

    def _count(self, what: str) -> None:
        with self._lock:
            self.stats[what] += 1

    # ---- pushing (the server's loop)

    async def _start_pusher(self) -> None:
        self._dirty = asyncio.Event()
        self._pusher = asyncio.get_running_loop().create_task(self._push_loop())

    async def _shutdown(self) -> None:
        if self._pusher is not None:
            self._pusher.cancel()
        for client in list(self._clients):
            with contextlib.suppress(Exception):
                await client.ws.close(code=1001, message=b"console closing")

    def _changed(self) -> None:
        """From any thread: the target's state changed."""
        server = self._server
        loop = server._loop if server is not None else None
        if loop is None or self._dirty is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._dirty.set)

    async def _push_loop(self) -> None:
        assert self._dirty is not None
        loop = asyncio.get_running_loop()
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            if self._clients:
                try:
                    snap = await loop.run_in_executor(None, self.target.snapshot)
                except Exception:
                    log.exception("panel: snapshot failed")
                    snap = None
                if snap is not None:
                    rev = next(self._rev)
                    for client in list(self._clients):
                        await self._send_state(client, snap, rev)
            await asyncio.sleep(self.push_interval_s)  # coalesce: at most one push per interval

    async def _send_state(self, client: _Client, snap: dict[str, Any], rev: int) -> None:
        allowed = roles.sections(client.device.role)
        data = {k: v for k, v in snap.items() if k in allowed}
        data.update({"type": "state", "rev": rev, "now": snap.get("now")})
        with contextlib.suppress(ConnectionError, RuntimeError):
            await client.ws.send_str(json.dumps(data, ensure_ascii=False))
            client.sent_rev = rev

    def _revoked(self, device: Device) -> None:
        server = self._server
        loop = server._loop if server is not None else None
        if loop is None:
            return

        async def close() -> None:
            for client in list(self._clients):
                if client.device.token_hash == device.token_hash:
                    await client.ws.close(code=CLOSE_REVOKED, message=b"device revoked")

        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(close(), loop)

    # ---- endpoints

    @staticmethod
    def _headers(response: web.StreamResponse) -> web.StreamResponse:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        return response

    async def _redirect(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect("/panel/")

    async def _page(self, request: web.Request) -> web.StreamResponse:
        return await self._serve("index.html")

    async def _file(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info.get("name", "")
        if name not in STATIC:
            raise Refused(404, f"no file {name[:40]!r} in the panel", "not_found")
        return await self._serve(name)

    async def _serve(self, name: str) -> web.StreamResponse:
        body = _static(name)
        response = web.Response(body=body, content_type=STATIC[name], charset="utf-8")
        return self._headers(response)

    def _token(self, request: web.Request, offered: list[str] | None = None) -> str | None:
        for proto in offered or ():
            if proto.startswith(WS_TOKEN_PREFIX):
                return proto[len(WS_TOKEN_PREFIX) :]
        auth = (request.headers.get("authorization") or "").strip()
        if auth[:7].lower() == "bearer ":
            return auth[7:].strip()
        return request.cookies.get(COOKIE)

    async def _session(self, request: web.Request) -> web.StreamResponse:
        device = self.store.authenticate(self._token(request))
        data: dict[str, Any] = {"ok": True, "paired": device is not None}
        if device is not None:
            data.update(role=device.role, device=device.name)
        return self._headers(json_response(200, data))

    async def _pair(self, request: web.Request) -> web.StreamResponse:
        server = self._server
        assert server is not None
        server.policy.check_json_type(request.content_type)
        body = await server.read_body(request)
        data = loads_json(body, 8)
        if not isinstance(data, dict):
            raise Refused(400, 'send {"code": "123456", "device": "a name"}', "malformed")
        peer = request.remote or "?"
        loop = asyncio.get_running_loop()
        try:
            token, device = await loop.run_in_executor(
                None, self.store.pair, data.get("code"), data.get("device"), peer
            )
        except PairingError as exc:
            raise Refused(exc.status, exc.reason, "pairing") from None
        except UserError as exc:
            raise Refused(500, str(exc), "pairing") from None
        response = json_response(
            200,
            {
                "ok": True,
                "token": token,
                "role": device.role,
                "device": device.name,
                "device_id": device.device_id,
            },
        )
        response.set_cookie(
            COOKIE,
            token,
            max_age=COOKIE_MAX_AGE,
            path="/panel",
            httponly=True,
            samesite="Strict",
        )
        return self._headers(response)

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        offered = [
            p.strip()
            for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")
            if p.strip()
        ]
        if WS_PROTOCOL not in offered:
            raise Refused(400, f"offer the WebSocket subprotocol {WS_PROTOCOL}", "malformed")
        device = self.store.authenticate(self._token(request, offered))
        if device is None:
            raise Refused(
                401,
                "this device is not paired (or was revoked): pair it with a code from the "
                "console's Phone panel window",
                "token",
            )
        ws = web.WebSocketResponse(
            protocols=(WS_PROTOCOL,),
            max_msg_size=self.max_message,
            heartbeat=20.0,
            autoping=True,
        )
        if not ws.can_prepare(request).ok:
            raise Refused(400, "WebSocket upgrade expected on /panel/ws", "malformed")
        if len(self._clients) >= self.max_clients:
            raise Refused(503, f"too many panels connected ({self.max_clients})", "ws_clients")
        client = _Client(ws, device, request.remote or "?")
        await ws.prepare(request)
        with self._lock:
            self._clients.add(client)
        self._count("ws_connections")
        log.info("panel: %s connected from %s", device.actor, client.peer)
        try:
            await ws.send_json(
                {
                    "type": "hello",
                    "role": device.role,
                    "device": device.name,
                    "actions": roles.allowed_actions(device.role),
                }
            )
            await self._send_now(client)
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    answer = await self._answer(client, message.data)
                    if answer is not None:
                        await ws.send_str(json.dumps(answer, ensure_ascii=False))
                elif message.type == WSMsgType.BINARY:
                    await ws.send_json({"type": "error", "reason": "send JSON text messages"})
                elif message.type == WSMsgType.ERROR:
                    self._count("ws_closed_protocol")
                    log.info("panel WebSocket closed: %s", ws.exception())
                    break
        except (TimeoutError, ConnectionError):
            pass
        finally:
            with self._lock:
                self._clients.discard(client)
            log.info("panel: %s disconnected", device.actor)
        return ws

    async def _send_now(self, client: _Client) -> None:
        loop = asyncio.get_running_loop()
        snap = await loop.run_in_executor(None, self.target.snapshot)
        await self._send_state(client, snap, next(self._rev))

    async def _answer(self, client: _Client, text: str) -> dict[str, Any] | None:
        try:
            data = loads_json(text.encode("utf-8"), 8)
        except Refused as exc:
            return {"type": "error", "reason": exc.reason}
        if not isinstance(data, dict):
            return {"type": "error", "reason": "a message must be a JSON object"}
        kind = data.get("type")
        if kind == "sync":
            await self._send_now(client)
            return None
        if kind == "ping":
            return {"type": "pong"}
        if kind != "action":
            return {"type": "error", "reason": f"unknown message type {str(kind)[:20]!r}"}
        msg_id = data.get("id")
        if not isinstance(msg_id, int) or isinstance(msg_id, bool):
            msg_id = None
        action = data.get("action")
        args = data.get("args") if data.get("args") is not None else {}
        device = client.device
        if not isinstance(action, str) or not isinstance(args, dict):
            return _result(msg_id, False, "action must be a name and args an object")
        if self.store.device(device.device_id) is None:
            await client.ws.close(code=CLOSE_REVOKED, message=b"device revoked")
            return None
        refusal = roles.check(device.role, action)
        if refusal is not None:
            self._count("refused_role")
            log.info("panel: %s refused %s: %s", device.actor, action[:40], refusal)
            return _result(msg_id, False, refusal)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self.target.act, action, args, device.actor)
        except PanelRefusal as exc:
            log.info("panel: %s %s refused: %s", device.actor, action, redact(exc.reason))
            return _result(msg_id, False, exc.reason)
        except UserError as exc:
            return _result(msg_id, False, str(exc))
        except Exception as exc:  # logged, the phone gets one line
            log.error("panel: %s %s failed: %s", device.actor, action, redact(repr(exc))[:300])
            return _result(msg_id, False, "internal error: see the console's log")
        self._count("actions")
        log.info("panel: %s did %s", device.actor, action)
        return _result(msg_id, True, None)


def _result(msg_id: int | None, ok: bool, reason: str | None) -> dict[str, Any]:
    return {"type": "result", "id": msg_id, "ok": ok, "reason": reason}
