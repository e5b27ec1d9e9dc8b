"""Bilibili live (直播) danmaku over WebSocket, and the open platform (直播开放平台) route.

Web route (no account needed, read only)::

    GET {api_base}/room/v1/Room/room_init?id=ROOM            short id → real room id
    GET {api_base}/xlive/web-room/v1/index/getDanmuInfo?id=REAL&type=0
                                                            → token + host_list
    WebSocket {scheme}://{host}:{wss_port}/sub
      → auth (op 7): {"uid": 0, "roomid": REAL, "protover": 3, "platform": "web", "type": 2,
                      "key": token}
      ← auth reply (op 8): {"code": 0}
      → heartbeat (op 2) every 30 s        ← heartbeat reply (op 3): 4-byte popularity
      ← messages (op 5): JSON, or a zlib (protover 2) / brotli (protover 3) body holding
        several inner packets

Open platform route (``mode = "open"``, an app on open-live.bilibili.com, the anchor's 身份码):
``POST {open_base}/v2/app/start`` signed with the app's access key (HMAC-SHA256 over the
``x-bili-*`` headers) gives the WebSocket links and an ``auth_body``; ``/v2/app/heartbeat``
every 20 s keeps the session (game) alive; ``/v2/app/end`` closes it. Messages are
``LIVE_OPEN_PLATFORM_*``. The access key id/secret and the 身份码 live in the OS keyring.

Every packet starts with a 16-byte big-endian header: packet length (u32), header length (u16,
16), protocol version (u16), operation (u32), sequence (u32).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import struct
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp

from console.connectors.base import (
    Connector,
    Fatal,
    Retry,
    get_credential,
    now_ms,
    one_line,
    setting,
)
from console.errors import UserError

HEADER = struct.Struct(">IHHII")
HEADER_LEN = 16
OP_HEARTBEAT, OP_HEARTBEAT_REPLY, OP_MESSAGE, OP_AUTH, OP_AUTH_REPLY = 2, 3, 5, 7, 8
VER_JSON, VER_INT, VER_ZLIB, VER_BROTLI = 0, 1, 2, 3
MAX_PACKET = 4 * 1024 * 1024
API_BASE = "https://api.live.bilibili.com"
OPEN_BASE = "https://live-open.biliapi.com"
GOLD_PER_YUAN = 1000  # gift prices are in 金瓜子 (gold): 1000 = ¥1


class PacketError(ValueError):
    """A packet that cannot be read (truncated, bad header, bad compressed body)."""


def pack(op: int, body: bytes | str = b"", ver: int = VER_INT, seq: int = 1) -> bytes:
    """One packet: the 16-byte header, then the body."""
    data = body.encode() if isinstance(body, str) else body
    return HEADER.pack(HEADER_LEN + len(data), HEADER_LEN, ver, op, seq) + data


def unpack(buffer: bytes, depth: int = 0) -> Iterator[tuple[int, int, bytes]]:
    """(protocol version, operation, body) of every packet in ``buffer``; compressed bodies are
    opened and their inner packets yielded in order. Raises :class:`PacketError`."""
    offset = 0
    while offset < len(buffer):
        if len(buffer) - offset < HEADER_LEN:
            raise PacketError(f"truncated header ({len(buffer) - offset} bytes)")
        length, header_len, ver, op, _seq = HEADER.unpack_from(buffer, offset)
        if header_len < HEADER_LEN or length < header_len or length > MAX_PACKET:
            raise PacketError(f"bad header (length {length}, header {header_len})")
        if offset + length > len(buffer):
            raise PacketError(f"truncated packet ({len(buffer) - offset} of {length} bytes)")
        body = buffer[offset + header_len : offset + length]
        offset += length
        if op == OP_MESSAGE and ver in (VER_ZLIB, VER_BROTLI):
            if depth > 2:
                raise PacketError("compressed packets nested too deep")
            try:
                inner = zlib.decompress(body) if ver == VER_ZLIB else _brotli(body)
            except Exception as exc:  # zlib.error, brotli.error
                what = "zlib" if ver == VER_ZLIB else "brotli"
                raise PacketError(f"bad {what} body: {exc}") from None
            yield from unpack(inner, depth + 1)
        else:
            yield ver, op, body


def _brotli(body: bytes) -> bytes:
    import brotli

    return brotli.decompress(body)


# ---------------------------------------------------------------------------- messages → events


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _ts_ms(seconds_or_ms: Any) -> int:
    t = _int(seconds_or_ms)
    if t <= 0:
        return now_ms()
    return t if t > 10**11 else t * 1000


def _user(uid: Any, name: Any, fallback: str = "") -> dict[str, str]:
    uid = str(uid or "").strip()
    if not uid or uid == "0":
        uid = fallback or "anonymous"
    return {"id": uid[:128], "nick": str(name or "")[:256]}


def _dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _digest(*parts: Any) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:20]


def _protobuf_fields(data: bytes) -> dict[int, Any]:
    """The first value of each field of a protobuf message (varints and length-delimited only:
    enough for INTERACT_WORD_V2's uid (1), uname (2) and msg_type (5))."""
    fields: dict[int, Any] = {}
    i = 0

    def varint() -> int:
        nonlocal i
        shift = result = 0
        while True:
            if i >= len(data) or shift > 63:
                raise PacketError("truncated protobuf")
            b = data[i]
            i += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    while i < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            value: Any = varint()
        elif wire == 2:
            n = varint()
            if i + n > len(data):
                raise PacketError("truncated protobuf")
            value = data[i : i + n]
            i += n
        elif wire == 1:
            value, i = data[i : i + 8], i + 8
        elif wire == 5:
            value, i = data[i : i + 4], i + 4
        else:
            raise PacketError(f"protobuf wire type {wire}")
        fields.setdefault(number, value)
    return fields


INTERACT = {1: "member_join", 2: "follow", 3: "share", 4: "follow", 5: "follow"}


def to_events(msg: dict[str, Any], room: str) -> list[dict[str, Any]]:
    """The neutral events of one Bilibili message (``cmd``); [] for the ones we do not use."""
    cmd = str(msg.get("cmd", "")).split(":")[0]
    data = _dict(msg.get("data"))
    base: dict[str, Any] = {"platform": "bilibili", "room_id": room}
    if cmd == "DANMU_MSG":
        info = msg["info"]
        meta, text, who = info[0], str(info[1]), info[2]
        ts = _ts_ms(meta[4]) if len(meta) > 4 else now_ms()
        msg_id = ""
        extra = meta[15] if len(meta) > 15 and isinstance(meta[15], dict) else {}
        try:
            msg_id = str(json.loads(extra.get("extra") or "{}").get("id_str") or "")
        except (ValueError, AttributeError):
            msg_id = ""
        if not msg_id and len(info) > 9 and isinstance(info[9], dict) and info[9].get("ct"):
            msg_id = f"ct:{info[9]['ct']}:{info[9].get('ts', '')}"
        if not msg_id:
            msg_id = "dm:" + _digest(who[0], ts, text)
        crc = str(meta[7]) if len(meta) > 7 and meta[7] else ""
        return [
            {
                **base,
                "msg_id": msg_id,
                "ts_ms": ts,
                "type": "comment",
                "user": _user(who[0], who[1], f"crc:{crc}" if crc else ""),
                "text": text,
                "raw": msg,
            }
        ]
    if cmd == "SEND_GIFT":
        num = max(1, _int(data.get("num"), 1))
        price = _int(data.get("price")) if data.get("coin_type", "gold") == "gold" else 0
        tid = data.get("tid") or data.get("rnd") or _digest(data.get("uid"), data.get("timestamp"))
        return [
            {
                **base,
                "msg_id": f"gift:{tid}",
                "ts_ms": _ts_ms(data.get("timestamp")),
                "type": "gift",
                "user": _user(data.get("uid"), data.get("uname")),
                "gift": {
                    "name": str(data.get("giftName") or data.get("gift_name") or "礼物"),
                    "count": num,
                    "value_cents": price * num * 100 // GOLD_PER_YUAN,
                },
                "raw": msg,
            }
        ]
    if cmd == "SUPER_CHAT_MESSAGE":
        sc_id = data.get("id") or _digest(data.get("uid"), data.get("start_time"))
        user = _user(data.get("uid"), (data.get("user_info") or {}).get("uname"))
        ts = _ts_ms(data.get("start_time") or data.get("ts"))
        return [
            {**base, "msg_id": f"sc:{sc_id}", "ts_ms": ts, "type": "comment", "user": user,
             "text": str(data.get("message") or "醒目留言"), "raw": msg},
            {**base, "msg_id": f"sc:{sc_id}:paid", "ts_ms": ts, "type": "gift", "user": user,
             "gift": {"name": "醒目留言", "count": 1,
                      "value_cents": _int(data.get("price")) * 100}},
        ]  # fmt: skip
    if cmd == "GUARD_BUY":
        num = max(1, _int(data.get("num"), 1))
        return [
            {
                **base,
                "msg_id": f"guard:{data.get('uid')}:{data.get('start_time')}:{data.get('guard_level')}",
                "ts_ms": _ts_ms(data.get("start_time")),
                "type": "gift",
                "user": _user(data.get("uid"), data.get("username")),
                "gift": {
                    "name": str(data.get("gift_name") or "大航海"),
                    "count": num,
                    "value_cents": _int(data.get("price")) * num * 100 // GOLD_PER_YUAN,
                },
                "raw": msg,
            }
        ]
    if cmd in ("INTERACT_WORD", "INTERACT_WORD_V2"):
        if cmd == "INTERACT_WORD_V2" and data.get("pb"):
            pb = base64.b64decode(str(data["pb"]), validate=False)
            fields = _protobuf_fields(pb)
            uid, uname, kind = fields.get(1), fields.get(2, b""), fields.get(5, 1)
            uname = uname.decode("utf-8", "replace") if isinstance(uname, bytes) else ""
            msg_id, ts = "iw2:" + hashlib.sha1(pb).hexdigest()[:20], now_ms()
        else:
            uid, uname, kind = data.get("uid"), data.get("uname"), _int(data.get("msg_type"), 1)
            trigger = data.get("trigger_time") or data.get("timestamp")
            msg_id = f"iw:{uid}:{kind}:{trigger}"
            ts = _ts_ms(data.get("timestamp"))
        kind_name = INTERACT.get(_int(kind))
        if kind_name is None:
            return []
        return [{**base, "msg_id": msg_id, "ts_ms": ts, "type": kind_name,
                 "user": _user(uid, uname), "raw": msg}]  # fmt: skip
    if cmd == "LIKE_INFO_V3_CLICK":
        # no platform id for a like: the uid and the moment it arrived
        return [{**base, "msg_id": f"like:{data.get('uid')}:{time.time_ns()}", "ts_ms": now_ms(),
                 "type": "like", "like_count": 1, "user": _user(data.get("uid"), data.get("uname")),
                 "raw": msg}]  # fmt: skip
    if cmd == "ONLINE_RANK_COUNT":
        viewers = _int(data.get("online_count", data.get("count")), -1)
        if viewers < 0:
            return []
        return [{**base, "msg_id": f"rank:{time.time_ns()}", "ts_ms": now_ms(),
                 "type": "room_stats", "viewers": viewers, "raw": msg}]  # fmt: skip
    return []


OPEN_CMDS = {
    "LIVE_OPEN_PLATFORM_DM": "comment",
    "LIVE_OPEN_PLATFORM_SEND_GIFT": "gift",
    "LIVE_OPEN_PLATFORM_SUPER_CHAT": "sc",
    "LIVE_OPEN_PLATFORM_GUARD": "guard",
    "LIVE_OPEN_PLATFORM_LIKE": "like",
    "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER": "member_join",
}


def open_to_events(msg: dict[str, Any], room: str) -> list[dict[str, Any]]:
    """The neutral events of one open-platform message (``LIVE_OPEN_PLATFORM_*``)."""
    kind = OPEN_CMDS.get(str(msg.get("cmd", "")))
    d = _dict(msg.get("data"))
    if kind is None:
        return []
    user_info = d.get("user_info")
    info: dict[str, Any] = user_info if isinstance(user_info, dict) else d
    user = _user(info.get("open_id") or info.get("uid"), info.get("uname"))
    base: dict[str, Any] = {"platform": "bilibili", "room_id": str(d.get("room_id") or room),
            "msg_id": str(d.get("msg_id") or _digest(json.dumps(d, sort_keys=True))),
            "ts_ms": _ts_ms(d.get("timestamp")), "user": user, "raw": msg}  # fmt: skip
    if kind == "comment":
        return [{**base, "type": "comment", "text": str(d.get("msg") or "")}]
    if kind == "gift":
        num = max(1, _int(d.get("gift_num"), 1))
        value = _int(d.get("price")) * num * 100 // GOLD_PER_YUAN if d.get("paid") else 0
        return [{**base, "type": "gift",
                 "gift": {"name": str(d.get("gift_name") or "礼物"), "count": num,
                          "value_cents": value}}]  # fmt: skip
    if kind == "sc":
        return [
            {**base, "type": "comment", "text": str(d.get("message") or "醒目留言")},
            {**base, "msg_id": base["msg_id"] + ":paid", "type": "gift",
             "gift": {"name": "醒目留言", "count": 1, "value_cents": _int(d.get("rmb")) * 100}},
        ]  # fmt: skip
    if kind == "guard":
        num = max(1, _int(d.get("guard_num"), 1))
        return [{**base, "type": "gift",
                 "gift": {"name": f"大航海 {d.get('guard_level', '')}".strip(), "count": num,
                          "value_cents": _int(d.get("price")) * 100 // GOLD_PER_YUAN}}]  # fmt: skip
    if kind == "like":
        return [{**base, "type": "like", "like_count": max(1, _int(d.get("like_count"), 1))}]
    return [{**base, "type": "member_join"}]


def open_platform_headers(access_key_id: str, secret: str, body: bytes) -> dict[str, str]:
    """The open platform's request signature: HMAC-SHA256 over the sorted ``x-bili-*`` headers
    (``key:value`` lines), hex, in ``Authorization``."""
    headers = {
        "x-bili-accesskeyid": access_key_id,
        "x-bili-content-md5": hashlib.md5(body).hexdigest(),
        "x-bili-signature-method": "HMAC-SHA256",
        "x-bili-signature-nonce": uuid.uuid4().hex,
        "x-bili-signature-version": "1.0",
        "x-bili-timestamp": str(int(time.time())),
    }
    text = "\n".join(f"{k}:{headers[k]}" for k in sorted(headers))
    signature = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return {
        **headers,
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Authorization": signature,
    }


# ---------------------------------------------------------------------------- the connector


class BilibiliConnector(Connector):
    """Settings: ``room_id`` (web route) or ``mode = "open"`` with ``app_id``; ``api_base``,
    ``open_base``, ``ws_scheme`` (``wss``), ``heartbeat_s`` (30), ``heartbeat_timeout_s``
    (70: no heartbeat reply for that long → reconnect), ``auth_timeout_s`` (10)."""

    platform = "bilibili"

    def __init__(self, config: dict[str, Any] | None = None, name: str = "bilibili_live") -> None:
        super().__init__(config, name)
        c = self.config
        self.mode = setting(c, "mode", "web")
        if self.mode not in ("web", "open"):
            raise UserError(f"bilibili: mode must be 'web' or 'open', got {self.mode!r}")
        self.room_id = setting(c, "room_id", "")
        if self.mode == "web" and not self.room_id.strip().isdigit():
            raise UserError(
                f"bilibili: room_id must be the live room number (live.bilibili.com/NUMBER), "
                f"got {self.room_id!r}"
            )
        self.app_id = setting(c, "app_id", "")
        if self.mode == "open" and not self.app_id:
            raise UserError("bilibili: the open-platform route needs app_id (your app's id)")
        self.api_base = setting(c, "api_base", API_BASE).rstrip("/")
        self.open_base = setting(c, "open_base", OPEN_BASE).rstrip("/")
        self.ws_scheme = setting(c, "ws_scheme", "wss")
        self.heartbeat_s = setting(c, "heartbeat_s", 30.0, float)
        self.heartbeat_timeout_s = setting(c, "heartbeat_timeout_s", 70.0, float)
        self.auth_timeout_s = setting(c, "auth_timeout_s", 10.0, float)
        self.open_heartbeat_s = setting(c, "open_heartbeat_s", 20.0, float)
        self._http: aiohttp.ClientSession | None = None
        self._game_id = ""

    async def _client(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=15),
                headers={"User-Agent": "live-console (+docs/connectors.md)"},
            )
        return self._http

    async def close(self) -> None:
        if self._game_id:
            await self._open_end()
        if self._http is not None:
            await self._http.close()

    async def _get_json(self, url: str, what: str) -> dict[str, Any]:
        http = await self._client()
        async with http.get(url) as resp:
            if resp.status == 429 or resp.status >= 500:
                after = _int(resp.headers.get("Retry-After"), 0) or None
                raise Retry(f"bilibili {what}: HTTP {resp.status}", after=after)
            if resp.status != 200:
                raise Fatal(f"bilibili {what}: HTTP {resp.status}")
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                raise Retry(f"bilibili {what}: the answer is not JSON") from None
        if not isinstance(data, dict):
            raise Retry(f"bilibili {what}: unexpected answer")
        code = data.get("code")
        if code != 0:
            message = one_line(data.get("message") or data.get("msg") or "")
            text = f"bilibili {what} refused (code {code}): {message}"
            if code in (60004, 19002000, 1, -400, -404):  # no such room / bad request
                raise Fatal(text)
            raise Retry(text)
        return data.get("data") or {}

    async def session(self, out: Callable[[dict[str, Any]], bool]) -> None:
        if self.mode == "open":
            await self._open_session(out)
            return
        info = await self._get_json(
            f"{self.api_base}/room/v1/Room/room_init?id={self.room_id}", "room_init"
        )
        room = str(info.get("room_id") or self.room_id)
        danmu = await self._get_json(
            f"{self.api_base}/xlive/web-room/v1/index/getDanmuInfo?id={room}&type=0",
            "getDanmuInfo",
        )
        hosts = [h for h in danmu.get("host_list") or [] if isinstance(h, dict) and h.get("host")]
        if not hosts:
            raise Retry("bilibili getDanmuInfo: no danmaku server in the answer")
        host = hosts[(self.state.attempts - 1) % len(hosts)]  # the next server on each retry
        port = host.get("wss_port" if self.ws_scheme == "wss" else "ws_port") or 443
        url = f"{self.ws_scheme}://{host['host']}:{port}/sub"
        auth = {
            "uid": 0,
            "roomid": _int(room),
            "protover": 3,
            "platform": "web",
            "type": 2,
            "key": str(danmu.get("token") or ""),
        }
        await self._stream(url, json.dumps(auth), room, out, to_events)

    async def _stream(
        self,
        url: str,
        auth_body: str,
        room: str,
        out: Callable[[dict[str, Any]], bool],
        convert: Callable[[dict[str, Any], str], list[dict[str, Any]]],
    ) -> None:
        http = await self._client()
        async with http.ws_connect(url, heartbeat=None, max_msg_size=MAX_PACKET) as ws:
            await ws.send_bytes(pack(OP_AUTH, auth_body))
            try:
                reply = await asyncio.wait_for(ws.receive(), self.auth_timeout_s)
            except TimeoutError:
                raise Retry(f"no auth reply within {self.auth_timeout_s:.0f} s") from None
            if reply.type != aiohttp.WSMsgType.BINARY:
                raise Retry(f"connection closed before the auth reply ({reply.type.name})")
            packets = list(unpack(reply.data))
            ok = [json.loads(b or b"{}") for _v, op, b in packets if op == OP_AUTH_REPLY]
            if not ok:
                raise Retry("the first packet was not the auth reply")
            if ok[0].get("code", 0) != 0:
                raise Fatal(f"bilibili refused the connection (auth reply code {ok[0]['code']})")
            self.connected(room_id=room)
            beat = asyncio.create_task(self._heartbeat(ws))
            try:
                await self._receive(ws, room, out, convert)
            finally:
                beat.cancel()

    async def _heartbeat(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        # a failed send ends only this task: the receive side sees the connection go
        with contextlib.suppress(ConnectionError, aiohttp.ClientError, RuntimeError):
            while not ws.closed:
                await ws.send_bytes(pack(OP_HEARTBEAT, "[object Object]"))
                await asyncio.sleep(self.heartbeat_s)

    async def _receive(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        room: str,
        out: Callable[[dict[str, Any]], bool],
        convert: Callable[[dict[str, Any], str], list[dict[str, Any]]],
    ) -> None:
        last_reply = time.monotonic()
        while True:
            left = self.heartbeat_timeout_s - (time.monotonic() - last_reply)
            if left <= 0:
                raise Retry(f"no heartbeat reply for {self.heartbeat_timeout_s:.0f} s")
            try:
                msg = await asyncio.wait_for(ws.receive(), left)
            except TimeoutError:
                continue  # the check above decides
            closed = "the danmaku server closed the connection"
            if not self.websocket_data(msg, ws, aiohttp.WSMsgType.BINARY, closed):
                continue
            try:
                packets = list(unpack(msg.data))
            except PacketError as exc:
                self.malformed(f"packet: {exc}")
                continue
            for _ver, op, body in packets:
                if op == OP_HEARTBEAT_REPLY:
                    last_reply = time.monotonic()
                    if len(body) >= 4:
                        self.set_detail(popularity=struct.unpack(">I", body[:4])[0])
                    continue
                if op != OP_MESSAGE:
                    continue
                try:
                    message = json.loads(body.decode("utf-8"))
                    events = convert(message, room)
                except Exception as exc:  # anything odd in a platform message
                    self.malformed(f"message: {type(exc).__name__}: {exc}")
                    continue
                for event in events:
                    out(event)

    # ---- open platform

    async def _open_post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        key_id = get_credential("bilibili", "access_key_id")
        secret = get_credential("bilibili", "access_key_secret")
        assert key_id is not None and secret is not None
        body = json.dumps(payload, separators=(",", ":")).encode()
        http = await self._client()
        async with http.post(
            f"{self.open_base}{path}",
            data=body,
            headers=open_platform_headers(key_id, secret, body),
        ) as resp:
            if resp.status == 429 or resp.status >= 500:
                raise Retry(f"bilibili open platform {path}: HTTP {resp.status}")
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                raise Retry(f"bilibili open platform {path}: the answer is not JSON") from None
        code = data.get("code") if isinstance(data, dict) else None
        if code != 0:
            text = f"bilibili open platform {path} refused (code {code}): " + one_line(
                (data or {}).get("message", "") if isinstance(data, dict) else ""
            )
            # 4000-range: signature, app, 身份码 problems — retrying will not fix them
            if isinstance(code, int) and 4000 <= code < 8000:
                raise Fatal(text)
            raise Retry(text)
        return data.get("data") or {}

    async def _open_session(self, out: Callable[[dict[str, Any]], bool]) -> None:
        if self._game_id:  # a session left from the last connection
            await self._open_end()
        code = get_credential("bilibili", "code")
        data = await self._open_post("/v2/app/start", {"code": code, "app_id": _int(self.app_id)})
        self._game_id = str((data.get("game_info") or {}).get("game_id") or "")
        ws_info = data.get("websocket_info") or {}
        links = ws_info.get("wss_link") or []
        if not links:
            raise Retry("bilibili open platform: no WebSocket link in the answer")
        room = str((data.get("anchor_info") or {}).get("room_id") or "")
        keep = asyncio.create_task(self._open_keepalive())
        try:
            await self._stream(
                links[(self.state.attempts - 1) % len(links)],
                str(ws_info.get("auth_body") or ""),
                room,
                out,
                open_to_events,
            )
        finally:
            keep.cancel()

    async def _open_keepalive(self) -> None:
        while True:
            await asyncio.sleep(self.open_heartbeat_s)
            if self._game_id:
                try:
                    await self._open_post("/v2/app/heartbeat", {"game_id": self._game_id})
                except (Retry, Fatal, aiohttp.ClientError, OSError) as exc:
                    self.set_detail(last_error=one_line(exc))

    async def _open_end(self) -> None:
        game, self._game_id = self._game_id, ""
        try:
            await self._open_post("/v2/app/end", {"game_id": game, "app_id": _int(self.app_id)})
        except (Retry, Fatal, aiohttp.ClientError, OSError, Exception) as exc:
            self.set_detail(last_error=one_line(exc))


def create(context: Any) -> BilibiliConnector:
    """Plugin factory (``plugins/bilibili_live``)."""
    return BilibiliConnector(getattr(context, "config", {}) or {})
