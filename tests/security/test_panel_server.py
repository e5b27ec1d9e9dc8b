"""The phone panel's endpoints under the local server policy: a foreign Origin, a rebinding Host,
no token, a token in the URL and oversize bodies and messages are refused; a forged action is
refused by role whatever the page shows; a revoked device's live socket is closed; the page is
served with a CSP that allows only itself."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import requests
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from console.audience.hub import AudienceHub
from console.panel.pairing import PairingStore
from console.panel.server import CLOSE_REVOKED, PanelServer
from console.panel.show_target import ShowPanelTarget
from console.show.controller import ShowController
from console.show.demo import copy_demo_show

PROTO = "live-console.v1"


@pytest.fixture
def panel(tmp_path: Path):
    controller = ShowController.open(copy_demo_show(tmp_path / "show"))
    hub = AudienceHub(controller)
    stopped: list[bool] = []
    target = ShowPanelTarget(controller, hub, stop_stream=lambda: stopped.append(True))
    store = PairingStore(tmp_path / "panel" / "devices.json")
    server = PanelServer(target, store, port=0, max_message=2048)
    server.start()
    server.stopped = stopped  # type: ignore[attr-defined]
    yield server
    server.close()
    target.close()
    controller.close()


def _pair(server: PanelServer, role: str, name: str = "phone") -> str:
    code = server.store.code_for(role).code
    r = requests.post(
        server.base_url + "/panel/pair",
        json={"code": code, "device": name},
        headers={"Origin": server.base_url},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.json()["token"]


def _ws(server: PanelServer, token: str | None, **kwargs):
    protocols = [PROTO] + ([f"live-console.token.{token}"] if token else [])
    kwargs.setdefault("origin", server.base_url)
    url = server.base_url.replace("http://", "ws://") + "/panel/ws"
    return connect(url, subprotocols=protocols, open_timeout=10, **kwargs)


def _until(ws, kind: str) -> dict:
    while True:
        msg = json.loads(ws.recv(timeout=10))
        if msg["type"] == kind:
            return msg


def test_the_page_is_served_with_a_self_only_csp(panel: PanelServer) -> None:
    r = requests.get(panel.base_url + "/panel/", timeout=10)
    assert r.status_code == 200 and "app.js" in r.text
    assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(panel.base_url + "/panel/../pyproject.toml", timeout=10).status_code == 404
    assert requests.get(panel.base_url + "/panel/pairing.py", timeout=10).status_code == 404


def test_a_foreign_origin_is_refused_on_every_panel_endpoint(panel: PanelServer) -> None:
    code = panel.store.code_for("host").code
    evil = {"Origin": "http://evil.example"}
    r = requests.post(
        panel.base_url + "/panel/pair", json={"code": code, "device": "x"}, headers=evil, timeout=10
    )
    assert r.status_code == 403 and "not allowed" in r.json()["error"]
    assert panel.store.devices() == []  # the code was not spent
    assert requests.get(panel.base_url + "/panel/", headers=evil, timeout=10).status_code == 403
    token = _pair(panel, "host")
    with pytest.raises(InvalidStatus) as info:
        _ws(panel, token, origin="http://evil.example")
    assert info.value.response.status_code == 403
    with pytest.raises(InvalidStatus) as info:
        _ws(panel, token, origin="null")
    assert info.value.response.status_code == 403


def test_a_rebinding_host_is_refused(panel: PanelServer) -> None:
    host = {"Host": f"attacker.example:{panel.address[1]}"}
    for method, path in (("GET", "/panel/"), ("POST", "/panel/pair"), ("GET", "/panel/ws")):
        r = requests.request(method, panel.base_url + path, headers=host, timeout=10)
        assert r.status_code == 421, (path, r.text)
        assert "is not this server" in r.json()["error"]


def test_no_token_no_socket_and_no_token_in_the_url(panel: PanelServer) -> None:
    with pytest.raises(InvalidStatus) as info:
        _ws(panel, None)
    assert info.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as info:
        _ws(panel, "not-a-paired-device-token-at-all")
    assert info.value.response.status_code == 401
    token = _pair(panel, "host")
    r = requests.get(panel.base_url + f"/panel/ws?token={token}", timeout=10)
    assert r.status_code == 400 and "never put the token in the URL" in r.json()["error"]
    r = requests.get(panel.base_url + "/panel/session", timeout=10)
    assert r.json()["paired"] is False


def test_the_cookie_is_httponly_strict_and_opens_the_socket(panel: PanelServer) -> None:
    code = panel.store.code_for("viewer").code
    r = requests.post(
        panel.base_url + "/panel/pair", json={"code": code, "device": "tv"}, timeout=10
    )
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/panel" in cookie
    token = r.json()["token"]
    with _ws(panel, None, additional_headers={"Cookie": f"lc_panel={token}"}) as ws:
        hello = _until(ws, "hello")
        assert hello["role"] == "viewer" and hello["actions"] == []
        state = _until(ws, "state")
        assert "products" not in state and "chat" not in state and "numbers" in state


def test_oversize_bodies_and_messages_are_refused(panel: PanelServer) -> None:
    big = json.dumps({"code": "123456", "device": "x" * 10_000})
    r = requests.post(
        panel.base_url + "/panel/pair",
        data=big,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert r.status_code == 413 and "limit" in r.json()["error"]
    r = requests.post(panel.base_url + "/panel/pair", data="code=1", timeout=10)
    assert r.status_code == 415
    token = _pair(panel, "host")
    with _ws(panel, token) as ws:
        _until(ws, "state")
        ws.send(json.dumps({"type": "action", "action": "pin_product", "args": {"x": "y" * 5000}}))
        with pytest.raises(ConnectionClosed) as info:
            while True:
                ws.recv(timeout=10)
        assert info.value.rcvd is not None and info.value.rcvd.code == 1009


def test_a_forged_stop_from_the_assistant_is_refused_by_role(panel: PanelServer, caplog) -> None:
    token = _pair(panel, "assistant", "Li's phone")
    with _ws(panel, token) as ws:
        hello = _until(ws, "hello")
        assert "stop_stream" not in hello["actions"]
        ws.send(json.dumps({"type": "action", "action": "stop_stream", "args": {}, "id": 7}))
        result = _until(ws, "result")
    assert result == {
        "type": "result",
        "id": 7,
        "ok": False,
        "reason": "only the host may stop the stream (this device is paired as assistant)",
    }
    assert panel.stopped == []  # type: ignore[attr-defined]


def test_a_moderator_cannot_pin_a_product(panel: PanelServer) -> None:
    token = _pair(panel, "moderator")
    with _ws(panel, token) as ws:
        _until(ws, "state")
        ws.send(
            json.dumps(
                {
                    "type": "action",
                    "action": "pin_product",
                    "args": {"product_id": "CUP-316-500"},
                    "id": 1,
                }
            )
        )
        result = _until(ws, "result")
    assert result["ok"] is False
    assert result["reason"].startswith("only the host or assistant may pin a product")
    assert panel.target.controller.state.pinned is None  # type: ignore[attr-defined]


def test_a_revoked_device_is_disconnected_and_cannot_return(panel: PanelServer, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    token = _pair(panel, "assistant")
    with _ws(panel, token) as ws:
        _until(ws, "state")
        panel.store.revoke(panel.store.devices()[0].device_id)
        with pytest.raises(ConnectionClosed) as info:
            while True:
                ws.recv(timeout=10)
        assert info.value.rcvd is not None and info.value.rcvd.code == CLOSE_REVOKED
    with pytest.raises(InvalidStatus) as refused:
        _ws(panel, token)
    assert refused.value.response.status_code == 401
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("console")]
    assert ours and not any(token in line for line in ours)  # the token is never logged


def test_wrong_codes_lock_pairing_out(panel: PanelServer) -> None:
    right = panel.store.code_for("host").code
    wrong = "000000" if right != "000000" else "111111"
    statuses = []
    for _ in range(6):
        r = requests.post(
            panel.base_url + "/panel/pair", json={"code": wrong, "device": "x"}, timeout=10
        )
        statuses.append(r.status_code)
    assert statuses == [401] * 5 + [429]
    r = requests.post(
        panel.base_url + "/panel/pair", json={"code": right, "device": "x"}, timeout=10
    )
    assert r.status_code == 429 and "too many wrong codes" in r.json()["error"]
