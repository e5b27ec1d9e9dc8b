"""The chat overlay layer: masked names, highlights, fading keys, hostile text kept in its box."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from console.audience.events import parse_event
from console.audience.hub import AudienceHub, AudienceItem
from console.audience.moderation import Moderator
from console.media.compositor import Compositor, NormRect, Scene
from console.overlays.chat import ChatFeed, ChatOverlayLayer, mask_name, message_line

pytestmark = pytest.mark.usefixtures("gui_app")

SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "chat-overlay.png"


def ev(msg_id: str, kind: str = "comment", nick: str = "张三丰", **parts):
    data = {"platform": "douyin", "msg_id": msg_id, "ts_ms": 1, "type": kind}
    data["user"] = {"id": "u" + msg_id, "nick": nick}
    data.update(parts)
    return parse_event(data)


def test_masked_names_and_highlight_lines() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("Alice") == "A**"
    assert mask_name("") == "观众"
    order = ev("o", "order", order={"product_id": "cup", "quantity": 2})
    item = AudienceItem(order, 1, "", "张三丰", product_title="保温杯")
    assert message_line(item) == ("张**", "下单了 保温杯 ×2")
    gift = AudienceItem(ev("g", "gift", gift={"name": "玫瑰", "count": 10}), 2, "", "李四")
    assert message_line(gift) == ("李**", "送出 玫瑰 ×10")
    assert message_line(gift, mask=False) == ("李四", "送出 玫瑰 ×10")


def test_hidden_and_unshown_types_do_not_reach_the_feed() -> None:
    hub = AudienceHub(moderator=Moderator(["加微信"]))
    feed = ChatFeed()
    hub.subscribe(feed)
    hub.submit(ev("a", text="加微信"))
    hub.submit(ev("b", "like", like_count=3))
    hub.submit(ev("c", text="好看"))
    hub.process_pending()
    assert [i.event.msg_id for i in feed.snapshot()[1]] == ["c"]


def test_content_key_changes_only_with_messages_and_fade_steps() -> None:
    hub = AudienceHub()
    layer = ChatOverlayLayer(
        hub, NormRect(0, 0.5, 0.6, 0.4), max_messages=3, fade_after_s=10, fade_s=2
    )
    empty = layer.content_key(0.0)
    assert empty == layer.content_key(5.0)
    hub.submit(ev("a", text="hello"))
    hub.process_pending()
    assert layer.content_key(6.0) != empty  # a new message: repaint
    # first seen at t = 6 (the render loop asks every frame); not fading yet: no repaint
    assert layer.content_key(6.0) == layer.content_key(15.9)
    keys = {layer.content_key(16.0 + i / 100) for i in range(0, 200)}
    assert len(keys) == 8  # 2 s of fade at 4 Hz
    assert layer.content_key(18.0) == layer.content_key(60.0)  # gone: nothing to repaint
    assert layer.visible_lines(60.0) == []
    for i in range(5):
        hub.submit(ev(f"n{i}", text=f"msg {i}"))
    hub.process_pending()
    assert [item.text for item, _ in layer.visible_lines(61.0)] == ["msg 2", "msg 3", "msg 4"]
    layer.close()


def render(layer, canvas=(720, 1280), t: float = 1.0, background=None):
    compositor = Compositor(*canvas)
    scene = Scene()
    if background is not None:
        scene.add(background)
    scene.add(layer)
    return compositor.render(scene, t).copy()


def test_hostile_text_is_drawn_inside_the_box() -> None:
    feed = ChatFeed()
    hub = AudienceHub()
    hub.subscribe(feed)
    hostile = [
        "Z" + "\u0336\u0335\u0334\u0337" * 200 + "algo 漢字" * 3,
        "\u202egnp.exe\u202c \u2067RTL override\u2069 مرحبا بالعالم",
        "ctrl\x00\x07\x1b[2J\r\n\tchars",
        "长" * 10_000,
        "🎉🎉🎉 emoji ❤️ 👨\u200d👩\u200d👧",
    ]
    for i, text in enumerate(hostile):
        hub.submit(ev(f"h{i}", text=text))
    hub.process_pending()
    rect = NormRect(0.05, 0.55, 0.6, 0.3)
    layer = ChatOverlayLayer(feed, rect, max_messages=5)
    canvas = render(layer)
    x, y, w, h = rect.to_pixels(720, 1280)
    inside = canvas[y : y + h, x : x + w, :3]
    outside = canvas[..., :3].copy()
    outside[y : y + h, x : x + w] = 0
    assert inside.any()  # something was drawn
    assert not outside.any()  # and nothing outside the box


def test_screenshot_of_the_overlay() -> None:
    hub = AudienceHub()
    layer = ChatOverlayLayer(hub, NormRect(0.04, 0.52, 0.7, 0.3), max_messages=7)
    events = [
        ev("1", nick="小红爱购物", text="主播好！今天有什么福利？"),
        ev("2", nick="Amy334", text="love this stream 👍"),
        ev("3", nick="王子涵", text="保温杯能装开水吗？"),
        ev("4", "gift", nick="李欣怡", gift={"name": "玫瑰", "count": 10, "value_cents": 100}),
        ev("5", nick="陈浩然", text="Z̶̵̴̷̶̵̴̷̶̵̴̷algo \u202eevil\u202c " + "长" * 300),
        ev("6", "order", nick="张三丰", order={"product_id": "CUP-316-500", "quantity": 2}),
        ev("7", nick="周一诺", text="想要想要 🙏"),
    ]
    items = []
    hub.subscribe(items.append)
    for e in events:
        hub.submit(e)
    hub.process_pending()
    # the order's product title comes from the show state in the app; fill it in here
    feed = ChatFeed()
    for item in items:
        if item.event.type == "order":
            item = AudienceItem(**{**item.__dict__, "product_title": "316不锈钢保温杯"})
        feed.add(item)
    layer = ChatOverlayLayer(feed, NormRect(0.04, 0.52, 0.7, 0.3), max_messages=7)

    class Gradient:
        name, rect, visible = "bg", NormRect(), True

        def content_key(self, t):
            return 0

        def paint(self, painter, w, h, t):
            from console.qt.QtGui import QColor, QLinearGradient

            g = QLinearGradient(0, 0, 0, h)
            g.setColorAt(0, QColor("#2b5876"))
            g.setColorAt(1, QColor("#4e4376"))
            painter.fillRect(0, 0, w, h, g)

    canvas = render(layer, background=Gradient())
    crop = canvas[600:1100, :, :3]
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    ok, png = cv2.imencode(".png", np.ascontiguousarray(crop))
    assert ok
    SCREENSHOT.write_bytes(png.tobytes())
    assert SCREENSHOT.stat().st_size > 1000
