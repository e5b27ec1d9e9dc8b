"""The obs-websocket control port under the local server policy: Host and Origin checks, a
password always, failed logins limited per peer, message size, identify deadline, client cap,
and the password never in a log line."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from console.control.obsws import AuthLimiter, ObsWebSocketServer, auth_string
from console.control.show_target import ShowTarget
from console.errors import UserError
from console.show.controller import ShowController
from console.show.demo import copy_demo_show

PASSWORD = "s3cret-control-password"


@pytest.fixture
def target(tmp_path: Path):
    controller = ShowController.open(copy_demo_show(tmp_path / "show"))
    target = ShowTarget(controller)
    yield target
    target.close()
    controller.close()


@pytest.fixture
def server(target: ShowTarget):
    srv = ObsWebSocketServer(
        target,
        PASSWORD,
        port=0,
        limiter=AuthLimiter(max_failures=3, window_s=600),
        max_clients=4,
        max_message=4096,
        identify_timeout_s=0.5,
    )
    srv.start()
    yield srv
    srv.close()


def _open(url: str, **kwargs):
    return connect(url, open_timeout=10, legacy=True, **kwargs)


def _identify(ws, password: str) -> None:
    hello = json.loads(ws.recv(timeout=10))["d"]["authentication"]
    auth = auth_string(password, hello["salt"], hello["challenge"])
    ws.send(json.dumps({"op": 1, "d": {"rpcVersion": 1, "authentication": auth}}))


def _close_code(ws) -> int:
    with pytest.raises(ConnectionClosed) as info:
        while True:
            ws.recv(timeout=10)
    assert info.value.rcvd is not None
    return info.value.rcvd.code


def test_a_password_is_always_required(target: ShowTarget) -> None:
    for password in ("", "short"):
        with pytest.raises(UserError, match="password of at least 8 characters"):
            ObsWebSocketServer(target, password, port=0)


def test_repeated_failures_lock_the_peer_out_even_with_the_right_password(server) -> None:
    for _ in range(3):
        ws = _open(server.url)
        _identify(ws, "wrong-password!")
        assert _close_code(ws) == 4009
    ws = _open(server.url)
    _identify(ws, PASSWORD)
    with pytest.raises(ConnectionClosed) as info:
        ws.recv(timeout=10)
    assert info.value.rcvd is not None and info.value.rcvd.code == 4009
    assert "Too many failed logins" in info.value.rcvd.reason


def test_a_success_clears_earlier_failures(server) -> None:
    for _ in range(2):
        ws = _open(server.url)
        _identify(ws, "wrong-password!")
        assert _close_code(ws) == 4009
    ws = _open(server.url)
    _identify(ws, PASSWORD)
    assert json.loads(ws.recv(timeout=10))["op"] == 2
    ws.close()
    ws = _open(server.url)  # two more failures do not reach the limit of three
    _identify(ws, "wrong-password!")
    assert _close_code(ws) == 4009
    ws = _open(server.url)
    _identify(ws, PASSWORD)
    assert json.loads(ws.recv(timeout=10))["op"] == 2
    ws.close()


def test_limiter_window_passes() -> None:
    now = [0.0]
    limiter = AuthLimiter(max_failures=2, window_s=60, clock=lambda: now[0])
    limiter.failed("p")
    limiter.failed("p")
    assert limiter.blocked_for("p") == pytest.approx(60)
    assert limiter.blocked_for("other") == 0
    now[0] = 61
    assert limiter.blocked_for("p") == 0


def test_foreign_host_is_refused(server) -> None:
    host, port = server.address
    upgrade = (
        f"GET / HTTP/1.1\r\nHost: evil.example:{port}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(upgrade.encode())
        answer = sock.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 421")
    assert "is not this server" in answer


def test_browser_origin_is_refused_unless_allowed(server, target) -> None:
    with pytest.raises(InvalidStatus) as info:
        _open(server.url, origin="https://evil.example")
    assert info.value.response.status_code == 403
    assert b"not allowed" in info.value.response.body
    # no Origin (obs-websocket clients) and the server's own origin are fine
    _open(server.url).close()
    _open(server.url, origin=f"http://127.0.0.1:{server.address[1]}").close()
    allowed = ObsWebSocketServer(
        target, PASSWORD, port=0, allowed_origins=("http://localhost:3000",)
    )
    allowed.start()
    try:
        ws = _open(allowed.url, origin="http://localhost:3000")
        _identify(ws, PASSWORD)
        assert json.loads(ws.recv(timeout=10))["op"] == 2
        ws.close()
    finally:
        allowed.close()


def test_oversized_message_closes_the_connection(server) -> None:
    ws = _open(server.url, max_size=None)
    _identify(ws, PASSWORD)
    assert json.loads(ws.recv(timeout=10))["op"] == 2
    big = {"op": 6, "d": {"requestType": "GetVersion", "requestId": "x" * 8000}}
    ws.send(json.dumps(big))
    assert _close_code(ws) == 1009


def test_a_silent_client_is_closed_4007_after_the_identify_deadline(server) -> None:
    ws = _open(server.url)
    assert json.loads(ws.recv(timeout=10))["op"] == 0
    assert _close_code(ws) == 4007


def test_client_cap(server) -> None:
    open_ones = [_open(server.url) for _ in range(4)]
    try:
        with pytest.raises(InvalidStatus) as info:
            _open(server.url)
        assert info.value.response.status_code == 503
    finally:
        for ws in open_ones:
            ws.close()


def test_plain_http_gets_a_one_line_json_refusal(server) -> None:
    host, port = server.address
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        answer = sock.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 400")
    assert "connect with a WebSocket client" in answer


def test_password_and_auth_strings_never_logged(server, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    ws = _open(server.url)
    hello = json.loads(ws.recv(timeout=10))["d"]["authentication"]
    good = auth_string(PASSWORD, hello["salt"], hello["challenge"])
    ws.send(json.dumps({"op": 1, "d": {"rpcVersion": 1, "authentication": good + "x"}}))
    assert _close_code(ws) == 4009
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "4009" in text  # the close is logged …
    assert PASSWORD not in text and good not in text  # … without the secret
