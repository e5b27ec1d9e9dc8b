"""The Bilibili connector against a fake Bilibili written here: the room-info endpoints and the
danmaku WebSocket with the real binary framing (16-byte big-endian header; zlib and brotli
bodies holding several inner packets), malformed and truncated packets, a disconnect in the
middle of a frame, platform resends, heartbeat timeouts, refused auth, and the open platform's
signed start / heartbeat / end. Events go through the real plugin host into a real hub and the
show journal."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import struct
import zlib
from pathlib import Path

import brotli
from aiohttp import WSMsgType, web

from console.audience.hub import AudienceHub
from console.audience.plugins import PluginContext, PluginHost
from console.connectors.base import set_credential
from tests.integration.fake_platforms import FakePlatform, FakeServer
from tests.unit.show.helpers import make_controller
from tests.waiting import wait_for

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
TOKEN = "danmaku-token-7f3a"


def packet(op: int, body: bytes | str, ver: int = 0) -> bytes:
    data = body.encode() if isinstance(body, str) else body
    return struct.pack(">IHHII", 16 + len(data), 16, ver, op, 1) + data


def message(obj: dict) -> bytes:
    return packet(5, json.dumps(obj, ensure_ascii=False))


def zlib_of(*inner: bytes) -> bytes:
    return packet(5, zlib.compress(b"".join(inner)), ver=2)


def brotli_of(*inner: bytes) -> bytes:
    return packet(5, brotli.compress(b"".join(inner)), ver=3)


def danmu(id_str: str, text: str, uid: int = 12345, name: str = "张三") -> dict:
    meta = [0, 1, 25, 16777215, 1700000000123, 99, 0, "8c3e1a2b", 0, 0, 0, "", 0, "{}", "{}"]
    meta.append({"mode": 0, "extra": json.dumps({"id_str": id_str, "content": text})})
    info = [meta, text, [uid, name, 0, 0, 0, 10000, 1, ""], [], [], 0, 0, None]
    info += [{"ts": 1700000000, "ct": "CT" + id_str}, 0]
    return {"cmd": "DANMU_MSG", "info": info}


def varint(n: int) -> bytes:
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def interact_v2(uid: int, uname: str, msg_type: int) -> dict:
    name = uname.encode()
    pb = b"\x08" + varint(uid) + b"\x12" + varint(len(name)) + name + b"\x28" + varint(msg_type)
    return {"cmd": "INTERACT_WORD_V2", "data": {"dmscore": 10, "pb": base64.b64encode(pb).decode()}}


GIFT = {"cmd": "SEND_GIFT", "data": {"uid": 222, "uname": "李四", "giftName": "辣条", "num": 10,
                                     "price": 100, "coin_type": "gold", "tid": "T1",
                                     "timestamp": 1700000001}}  # fmt: skip
FOLLOW = {"cmd": "INTERACT_WORD", "data": {"uid": 333, "uname": "王五", "msg_type": 2,
                                           "timestamp": 1700000002,
                                           "trigger_time": 1700000002000000000}}  # fmt: skip
SUPER_CHAT = {"cmd": "SUPER_CHAT_MESSAGE", "data": {"id": 9, "uid": 444, "price": 30,
                                                    "message": "主播看看我", "start_time": 1700000003,
                                                    "user_info": {"uname": "赵六"}}}  # fmt: skip
GUARD = {"cmd": "GUARD_BUY", "data": {"uid": 555, "username": "钱七", "guard_level": 3, "num": 1,
                                      "price": 198000, "gift_name": "舰长",
                                      "start_time": 1700000004}}  # fmt: skip
LIKE = {
    "cmd": "LIKE_INFO_V3_CLICK",
    "data": {"uid": 666, "uname": "孙八", "like_text": "为主播点赞了"},
}
RANK = {"cmd": "ONLINE_RANK_COUNT", "data": {"count": 88, "online_count": 1520}}


class FakeBilibili(FakePlatform):
    """room_init + getDanmuInfo + /sub; ``scripts[i]`` runs the i-th WebSocket connection."""

    def __init__(self, scripts, auth_code: int = 0, room_code: int = 0) -> None:
        self.scripts = list(scripts)
        self.auth_code = auth_code
        self.room_code = room_code
        self.auths: list[dict] = []
        self.heartbeats = 0
        self.connections = 0
        self.server = FakeServer(self.app)

    def app(self, server: FakeServer) -> web.Application:
        app = web.Application()
        app.router.add_get("/room/v1/Room/room_init", self.room_init)
        app.router.add_get("/xlive/web-room/v1/index/getDanmuInfo", self.danmu_info)
        app.router.add_get("/sub", self.sub)
        return app

    async def room_init(self, request: web.Request) -> web.Response:
        self.server.record(request)
        if self.room_code:
            return web.json_response({"code": self.room_code, "msg": "房间不存在"})
        return web.json_response(
            {"code": 0, "data": {"room_id": 22000000 + int(request.query["id"])}}
        )

    async def danmu_info(self, request: web.Request) -> web.Response:
        self.server.record(request)
        port = self.server.port
        host = {"host": "127.0.0.1", "port": port, "ws_port": port, "wss_port": port}
        return web.json_response({"code": 0, "data": {"token": TOKEN, "host_list": [host]}})

    async def sub(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        index = self.connections
        self.connections += 1
        first = await ws.receive()
        assert first.type == WSMsgType.BINARY
        length, header, ver, op, _seq = struct.unpack(">IHHII", first.data[:16])
        assert (length, header, op) == (len(first.data), 16, 7)
        auth = json.loads(first.data[16:])
        self.auths.append(auth)
        await ws.send_bytes(packet(8, json.dumps({"code": self.auth_code}), ver=1))
        if self.auth_code:
            await ws.close()
            return ws
        script = self.scripts[index] if index < len(self.scripts) else idle()
        await script(self, ws, request)
        return ws

    async def serve_heartbeats(self, ws, reply: bool = True, popularity: int = 4242) -> None:
        async for msg in ws:
            if msg.type == WSMsgType.BINARY and struct.unpack(">I", msg.data[8:12])[0] == 2:
                self.heartbeats += 1
                if reply:
                    await ws.send_bytes(packet(3, struct.pack(">I", popularity), ver=1))


def idle(reply: bool = True, popularity: int = 4242):
    async def script(fake: FakeBilibili, ws, request) -> None:
        await fake.serve_heartbeats(ws, reply, popularity)

    return script


def run_host(tmp_path):
    controller = make_controller(tmp_path)
    hub = AudienceHub(controller)
    items = []
    hub.subscribe(items.append)
    hub.start()
    host = PluginHost(hub.submit, PluginContext(state=lambda: controller.state, rehearsal=False))
    host.discover([PLUGINS], entry_points=False)
    return controller, hub, host, items


def settings(fake: FakeBilibili, **more) -> dict:
    base = {
        "room_id": "123",
        "api_base": fake.server.url,
        "ws_scheme": "ws",
        "backoff_initial_s": 0.05,
        "backoff_cap_s": 0.2,
    }
    return {**base, **more}


def test_packets_reach_the_hub_and_journal_once_each(tmp_path) -> None:
    async def first(fake, ws, request) -> None:
        await ws.send_bytes(
            zlib_of(message(danmu("idA", "主播好！")), message(GIFT), message(FOLLOW))
        )
        await ws.send_bytes(
            brotli_of(message(SUPER_CHAT), message(GUARD), message(LIKE), message(RANK),
                      message(interact_v2(777, "周九", 1)))
        )  # fmt: skip
        # a resend of idA and a new comment in one frame, as plain JSON packets
        await ws.send_bytes(message(danmu("idA", "主播好！")) + message(danmu("idB", "想要")))
        await ws.send_bytes(message(danmu("idX", "lost"))[:30])  # truncated packet
        await ws.send_bytes(packet(5, b"not zlib at all", ver=2))  # bad compressed body
        await ws.send_bytes(packet(5, b"{not json"))  # bad JSON
        await ws.send_str("a text frame")  # Bilibili only sends binary
        await ws.send_bytes(packet(3, struct.pack(">I", 31337), ver=1))  # popularity
        # then the connection drops in the middle of a frame (header says 300 bytes, 20 come)
        request.transport.write(b"\x82\x7e\x01\x2c" + b"\x00" * 20)
        request.transport.close()

    async def second(fake, ws, request) -> None:
        await ws.send_bytes(brotli_of(message(danmu("idB", "想要")), message(danmu("idC", "再见"))))
        await fake.serve_heartbeats(ws)

    controller, hub, host, items = run_host(tmp_path)
    with FakeBilibili([first, second]) as fake:
        status = host.start("bilibili_live", settings(fake))
        assert status.state == "running", status.reason
        connector = host.attached()[0].source
        try:
            assert wait_for(lambda: hub.stats.processed >= 11, timeout=20), hub.stats
            assert wait_for(lambda: connector.state.connects == 2 and fake.heartbeats >= 1)
        finally:
            host.stop("bilibili_live")
        hub.stop()
    state = connector.state
    assert hub.stats.processed == 11 and hub.stats.duplicates == 0
    assert state.duplicates == 2  # idA resent in the same connection, idB after the reconnect
    assert state.malformed == 4  # truncated, bad zlib, bad JSON, a text frame
    assert state.phase == "stopped"
    assert fake.auths[0] == {"uid": 0, "roomid": 22000123, "protover": 3, "platform": "web",
                             "type": 2, "key": TOKEN}  # fmt: skip
    assert "/room/v1/Room/room_init?id=123" in fake.server.paths()

    by_type = {}
    for item in items:
        by_type.setdefault(item.event.type, []).append(item)
    comments = [(i.event.msg_id, i.nick, i.text) for i in by_type["comment"]]
    assert comments == [
        ("idA", "张三", "主播好！"),
        ("sc:9", "赵六", "主播看看我"),
        ("idB", "张三", "想要"),
        ("idC", "张三", "再见"),
    ]
    gifts = {i.event.msg_id: (i.event.gift.name, i.event.gift.count, i.event.gift.value_cents)
             for i in by_type["gift"]}  # fmt: skip
    assert gifts == {
        "gift:T1": ("辣条", 10, 100),  # 100 gold × 10 = ¥1
        "sc:9:paid": ("醒目留言", 1, 3000),
        "guard:555:1700000004:3": ("舰长", 1, 19800),
    }
    assert [i.event.user.id for i in by_type["follow"]] == ["333"]
    assert [(i.event.user.id, i.nick) for i in by_type["member_join"]] == [("777", "周九")]
    assert [i.event.like_count for i in by_type["like"]] == [1]
    assert [i.event.viewers for i in by_type["room_stats"]] == [1520]
    assert all(i.event.platform == "bilibili" and i.event.room_id == "22000123" for i in items)
    assert items[0].event.user_key == "bilibili:12345"

    journal = controller.journal
    assert journal.count("audience.comment") == 4
    assert journal.count("audience.gift") == 3
    assert journal.count("audience.follow") == 1
    controller.close()


def test_a_silent_server_is_left_and_the_next_connection_is_used(tmp_path) -> None:
    controller, hub, host, items = run_host(tmp_path)
    with FakeBilibili([idle(reply=False), idle(reply=True, popularity=4242)]) as fake:
        seen = []
        host.start("bilibili_live", settings(fake, heartbeat_s=0.1, heartbeat_timeout_s=0.6))
        connector = host.attached()[0].source
        connector.on_state(lambda s: seen.append(s.label))
        try:
            assert wait_for(lambda: connector.state.connects == 2, timeout=20)
            assert wait_for(lambda: connector.state.details.get("popularity") == 4242)
            assert connector.state.phase == "connected"
        finally:
            host.stop("bilibili_live")
        hub.stop()
    assert any(s.startswith("reconnecting in ") and "no heartbeat reply for 1 s" in s for s in seen)
    assert fake.connections == 2
    controller.close()


def test_refused_auth_fails_the_plugin_with_one_line(tmp_path) -> None:
    controller, hub, host, items = run_host(tmp_path)
    with FakeBilibili([], auth_code=-101) as fake:
        host.start("bilibili_live", settings(fake))
        handle = host.attached()[0]
        connector = handle.source
        host.wait("bilibili_live", timeout=20)
    status = host.status("bilibili_live")
    assert status.state == "failed"
    assert status.reason == (
        "failed while running: Fatal: bilibili refused the connection (auth reply code -101)"
    )
    assert connector.state.label == "failed: bilibili refused the connection (auth reply code -101)"
    assert fake.connections == 1  # no retry loop against a refusal
    hub.stop()
    controller.close()


def test_an_unknown_room_fails_without_retrying(tmp_path) -> None:
    controller, hub, host, items = run_host(tmp_path)
    with FakeBilibili([], room_code=60004) as fake:
        host.start("bilibili_live", settings(fake))
        host.wait("bilibili_live", timeout=20)
    status = host.status("bilibili_live")
    assert status.state == "failed"
    assert "room_init refused (code 60004): 房间不存在" in status.reason
    assert "\n" not in status.reason
    assert fake.server.paths().count("/room/v1/Room/room_init?id=123") == 1
    hub.stop()
    controller.close()


def test_bad_settings_are_refused_in_one_line_without_echoing_secrets(tmp_path) -> None:
    controller, hub, host, items = run_host(tmp_path)
    status = host.start("bilibili_live", {"room_id": "123", "secret": "s3cr3t-value"})
    assert status.state == "failed"
    assert "'secret' must not be in the settings" in status.reason
    assert "s3cr3t-value" not in status.reason
    status = host.start("bilibili_live", {"room_id": "live.bilibili.com/abc"})
    assert status.state == "failed"
    assert "room_id must be the live room number" in status.reason
    hub.stop()
    controller.close()


# ---------------------------------------------------------------- the open platform (开放平台)

KEY_ID, KEY_SECRET, CODE = "akid-1234", "open-secret-9f8e7d", "ANCHORCODE42"


class FakeOpenPlatform(FakeBilibili):
    def __init__(self, scripts) -> None:
        super().__init__(scripts)
        self.bad_signatures = 0

    def app(self, server: FakeServer) -> web.Application:
        app = web.Application()
        for path in ("/v2/app/start", "/v2/app/heartbeat", "/v2/app/end"):
            app.router.add_post(path, self.api)
        app.router.add_get("/sub", self.sub)
        return app

    async def api(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.server.record(request, body)
        h = request.headers
        signed = {k.lower(): v for k, v in h.items() if k.lower().startswith("x-bili-")}
        text = "\n".join(f"{k}:{signed[k]}" for k in sorted(signed))
        want = hmac.new(KEY_SECRET.encode(), text.encode(), hashlib.sha256).hexdigest()
        if (
            h.get("Authorization") != want
            or signed.get("x-bili-content-md5") != hashlib.md5(body).hexdigest()
            or signed.get("x-bili-accesskeyid") != KEY_ID
        ):
            self.bad_signatures += 1
            return web.json_response({"code": 4102, "message": "签名错误"})
        payload = json.loads(body)
        if request.path == "/v2/app/start":
            assert payload == {"code": CODE, "app_id": 1650000}
            link = f"ws://127.0.0.1:{self.server.port}/sub"
            return web.json_response({"code": 0, "data": {
                "game_info": {"game_id": "game-1"},
                "websocket_info": {"auth_body": '{"roomid":777,"key":"open-auth"}',
                                   "wss_link": [link]},
                "anchor_info": {"room_id": 777, "uname": "主播"},
            }})  # fmt: skip
        assert payload["game_id"] == "game-1"
        return web.json_response({"code": 0, "data": {}})


def test_open_platform_route(tmp_path, memory_keyring, caplog) -> None:
    set_credential("bilibili", "access_key_id", KEY_ID)
    set_credential("bilibili", "access_key_secret", KEY_SECRET)
    set_credential("bilibili", "code", CODE)
    dm = {"cmd": "LIVE_OPEN_PLATFORM_DM", "data": {"uid": 0, "open_id": "op-1", "uname": "开放用户",
                                                   "msg": "开放平台你好", "msg_id": "m-1",
                                                   "timestamp": 1700000000, "room_id": 777}}  # fmt: skip
    gift = {"cmd": "LIVE_OPEN_PLATFORM_SEND_GIFT", "data": {"open_id": "op-2", "uname": "送礼",
                                                            "gift_name": "小花花", "gift_num": 5,
                                                            "price": 100, "paid": True,
                                                            "msg_id": "m-2", "timestamp": 1700000001,
                                                            "room_id": 777}}  # fmt: skip

    async def script(fake, ws, request) -> None:
        await ws.send_bytes(brotli_of(message(dm), message(gift), message(dm)))
        await fake.serve_heartbeats(ws)

    caplog.set_level(logging.DEBUG)
    controller, hub, host, items = run_host(tmp_path)
    with FakeOpenPlatform([script]) as fake:
        config = {"mode": "open", "app_id": "1650000", "open_base": fake.server.url,
                  "open_heartbeat_s": 0.1, "backoff_initial_s": 0.05}  # fmt: skip
        status = host.start("bilibili_live", config)
        assert status.state == "running", status.reason
        try:
            assert wait_for(lambda: hub.stats.processed >= 2, timeout=20)
            assert wait_for(lambda: "/v2/app/heartbeat" in fake.server.paths())
        finally:
            host.stop("bilibili_live")
        hub.stop()
        paths = fake.server.paths()
    assert fake.auths == [{"roomid": 777, "key": "open-auth"}]
    assert paths[0] == "/v2/app/start" and paths[-1] == "/v2/app/end"
    assert fake.bad_signatures == 0
    assert [(i.event.type, i.event.msg_id, i.event.user.id) for i in items] == [
        ("comment", "m-1", "op-1"),
        ("gift", "m-2", "op-2"),
    ]
    assert items[1].event.gift.value_cents == 50  # 100 gold × 5 = ¥0.5
    assert controller.journal.count("audience.comment") == 1
    for secret in (KEY_SECRET, CODE):
        assert secret not in caplog.text
        assert all(secret not in json.dumps(r[2]) for r in fake.server.requests[1:])
    controller.close()
