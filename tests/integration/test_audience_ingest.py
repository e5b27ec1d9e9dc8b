"""The local ingest over real loopback sockets: HTTP POST and WebSocket, signing, rejections."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import socket
import time

import pytest

from console.audience.events import parse_event
from console.audience.hub import AudienceHub
from console.audience.ingest import IngestServer, sign
from console.errors import UserError

SECRET = "s3cret-for-tests"


def event(msg_id: str = "m1", **changes) -> dict:
    data = {
        "v": 1,
        "platform": "douyin",
        "room_id": "7300",
        "msg_id": msg_id,
        "ts_ms": 1_700_000_000_000,
        "type": "comment",
        "user": {"id": "u1", "nick": "张三"},
        "text": "想要 🎉",
    }
    data.update(changes)
    return data


class Sink:
    def __init__(self) -> None:
        self.events = []

    def __call__(self, e) -> bool:
        self.events.append(e)
        return True


@pytest.fixture
def ingest():
    servers = []

    def make(**options):
        sink = Sink()
        server = IngestServer(sink, port=0, **options)
        server.start()
        servers.append(server)
        return server, sink

    yield make
    for server in servers:
        server.close()


def auth(server) -> dict:
    return {"Authorization": f"Bearer {server.token}"}


def post(server, body: bytes | dict | list, headers: dict | None = None, path="/v1/events"):
    """POST with the server's token (``headers`` may override or blank it)."""
    if not isinstance(body, bytes):
        body = json.dumps(body, ensure_ascii=False).encode("utf-8")
    host, port = server.address
    conn = http.client.HTTPConnection(host, port, timeout=10)
    token = getattr(server, "token", None)
    base = {"Content-Type": "application/json"}
    if token:
        base["Authorization"] = f"Bearer {token}"
    try:
        conn.request("POST", path, body=body, headers={**base, **(headers or {})})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def signed(body: bytes, ts: float | None = None, nonce: str | None = None, secret=SECRET) -> dict:
    ts_text = str(int(time.time() if ts is None else ts))
    nonce = nonce or "n" + base64.urlsafe_b64encode(os.urandom(12)).decode()
    return {
        "x-timestamp": ts_text,
        "x-nonce-str": nonce,
        "x-signature": sign(secret, ts_text, nonce, body),
    }


# ---------------------------------------------------------------- HTTP


def test_single_event_and_batches(ingest) -> None:
    server, sink = ingest()
    assert post(server, event("a")) == (
        200,
        {"ok": True, "accepted": 1, "duplicates": 0, "dropped": 0, "rejected": []},
    )
    status, result = post(server, [event("b"), event("a"), event("c", type="dance")])
    assert status == 200
    assert result["accepted"] == 1 and result["duplicates"] == 1
    assert result["rejected"] == [
        {
            "index": 2,
            "msg_id": "c",
            "reason": "type: 'dance' is not one of comment, like, gift, "
            "member_join, follow, share, cart, order, room_stats, retract",
        }
    ]
    status, result = post(server, {"events": [event("d"), event("e")]})
    assert (status, result["accepted"]) == (200, 2)
    assert [e.msg_id for e in sink.events] == ["a", "b", "d", "e"]
    assert sink.events[0].text == "想要 🎉"


def test_malformed_bodies_are_refused_with_a_reason(ingest) -> None:
    server, sink = ingest()
    assert post(server, b"{not json") == (
        400,
        {
            "ok": False,
            "error": "body is not valid JSON: Expecting property name enclosed in double quotes at 1",
        },
    )
    status, result = post(server, b"\xff\xfe")
    assert status == 400 and result["error"] == "body is not UTF-8"
    status, result = post(server, [])
    assert status == 400 and result["error"] == "no events in the request"
    status, result = post(server, event("x", user=None))
    assert (
        status == 400 and result["error"] == "no valid events: user: required for a comment event"
    )
    status, result = post(server, event("x"), path="/v2/other")
    assert status == 404
    assert sink.events == []
    assert post(server, event("ok"))[0] == 200  # the server is unaffected
    assert [e.msg_id for e in sink.events] == ["ok"]


def test_oversized_body_is_refused_before_reading(ingest) -> None:
    server, sink = ingest()
    big = event("big", text="x" * 70_000)
    status, result = post(server, big)
    assert status == 413 and "64 KB" in result["error"]
    assert sink.events == []
    assert post(server, event("after"))[0] == 200


