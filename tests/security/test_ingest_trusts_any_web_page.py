"""Issue 10, defect 1: the ingest trusted any web page (a ``text/plain`` POST from a page the
operator opens, its WebSocket, DNS rebinding). Now: a foreign ``Host`` or ``Origin`` is refused,
writes need ``Content-Type: application/json`` and the token, also on loopback; the token is
never taken from a URL, is kept across restarts, and is redacted."""

from __future__ import annotations

import json
import os
import stat

import pytest

from console.audience.ingest import IngestServer, local_token
from console.redaction import redact
from console.server.tokens import token_file
from tests.security.ingest_clients import comment, host_header, http_request, start, ws_handshake


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


def test_a_browser_text_plain_post_from_a_foreign_origin_is_refused(served) -> None:
    server, sink = served()
    body = json.dumps(comment("evil-1")).encode()
    # what fetch(url, {method: "POST", mode: "no-cors", body}) sends: no preflight
    status, answer = http_request(
        server,
        body,
        {
            "Host": host_header(server),
            "Origin": "http://evil.example",
            "Content-Type": "text/plain;charset=UTF-8",
        },
    )
    assert status == 403 and "evil.example" in answer["error"] and answer["ok"] is False
    # even with the token, a page's Origin is not in the (empty) allow-list
    status, _ = http_request(
        server,
        body,
        {
            "Host": host_header(server),
            "Origin": "http://evil.example",
            "Content-Type": "application/json",
            "Authorization": f"Bearer {server.token}",
        },
    )
    assert status == 403
    assert sink.events == []


def test_dns_rebinding_host_is_refused(served) -> None:
    server, sink = served()
    body = json.dumps(comment("rebind")).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"}
    port = server.address[1]
    status, answer = http_request(server, body, {"Host": f"evil.example:{port}", **headers})
    assert status == 421 and "evil.example" in answer["error"]
    status, _ = http_request(server, b"", {"Host": "evil.example"}, method="GET", path="/v1/health")
    assert status == 421
    assert sink.events == []
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        status, _ = http_request(server, b"", {"Host": host}, method="GET", path="/v1/health")
        assert status == 200, host


def test_writes_need_the_token_and_json_also_on_loopback(served) -> None:
    server, sink = served()
    body = json.dumps(comment("t1")).encode()
    base = {"Host": host_header(server)}
    status, answer = http_request(server, body, {**base, "Content-Type": "application/json"})
    assert status == 401 and "token" in answer["error"]
    wrong = {**base, "Content-Type": "application/json", "Authorization": "Bearer " + "x" * 43}
    assert http_request(server, body, wrong)[0] == 401
    auth = {**base, "Authorization": f"Bearer {server.token}"}
    status, answer = http_request(server, body, {**auth, "Content-Type": "text/plain"})
    assert status == 415 and "application/json" in answer["error"]
    assert sink.events == []
    status, answer = http_request(server, body, {**auth, "Content-Type": "application/json"})
    assert (status, answer["accepted"]) == (200, 1)


def test_an_allowed_origin_may_call(served) -> None:
    server, sink = served(allowed_origins=("http://localhost:3000",))
    body = json.dumps(comment("ok-origin")).encode()
    headers = {
        "Host": host_header(server),
        "Origin": "http://localhost:3000",
        "Content-Type": "application/json",
        "Authorization": f"Bearer {server.token}",
    }
    assert http_request(server, body, headers)[0] == 200
    assert len(sink.events) == 1


def test_websocket_from_a_foreign_origin_is_refused(served) -> None:
    server, sink = served()
    auth = {"Authorization": f"Bearer {server.token}"}
    assert ws_handshake(server, headers={**auth, "Origin": "http://evil.example"}) == (403, None)
    assert ws_handshake(server, origin="http://evil.example", headers=auth) == (403, None)
    assert ws_handshake(server) == (401, None)  # no token
    assert sink.events == []
    assert ws_handshake(server, headers=auth) == (None, None)
    # a browser cannot set headers: the token rides as a second offered subprotocol
    protocols = ("live-console.v1", f"live-console.token.{server.token}")
    assert ws_handshake(server, protocols=protocols) == (None, "live-console.v1")
    assert len(sink.events) == 2


def test_a_token_in_the_url_is_refused_and_never_logged(served, caplog) -> None:
    server, sink = served()
    caplog.set_level("DEBUG")
    for path in (f"/v1/ws?token={server.token}", f"/v1/events?token={server.token}"):
        status, answer = http_request(
            server,
            json.dumps(comment("url")).encode(),
            {"Host": host_header(server), "Content-Type": "application/json"},
            method="GET" if "ws" in path else "POST",
            path=path,
        )
        assert status == 400 and "URL" in answer["error"]
    assert sink.events == []
    assert server.token not in caplog.text
    assert redact(f"token {server.token}") == "token ****"


def test_the_token_is_generated_once_and_kept(served) -> None:
    import keyring

    first, _ = served()
    token = first.token
    assert token == local_token() and len(token) >= 32
    first.close()
    again = IngestServer(port=0)
    assert again.token == token  # a relay configured once keeps working
    assert keyring.get_password("live-console", "server-token:audience-ingest") == token


def test_without_a_keyring_the_token_is_kept_in_a_0600_file(monkeypatch, tmp_path) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        token = local_token()
    finally:
        keyring.set_keyring(previous)
    file = token_file("audience-ingest")
    assert file.read_text().strip() == token
    if os.name == "posix":
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
