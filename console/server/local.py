"""LocalServer: an aiohttp app on its own asyncio loop in a background thread, under a
:class:`~console.server.policy.ServerPolicy`.

Per connection (before any request is parsed or any token looked at): the total and per-peer
connection caps; a deadline for each request head (from the connection opening, or from the
previous answer, to the blank line that ends the head). Per request: ``Host``, ``Origin``, no
token in the URL, and every refusal or malformed request answered as JSON
``{"ok": false, "error": reason}`` — never a traceback. Endpoints read bodies with
:meth:`LocalServer.read_body` (deadline, size) and check writes with
:meth:`LocalServer.require_write`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler, RequestPayloadError

from console.errors import UserError
from console.redaction import redact
from console.server.policy import Refused, ServerPolicy

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(status: int, data: dict[str, Any], close: bool = False) -> web.Response:
    response = web.Response(
        status=status,
        body=json.dumps(data, ensure_ascii=False).encode("utf-8"),
        content_type="application/json",
        charset="utf-8",
    )
    if close:
        response.force_close()
    return response


def _raw_answer(status: int, phrase: str, reason: str) -> bytes:
    body = json.dumps({"ok": False, "error": reason}).encode()
    return (
        f"HTTP/1.1 {status} {phrase}\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


class _Protocol(RequestHandler):
    """aiohttp's request handler plus the connection caps and the head deadline."""

    def __init__(self, owner: LocalServer, manager: web.Server, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._owner = owner
        self._peer: str | None = None
        self._refused = False
        self._head_timer: asyncio.TimerHandle | None = None
        self._heads_seen = 0
        self._partial = False  # bytes of a head arrived since the deadline was armed

    # connection caps, before aiohttp sees a byte
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if peer else "?"
        reason = self._owner._admit(self._peer)
        if reason is not None:
            self._refused = True
            self._owner.count("refused_connections")
            with contextlib.suppress(Exception):
                transport.write(_raw_answer(503, "Service Unavailable", reason))  # type: ignore[attr-defined]
            transport.close()
            return
        super().connection_made(transport)
        self._arm_head_deadline()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._cancel_head_deadline()
        if self._refused:
            return
        self._owner._release(self._peer or "?")
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self._partial = self._partial or bool(data)
        super().data_received(data)
        if self._request_count != self._heads_seen:  # a whole head was parsed
            self._heads_seen = self._request_count
            self._cancel_head_deadline()

    async def finish_response(
        self, request: web.BaseRequest, resp: web.StreamResponse, start_time: float | None
    ) -> tuple[web.StreamResponse, bool]:
        result = await super().finish_response(request, resp, start_time)
        if not self._messages and not self._upgraded:
            self._arm_head_deadline()  # the next head (or idle keep-alive) has its deadline
        return result

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        self._partial = False
        self._head_timer = self._loop.call_later(
            self._owner.policy.head_timeout_s, self._head_expired
        )

    def _cancel_head_deadline(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_expired(self) -> None:
        self._head_timer = None
        if self._request_in_progress or self._messages or self._upgraded:
            return
        transport = self.transport
        if transport is None:
            return
        self._owner.count("head_timeouts")
        seconds = self._owner.policy.head_timeout_s
        if self._partial:  # a slow head gets a reason; an idle keep-alive is just closed
            with contextlib.suppress(Exception):
                transport.write(  # type: ignore[attr-defined]
                    _raw_answer(
                        408, "Request Timeout", f"request head not complete in {seconds:g} s"
                    )
                )
        self.force_close()

    # malformed requests: a JSON answer with aiohttp's reason, one log line, no traceback
    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status == 500:
            log.error("local server: unexpected error: %s", redact(repr(exc))[:300])
            reason = "internal error"
        else:
            reason = _first_line(message or (str(exc) if exc else "") or "malformed request")
            log.info("local server refused a malformed request from %s: %s", self._peer, reason)
        self._owner.count("rejected_malformed" if status < 500 else "errors")
        if request.writer.output_size > 0:
            raise ConnectionError("response already started")
        return json_response(status, {"ok": False, "error": reason}, close=True)


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "malformed request"
    return redact(line.rstrip(":").strip())[:200]


class LocalServer:
    """Serve ``routes`` under ``policy`` on a background thread with its own asyncio loop."""

    def __init__(
        self,
        policy: ServerPolicy,
        routes: Iterable[web.AbstractRouteDef],
        name: str = "local-server",
        count: Callable[[str], None] | None = None,
    ) -> None:
        self.policy = policy
        self.routes = list(routes)
        self.name = name
        self.stats: Counter[str] = Counter()
        self._count = count
        self._lock = threading.Lock()
        self._peers: Counter[str] = Counter()
        self._total = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._runner: web.AppRunner | None = None
        self._address: tuple[str, int] | None = None

    # ---- counters and caps (loop thread)

    def count(self, what: str, n: int = 1) -> None:
        with self._lock:
            self.stats[what] += n
        if self._count is not None:
            self._count(what)

    def _admit(self, peer: str) -> str | None:
        p = self.policy
        if self._total >= p.max_connections:
            return f"too many connections ({p.max_connections}): close idle ones and retry"
        if self._peers[peer] >= p.max_connections_per_peer:
            return (
                f"too many connections from {peer} ({p.max_connections_per_peer}): "
                "close idle ones and retry"
            )
        self._total += 1
        self._peers[peer] += 1
        return None

    def _release(self, peer: str) -> None:
        self._total -= 1
        self._peers[peer] -= 1
        if self._peers[peer] <= 0:
            del self._peers[peer]

    @property
    def connections(self) -> int:
        return self._total

    # ---- lifecycle

    def start(self) -> tuple[str, int]:
        if self._thread is not None and self._address is not None:
            return self._address
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._open(loop))
            except BaseException as exc:  # handed to start()
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                with contextlib.suppress(Exception):
                    loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=serve, name=self.name, daemon=True)
        thread.start()
        ready.wait()
        if failure:
            thread.join(5)
            exc = failure[0]
            if isinstance(exc, UserError):
                raise exc
            raise UserError(f"{self.name} could not start: {exc}") from None
        self._loop, self._thread = loop, thread
        assert self._address is not None
        return self._address

    async def _open(self, loop: asyncio.AbstractEventLoop) -> None:
        p = self.policy
        try:
            family = socket.AF_INET6 if ":" in p.host else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            if hasattr(socket, "SO_REUSEADDR") and not _is_windows():
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((p.host, p.port))
            sock.listen(128)
            sock.setblocking(False)
        except OSError as exc:
            with contextlib.suppress(Exception):
                sock.close()
            raise UserError(
                f"cannot listen on {p.host}:{p.port} for the {self.name}: "
                f"{exc.strerror or exc}: pick another port"
            ) from None
        app = web.Application(middlewares=[self._policy_middleware], client_max_size=p.max_body)
        app.add_routes(self.routes)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        manager = runner.server
        assert manager is not None
        kwargs = {
            "loop": loop,
            "access_log": None,
            "keepalive_timeout": p.head_timeout_s + 1,
            "lingering_time": p.body_timeout_s,
            "max_line_size": p.max_head_line,
            "max_field_size": p.max_head_line,
            "max_headers": p.max_headers,
        }
        self._server = await loop.create_server(
            lambda: _Protocol(self, manager, **kwargs), sock=sock
        )
        self._runner = runner
        host, port = sock.getsockname()[:2]
        self._address = (str(host), int(port))

    @property
    def address(self) -> tuple[str, int] | None:
        return self._address

    def close(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is None or thread is None:
            return

        async def shut() -> None:
            if self._server is not None:
                self._server.close()
            if self._runner is not None and self._runner.server is not None:
                for conn in self._runner.server.connections:
                    conn.force_close()
            if self._runner is not None:
                await self._runner.cleanup()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shut(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        self._address = None

    # ---- per request

    @web.middleware
    async def _policy_middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        try:
            sockname = request.transport.get_extra_info("sockname") if request.transport else None
            self.policy.check_host(request.headers.get("Host"), sockname[0] if sockname else None)
            self.policy.check_origin(request.headers.get("Origin"))
            if any(k.lower() in ("token", "access_token") for k in request.query):
                raise Refused(
                    400,
                    "never put the token in the URL: send it as Authorization: Bearer <token>",
                    "token_in_url",
                )
            return await handler(request)
        except Refused as exc:
            return self.refuse(request, exc)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            reason = {
                404: f"no endpoint {request.path[:60]}",
                405: f"{request.method} is not allowed on {request.path[:60]}",
                413: f"body over the {self.policy.max_body // 1024} KB limit: send smaller batches",
            }.get(exc.status, _first_line(exc.text or exc.reason))
            return self.refuse(request, Refused(exc.status, reason, _category(exc.status)))

    def refuse(self, request: web.BaseRequest, exc: Refused) -> web.Response:
        self.count(f"rejected_{exc.category}")
        peer = request.remote or "?"
        log.info("%s refused a request from %s: %s", self.name, peer, redact(exc.reason))
        close = exc.status in (400, 408, 411, 413, 421) or exc.category in ("origin", "host")
        return json_response(exc.status, {"ok": False, "error": exc.reason}, close=close)

    async def read_body(self, request: web.BaseRequest) -> bytes:
        """The whole body within ``body_timeout_s`` and ``max_body`` bytes, or :class:`Refused`."""
        p = self.policy
        length = request.content_length
        if length is not None and length > p.max_body:
            raise Refused(
                413,
                f"body of {length} bytes is over the {p.max_body // 1024} KB limit: "
                "send smaller batches",
                "oversized",
            )
        try:
            async with asyncio.timeout(p.body_timeout_s):
                return await request.read()
        except TimeoutError:
            raise Refused(
                408, f"request body not complete within {p.body_timeout_s:g} s", "timeout"
            ) from None
        except web.HTTPRequestEntityTooLarge:
            raise Refused(
                413,
                f"body over the {p.max_body // 1024} KB limit: send smaller batches",
                "oversized",
            ) from None
        except RequestPayloadError as exc:
            raise Refused(400, f"bad request body: {_first_line(str(exc))}", "malformed") from None

    def require_write(
        self, request: web.BaseRequest, ws_protocols: list[str] | None = None
    ) -> None:
        """A write: the token (always), and for HTTP a JSON content type."""
        self.policy.check_token(request.headers, ws_protocols)
        if ws_protocols is None:
            self.policy.check_json_type(request.content_type)


def _category(status: int) -> str:
    return {404: "not_found", 405: "method", 413: "oversized"}.get(status, "malformed")


def _is_windows() -> bool:
    import sys

    return sys.platform == "win32"
