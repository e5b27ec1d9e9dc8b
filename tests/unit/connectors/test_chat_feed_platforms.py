"""One feed from several platforms: retract events take lines out of the chat feed (per
platform), and once a feed holds more than one platform each line is drawn with its badge."""

from __future__ import annotations

import numpy as np
import pytest

from console.audience.events import EventError, parse_event
from console.audience.hub import AudienceItem
from console.media.compositor import NormRect
from console.overlays.chat import ChatFeed, ChatOverlayLayer, platform_badge
from console.qt.QtGui import QImage, QPainter

pytestmark = pytest.mark.usefixtures("gui_app")


def item(seq: int, platform: str, msg_id: str, user: str = "u1", **more) -> AudienceItem:
    data = {"platform": platform, "msg_id": msg_id, "ts_ms": 1, "type": "comment",
            "user": {"id": user, "nick": "Ann"}, "text": "hello", **more}  # fmt: skip
    return AudienceItem(parse_event(data), seq, "hello", "Ann")


def retract(seq: int, platform: str, target: dict) -> AudienceItem:
    event = parse_event({"platform": platform, "msg_id": f"r{seq}", "ts_ms": 1,
                         "type": "retract", "target": target})  # fmt: skip
    return AudienceItem(event, seq, "", "")


def ids(feed: ChatFeed) -> list[str]:
    return [f"{i.event.platform}:{i.event.msg_id}" for i in feed.snapshot()[1]]


def test_retract_removes_a_message_a_user_or_a_platform_chat() -> None:
    feed = ChatFeed(50)
    for n, (platform, msg, user) in enumerate([("twitch", "a", "1"), ("twitch", "b", "2"),
                                              ("youtube", "a", "1"), ("twitch", "c", "2"),
                                              ("twitch", "d", "3")]):  # fmt: skip
        feed.add(item(n, platform, msg, user))
    version = feed.snapshot()[0]
    feed.add(retract(10, "twitch", {"msg_id": "a"}))  # only Twitch's "a"
    assert ids(feed) == ["twitch:b", "youtube:a", "twitch:c", "twitch:d"]
    assert feed.snapshot()[0] > version
    feed.add(retract(11, "twitch", {"user_id": "2"}))
    assert ids(feed) == ["youtube:a", "twitch:d"]
    feed.add(retract(12, "bilibili", {}))  # another platform's clear: nothing of ours
    assert ids(feed) == ["youtube:a", "twitch:d"]
    feed.add(retract(13, "twitch", {}))
    assert ids(feed) == ["youtube:a"]


def test_retract_needs_a_target() -> None:
    with pytest.raises(EventError, match="target: required for a retract event"):
        parse_event({"platform": "twitch", "msg_id": "r", "ts_ms": 1, "type": "retract"})
    event = parse_event({"platform": "twitch", "msg_id": "r", "ts_ms": 1, "type": "retract",
                         "target": {"user_id": "9"}})  # fmt: skip
    assert parse_event(event.to_dict()) == event


def drawn_width(feed: ChatFeed) -> int:
    layer = ChatOverlayLayer(feed, NormRect(0, 0, 1, 1), max_messages=2)
    image = QImage(600, 120, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    layer.paint(painter, 600, 120, 0.0)
    painter.end()
    alpha = np.frombuffer(image.constBits(), np.uint8).reshape(120, 600, 4)[60:, :, 3]
    return int(np.nonzero(alpha.max(axis=0))[0].max())  # right edge of the newest line


def test_badges_only_when_several_platforms_share_the_feed() -> None:
    assert platform_badge("bilibili") == "B站" and platform_badge("acme") == "acme"
    single = ChatFeed(10)
    single.add(item(1, "twitch", "a"))
    single.add(item(2, "twitch", "b"))
    mixed = ChatFeed(10)
    mixed.add(item(1, "youtube", "a"))
    mixed.add(item(2, "twitch", "b"))
    assert mixed.platforms == {"youtube", "twitch"}
    assert drawn_width(mixed) > drawn_width(single) + 20  # "[Twitch] " before the name
