"""Twitch chat: IRC over WebSocket (``wss://irc-ws.chat.twitch.tv:443``), read only.

    → CAP REQ :twitch.tv/tags twitch.tv/commands
    → PASS oauth:TOKEN         (OAuth: the token from the OS keyring; anonymous: none)
    → NICK justinfan12345      (anonymous read-only login) or the account's login
    → JOIN #channel
    ← :tmi.twitch.tv 001 …     welcome: connected
    ← PING :tmi.twitch.tv      → PONG :tmi.twitch.tv
    ← RECONNECT                the server is going away: reconnect at once
    ← @tags :nick!nick@nick.tmi.twitch.tv PRIVMSG #channel :text       → comment (+ bits: gift)
    ← @tags :tmi.twitch.tv USERNOTICE #channel[ :text]                 → sub/resub/gift subs
                                                                         (gift), raid (member_join)
    ← @tags :tmi.twitch.tv CLEARCHAT #channel[ :user]   → retract the user's messages (or all)
    ← @tags :tmi.twitch.tv CLEARMSG #channel :text      → retract ``target-msg-id``

Tag values are unescaped (``\\s`` space, ``\\:`` ``;``, ``\\\\`` ``\\``, ``\\r``, ``\\n``). A quiet
connection is probed with a PING after ``idle_timeout_s`` (Twitch pings every ~5 minutes); no
answer within ``pong_timeout_s`` is a lost connection.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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

IRC_URL = "wss://irc-ws.chat.twitch.tv:443"
HELIX_BASE = "https://api.twitch.tv/helix"
_ESCAPES = {":": ";", "s": " ", "\\": "\\", "r": "\r", "n": "\n"}
AUTH_FAILURES = ("Login authentication failed", "Improperly formatted auth", "Login unsuccessful")


@dataclass
class IrcMessage:
    tags: dict[str, str] = field(default_factory=dict)
    prefix: str = ""
    command: str = ""
    params: list[str] = field(default_factory=list)

    @property
    def nick(self) -> str:
        return self.prefix.split("!", 1)[0] if "!" in self.prefix else ""

    @property
    def trailing(self) -> str:
        return self.params[-1] if self.params else ""


def unescape_tag(value: str) -> str:
    out = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            if i + 1 < len(value):
                out.append(_ESCAPES.get(value[i + 1], value[i + 1]))
            i += 2  # a trailing lone backslash is dropped
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def parse_line(line: str) -> IrcMessage:
    """One IRC line (IRCv3 tags); ``ValueError`` when it has no command."""
    msg = IrcMessage()
    rest = line.rstrip("\r\n")
    if rest.startswith("@"):
        raw_tags, _, rest = rest[1:].partition(" ")
        for part in raw_tags.split(";"):
            if part:
                key, _, value = part.partition("=")
                msg.tags[key] = unescape_tag(value)
    rest = rest.lstrip(" ")
    if rest.startswith(":"):
        msg.prefix, _, rest = rest[1:].partition(" ")
    rest = rest.lstrip(" ")
    trailing = None
    if " :" in rest:
        rest, trailing = rest.split(" :", 1)
    elif rest.startswith(":"):
        rest, trailing = "", rest[1:]
    words = rest.split()
    if not words:
        raise ValueError(f"no command in {line[:60]!r}")
    msg.command = words[0].upper()
    msg.params = words[1:] + ([trailing] if trailing is not None else [])
    return msg


def _ts(tags: dict[str, str]) -> int:
    try:
        return int(tags.get("tmi-sent-ts", ""))
    except ValueError:
        return now_ms()


def _user(msg: IrcMessage, login_tag: str = "login") -> dict[str, str]:
    tags = msg.tags
    login = tags.get(login_tag) or msg.nick or "unknown"
    return {"id": (tags.get("user-id") or login)[:128], "nick": (tags.get("display-name") or login)}


SUB_PLANS = {"Prime": "Prime", "1000": "Tier 1", "2000": "Tier 2", "3000": "Tier 3"}


def to_events(msg: IrcMessage, channel: str) -> list[dict[str, Any]]:
    """The neutral events of one IRC message; [] for the ones we do not use."""
    tags = msg.tags
    base = {"platform": "twitch", "room_id": channel, "ts_ms": _ts(tags)}
    if msg.command == "PRIVMSG":
        msg_id = tags.get("id")
        if not msg_id:
            raise ValueError("PRIVMSG without an id tag")
        text = msg.trailing
        if text.startswith("\x01ACTION ") and text.endswith("\x01"):
            text = text[8:-1]
        user = _user(msg)
        comment = {**base, "msg_id": msg_id, "type": "comment", "user": user, "text": text,
                   "raw": {"tags": tags, "text": msg.trailing}}  # fmt: skip
        events: list[dict[str, Any]] = [comment]
        bits = int(tags["bits"]) if tags.get("bits", "").isdigit() else 0
        if bits:
            events.append({**base, "msg_id": f"{msg_id}:bits", "type": "gift", "user": user,
                           "gift": {"name": "Bits", "count": bits, "value_cents": bits}})  # fmt: skip
        return events
    if msg.command == "USERNOTICE":
        kind, msg_id = tags.get("msg-id", ""), tags.get("id")
        if not msg_id:
            raise ValueError("USERNOTICE without an id tag")
        user = _user(msg)
        raw = {"tags": tags, "text": msg.trailing if len(msg.params) > 1 else ""}
        events = []
        if kind in ("sub", "resub"):
            plan = SUB_PLANS.get(tags.get("msg-param-sub-plan", ""), "")
            name = f"Sub ({plan})" if plan else "Sub"
            events.append({**base, "msg_id": msg_id, "type": "gift", "user": user,
                           "gift": {"name": name, "count": 1}, "raw": raw})  # fmt: skip
        elif kind in ("subgift", "submysterygift"):
            count = tags.get("msg-param-mass-gift-count", "1")
            events.append({**base, "msg_id": msg_id, "type": "gift", "user": user,
                           "gift": {"name": "Gift sub",
                                    "count": int(count) if count.isdigit() else 1},
                           "raw": raw})  # fmt: skip
        elif kind == "raid":
            events.append({**base, "msg_id": msg_id, "type": "member_join", "user": user,
                           "raw": raw})  # fmt: skip
        else:
            return []
        if len(msg.params) > 1 and msg.trailing:  # the viewer's own words with the notice
            events.append({**base, "msg_id": f"{msg_id}:text", "type": "comment", "user": user,
                           "text": msg.trailing})  # fmt: skip
        return events
    if msg.command == "CLEARCHAT":
        target_user = tags.get("target-user-id", "")
        who = target_user or "all"
        if len(msg.params) > 1 and not target_user:
            who = target_user = msg.trailing  # login, when the tag is missing
        return [{**base, "msg_id": f"clearchat:{base['ts_ms']}:{who}", "type": "retract",
                 "target": {"user_id": target_user} if target_user else {},
                 "raw": {"tags": tags}}]  # fmt: skip
    if msg.command == "CLEARMSG":
        target = tags.get("target-msg-id", "")
        if not target:
            raise ValueError("CLEARMSG without target-msg-id")
        return [{**base, "msg_id": f"clearmsg:{target}", "type": "retract",
                 "target": {"msg_id": target}, "raw": {"tags": tags}}]  # fmt: skip
    return []


class TwitchConnector(Connector):
    """Settings: ``channel``; ``auth`` = ``anonymous`` (default) or ``oauth`` (token in the
    keyring as ``connector.twitch.oauth_token``, with ``nick``: the account's login); ``url``;
    ``idle_timeout_s`` (360), ``pong_timeout_s`` (15)."""

    platform = "twitch"

    def __init__(self, config: dict[str, Any] | None = None, name: str = "twitch_chat") -> None:
        super().__init__(config, name)
        c = self.config
        self.channel = setting(c, "channel", "").strip().lstrip("#").lower()
        if not self.channel or not self.channel.replace("_", "").isalnum():
            raise UserError(
                f"twitch: channel must be the channel's login (twitch.tv/LOGIN), "
                f"got {c.get('channel', '')!r}"[:200]
            )
        self.auth = setting(c, "auth", "anonymous")
        if self.auth not in ("anonymous", "oauth"):
            raise UserError(f"twitch: auth must be 'anonymous' or 'oauth', got {self.auth!r}")
        self.nick = setting(c, "nick", "").strip().lower()
        if self.auth == "oauth" and not self.nick:
            raise UserError("twitch: OAuth needs nick (the login of the token's account)")
        self.url = setting(c, "url", IRC_URL)
        self.helix_base = setting(c, "helix_base", HELIX_BASE).rstrip("/")
        self.client_id = setting(c, "client_id", "").strip()  # the app's id (public)
        self._ids: tuple[str, str] | None = None  # (broadcaster id, moderator id)
        self.idle_timeout_s = setting(c, "idle_timeout_s", 360.0, float)
        self.pong_timeout_s = setting(c, "pong_timeout_s", 15.0, float)
        self._http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def session(self, out: Callable[[dict[str, Any]], bool]) -> None:
        token = get_credential("twitch", "oauth_token") if self.auth == "oauth" else None
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(sock_connect=15))
        async with self._http.ws_connect(self.url, heartbeat=None, autoping=True) as ws:
            nick = self.nick if token else f"justinfan{random.randint(10000, 99999)}"
            lines = ["CAP REQ :twitch.tv/tags twitch.tv/commands"]
            if token:
                lines.append(f"PASS oauth:{token.removeprefix('oauth:')}")
            lines += [f"NICK {nick}", f"JOIN #{self.channel}"]
            for line in lines:
                await ws.send_str(line + "\r\n")
            await self._receive(ws, out)

    async def _receive(
        self, ws: aiohttp.ClientWebSocketResponse, out: Callable[[dict[str, Any]], bool]
    ) -> None:
        pinged_at: float | None = None
        pending = ""
        while True:
            timeout = self.pong_timeout_s if pinged_at is not None else self.idle_timeout_s
            try:
                frame = await asyncio.wait_for(ws.receive(), timeout)
            except TimeoutError:
                if pinged_at is not None:
                    raise Retry(f"no answer to PING for {self.pong_timeout_s:.0f} s") from None
                await ws.send_str("PING :live-console\r\n")
                pinged_at = time.monotonic()
                continue
            if not self.websocket_data(
                frame, ws, aiohttp.WSMsgType.TEXT, "Twitch closed the connection"
            ):
                continue
            pinged_at = None  # anything from the server shows it is there
            # lines end with CRLF; a line split across frames waits for its end (and is lost,
            # never half-read, when the connection drops first)
            pending += frame.data
            *lines, pending = pending.split("\r\n")
            if len(pending) > 65536:
                self.malformed("a line longer than 64 KB")
                pending = ""
            for line in lines:
                if line.strip():
                    await self._line(ws, line, out)

    async def _line(
        self, ws: aiohttp.ClientWebSocketResponse, line: str, out: Callable[[dict[str, Any]], bool]
    ) -> None:
        try:
            msg = parse_line(line)
        except ValueError as exc:
            self.malformed(f"line: {exc}")
            return
        cmd = msg.command
        if cmd == "PING":
            await ws.send_str(f"PONG :{msg.trailing or 'tmi.twitch.tv'}\r\n")
            return
        if cmd == "RECONNECT":
            raise Retry("Twitch asked to reconnect (RECONNECT)", immediate=True)
        if cmd == "001":
            self.connected(channel=self.channel)
            return
        if cmd == "NOTICE":
            text = one_line(msg.trailing)
            if any(f in text for f in AUTH_FAILURES):
                raise Fatal(f"Twitch refused the login: {text}")
            self.set_detail(last_notice=text)
            return
        if cmd == "ROOMSTATE":
            self.set_detail(joined=True)
            return
        try:
            events = to_events(msg, self.channel)
        except (ValueError, KeyError) as exc:
            self.malformed(f"{cmd}: {exc}")
            return
        for event in events:
            out(event)

    # ---- moderation on Twitch (Helix; OAuth with moderator:manage:* scopes, a moderator)

    def delete_message(self, msg_id: str) -> None:
        self.call(lambda: self._delete(msg_id))

    def ban_user(self, user_id: str, duration_s: int | None = None, reason: str = "") -> None:
        self.call(lambda: self._ban(user_id, duration_s, reason))

    async def _helix(self, method: str, path: str, **kwargs: Any) -> Any:
        if self.auth != "oauth" or not self.client_id:
            raise Fatal(
                "Twitch: moderating on Twitch needs auth = 'oauth' and the app's client_id "
                "(blocked here only)"
            )
        token = get_credential("twitch", "oauth_token") or ""
        headers = {"Authorization": f"Bearer {token.removeprefix('oauth:')}",
                   "Client-Id": self.client_id}  # fmt: skip
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        async with self._http.request(
            method, f"{self.helix_base}{path}", headers=headers, **kwargs
        ) as resp:
            data = await resp.json(content_type=None) if resp.status != 204 else {}
            if resp.status in (200, 204):
                return data
            message = one_line((data or {}).get("message", "") if isinstance(data, dict) else "")
            if resp.status == 403:
                raise Fatal(f"Twitch: not allowed ({message or 'not a moderator here'})")
            if resp.status == 401:
                raise Fatal(f"Twitch: the OAuth token was refused ({message})")
            raise Retry(f"Twitch: HTTP {resp.status} {message}".strip())

    async def _moderation_ids(self) -> tuple[str, str]:
        if self._ids is None:
            channel = await self._helix("GET", "/users", params={"login": self.channel})
            me = await self._helix("GET", "/users")
            try:
                self._ids = (str(channel["data"][0]["id"]), str(me["data"][0]["id"]))
            except (KeyError, IndexError, TypeError):
                raise Fatal(f"Twitch: no user id for {self.channel}") from None
        return self._ids

    async def _delete(self, msg_id: str) -> None:
        broadcaster, moderator = await self._moderation_ids()
        params = {"broadcaster_id": broadcaster, "moderator_id": moderator, "message_id": msg_id}
        await self._helix("DELETE", "/moderation/chat", params=params)

    async def _ban(self, user_id: str, duration_s: int | None, reason: str) -> None:
        broadcaster, moderator = await self._moderation_ids()
        data: dict[str, Any] = {"user_id": user_id}
        if duration_s:
            data["duration"] = int(duration_s)
        if reason:
            data["reason"] = reason[:500]
        params = {"broadcaster_id": broadcaster, "moderator_id": moderator}
        await self._helix("POST", "/moderation/bans", params=params, json={"data": data})


def create(context: Any) -> TwitchConnector:
    """Plugin factory (``plugins/twitch_chat``)."""
    return TwitchConnector(getattr(context, "config", {}) or {})
