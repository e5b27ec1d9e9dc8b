"""The YouTube connector against a fake YouTube Data API written here: videos.list for the live
chat id, liveChatMessages.list JSON pages chained by page tokens with pollingIntervalMillis and
offlineAt, resent items, a malformed item, a server error in the middle, deletions and bans,
quota accounting, an exhausted quota and OAuth. Real plugin host, hub, journal, chat feed."""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from console.audience.hub import AudienceHub
from console.audience.plugins import PluginContext, PluginHost
from console.connectors.base import set_credential
from console.overlays.chat import ChatFeed
from tests.integration.fake_platforms import FakePlatform, FakeServer
from tests.unit.show.helpers import make_controller

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
KEY = "AIzaSyFAKE-key-0123456789abcdef"
OAUTH = "ya29.fake-oauth-token-abcdef"


def author(channel: str, name: str) -> dict:
    return {"channelId": channel, "displayName": name, "isChatModerator": False}


def text(msg_id: str, channel: str, name: str, words: str) -> dict:
    return {
        "kind": "youtube#liveChatMessage",
        "id": msg_id,
        "snippet": {"type": "textMessageEvent", "liveChatId": "chat-1",
                    "authorChannelId": channel, "publishedAt": "2023-11-14T22:13:20.5Z",
                    "hasDisplayContent": True, "displayMessage": words,
                    "textMessageDetails": {"messageText": words}},
        "authorDetails": author(channel, name),
    }  # fmt: skip


def event(msg_id: str, kind: str, channel: str, name: str, **details) -> dict:
    return {"id": msg_id, "snippet": {"type": kind, "publishedAt": "2023-11-14T22:13:21Z",
                                      **details},
            "authorDetails": author(channel, name)}  # fmt: skip


SUPER_CHAT = event("s1", "superChatEvent", "UCbob", "Bob",
                   superChatDetails={"amountMicros": "5000000", "currency": "USD",
                                     "amountDisplayString": "$5.00", "userComment": "love it",
                                     "tier": 2})  # fmt: skip
SPONSOR = event(
    "n1",
    "newSponsorEvent",
    "UCcid",
    "Cid",
    newSponsorDetails={"memberLevelName": "Gold", "isUpgrade": False},
)
MILESTONE = event("ms1", "memberMilestoneChatEvent", "UCdee", "Dee",
                  memberMilestoneChatDetails={"userComment": "a year!", "memberMonth": 12,
                                              "memberLevelName": "Gold"})  # fmt: skip
DELETED = event(
    "d1", "messageDeletedEvent", "UCmod", "Mod", messageDeletedDetails={"deletedMessageId": "m1"}
)
BANNED = event("b1", "userBannedEvent", "UCmod", "Mod",
               userBannedDetails={"bannedUserDetails": {"channelId": "UCeve", "displayName": "Eve"},
                                  "banType": "temporary", "banDurationSeconds": 300})  # fmt: skip


