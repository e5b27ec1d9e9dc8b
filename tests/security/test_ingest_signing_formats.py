"""Issue 10, defect 10 (the ingest's part): the signed text ``timestamp + nonce + body`` could be
split more than one way (a 10-digit timestamp and a nonce starting with digits read as a 13-digit
one), so one signature could pass with another nonce and slip past replay protection. Now the
timestamp is exactly 10 or 13 digits, the nonce starts with a letter (16–64 of
``A-Z a-z 0-9 _ -``) and a signed body starts with ``{`` or ``[``: one split only."""

from __future__ import annotations

import json
import time

import pytest

from console.audience.ingest import sign
from tests.security.ingest_clients import comment, host_header, http_request, start

SECRET = "signing-secret-for-tests"


@pytest.fixture
def server():
    server, sink = start(secret=SECRET)
    server.sink = sink
    yield server
    server.close()


def _post(server, body: bytes, ts: str, nonce: str, signature: str | None = None):
    headers = {
        "Host": host_header(server),
        "Authorization": f"Bearer {server.token}",
        "Content-Type": "application/json",
        "x-timestamp": ts,
        "x-nonce-str": nonce,
        "x-signature": signature or sign(SECRET, ts, nonce, body),
    }
    return http_request(server, body, headers)


def test_one_signature_cannot_be_split_another_way(server) -> None:
    body = json.dumps(comment("split")).encode()
    ts_ms = str(int(time.time() * 1000))  # 13 digits
    nonce = "abcdefghijklmnop"
    signature = sign(SECRET, ts_ms, nonce, body)
    assert _post(server, body, ts_ms, nonce, signature)[0] == 200
    # the same signed bytes split as 10 digits of seconds and a "new" nonce: a replay that the
    # nonce store would not recognise — refused by the format (a nonce starts with a letter)
    status, answer = _post(server, body, ts_ms[:10], ts_ms[10:] + nonce, signature)
    assert status == 401 and "x-nonce-str" in answer["error"]
    assert [e.msg_id for e in server.sink.events] == ["split"]
    assert server.stats["accepted"] == 1 and server.stats["duplicates"] == 0


def test_the_formats(server) -> None:
    body = json.dumps(comment("fmt")).encode()
    now = int(time.time())
    good_nonce = "n" + "A1_-" * 4
    for ts in (str(now)[:9], str(now) + "1", str(now * 1000) + "0", f"+{now}", f"{now}.0"):
        status, answer = _post(server, body, ts, good_nonce)
        assert status == 401 and "x-timestamp" in answer["error"], ts
    for nonce in ("short1", "n" * 65, "nonce with spaces!!", "-startsWithDash0000"):
        status, answer = _post(server, body, str(now), nonce)
        assert status == 401 and "x-nonce-str" in answer["error"], nonce
    status, answer = _post(server, b" " + body, str(now), good_nonce)
    assert status == 200  # whitespace is not a nonce character
    status, answer = _post(server, body, str(now), good_nonce + "x", "zz" * 32)
    assert status == 401 and "hex" in answer["error"]
    status, answer = _post(server, body, str(now * 1000), "m" + "b" * 20)  # 13 digits: ms
    assert status == 200 and answer["duplicates"] == 1
    assert [e.msg_id for e in server.sink.events] == ["fmt"]


def test_a_nonce_is_used_once(server) -> None:
    body = json.dumps(comment("once")).encode()
    ts = str(int(time.time()))
    assert _post(server, body, ts, "nonce-used-once-01")[0] == 200
    status, answer = _post(server, body, ts, "nonce-used-once-01")
    assert status == 409 and "already used" in answer["error"]


def test_the_token_and_secret_never_reach_the_log(server, caplog) -> None:
    caplog.set_level("DEBUG")
    body = json.dumps(comment("log")).encode()
    ts = str(int(time.time()))
    _post(server, body, ts, "nonce-for-the-log-1", "00" * 32)  # refused, logged
    http_request(
        server,
        body,
        {"Host": "evil.example", "Authorization": f"Bearer {server.token}"},
    )
    http_request(server, b"", {"Host": host_header(server)}, "GET", f"/v1/ws?token={server.token}")
    assert caplog.records  # the refusals were logged …
    assert server.token not in caplog.text and SECRET not in caplog.text  # … without secrets