def test_signed_posts(ingest) -> None:
    server, sink = ingest(secret=SECRET)
    body = json.dumps(event("s1")).encode()
    assert post(server, body, signed(body))[0] == 200

    status, result = post(server, json.dumps(event("u1")).encode())  # unsigned
    assert status == 401 and result["error"].startswith("unsigned request")

    bad = signed(body, secret="wrong")
    status, result = post(server, body, bad)
    assert (status, result["error"]) == (401, "bad signature")

    tampered = json.dumps(event("s1", text="changed")).encode()
    assert post(server, tampered, signed(body))[0] == 401  # signature over the other body

    headers = signed(json.dumps(event("s2")).encode(), nonce="nonce-replay-0001")
    body2 = json.dumps(event("s2")).encode()
    assert post(server, body2, headers)[0] == 200
    status, result = post(server, body2, headers)  # replayed as-is
    assert status == 409 and "already used" in result["error"]

    old = signed(json.dumps(event("s3")).encode(), ts=time.time() - 301)
    status, result = post(server, json.dumps(event("s3")).encode(), old)
    assert status == 401 and "s off" in result["error"]
    future = signed(json.dumps(event("s4")).encode(), ts=time.time() + 400)
    assert post(server, json.dumps(event("s4")).encode(), future)[0] == 401

    assert [e.msg_id for e in sink.events] == ["s1", "s2"]
    assert server.stats["rejected_replay"] == 1 and server.stats["rejected_stale"] == 2


def test_optional_signature_is_checked_when_present(ingest) -> None:
    server, sink = ingest(secret=SECRET, require_signature=False)
    body = json.dumps(event("a")).encode()
    assert post(server, body)[0] == 200  # unsigned allowed
    assert post(server, json.dumps(event("b")).encode(), signed(body, secret="no"))[0] == 401


def test_non_loopback_bind_needs_a_token(ingest) -> None:
    with pytest.raises(UserError, match="set a token"):
        IngestServer(Sink(), host="0.0.0.0", port=0)
    with pytest.raises(UserError, match="too short"):
        IngestServer(Sink(), host="0.0.0.0", port=0, token="short")
    token = "t" * 24
    server, sink = ingest(host="0.0.0.0", token=token)
    port = server.address[1]
    conn_server = type("S", (), {"address": ("127.0.0.1", port), "token": None})
    assert post(conn_server, event("a"))[0] == 401
    assert post(conn_server, event("a"), {"Authorization": "Bearer wrong" + token})[0] == 401
    assert post(conn_server, event("a"), {"Authorization": f"Bearer {token}"})[0] == 200
    assert post(conn_server, event("b"), {"x-token": token})[0] == 200
    assert len(sink.events) == 2


def test_feeds_the_hub_end_to_end(ingest, tmp_path) -> None:
    from tests.unit.show.helpers import make_controller

    controller = make_controller(tmp_path)
    hub = AudienceHub(controller)
    server = IngestServer(hub.submit, port=0)
    server.start()
    try:
        post(server, [event("a"), event("a")])
        post(server, event("a"))  # the platform delivered twice
    finally:
        server.close()
    assert hub.process_pending() == 1
    assert controller.journal.count("audience.comment") == 1
    controller.close()


# ---------------------------------------------------------------- WebSocket (a hand-written client)


class WsClient:
    """RFC 6455 client written here independently of the server's code."""

    def __init__(self, address, path="/v1/ws", headers: dict | None = None) -> None:
        self.sock = socket.create_connection(address, timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {address[0]}:{address[1]}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            *(f"{k}: {v}" for k, v in (headers or {}).items()),
        ]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buf += chunk
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        self.status = int(head.split(b" ")[1])
        expected = base64.b64encode(
            hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
        )
        if self.status == 101:
            assert expected in head

    def send(self, payload: bytes, opcode: int = 1, fin: bool = True, mask: bool = True) -> None:
        header = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        flag = 0x80 if mask else 0
        if n < 126:
            header += bytes([flag | n])
        elif n < 65536:
            header += bytes([flag | 126]) + n.to_bytes(2, "big")
        else:
            header += bytes([flag | 127]) + n.to_bytes(8, "big")
        if mask:
            key = os.urandom(4)
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
            header += key
        self.sock.sendall(header + payload)

    def _exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def recv(self) -> tuple[int, bytes]:
        b1, b2 = self._exact(2)
        n = b2 & 0x7F
        if n == 126:
            n = int.from_bytes(self._exact(2), "big")
        elif n == 127:
            n = int.from_bytes(self._exact(8), "big")
        return b1 & 0x0F, self._exact(n)

    def recv_json(self) -> dict:
        opcode, data = self.recv()
        assert opcode == 1
        return json.loads(data)

    def close(self) -> None:
        self.sock.close()


