"""The obs-websocket v5 control server against real third-party clients: obsws-python (sync,
JSON, no subprotocol offered), simpleobsws (async, obswebsocket.msgpack) and the websockets
library for the raw protocol; a real ShowController over a copy of the demo show."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import obsws_python as obs
import pytest
import simpleobsws
from obsws_python.error import OBSSDKError, OBSSDKRequestError
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from console.control import requests as rq
from console.control.obsws import SUB_ALL, SUB_OUTPUTS, ObsWebSocketServer, auth_string
from console.control.show_target import OutputHooks, ShowTarget
from console.errors import UserError
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from tests.waiting import wait_for

PASSWORD = "correct-horse-battery"


class Outputs:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def hooks(self, name: str) -> OutputHooks:
        return OutputHooks(
            start=lambda: self.calls.append(f"{name}.start"),
            stop=lambda: self.calls.append(f"{name}.stop") or f"/rec/{name}.flv",
        )


@pytest.fixture
def show(tmp_path: Path):
    controller = ShowController.open(copy_demo_show(tmp_path / "show"))
    yield controller
    controller.close()


@pytest.fixture
def served(show: ShowController):
    outputs = Outputs()
    target = ShowTarget(show, stream=outputs.hooks("stream"), record=outputs.hooks("record"))
    server = ObsWebSocketServer(target, PASSWORD, port=0)
    server.start()
    yield server, target, outputs
    server.close()
    target.close()


def client(server: ObsWebSocketServer, password: str = PASSWORD) -> obs.ReqClient:
    host, port = server.address
    return obs.ReqClient(host=host, port=port, password=password, timeout=10)


def raw_identify(url: str, message: dict[str, Any] | None = None, password: str = PASSWORD):
    """Connect with the websockets library, answer the Hello; returns the open connection."""
    ws = connect(url, open_timeout=10, legacy=True)
    hello = json.loads(ws.recv(timeout=10))
    assert hello["op"] == 0 and hello["d"]["rpcVersion"] == 1
    auth = hello["d"]["authentication"]
    d = {"rpcVersion": 1, "authentication": auth_string(password, auth["salt"], auth["challenge"])}
    d.update(message or {})
    ws.send(json.dumps({"op": 1, "d": d}))
    return ws


def close_code(ws) -> int:
    with pytest.raises(ConnectionClosed) as info:
        while True:
            ws.recv(timeout=10)
    assert info.value.rcvd is not None
    return info.value.rcvd.code


# ---- JSON (obsws-python)


def test_right_password_identifies_and_get_version_lists_requests(served) -> None:
    server, _, _ = served
    cl = client(server)
    try:
        version = cl.get_version()
        assert version.rpc_version == 1
        assert "GetStreamStatus" in version.available_requests
        assert set(version.available_requests) == set(rq.REQUESTS)
        assert "png" in version.supported_image_formats
        status = cl.get_stream_status()
        assert status.output_active is False and status.output_timecode == "00:00:00.000"
    finally:
        cl.disconnect()


def test_wrong_password_is_refused(served) -> None:
    server, _, _ = served
    with pytest.raises(OBSSDKError):
        client(server, password="not-the-password")
    ws = raw_identify(server.url, password="not-the-password")
    assert close_code(ws) == 4009


def test_unknown_request_answers_204(served) -> None:
    server, _, _ = served
    cl = client(server)
    try:
        with pytest.raises(OBSSDKRequestError) as info:
            cl.send("CreateSceneCollection", {"sceneCollectionName": "x"})
        assert info.value.code == 204
        with pytest.raises(OBSSDKRequestError) as info:
            cl.send("SetInputMute", {"inputName": "Mic"})  # inputMuted missing
        assert info.value.code == 300
        with pytest.raises(OBSSDKRequestError) as info:
            cl.send("SetInputMute", {"inputName": "Mic", "inputMuted": "yes"})
        assert info.value.code == 401
        with pytest.raises(OBSSDKRequestError) as info:
            cl.send("SetInputVolume", {"inputName": "Mic", "inputVolumeDb": 40})
        assert info.value.code == 402
        with pytest.raises(OBSSDKRequestError) as info:
            cl.send("GetInputMute", {"inputName": "Nope"})
        assert info.value.code == 600
    finally:
        cl.disconnect()


def test_start_and_stop_stream_call_the_target(served) -> None:
    server, _, outputs = served
    cl = client(server)
    try:
        cl.start_stream()
        assert outputs.calls == ["stream.start"]
        assert cl.get_stream_status().output_active is True
        with pytest.raises(OBSSDKRequestError) as info:
            cl.start_stream()
        assert info.value.code == 500
        cl.stop_stream()
        assert outputs.calls == ["stream.start", "stream.stop"]
        cl.start_record()
        assert cl.stop_record().output_path == "/rec/record.flv"
    finally:
        cl.disconnect()


def test_vendor_pin_product_is_journaled_with_the_control_actor(served, show) -> None:
    server, _, _ = served
    cl = client(server)
    try:
        answer = cl.send(
            "CallVendorRequest",
            {
                "vendorName": "live-console",
                "requestType": "PinProduct",
                "requestData": {"productId": "CUP-316-500"},
            },
            raw=True,
        )
        assert answer["responseData"]["kind"] == "show.product_pinned"
    finally:
        cl.disconnect()
    assert show.state.pinned is not None and show.state.pinned.product_id == "CUP-316-500"
    last = list(show.journal.events("show."))[-1]
    assert last.kind == "show.product_pinned"
    assert last.actor.startswith("control:")


def test_refused_vendor_request_carries_the_rule_reason(served, show) -> None:
    server, _, _ = served
    cl = client(server)
    try:
        start = {
            "vendorName": "live-console",
            "requestType": "StartFlashSale",
            "requestData": {"flashSaleId": "flash-cup-59"},
        }
        cl.send("CallVendorRequest", start, raw=True)
        with pytest.raises(UserError) as direct:  # what the rule says, asked directly
            show.execute(show.promotions.command("flash-cup-59"))
        with pytest.raises(OBSSDKRequestError) as info:
            cl.send("CallVendorRequest", start, raw=True)
        assert info.value.code == rq.REQUEST_PROCESSING_FAILED
        assert str(direct.value) in str(info.value)
        stopped = cl.send(
            "CallVendorRequest",
            {
                "vendorName": "live-console",
                "requestType": "StopFlashSale",
                "requestData": {"flashSaleId": "flash-cup-59"},
            },
            raw=True,
        )
        assert stopped["responseData"]["kind"] == "show.flash_sale_stopped"
    finally:
        cl.disconnect()
    assert [e.actor.split(":")[0] for e in show.journal.events("show.flash_sale")] == [
        "control",
        "control",
    ]


# ---- MsgPack (simpleobsws)


async def _msgpack_session(url: str, mask: int) -> simpleobsws.WebSocketClient:
    ws = simpleobsws.WebSocketClient(
        url=url,
        password=PASSWORD,
        identification_parameters=simpleobsws.IdentificationParameters(eventSubscriptions=mask),
    )
    await ws.connect()
    assert await ws.wait_until_identified(10)
    return ws


def test_msgpack_batch_and_events_follow_the_subscription_mask(served, show) -> None:
    server, target, outputs = served

    async def main() -> tuple[list, list, list]:
        outs = await _msgpack_session(server.url, SUB_OUTPUTS | 1)
        others = await _msgpack_session(server.url, SUB_ALL & ~SUB_OUTPUTS)
        seen_outs: list = []
        seen_others: list = []

        async def on_outs(event_type: str, data: dict) -> None:
            seen_outs.append((event_type, data))

        async def on_others(event_type: str, data: dict) -> None:
            seen_others.append((event_type, data))

        outs.register_event_callback(on_outs)
        others.register_event_callback(on_others)
        results = await outs.call_batch(
            [
                simpleobsws.Request("GetVersion"),
                simpleobsws.Request("StartStream"),
                simpleobsws.Request("NoSuchRequest"),
                simpleobsws.Request("StopStream"),
            ],
            halt_on_failure=False,
            execution_type=simpleobsws.RequestBatchExecutionType.SerialRealtime,
        )
        codes = [r.requestStatus.code for r in results]
        halted = await outs.call_batch(
            [simpleobsws.Request("NoSuchRequest"), simpleobsws.Request("StartStream")],
            halt_on_failure=True,
        )
        assert [r.requestStatus.code for r in halted] == [204]
        mute = await others.call(
            simpleobsws.Request("SetInputMute", {"inputName": "Mic", "inputMuted": True})
        )
        assert mute.ok()
        pin = await others.call(
            simpleobsws.Request(
                "CallVendorRequest",
                {
                    "vendorName": "live-console",
                    "requestType": "PinProduct",
                    "requestData": {"productId": "MASK-HA-10"},
                },
            )
        )
        assert pin.ok()
        await outs.call(simpleobsws.Request("BroadcastCustomEvent", {"eventData": {"n": 1}}))

        async def until(check) -> None:
            for _ in range(400):
                if check():
                    return
                await asyncio.sleep(0.025)
            raise AssertionError("event not received")

        await until(lambda: any(t == "CustomEvent" for t, _ in seen_others))
        await until(lambda: any(t == "CustomEvent" for t, _ in seen_outs))
        await outs.disconnect()
        await others.disconnect()
        return codes, seen_outs, seen_others

    codes, seen_outs, seen_others = asyncio.run(main())
    assert codes == [100, 100, 204, 100]
    assert outputs.calls == ["stream.start", "stream.stop"]
    states = [d["outputState"] for t, d in seen_outs if t == "StreamStateChanged"]
    assert states == [
        "OBS_WEBSOCKET_OUTPUT_STARTING",
        "OBS_WEBSOCKET_OUTPUT_STARTED",
        "OBS_WEBSOCKET_OUTPUT_STOPPING",
        "OBS_WEBSOCKET_OUTPUT_STOPPED",
    ]
    # the second client excludes Outputs: everything before its CustomEvent, and no stream state
    types = [t for t, _ in seen_others]
    assert "StreamStateChanged" not in types
    assert (
        "InputMuteStateChanged",
        {"inputName": "Mic", "inputUuid": "Mic", "inputMuted": True},
    ) in seen_others
    vendor = [d for t, d in seen_others if t == "VendorEvent"]
    assert vendor and vendor[-1]["vendorName"] == "live-console"
    assert vendor[-1]["eventType"] == "ProductPinned"
    assert vendor[-1]["eventData"]["payload"]["product_id"] == "MASK-HA-10"
    assert vendor[-1]["eventData"]["actor"].startswith("control:")
    # the Outputs-only client (plus General) got no vendor or input events
    assert {t for t, _ in seen_outs} == {"StreamStateChanged", "CustomEvent"}


# ---- the raw protocol (websockets)


def test_request_before_identify_closes_4007(served) -> None:
    server, _, _ = served
    ws = connect(server.url, open_timeout=10, legacy=True)
    json.loads(ws.recv(timeout=10))
    ws.send(json.dumps({"op": 6, "d": {"requestType": "GetVersion", "requestId": "1"}}))
    assert close_code(ws) == 4007


def test_identify_twice_closes_4008(served) -> None:
    server, _, _ = served
    ws = raw_identify(server.url)
    assert json.loads(ws.recv(timeout=10))["op"] == 2
    ws.send(json.dumps({"op": 1, "d": {"rpcVersion": 1}}))
    assert close_code(ws) == 4008


def test_rpc_version_2_closes_4010(served) -> None:
    server, _, _ = served
    ws = raw_identify(server.url, {"rpcVersion": 2})
    assert close_code(ws) == 4010


def test_garbage_closes_4002(served) -> None:
    server, _, _ = served
    ws = connect(server.url, open_timeout=10, legacy=True)
    json.loads(ws.recv(timeout=10))
    ws.send("{not json")
    assert close_code(ws) == 4002
    # a binary frame on the JSON subprotocol is a decode error too
    ws = connect(server.url, open_timeout=10, legacy=True)
    json.loads(ws.recv(timeout=10))
    ws.send(b"\x81\xa2op\x01")
    assert close_code(ws) == 4002


def test_reidentify_changes_the_subscriptions(served) -> None:
    server, target, _ = served
    ws = raw_identify(server.url, {"eventSubscriptions": 0})
    assert json.loads(ws.recv(timeout=10))["op"] == 2
    ws.send(json.dumps({"op": 3, "d": {"eventSubscriptions": SUB_ALL}}))
    assert json.loads(ws.recv(timeout=10)) == {"op": 2, "d": {"negotiatedRpcVersion": 1}}
    target.set_input_muted("Media", True)
    event = json.loads(ws.recv(timeout=10))
    assert event["op"] == 5 and event["d"]["eventType"] == "InputMuteStateChanged"
    assert event["d"]["eventIntent"] == 8
    ws.close()
    assert wait_for(lambda: server._server is not None and server._server.connections == 0, 10)
