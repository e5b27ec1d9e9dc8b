"""The Twitch connector against a fake Twitch IRC-over-WebSocket server written here: IRCv3 tags
with escapes, several lines per frame, PING/PONG, RECONNECT, CLEARMSG / CLEARCHAT (honoured in
the chat overlay's feed), resends, malformed lines, a disconnect in the middle of a line, a
server that stops answering, and OAuth with a refused token. Real plugin host, hub, journal."""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import WSMsgType, web

from console.audience.hub import AudienceHub
from console.audience.plugins import PluginContext, PluginHost
from console.connectors.base import set_credential
from console.connectors.twitch import parse_line, unescape_tag
from console.overlays.chat import ChatFeed
from tests.integration.fake_platforms import FakePlatform, FakeServer
from tests.unit.show.helpers import make_controller
from tests.waiting import wait_for

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
TOKEN = "abcdefghijklmnopqrstuvwxyz0123"


def privmsg(msg_id: str, login: str, uid: str, text: str, **tags: str) -> str:
    all_tags = {"badges": "subscriber/12,premium/1", "display-name": login.capitalize(),
                "id": msg_id, "user-id": uid, "tmi-sent-ts": "1700000000123", **tags}  # fmt: skip
    tag_text = ";".join(f"{k}={v}" for k, v in all_tags.items())
    return f"@{tag_text} :{login}!{login}@{login}.tmi.twitch.tv PRIVMSG #shop :{text}"