def test_websocket_events_batches_and_malformed_messages(ingest) -> None:
    server, sink = ingest()
    ws = WsClient(server.address, headers=auth(server))
    assert ws.status == 101
    ws.send(json.dumps(event("w1"), ensure_ascii=False).encode())
    assert ws.recv_json()["accepted"] == 1
    ws.send(json.dumps([event("w2"), event("w1")]).encode())
    result = ws.recv_json()
    assert (result["accepted"], result["duplicates"]) == (1, 1)
    ws.send(b"{oops")
    assert ws.recv_json()["error"].startswith("body is not valid JSON")
    ws.send(json.dumps(event("w3", ts_ms="soon")).encode())
    assert "ts_ms: expected a whole number" in ws.recv_json()["error"]
    ws.send(b"\x00\x01", opcode=2)
    assert "text" in ws.recv_json()["error"]
    # fragmented message + a ping in between
    body = json.dumps(event("w4")).encode()
    ws.send(body[:10], opcode=1, fin=False)
    ws.send(b"hi", opcode=9)
    assert ws.recv() == (10, b"hi")
    ws.send(body[10:], opcode=0, fin=True)
    assert ws.recv_json()["accepted"] == 1
    # a large (but allowed) message uses the 16-bit length
    batch = [event(f"big{i}", text="长" * 300) for i in range(40)]
    ws.send(json.dumps(batch, ensure_ascii=False).encode())
    assert ws.recv_json()["accepted"] == 40
    ws.send(b"\x03\xe8", opcode=8)
    assert ws.recv()[0] == 8
    ws.close()
    assert [e.msg_id for e in sink.events][:3] == ["w1", "w2", "w4"]
    assert len(sink.events) == 43


def test_websocket_protocol_violations_close_only_that_connection(ingest) -> None:
    server, sink = ingest()
    reserved = WsClient(server.address, headers=auth(server))
    reserved.send(json.dumps(event("x")).encode(), opcode=0x1 | 0x20)  # RSV2 set: not allowed
    opcode, data = reserved.recv()
    assert opcode == 8 and int.from_bytes(data[:2], "big") == 1002
    reserved.close()

    huge = WsClient(server.address, headers=auth(server))
    huge.send(b"[" + b" " * 70_000 + b"]")
    opcode, data = huge.recv()
    assert opcode == 8 and int.from_bytes(data[:2], "big") == 1009
    huge.close()

    ok = WsClient(server.address, headers=auth(server))
    ok.send(json.dumps(event("fine")).encode())
    assert ok.recv_json()["accepted"] == 1
    ok.close()
    assert [e.msg_id for e in sink.events] == ["fine"]


def test_websocket_handshake_checks(ingest) -> None:
    token = "k" * 20
    server, _ = ingest(host="0.0.0.0", token=token)
    address = ("127.0.0.1", server.address[1])
    assert WsClient(address).status == 401
    assert WsClient(address, path=f"/v1/ws?token={token}").status == 400  # never in a URL
    assert WsClient(address, headers={"Authorization": f"Bearer {token}"}).status == 101
    protocols = {"Sec-WebSocket-Protocol": f"live-console.v1, live-console.token.{token}"}
    assert WsClient(address, headers=protocols).status == 101

    signed_server, _ = ingest(secret=SECRET)
    # the handshake must be signed
    assert WsClient(signed_server.address, headers=auth(signed_server)).status == 401
    ws = WsClient(signed_server.address, headers={**signed(b""), **auth(signed_server)})
    assert ws.status == 101
    ws.send(json.dumps(event("sig")).encode())
    assert ws.recv_json()["accepted"] == 1
    ws.close()


def test_parsed_events_are_audience_events(ingest) -> None:
    server, sink = ingest()
    post(server, event("z"))
    assert sink.events[0] == parse_event(event("z"))
