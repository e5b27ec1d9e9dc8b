"""Issue 10, defect 3: malformed requests crashed the handler (a ``Content-Length`` of ``²``
passed ``isdigit()``; JSON nested ~1,000 deep raised RecursionError). Now every malformed head,
length, encoding and body gets a 400 (413 when too large) with a JSON reason, no traceback, and
the server serves the next request."""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest

from tests.security.ingest_clients import comment, host_header, http_request, raw_exchange, start


@pytest.fixture
def server():
    server, sink = start()
    server.sink = sink
    yield server
    server.close()


@pytest.fixture
def no_tracebacks(caplog):
    caplog.set_level(logging.DEBUG)
    yield
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert "Traceback" not in record.getMessage()


def _head(server, extra: str) -> bytes:
    return (
        f"POST /v1/events HTTP/1.1\r\nHost: {host_header(server)}\r\n"
        f"Authorization: Bearer {server.token}\r\nContent-Type: application/json\r\n"
        f"{extra}\r\n"
    ).encode()


BODY = json.dumps(comment("m")).encode()
MALFORMED = {
    "superscript two length": ("Content-Length: \u00b2\r\n", b"x"),
    "negative length": ("Content-Length: -5\r\n", BODY),
    "huge length": ("Content-Length: 99999999999999999999999999\r\n", BODY),
    "conflicting lengths": (f"Content-Length: {len(BODY)}\r\nContent-Length: 3\r\n", BODY),
    "length and chunked": (f"Content-Length: {len(BODY)}\r\nTransfer-Encoding: chunked\r\n", BODY),
    "bad chunk size": ("Transfer-Encoding: chunked\r\n", b"zz\r\n" + BODY + b"\r\n0\r\n\r\n"),
    "unknown transfer coding": ("Transfer-Encoding: gzip, chunked\r\n", b"0\r\n\r\n"),
    "control byte in a header": ("X-Bad: a\x01b\r\n", b""),
    "header without a colon": ("no colon here\r\n", b""),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_heads_get_400_with_a_reason(server, no_tracebacks, case) -> None:
    extra, body = MALFORMED[case]
    status, answer = raw_exchange(server.address, _head(server, extra) + body)
    assert status == 400 and answer["ok"] is False and answer["error"], answer
    assert server.sink.events == []
    headers = {
        "Host": host_header(server),
        "Authorization": f"Bearer {server.token}",
        "Content-Type": "application/json",
    }
    assert http_request(server, BODY, headers)[0] == 200  # the next request is served
    assert len(server.sink.events) == 1


def test_garbage_request_lines(server, no_tracebacks) -> None:
    for line in (
        b"GARBAGE\r\n\r\n",
        b"GET /v1/health HTTP/9.9\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01",
    ):
        status, answer = raw_exchange(server.address, line + b"\r\n\r\n")
        assert status == 400 and answer["error"]


def _post(server, body: bytes) -> tuple[int, dict]:
    headers = {
        "Host": host_header(server),
        "Authorization": f"Bearer {server.token}",
        "Content-Type": "application/json",
    }
    return http_request(server, body, headers)


def test_bad_bodies(server, no_tracebacks) -> None:
    assert _post(server, b"\xff\xfe{}") == (400, {"ok": False, "error": "body is not UTF-8"})
    deep = b"[" * 1000 + b"]" * 1000
    assert _post(server, deep) == (
        400,
        {"ok": False, "error": "JSON nested deeper than 64 levels"},
    )
    deep_in_event = json.dumps(comment("d")).encode()[:-1] + b', "x": ' + deep + b"}"
    assert _post(server, deep_in_event)[0] == 400
    # brackets inside strings are text, not nesting
    status, answer = _post(server, json.dumps(comment("brackets", "[" * 200)).encode())
    assert (status, answer["accepted"]) == (200, 1)
    status, answer = _post(server, b'{"events": [1, 2')
    assert status == 400 and answer["error"].startswith("body is not valid JSON")
    assert [e.msg_id for e in server.sink.events] == ["brackets"]


def test_oversize_bodies_get_413(server, no_tracebacks) -> None:
    big = json.dumps(comment("big", "x" * 70_000)).encode()
    status, answer = _post(server, big)
    assert status == 413 and "64 KB" in answer["error"]
    # the same body chunked (no Content-Length to refuse up front)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(big), big)
    status, answer = raw_exchange(
        server.address, _head(server, "Transfer-Encoding: chunked\r\n") + chunked
    )
    assert status == 413 and "64 KB" in answer["error"]
    assert server.sink.events == []
    assert _post(server, json.dumps(comment("after")).encode())[0] == 200


def test_websocket_deep_nesting_and_oversize_messages(server, no_tracebacks) -> None:
    async def go() -> None:
        auth = {"Authorization": f"Bearer {server.token}"}
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"{server.url}/v1/ws", headers=auth) as ws,
        ):
            await ws.send_str("[" * 1000 + "]" * 1000)
            assert await ws.receive_json(timeout=10) == {
                "ok": False,
                "error": "JSON nested deeper than 64 levels",
            }
            await ws.send_bytes(b"\xff\xfe")
            assert "text" in (await ws.receive_json(timeout=10))["error"]
            await ws.send_str(json.dumps(comment("ws-ok")))
            assert (await ws.receive_json(timeout=10))["accepted"] == 1
            await ws.send_str("[" + " " * 70_000 + "]")
            message = await ws.receive(timeout=10)
            assert message.type == aiohttp.WSMsgType.CLOSE
            assert message.data == aiohttp.WSCloseCode.MESSAGE_TOO_BIG

    asyncio.run(go())
    assert [e.msg_id for e in server.sink.events] == ["ws-ok"]
    assert _post(server, json.dumps(comment("after-ws")).encode())[0] == 200