class FakeYouTube(FakePlatform):
    """``pages[token]`` answers liveChatMessages.list for that page token (a list is used in
    turn: an int item is an HTTP error status)."""

    def __init__(self, pages: dict, chat: str | None = "chat-1", quota_left: int = 10_000) -> None:
        self.pages = {k: list(v) if isinstance(v, list) else [v] for k, v in pages.items()}
        self.chat = chat
        self.quota_left = quota_left
        self.server = FakeServer(self.app)

    def app(self, server: FakeServer) -> web.Application:
        app = web.Application()
        app.router.add_get("/videos", self.videos)
        app.router.add_get("/liveChat/messages", self.messages)
        return app

    def authorised(self, request: web.Request) -> bool:
        return (
            request.query.get("key") == KEY
            or request.headers.get("Authorization") == f"Bearer {OAUTH}"
        )

    @staticmethod
    def error(status: int, reason: str, message: str) -> web.Response:
        body = {"error": {"code": status, "message": message,
                          "errors": [{"reason": reason, "message": message}]}}  # fmt: skip
        return web.json_response(body, status=status)

    async def videos(self, request: web.Request) -> web.Response:
        self.server.record(request)
        if not self.authorised(request):
            return self.error(400, "keyInvalid", "API key not valid. Please pass a valid API key.")
        assert request.query["part"] == "liveStreamingDetails"
        details = {"actualStartTime": "2023-11-14T22:00:00Z"}
        if self.chat:
            details["activeLiveChatId"] = self.chat
        return web.json_response({"items": [{"id": request.query["id"],
                                             "liveStreamingDetails": details}]})  # fmt: skip

    async def messages(self, request: web.Request) -> web.Response:
        self.server.record(request)
        if not self.authorised(request):
            return self.error(401, "authError", "Invalid Credentials")
        self.quota_left -= 5
        if self.quota_left < 0:
            return self.error(403, "quotaExceeded", "The request cannot be completed because "
                              "you have exceeded your quota.")  # fmt: skip
        assert request.query["liveChatId"] == "chat-1"
        assert request.query["part"] == "snippet,authorDetails"
        answers = self.pages[request.query.get("pageToken", "")]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, int):
            return self.error(answer, "backendError", "Backend Error")
        return web.json_response({"kind": "youtube#liveChatMessageListResponse", **answer})

    def tokens(self) -> list[str]:
        with self.server.lock:
            return [
                r[1].split("pageToken=")[1].split("&")[0] if "pageToken=" in r[1] else ""
                for r in self.server.requests
                if r[1].startswith("/liveChat/messages")
            ]


def run_host(tmp_path):
    controller = make_controller(tmp_path)
    hub = AudienceHub(controller)
    items, feed = [], ChatFeed(50)
    hub.subscribe(items.append)
    hub.subscribe(feed)
    hub.start()
    host = PluginHost(hub.submit, PluginContext(state=lambda: controller.state, rehearsal=False))
    host.discover([PLUGINS], entry_points=False)
    return controller, hub, host, items, feed


def settings(fake: FakeYouTube, **more) -> dict:
    return {"video_id": "VID12345678", "api_base": fake.server.url, "min_poll_ms": 0,
            "backoff_initial_s": 0.05, "backoff_cap_s": 0.2, **more}  # fmt: skip


def test_pages_reach_the_hub_until_the_broadcast_goes_offline(tmp_path, memory_keyring, caplog):
    caplog.set_level(logging.DEBUG)
    set_credential("youtube", "api_key", KEY)
    pages = {
        "": {"items": [text("m1", "UCann", "Ann", "Hello from YouTube"), SUPER_CHAT,
                       text("m2", "UCeve", "Eve", "spam spam")],
             "nextPageToken": "p2", "pollingIntervalMillis": 20},
        "p2": {"items": [text("m2", "UCeve", "Eve", "spam spam"), SPONSOR,
                         {"id": "broken", "kind": "youtube#liveChatMessage"}, MILESTONE, DELETED],
               "nextPageToken": "p3", "pollingIntervalMillis": 30},
        "p3": [503, {"items": [text("m3", "UCfay", "Fay", "bye!"), BANNED],
                     "nextPageToken": "p4", "pollingIntervalMillis": 40,
                     "offlineAt": "2023-11-14T23:00:00Z"}],
    }  # fmt: skip
    controller, hub, host, items, feed = run_host(tmp_path)
    with FakeYouTube(pages) as fake:
        status = host.start("youtube_chat", settings(fake))
        assert status.state == "running", status.reason
        connector = host.attached()[0].source
        host.wait("youtube_chat", timeout=20)
        tokens = fake.tokens()
    hub.stop()
    state = connector.state
    assert state.phase == "ended"
    assert state.label == "ended: the broadcast went offline at 2023-11-14T23:00:00Z"
    assert host.status("youtube_chat").state == "stopped"
    assert tokens == ["", "p2", "p3", "p3"]  # the 503 was retried with the same page token
    assert state.details["quota_used"] == 1 + 4 * 5  # videos.list + four list calls
    assert state.details["live_chat_id"] == "chat-1"
    assert state.duplicates == 1 and state.malformed == 1

    got = [(i.event.type, i.event.msg_id) for i in items]
    assert got == [
        ("comment", "m1"), ("comment", "s1"), ("gift", "s1:paid"), ("comment", "m2"),
        ("gift", "n1:member"), ("comment", "ms1"), ("gift", "ms1:member"), ("retract", "d1"),
        ("comment", "m3"), ("retract", "b1"),
    ]  # fmt: skip
    assert (items[0].nick, items[0].text, items[0].event.user_key) == (
        "Ann",
        "Hello from YouTube",
        "youtube:UCann",
    )
    assert items[0].event.ts_ms == 1700000000500
    paid = items[2].event.gift
    assert (paid.name, paid.value_cents) == ("Super Chat $5.00", 500)
    assert items[4].event.gift.name == "Membership Gold"
    # the deleted message and the banned user's messages are gone from the overlay's feed
    assert [i.event.msg_id for i in feed.snapshot()[1]] == [
        "s1", "s1:paid", "n1:member", "ms1", "ms1:member", "m3"
    ]  # fmt: skip
    assert controller.journal.count("audience.comment") == 5
    assert controller.journal.count("audience.retract") == 2
    # (the fake's own access log prints its request URLs; the console's logs never the key)
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("aiohttp.access")]
    assert ours and all(KEY not in line for line in ours)
    controller.close()


