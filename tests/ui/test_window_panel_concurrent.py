"""The window and a phone panel acting at the same moment leave one consistent journal.

The window pins products in a loop through its real action (the Next-product hotkey's slot, the
assistant dock's pin) on the UI thread while a real WebSocket client, paired as an assistant
through the window's own phone panel (Console ▸ Phone panel…, the live core's
``LivePanelTarget``), launches and stops coupons and pins products from another thread. Every
action either side was told succeeded is journaled exactly once, with its actor; replaying the
journal gives the state the window shows and the state a panel that connects afterwards gets.

(A panel whose socket is closed server-side reconnecting and resynchronising is
``tests/integration/test_panel_browser.py::test_a_dropped_panel_reconnects_and_resyncs``.)
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import TYPE_CHECKING

import requests
from websockets.sync.client import connect

from console.qt.QtWidgets import QApplication
from console.show.actor import Actor
from console.show.controller import replay
from tests.ui.audience_helpers import write_audience_prefs

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from console.ui.main_window import MainWindow

PROTO = "live-console.v1"
DEVICE = "Li phone"
ROUNDS = 12  # panel rounds: launch a coupon, stop it, pin a product


def _pair(server, role: str) -> str:  # noqa: ANN001
    code = server.store.code_for(role).code
    r = requests.post(
        server.base_url + "/panel/pair",
        json={"code": code, "device": DEVICE},
        headers={"Origin": server.base_url},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.json()["token"]


def _ws(server, token: str):  # noqa: ANN001, ANN202
    url = server.base_url.replace("http://", "ws://") + "/panel/ws"
    return connect(
        url,
        subprotocols=[PROTO, f"live-console.token.{token}"],
        origin=server.base_url,
        open_timeout=10,
    )


class PanelClient:
    """One assistant's phone: actions one after another, each waiting for its result."""

    def __init__(self, ws) -> None:  # noqa: ANN001
        self.ws = ws
        self.state: dict = {}
        self.ok: Counter[str] = Counter()
        self.refused: list[tuple[str, str]] = []
        self._id = 0

    def read(self) -> dict:
        msg = json.loads(self.ws.recv(timeout=20))
        if msg["type"] == "state":
            self.state = {**self.state, **msg}
        return msg

    def act(self, action: str, **args: object) -> bool:
        self._id += 1
        self.ws.send(json.dumps({"type": "action", "action": action, "args": args, "id": self._id}))
        while True:
            msg = self.read()
            if msg["type"] == "result" and msg["id"] == self._id:
                if msg["ok"]:
                    self.ok[action] += 1
                else:
                    self.refused.append((action, msg["reason"]))
                return bool(msg["ok"])

    def new_coupon(self, known: set[str]) -> str:
        """The id of a coupon launched since ``known`` (from the pushed state)."""
        while True:
            fresh = [c["id"] for c in self.state.get("coupons", []) if c["id"] not in known]
            if fresh:
                return fresh[0]
            self.read()


def test_window_and_panel_at_once_leave_one_consistent_journal(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    write_audience_prefs(simulated=False)
    window = make_window()
    assert window.assistant is not None
    window.open_phone_panel()  # Console ▸ Phone panel…: the panel on the window's live core
    server = window.panel_server
    assert server is not None
    token = _pair(server, "assistant")
    panel_actor = Actor("panel", device=DEVICE, role="assistant").text
    controller = window.controller
    products = list(controller.state.products)
    templates = [t.id for t in controller.promotions if t.type == "coupon"]
    assert len(products) >= 3 and templates

    window_pins: list[str] = []
    window.assistant.command_done.connect(window_pins.append)
    errors: list[BaseException] = []
    panel_started = threading.Event()
    clients: list[PanelClient] = []

    def panel_side() -> None:
        try:
            with _ws(server, token) as ws:
                client = PanelClient(ws)
                clients.append(client)
                while "coupons" not in client.state:
                    client.read()
                panel_started.set()
                known: set[str] = {c["id"] for c in client.state["coupons"]}
                for i in range(ROUNDS):
                    if client.act("launch_coupon", template=templates[i % len(templates)]):
                        coupon = client.new_coupon(known)
                        known.add(coupon)
                        client.act("stop_coupon", coupon_id=coupon)
                    client.act("pin_product", product_id=products[(i * 2) % len(products)])
        except BaseException as exc:  # reported on the test's thread
            errors.append(exc)
        finally:
            panel_started.set()

    worker = threading.Thread(target=panel_side, name="panel-client", daemon=True)
    worker.start()
    qtbot.waitUntil(panel_started.is_set, timeout=20000)
    presses = 0
    while worker.is_alive() and presses < 2000:  # the window acts while the phone does
        window.hotkey_next_product()  # the Next-product hotkey's slot: the assistant's pin
        presses += 1
        QApplication.processEvents()
    worker.join(60)
    assert not worker.is_alive() and not errors, errors
    client = clients[0]
    assert client.ok["launch_coupon"] == client.ok["stop_coupon"] == ROUNDS, client.refused
    assert client.ok["pin_product"] >= 1 and presses >= 1

    events = list(controller.journal.events())
    seqs = [e.seq for e in events]
    assert seqs == sorted(set(seqs))  # one row each, in one order
    by_actor = Counter((e.kind, e.actor) for e in events if e.kind.startswith("show."))
    window_actor = "assistant"  # the window's assistant dock journals as `assistant`
    assert by_actor[("show.product_pinned", window_actor)] == window_pins.count("pin_product")
    assert by_actor[("show.product_pinned", panel_actor)] == client.ok["pin_product"]
    assert by_actor[("show.coupon_launched", panel_actor)] == ROUNDS
    assert by_actor[("show.coupon_stopped", panel_actor)] == ROUNDS
    panel_seqs = [e.seq for e in events if e.actor == panel_actor]
    window_seqs = [e.seq for e in events if e.actor == window_actor]
    # the two really acted at the same time: window rows fall between the phone's
    assert any(panel_seqs[0] < s < panel_seqs[-1] for s in window_seqs)
    actors = {a for (k, a) in by_actor if k in ("show.product_pinned", "show.coupon_launched")}
    assert actors <= {window_actor, panel_actor}

    # replaying the journal is the state the window shows ...
    replayed = replay(controller.journal.events(), controller.journal.path)
    assert replayed.pinned == controller.state.pinned
    assert replayed.coupons == controller.state.coupons
    assert replayed.stock == controller.state.stock
    last = [e for e in events if e.kind == "show.product_pinned"][-1]
    assert controller.state.pinned.product_id == last.payload["product_id"]
    # ... and the state a phone that connects now is sent
    with _ws(server, token) as ws:
        fresh = PanelClient(ws)
        while "show" not in fresh.state or "coupons" not in fresh.state:
            fresh.read()
    assert fresh.state["show"]["pinned"] == replayed.pinned.product_id
    assert {c["id"] for c in fresh.state["coupons"] if c["active"]} == set()  # all stopped
    assert {c["id"] for c in fresh.state["coupons"]} <= set(replayed.coupons)
