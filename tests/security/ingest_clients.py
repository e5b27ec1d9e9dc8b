"""Real clients for the local ingest security tests: raw sockets and aiohttp's WebSocket client."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
import uuid

import aiohttp

from console.audience.ingest import IngestServer


def comment(msg_id: str = "m1", text: str = "想要") -> dict:
    return {
        "v": 1,
        "platform": "douyin",
        "room_id": "7300",
        "msg_id": msg_id,
        "ts_ms": 1_700_000_000_000,
        "type": "comment",
        "user": {"id": "u1", "nick": "张三"},
        "text": text,
    }


class Sink:
    def __init__(self) -> None:
        self.events: list = []

    def __call__(self, event) -> bool:  # noqa: ANN001
        self.events.append(event)
        return True


def start(**options) -> tuple[IngestServer, Sink]:
    sink = Sink()
    server = IngestServer(sink, port=0, **options)
    server.start()
    return server, sink


def raw_exchange(address: tuple[str, int], data: bytes, timeout: float = 10.0) -> tuple[int, dict]:
    """Send ``data`` on a fresh connection; (status, JSON body) of the one answer."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(data)
        return read_answer(sock)


def read_answer(sock: socket.socket) -> tuple[int, dict]:
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before an answer: {buf[:80]!r}")
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    length = int(match.group(1)) if match else 0
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, json.loads(body[:length] or b"{}")


def read_until_eof(sock: socket.socket, limit_s: float = 10.0) -> bytes:
    """Everything the server sends until it closes; raises TimeoutError past ``limit_s``."""
    deadline = time.monotonic() + limit_s
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the server kept the connection open")
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        except TimeoutError:
            raise TimeoutError("the server kept the connection open") from None
        if not chunk:
            return data
        data += chunk


def http_request(
    server: IngestServer,
    body: bytes,
    headers: dict[str, str],
    method: str = "POST",
    path: str = "/v1/events",
) -> tuple[int, dict]:
    """A request written byte for byte as given (no header added but Content-Length)."""
    lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    if body and not any(k.lower() == "content-length" for k in headers):
        lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: close")
    return raw_exchange(server.address, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)


def host_header(server: IngestServer) -> str:
    host, port = server.address
    return f"{host}:{port}"


def ws_handshake(server: IngestServer, **kwargs) -> tuple[int | None, str | None]:
    """Open /v1/ws with aiohttp's client: (None, selected protocol) when it opened, else
    (HTTP status, None)."""

    async def go() -> tuple[int | None, str | None]:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(f"{server.url}/v1/ws", **kwargs) as ws:
                    await ws.send_str(json.dumps(comment(f"ws-{uuid.uuid4().hex}")))
                    answer = await ws.receive_json(timeout=10)
                    assert answer["accepted"] == 1
                    return None, ws.protocol
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status, None

    return asyncio.run(go())
