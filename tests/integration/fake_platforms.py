"""Fake platform servers for the connector tests: real aiohttp HTTP + WebSocket servers on
127.0.0.1, each on its own event loop thread, speaking the platforms' wire protocols."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, Self

from aiohttp import web


class FakeServer:
    """``FakeServer(build_app)``: ``build_app(server) -> web.Application``; ``url`` once started."""

    def __init__(self, build: Callable[[FakeServer], web.Application]) -> None:
        self._build = build
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []  # method, path_qs, …
        self.lock = threading.Lock()

    def __enter__(self) -> FakeServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self

    async def _start(self) -> None:
        app = self._build(self)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def __exit__(self, *exc: Any) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def record(self, request: web.Request, body: bytes = b"") -> None:
        with self.lock:
            self.requests.append((request.method, request.path_qs, dict(request.headers), body))

    def paths(self) -> list[str]:
        with self.lock:
            return [r[1] for r in self.requests]


class FakePlatform:
    """A fake platform: its ``server`` (a :class:`FakeServer` serving ``self.app``) runs for the
    ``with`` block."""

    server: FakeServer

    def __enter__(self) -> Self:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.__exit__(*exc)
