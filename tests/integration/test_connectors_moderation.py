"""Moderation on the platform: a Twitch message deleted and a viewer timed out through Helix, a
YouTube message deleted and a viewer banned through the Data API — each against a fake of the
platform's endpoints written here — and the one-line refusals (no OAuth, not a moderator, no
connector for that platform)."""

from __future__ import annotations

import json

import pytest
from aiohttp import web

from console.audience.events import parse_event
from console.connectors.base import set_credential
from console.connectors.moderation import on_platform
from console.errors import UserError
from tests.integration.test_connectors_twitch import TOKEN, FakeTwitch, privmsg
from tests.integration.test_connectors_twitch import run_host as twitch_host
from tests.integration.test_connectors_youtube import OAUTH, FakeYouTube, text
from tests.integration.test_connectors_youtube import run_host as youtube_host
from tests.waiting import wait_for


class FakeHelix(FakeTwitch):
    """The IRC fake plus Helix: users, moderation/chat (DELETE), moderation/bans (POST)."""

    def __init__(self, scripts, moderator: bool = True) -> None:
        super().__init__(scripts, token=TOKEN)
        self.moderator = moderator
        self.calls: list[tuple[str, str, dict, dict | None]] = []

    def app(self, server):
        app = super().app(server)
        app.router.add_get("/helix/users", self.users)
        app.router.add_delete("/helix/moderation/chat", self.moderate)
        app.router.add_post("/helix/moderation/bans", self.moderate)
        return app

    def ok(self, request: web.Request) -> bool:
        return (
            request.headers.get("Authorization") == f"Bearer {TOKEN}"
            and request.headers.get("Client-Id") == "client-abc"
        )

    async def users(self, request: web.Request) -> web.Response:
        if not self.ok(request):
            return web.json_response({"message": "Invalid OAuth token"}, status=401)
        login = request.query.get("login")
        user = {"id": "1234", "login": "shop"} if login == "shop" else {"id": "777", "login": "bot"}
        return web.json_response({"data": [user]})

    async def moderate(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        self.calls.append((request.method, request.path, dict(request.query), body))
        if not self.ok(request):
            return web.json_response({"message": "Invalid OAuth token"}, status=401)
        if not self.moderator:
            message = "The user in moderator_id is not one of the broadcaster's moderators"
            return web.json_response({"error": "Forbidden", "status": 403, "message": message},
                                     status=403)  # fmt: skip
        if request.method == "DELETE":
            return web.Response(status=204)
        return web.json_response({"data": [{"user_id": body["data"]["user_id"]}]})


def test_twitch_delete_and_timeout_through_helix(tmp_path, memory_keyring) -> None:
    set_credential("twitch", "oauth_token", TOKEN)

    async def script(fake, ws, request) -> None:
        await ws.send_str(privmsg("m1", "bob", "102", "spam link") + "\r\n")

    controller, hub, host, items, feed = twitch_host(tmp_path)
    with FakeHelix([script]) as fake:
        settings = {"channel": "shop", "auth": "oauth", "nick": "bot", "client_id": "client-abc",
                    "url": f"ws://127.0.0.1:{fake.server.port}/",
                    "helix_base": f"{fake.server.url}/helix"}  # fmt: skip
        host.start("twitch_chat", settings)
        try:
            assert wait_for(lambda: len(items) == 1, timeout=20)
            spam = items[0]
            assert on_platform(host.attached(), spam, "delete") == "deleted on twitch"
            assert on_platform(host.attached(), spam, "ban", 600) == (
                "Bob timed out for 600 s on twitch"
            )
            fake.moderator = False
            with pytest.raises(UserError) as refused:
                on_platform(host.attached(), spam, "delete")
        finally:
            host.stop("twitch_chat")
    assert str(refused.value) == (
        "Twitch: not allowed (The user in moderator_id is not one of the broadcaster's moderators)"
    )
    ids = {"broadcaster_id": "1234", "moderator_id": "777"}
    assert fake.calls[0] == ("DELETE", "/helix/moderation/chat", {**ids, "message_id": "m1"}, None)
    assert fake.calls[1] == ("POST", "/helix/moderation/bans", ids,
                             {"data": {"user_id": "102", "duration": 600}})  # fmt: skip
    hub.stop()
    controller.close()


def test_anonymous_twitch_and_missing_connectors_refuse_in_one_line(tmp_path) -> None:
    controller, hub, host, items, feed = twitch_host(tmp_path)
    with FakeTwitch([]) as fake:
        host.start("twitch_chat", {"channel": "shop", "url": f"ws://127.0.0.1:{fake.server.port}/"})
        connector = host.attached()[0].source
        try:
            assert wait_for(lambda: connector.state.phase == "connected", timeout=20)
            event = parse_event(
                {"platform": "twitch", "msg_id": "x", "ts_ms": 1, "type": "comment",
                 "user": {"id": "1"}, "text": "hi"}
            )  # fmt: skip
            with pytest.raises(UserError, match=r"^Twitch: moderating on Twitch needs auth"):
                on_platform(host.attached(), event, "delete")
            other = parse_event({**event.to_dict(), "platform": "bilibili"})
            with pytest.raises(UserError, match="^no bilibili connector is running"):
                on_platform(host.attached(), other, "ban")
        finally:
            host.stop("twitch_chat")
    hub.stop()
    controller.close()


class FakeYouTubeModeration(FakeYouTube):
    def __init__(self, pages) -> None:
        super().__init__(pages)
        self.calls: list[tuple[str, str, dict, dict | None]] = []

    def app(self, server):
        app = super().app(server)
        app.router.add_delete("/liveChat/messages", self.moderate)
        app.router.add_post("/liveChat/bans", self.moderate)
        return app

    async def moderate(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        self.calls.append((request.method, request.path, dict(request.query), body))
        if request.headers.get("Authorization") != f"Bearer {OAUTH}":
            return self.error(401, "authError", "Invalid Credentials")
        if request.method == "DELETE":
            return web.Response(status=204)
        return web.json_response({"kind": "youtube#liveChatBan", "id": "ban-1", **body})


def test_youtube_delete_and_ban_cost_quota(tmp_path, memory_keyring) -> None:
    set_credential("youtube", "oauth_token", OAUTH)
    pages = {"": {"items": [text("m1", "UCeve", "Eve", "spam")], "nextPageToken": "p2",
                  "pollingIntervalMillis": 60_000}}  # fmt: skip
    controller, hub, host, items, feed = youtube_host(tmp_path)
    with FakeYouTubeModeration(pages) as fake:
        config = {"live_chat_id": "chat-1", "auth": "oauth", "api_base": fake.server.url}
        host.start("youtube_chat", config)
        connector = host.attached()[0].source
        try:
            assert wait_for(lambda: len(items) == 1, timeout=20)
            assert on_platform(host.attached(), items[0], "delete") == "deleted on youtube"
            assert on_platform(host.attached(), items[0], "ban") == "Eve banned on youtube"
            quota = connector.state.details["quota_used"]
        finally:
            host.stop("youtube_chat")
    assert quota == 5 + 50 + 200  # one list call, a delete, a ban
    assert fake.calls[0][:3] == ("DELETE", "/liveChat/messages", {"id": "m1"})
    method, path, query, body = fake.calls[1]
    assert (method, path, query) == ("POST", "/liveChat/bans", {"part": "snippet"})
    assert json.dumps(body, sort_keys=True) == json.dumps(
        {"snippet": {"bannedUserDetails": {"channelId": "UCeve"}, "liveChatId": "chat-1",
                     "type": "permanent"}}, sort_keys=True)  # fmt: skip
    hub.stop()
    controller.close()