class FakeTwitch(FakePlatform):
    def __init__(self, scripts, token: str | None = None) -> None:
        self.scripts = list(scripts)
        self.token = token
        self.logins: list[list[str]] = []
        self.pongs: list[str] = []
        self.connections = 0
        self.server = FakeServer(self.app)

    def app(self, server: FakeServer) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.irc)
        return app

    async def irc(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        index = self.connections
        self.connections += 1
        login: list[str] = []
        self.logins.append(login)
        while not any(line.startswith("JOIN ") for line in login):
            msg = await ws.receive()
            if msg.type != WSMsgType.TEXT:
                return ws
            login += [line for line in msg.data.split("\r\n") if line]
        nick = next(line[5:] for line in login if line.startswith("NICK "))
        if self.token is not None and f"PASS oauth:{self.token}" not in login:
            await ws.send_str(":tmi.twitch.tv NOTICE * :Login authentication failed\r\n")
            await ws.close()
            return ws
        await ws.send_str(
            ":tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands\r\n"
            f":tmi.twitch.tv 001 {nick} :Welcome, GLHF!\r\n"
            f":{nick}!{nick}@{nick}.tmi.twitch.tv JOIN #shop\r\n"
            "@emote-only=0;room-id=1234;slow=0 :tmi.twitch.tv ROOMSTATE #shop\r\n"
        )
        script = self.scripts[index] if index < len(self.scripts) else None
        if script is not None:
            await script(self, ws, request)
        await self.answer(ws)
        return ws

    async def wait_pong(self, ws) -> None:
        while not self.pongs:
            msg = await ws.receive()
            assert msg.type == WSMsgType.TEXT
            self.pongs += [line for line in msg.data.split("\r\n") if line.startswith("PONG")]

    async def answer(self, ws, pong: bool = True) -> None:
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                for line in msg.data.split("\r\n"):
                    if line.startswith("PONG"):
                        self.pongs.append(line)
                    if line.startswith("PING") and pong:
                        await ws.send_str("PONG :tmi.twitch.tv\r\n")


def run_host(tmp_path):
    controller = make_controller(tmp_path)
    hub = AudienceHub(controller)
    items = []
    feed = ChatFeed(50)
    hub.subscribe(items.append)
    hub.subscribe(feed)
    hub.start()
    host = PluginHost(hub.submit, PluginContext(state=lambda: controller.state, rehearsal=False))
    host.discover([PLUGINS], entry_points=False)
    return controller, hub, host, items, feed


def settings(fake: FakeTwitch, **more) -> dict:
    return {"channel": "Shop", "url": f"ws://127.0.0.1:{fake.server.port}/",
            "backoff_initial_s": 0.05, "backoff_cap_s": 0.2, **more}  # fmt: skip


def test_tags_are_unescaped() -> None:
    assert unescape_tag(r"Alice\ssubscribed\:\sthanks\\\r\nbye\x" + "\\") == (
        "Alice subscribed; thanks\\\r\nbyex"
    )
    msg = parse_line(r"@a=1;b=x\sy;c :nick!nick@nick.tmi.twitch.tv PRIVMSG #shop :hi :) there")
    assert msg.tags == {"a": "1", "b": "x y", "c": ""}
    assert (msg.command, msg.params, msg.nick) == ("PRIVMSG", ["#shop", "hi :) there"], "nick")


def test_chat_with_deletions_resends_and_reconnects(tmp_path) -> None:
    async def first(fake, ws, request) -> None:
        await ws.send_str(
            privmsg("m1", "alice", "101", "hello from Twitch") + "\r\n"
            + privmsg("m2", "bob", "102", "buy gold at spam.example") + "\r\n"
            + privmsg("m3", "carol", "103", "cheer100 great stream", bits="100") + "\r\n"
            + privmsg("m1", "alice", "101", "hello from Twitch") + "\r\n"  # a resend
            + "@no-command-here\r\n"  # malformed: tags only
            + "PING :tmi.twitch.tv\r\n"
        )  # fmt: skip
        await fake.wait_pong(ws)
        await ws.send_str(
            r"@badges=subscriber/0;display-name=Dave;id=n1;login=dave;msg-id=sub;"
            r"msg-param-sub-plan=1000;system-msg=Dave\ssubscribed\sat\sTier\s1.;"
            r"tmi-sent-ts=1700000001000;user-id=104 :tmi.twitch.tv USERNOTICE #shop :first sub!"
            "\r\n"
            r"@display-name=Eve;id=n2;login=eve;msg-id=raid;msg-param-viewerCount=42;"
            r"system-msg=42\sraiders\sfrom\sEve;tmi-sent-ts=1700000002000;user-id=105"
            " :tmi.twitch.tv USERNOTICE #shop\r\n"
            + privmsg("m4", "bob", "102", "more spam") + "\r\n"
            + "@login=bob;target-msg-id=m2;tmi-sent-ts=1700000003000"
              " :tmi.twitch.tv CLEARMSG #shop :buy gold at spam.example\r\n"
            + "@ban-duration=600;room-id=1234;target-user-id=102;tmi-sent-ts=1700000004000"
              " :tmi.twitch.tv CLEARCHAT #shop :bob\r\n"
        )  # fmt: skip
        # the connection drops in the middle of a line (its end never comes)
        await ws.send_str(privmsg("m9", "zed", "109", "cut off")[:40])
        request.transport.close()

    async def second(fake, ws, request) -> None:
        await ws.send_str(privmsg("m3", "carol", "103", "cheer100 great stream", bits="100")
                          + "\r\n" + privmsg("m5", "frank", "106", "back again") + "\r\n")  # fmt: skip
        await ws.send_str(":tmi.twitch.tv RECONNECT\r\n")

    async def third(fake, ws, request) -> None:
        await ws.send_str(privmsg("m6", "gina", "107", "\x01ACTION waves\x01") + "\r\n")

    controller, hub, host, items, feed = run_host(tmp_path)
    with FakeTwitch([first, second, third]) as fake:
        status = host.start("twitch_chat", settings(fake))
        assert status.state == "running", status.reason
        connector = host.attached()[0].source
        try:
            assert wait_for(lambda: any(i.event.msg_id == "m6" for i in items), timeout=20)
            assert connector.state.connects == 3 and connector.state.phase == "connected"
        finally:
            host.stop("twitch_chat")
        hub.stop()
    assert fake.logins[0][0] == "CAP REQ :twitch.tv/tags twitch.tv/commands"
    assert fake.logins[0][1].startswith("NICK justinfan") and fake.logins[0][2] == "JOIN #shop"
    assert not any(line.startswith("PASS") for line in fake.logins[0])  # anonymous
    assert fake.pongs == ["PONG :tmi.twitch.tv"]
    state = connector.state
    assert state.duplicates == 3 and state.malformed == 1  # m1; m3 and its bits again

    got = [(i.event.type, i.event.msg_id) for i in items]
    assert got == [
        ("comment", "m1"), ("comment", "m2"), ("comment", "m3"), ("gift", "m3:bits"),
        ("gift", "n1"), ("comment", "n1:text"), ("member_join", "n2"), ("comment", "m4"),
        ("retract", "clearmsg:m2"), ("retract", "clearchat:1700000004000:102"),
        ("comment", "m5"), ("comment", "m6"),
    ]  # fmt: skip
    first_item = items[0]
    assert (first_item.nick, first_item.text, first_item.event.user_key) == (
        "Alice",
        "hello from Twitch",
        "twitch:101",
    )
    assert first_item.event.raw["tags"]["badges"] == "subscriber/12,premium/1"
    bits = items[3].event.gift
    assert (bits.name, bits.count, bits.value_cents) == ("Bits", 100, 100)
    assert items[4].event.gift.name == "Sub (Tier 1)"
    assert items[4].event.raw["tags"]["system-msg"] == "Dave subscribed at Tier 1."
    assert items[11].text == "waves"
    # the deleted message and everything of the timed-out user left the overlay's feed
    shown = [i.event.msg_id for i in feed.snapshot()[1]]
    assert shown == ["m1", "m3", "m3:bits", "n1", "n1:text", "m5", "m6"]
    assert controller.journal.count("audience.retract") == 2
    assert controller.journal.count("audience.comment") == 7
    controller.close()


def test_a_server_that_stops_answering_is_left(tmp_path) -> None:
    async def mute(fake, ws, request) -> None:
        await fake.answer(ws, pong=False)

    controller, hub, host, items, feed = run_host(tmp_path)
    with FakeTwitch([mute]) as fake:
        seen = []
        host.start("twitch_chat", settings(fake, idle_timeout_s=0.3, pong_timeout_s=0.3))
        connector = host.attached()[0].source
        connector.on_state(lambda s: seen.append(s.label))
        try:
            assert wait_for(lambda: connector.state.connects == 2, timeout=20)
        finally:
            host.stop("twitch_chat")
        hub.stop()
    assert any(s.startswith("reconnecting in ") and "no answer to PING" in s for s in seen)
    controller.close()


def test_oauth_token_from_the_keyring_and_a_refused_login(tmp_path, memory_keyring, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    controller, hub, host, items, feed = run_host(tmp_path)
    set_credential("twitch", "oauth_token", TOKEN)
    with FakeTwitch([], token=TOKEN) as fake:
        host.start("twitch_chat", settings(fake, auth="oauth", nick="shopbot"))
        connector = host.attached()[0].source
        assert wait_for(lambda: connector.state.phase == "connected", timeout=20)
        host.stop("twitch_chat")
    assert f"PASS oauth:{TOKEN}" in fake.logins[0] and "NICK shopbot" in fake.logins[0]

    set_credential("twitch", "oauth_token", "wrong" + TOKEN)
    with FakeTwitch([], token=TOKEN) as fake:
        host.start("twitch_chat", settings(fake, auth="oauth", nick="shopbot"))
        host.wait("twitch_chat", timeout=20)
    status = host.status("twitch_chat")
    assert status.state == "failed"
    assert status.reason == (
        "failed while running: Fatal: Twitch refused the login: Login authentication failed"
    )
    assert fake.connections == 1
    # a token in the settings is refused; no token in any log line
    status = host.start("twitch_chat", {"channel": "shop", "oauth_token": "oauth:zzzsecret"})
    assert status.state == "failed" and "zzzsecret" not in status.reason
    assert TOKEN not in caplog.text and "zzzsecret" not in caplog.text
    hub.stop()
    controller.close()
