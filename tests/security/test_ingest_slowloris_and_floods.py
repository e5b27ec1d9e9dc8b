"""Issue 10, defect 2: one byte every few seconds held a handler thread forever and 500 such
connections stayed open. Now the whole request head and the whole body have deadlines, and
connections are capped per peer and in total — refused before any token is looked at."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from tests.security.ingest_clients import (
    comment,
    host_header,
    http_request,
    read_answer,
    read_until_eof,
    start,
)
from tests.waiting import wait_for


@pytest.fixture
def served():
    servers = []

    def make(**options):
        server, sink = start(**options)
        servers.append(server)
        return server, sink

    yield make
    for server in servers:
        server.close()


def _drip(sock: socket.socket, data: bytes, stop: threading.Event) -> None:
    """A slowloris: one byte of the head every 50 ms until the server hangs up."""
    for byte in data:
        if stop.wait(0.05):
            return
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            return


def test_a_slowloris_head_is_closed_at_the_head_deadline(served) -> None:
    server, sink = served(head_timeout_s=0.5)
    head = (
        f"POST /v1/events HTTP/1.1\r\nHost: {host_header(server)}\r\n"
        + "X-Padding: "
        + "a" * 400
        + "\r\n"
    ).encode()
    stop = threading.Event()
    with socket.create_connection(server.address, timeout=10) as sock:
        dripper = threading.Thread(target=_drip, args=(sock, head, stop), daemon=True)
        dripper.start()
        try:
            answer = read_until_eof(sock, limit_s=10)  # still dripping: the deadline holds
        finally:
            stop.set()
            dripper.join(5)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"request head not complete in 0.5 s" in answer
    assert server.stats["head_timeouts"] == 1
    assert wait_for(lambda: server.connections == 0, timeout=10)
    assert http_request(server, b"", {"Host": host_header(server)}, "GET", "/v1/health")[0] == 200
    assert sink.events == []


def test_an_idle_connection_is_closed_at_the_head_deadline(served) -> None:
    server, _ = served(head_timeout_s=0.3)
    with socket.create_connection(server.address, timeout=10) as sock:
        assert read_until_eof(sock, limit_s=10) == b""  # nothing sent: closed, no answer


def test_a_slow_body_is_refused_at_the_body_deadline(served) -> None:
    server, sink = served(body_timeout_s=0.5)
    body = json.dumps(comment("slow")).encode()
    head = (
        f"POST /v1/events HTTP/1.1\r\nHost: {host_header(server)}\r\n"
        f"Authorization: Bearer {server.token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(server.address, timeout=10) as sock:
        sock.sendall(head + body[:5])  # and the rest never comes
        status, answer = read_answer(sock)
        assert status == 408 and "body not complete" in answer["error"]
        assert read_until_eof(sock, limit_s=15) == b""
    assert sink.events == []


def test_connections_over_the_per_peer_cap_are_refused_before_the_token(served) -> None:
    server, sink = served(max_connections_per_peer=3)
    held = [socket.create_connection(server.address, timeout=10) for _ in range(3)]
    try:
        assert wait_for(lambda: server.connections == 3, timeout=10)
        body = json.dumps(comment("flood")).encode()
        headers = {"Host": host_header(server), "Content-Type": "application/json"}
        # no token at all: the cap answers first, no token work is done
        status, answer = http_request(server, body, headers)
        assert status == 503 and "too many connections from 127.0.0.1 (3)" in answer["error"]
        assert server.stats["refused_connections"] == 1
        assert server.stats["rejected_token"] == 0
    finally:
        for sock in held:
            sock.close()
    assert wait_for(lambda: server.connections == 0, timeout=10)
    auth = {"Host": host_header(server), "Authorization": f"Bearer {server.token}"}
    status, _ = http_request(server, body, {**auth, "Content-Type": "application/json"})
    assert status == 200 and len(sink.events) == 1


def test_the_total_connection_cap(served) -> None:
    server, _ = served(max_connections=2, max_connections_per_peer=10)
    held = [socket.create_connection(server.address, timeout=10) for _ in range(2)]
    try:
        assert wait_for(lambda: server.connections == 2, timeout=10)
        status, answer = http_request(server, b"", {"Host": "localhost"}, "GET", "/v1/health")
        assert status == 503 and "too many connections (2)" in answer["error"]
    finally:
        for sock in held:
            sock.close()
    assert wait_for(lambda: server.connections == 0, timeout=10)


def test_five_hundred_silent_connections_do_not_stay_open(served) -> None:
    server, _ = served(head_timeout_s=120)  # the default caps: 64 per peer, 128 in all
    held = []
    try:
        for _ in range(500):
            held.append(socket.create_connection(server.address, timeout=10))
        assert wait_for(lambda: server.stats["refused_connections"] == 500 - 64, timeout=30)
        assert server.connections == 64
    finally:
        for sock in held:
            sock.close()
    assert wait_for(lambda: server.connections == 0, timeout=30)