def test_an_exhausted_quota_fails_in_one_line(tmp_path, memory_keyring) -> None:
    set_credential("youtube", "oauth_token", OAUTH)
    pages = {"": {"items": [], "nextPageToken": "", "pollingIntervalMillis": 10}}
    controller, hub, host, items, feed = run_host(tmp_path)
    with FakeYouTube(pages, quota_left=10) as fake:
        host.start("youtube_chat", settings(fake, auth="oauth", live_chat_id="chat-1"))
        connector = host.attached()[0].source
        host.wait("youtube_chat", timeout=20)
    status = host.status("youtube_chat")
    assert status.state == "failed"
    assert status.reason == (
        "failed while running: Fatal: YouTube quota exceeded (15 units used by this connector); "
        "it resets at midnight Pacific time"
    )
    assert connector.state.details["quota_used"] == 15
    assert all("key=" not in r[1] for r in fake.server.requests)  # OAuth: no key in the URL
    hub.stop()
    controller.close()


def test_credentials_and_missing_chats_fail_clearly(tmp_path, memory_keyring) -> None:
    controller, hub, host, items, feed = run_host(tmp_path)
    with FakeYouTube({}, chat=None) as fake:
        host.start("youtube_chat", settings(fake))
        host.wait("youtube_chat", timeout=20)
        assert host.status("youtube_chat").reason == (
            "failed while running: Fatal: no api_key for youtube in the keyring: store it with "
            "`python -m console.connectors set-secret youtube api_key` (see docs/connectors.md)"
        )
        set_credential("youtube", "api_key", "wrong-key-000")
        host.start("youtube_chat", settings(fake))
        host.wait("youtube_chat", timeout=20)
        reason = host.status("youtube_chat").reason
        assert reason.startswith("failed while running: Fatal: YouTube: API key not valid.")
        assert "wrong-key-000" not in reason
        set_credential("youtube", "api_key", KEY)
        host.start("youtube_chat", settings(fake))
        host.wait("youtube_chat", timeout=20)
        assert host.status("youtube_chat").reason == (
            "failed while running: Fatal: YouTube: video VID12345678 has no active live chat"
        )
    status = host.start("youtube_chat", {"video_id": "x", "api_key": KEY})
    assert status.state == "failed" and KEY not in status.reason
    hub.stop()
    controller.close()
