"""YouTube live chat: ``liveChatMessages.list`` polling (YouTube Data API v3).

    GET {api_base}/videos?part=liveStreamingDetails&id=VIDEO     (1 unit) → activeLiveChatId
    GET {api_base}/liveChat/messages?liveChatId=…&part=snippet,authorDetails
        &maxResults=2000[&pageToken=…]                            (5 units per call)
        → items, nextPageToken, pollingIntervalMillis, offlineAt

The next request waits ``pollingIntervalMillis`` (never less than ``min_poll_ms``) and sends
``nextPageToken``; ``offlineAt`` in an answer means the broadcast is over: the connector ends
(state ``ended``) instead of polling a finished chat. The quota used by this connector is in
``state.details["quota_used"]`` (the default daily quota is 10 000 units: a list call every 5 s
uses about 8 640 a day of 12 hours). Credentials: an API key (``connector.youtube.api_key``)
or an OAuth access token (``connector.youtube.oauth_token``), both from the OS keyring.

Items: ``textMessageEvent`` → comment; ``superChatEvent`` → comment + gift (the amount in
its currency's cents); ``superStickerEvent``, ``newSponsorEvent``, ``memberMilestoneChatEvent``,
``membershipGiftingEvent`` → gift; ``messageDeletedEvent`` / ``userBannedEvent`` → retract.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

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

API_BASE = "https://www.googleapis.com/youtube/v3"
COST_LIST = 5  # liveChatMessages.list
COST_VIDEOS = 1  # videos.list
COST_DELETE = 50  # liveChatMessages.delete
COST_BAN = 200  # liveChatBans.insert
QUOTA_FATAL = ("quotaExceeded", "dailyLimitExceeded")
ENDED = ("liveChatEnded", "liveChatNotFound")
AUTH_FATAL = ("keyInvalid", "authError", "forbidden", "insufficientPermissions", "liveChatDisabled")


def _ts(iso: Any) -> int:
    try:
        return int(datetime.fromisoformat(str(iso).replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return now_ms()


def to_events(item: dict[str, Any], chat_id: str) -> list[dict[str, Any]]:
    """The neutral events of one liveChatMessage resource; [] for types we do not use."""
    snippet = item["snippet"]
    author = item.get("authorDetails") or {}
    kind = snippet["type"]
    msg_id = str(item["id"])
    user = {
        "id": str(author.get("channelId") or snippet.get("authorChannelId") or "unknown")[:128],
        "nick": str(author.get("displayName") or "")[:256],
    }
    base = {"platform": "youtube", "room_id": chat_id[:128], "ts_ms": _ts(snippet.get("publishedAt")),
            "user": user, "raw": item}  # fmt: skip
    if kind == "textMessageEvent":
        text = (snippet.get("textMessageDetails") or {}).get("messageText")
        return [{**base, "msg_id": msg_id, "type": "comment",
                 "text": str(text or snippet.get("displayMessage") or "")}]  # fmt: skip
    if kind in ("superChatEvent", "superStickerEvent"):
        key = "superChatDetails" if kind == "superChatEvent" else "superStickerDetails"
        d = snippet.get(key) or {}
        micros = int(d.get("amountMicros") or 0)
        label = "Super Chat" if kind == "superChatEvent" else "Super Sticker"
        shown = d.get("amountDisplayString") or ""
        events = [{**base, "msg_id": f"{msg_id}:paid", "type": "gift",
                   "gift": {"name": f"{label} {shown}".strip(), "count": 1,
                            "value_cents": micros // 10_000}}]  # fmt: skip
        if d.get("userComment"):
            events.insert(0, {**base, "msg_id": msg_id, "type": "comment",
                              "text": str(d["userComment"])})  # fmt: skip
        return events
    if kind in ("newSponsorEvent", "memberMilestoneChatEvent", "membershipGiftingEvent"):
        d = (
            snippet.get("newSponsorDetails")
            or snippet.get("memberMilestoneChatDetails")
            or snippet.get("membershipGiftingDetails")
            or {}
        )
        level = d.get("memberLevelName") or "member"
        if kind == "memberMilestoneChatEvent":
            name = f"Membership {level} · {d.get('memberMonth', '?')} months"
        elif kind == "membershipGiftingEvent":
            name = f"Gifted memberships {level}"
        else:
            name = f"Membership {level}"
        count = int(d.get("giftMembershipsCount") or 1)
        events = [{**base, "msg_id": f"{msg_id}:member", "type": "gift",
                   "gift": {"name": name[:256], "count": max(1, count)}}]  # fmt: skip
        if d.get("userComment"):
            events.insert(0, {**base, "msg_id": msg_id, "type": "comment",
                              "text": str(d["userComment"])})  # fmt: skip
        return events
    if kind == "messageDeletedEvent":
        target = (snippet.get("messageDeletedDetails") or {})["deletedMessageId"]
        return [{**base, "msg_id": msg_id, "type": "retract", "target": {"msg_id": target}}]
    if kind == "userBannedEvent":
        banned = (snippet.get("userBannedDetails") or {})["bannedUserDetails"]["channelId"]
        return [{**base, "msg_id": msg_id, "type": "retract", "target": {"user_id": banned}}]
    return []


class YouTubeConnector(Connector):
    """Settings: ``video_id`` (the live video) or ``live_chat_id``; ``auth`` = ``api_key``
    (default) or ``oauth``; ``api_base``; ``min_poll_ms`` (1000)."""

    platform = "youtube"
    backoff_initial_s = 5.0  # a quota-billed API: retry gently
    backoff_cap_s = 300.0

    def __init__(self, config: dict[str, Any] | None = None, name: str = "youtube_chat") -> None:
        super().__init__(config, name)
        c = self.config
        self.video_id = setting(c, "video_id", "").strip()
        self.live_chat_id = setting(c, "live_chat_id", "").strip()
        if not self.video_id and not self.live_chat_id:
            raise UserError("youtube: set video_id (youtube.com/watch?v=VIDEO_ID) or live_chat_id")
        self.auth = setting(c, "auth", "api_key")
        if self.auth not in ("api_key", "oauth"):
            raise UserError(f"youtube: auth must be 'api_key' or 'oauth', got {self.auth!r}")
        self.api_base = setting(c, "api_base", API_BASE).rstrip("/")
        self.min_poll_ms = setting(c, "min_poll_ms", 1000, int)
        self.page_token = ""
        self.quota_used = 0
        self._http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    def _charge(self, units: int) -> None:
        self.quota_used += units
        self.set_detail(quota_used=self.quota_used)

    async def _get(self, path: str, params: dict[str, str], cost: int) -> dict[str, Any]:
        headers = {}
        if self.auth == "oauth":
            headers["Authorization"] = f"Bearer {get_credential('youtube', 'oauth_token')}"
        else:
            params = {**params, "key": get_credential("youtube", "api_key") or ""}
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20))
        url = f"{self.api_base}{path}?{urlencode(params)}"
        async with self._http.get(url, headers=headers) as resp:
            self._charge(cost)  # every request is billed, failed ones too
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                data = None
            if resp.status == 200 and isinstance(data, dict):
                return data
            self._error(resp.status, data, resp.headers.get("Retry-After"))
        raise AssertionError("unreachable")

    def _error(self, status: int, data: Any, retry_after: str | None) -> None:
        error = data.get("error") if isinstance(data, dict) else None
        error = error if isinstance(error, dict) else {}
        errors = error.get("errors") if isinstance(error.get("errors"), list) else []
        reason = str(errors[0].get("reason", "")) if errors and isinstance(errors[0], dict) else ""
        message = one_line(error.get("message") or f"HTTP {status}")
        text = f"YouTube: {message} ({reason or status})"
        if reason in QUOTA_FATAL:
            raise Fatal(
                f"YouTube quota exceeded ({self.quota_used} units used by this connector); "
                "it resets at midnight Pacific time"
            )
        if reason in ENDED or status == 404:
            raise _Ended(text)
        if reason in AUTH_FATAL or status in (400, 401):
            raise Fatal(text)
        after = float(retry_after) if retry_after and retry_after.isdigit() else None
        raise Retry(text, after=after)

    async def session(self, out: Callable[[dict[str, Any]], bool]) -> None:
        try:
            await self._poll(out)
        except _Ended as exc:
            self.ended(str(exc))

    async def _poll(self, out: Callable[[dict[str, Any]], bool]) -> None:
        if not self.live_chat_id:
            data = await self._get(
                "/videos", {"part": "liveStreamingDetails", "id": self.video_id}, COST_VIDEOS
            )
            items = data.get("items") or []
            if not items:
                raise Fatal(f"YouTube: no video {self.video_id!r} (check video_id)")
            details = items[0].get("liveStreamingDetails") or {}
            chat = details.get("activeLiveChatId")
            if not chat:
                if details.get("actualEndTime"):
                    raise _Ended(f"the broadcast of {self.video_id} is over")
                raise Fatal(f"YouTube: video {self.video_id} has no active live chat")
            self.live_chat_id = str(chat)
        first = True
        while True:
            params = {
                "liveChatId": self.live_chat_id,
                "part": "snippet,authorDetails",
                "maxResults": "2000",
            }
            if self.page_token:
                params["pageToken"] = self.page_token
            data = await self._get("/liveChat/messages", params, COST_LIST)
            if first:
                self.connected(live_chat_id=self.live_chat_id)
                first = False
            for item in data.get("items") or []:
                try:
                    events = to_events(item, self.live_chat_id)
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    self.malformed(f"item: {type(exc).__name__}: {exc}")
                    continue
                for event in events:
                    out(event)
            self.page_token = str(data.get("nextPageToken") or self.page_token)
            if data.get("offlineAt"):
                raise _Ended(f"the broadcast went offline at {data['offlineAt']}")
            interval = max(int(data.get("pollingIntervalMillis") or 0), self.min_poll_ms)
            self.set_detail(poll_interval_ms=interval, page_token=self.page_token)
            await asyncio.sleep(interval / 1000)

    # ---- moderation on YouTube (OAuth of the channel owner or a moderator)

    def delete_message(self, msg_id: str) -> None:
        self.call(lambda: self._moderate("DELETE", "/liveChat/messages", {"id": msg_id}, None,
                                         COST_DELETE))  # fmt: skip

    def ban_user(self, user_id: str, duration_s: int | None = None, reason: str = "") -> None:
        snippet: dict[str, Any] = {
            "liveChatId": self.live_chat_id,
            "type": "temporary" if duration_s else "permanent",
            "bannedUserDetails": {"channelId": user_id},
        }
        if duration_s:
            snippet["banDurationSeconds"] = int(duration_s)
        self.call(lambda: self._moderate("POST", "/liveChat/bans", {"part": "snippet"},
                                         {"snippet": snippet}, COST_BAN))  # fmt: skip

    async def _moderate(
        self, method: str, path: str, params: dict[str, str], body: Any, cost: int
    ) -> None:
        if self.auth != "oauth":
            raise Fatal("YouTube: moderating on YouTube needs auth = 'oauth' (blocked here only)")
        token = get_credential("youtube", "oauth_token")
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20))
        url = f"{self.api_base}{path}?{urlencode(params)}"
        headers = {"Authorization": f"Bearer {token}"}
        async with self._http.request(method, url, headers=headers, json=body) as resp:
            self._charge(cost)
            if resp.status in (200, 204):
                return
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                data = None
            try:
                self._error(resp.status, data, None)
            except _Ended as exc:
                raise Fatal(str(exc)) from None


class _Ended(Exception):
    pass


def create(context: Any) -> YouTubeConnector:
    """Plugin factory (``plugins/youtube_chat``)."""
    return YouTubeConnector(getattr(context, "config", {}) or {})
