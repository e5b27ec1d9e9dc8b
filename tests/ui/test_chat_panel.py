"""The chat panel in the window: live list, filters, flags, block, pin, quick replies, triggers.

Events go in through the show's hub (``hub.submit``, as every source does) and the tests wait
for them with ``qtbot.waitUntil``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.audience_helpers import comment, order, write_audience_prefs

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(autouse=True)
def _quiet_audience() -> None:
    write_audience_prefs(simulated=False)  # only the events the test submits


def submit(window, qtbot, *events: dict) -> list:  # noqa: ANN001
    """Submit events to the hub and wait until the panel has them; returns the new items."""
    model = window.chat.model
    before = model.rowCount()
    for event in events:
        assert window.audience.hub.submit(event)
    listed = sum(1 for e in events if e["type"] in ("comment", "order", "cart", "gift", "follow"))
    qtbot.waitUntil(lambda: model.rowCount() >= before + listed, timeout=5000)
    return model.items[before:]


def feed_texts(window) -> list[str]:  # noqa: ANN001
    _, items = window.audience.feed.snapshot()
    return [i.text for i in items]


def test_chat_panel_lists_filters_flags_blocks_and_pins(make_window, qtbot) -> None:  # noqa: ANN001
    window = make_window()
    chat, hub = window.chat, window.audience.hub
    assert window.chat_dock.widget() is chat
    assert not window.audience.running("simulated_audience")
    qtbot.waitUntil(lambda: window.session.running, timeout=20000)

    hello, question, bought, spam = submit(
        window,
        qtbot,
        comment("主播好！", user="u1", nick="张三丰"),
        comment("这个保温杯能装多少水？", user="u2", nick="李小花"),
        order("CUP-316-500", quantity=2, amount_cents=17800),
        comment("便宜货加微信 abc123", user="u3", nick="路人甲"),
    )
    assert hello.text == "主播好！" and question.is_question and bought.event.type == "order"
    # a blocked word: flagged (greyed, ⚑) for the operators, never in the overlay's feed
    assert spam.hidden and any("加微信" in f for f in spam.flags)
    assert "⚑" in chat.row_text(spam) and "⚑" not in chat.row_text(hello)
    qtbot.waitUntil(lambda: "这个保温杯能装多少水？" in feed_texts(window), timeout=3000)
    assert "主播好！" in feed_texts(window)
    assert not any("加微信" in t for t in feed_texts(window))
    assert "ordered" in chat.row_text(bought) and "×2" in chat.row_text(bought)
    assert "Comments 3" in chat.totals.text() and "Orders 1" in chat.totals.text()

    # filters: questions, orders, keyword (text or name), all
    chat.set_filter("questions")
    assert chat.shown_items() == [question]
    chat.set_filter("orders")
    assert chat.shown_items() == [bought]
    chat.set_filter("all")
    chat.keyword.setText("张三")
    assert chat.shown_items() == [hello]
    chat.keyword.setText("保温杯")
    assert set(chat.shown_items()) == {question, bought}  # the order names the product
    chat.keyword.clear()
    assert chat.shown_items() == [hello, question, bought, spam]

    # block a user: their later messages are flagged here and hidden from the overlay
    assert chat.select(hello)
    assert chat.block_selected()
    assert "douyin:u1" in hub.moderator.blocked_users
    assert "主播好！" not in feed_texts(window)  # also taken off what the overlay shows now
    assert "⚑" in chat.row_text(hello)
    (again,) = submit(window, qtbot, comment("再说一遍：主播好", user="u1", nick="张三丰"))
    assert again.hidden and "blocked user" in again.flags
    assert "⚑" in chat.row_text(again)
    (other,) = submit(window, qtbot, comment("已拍，等发货", user="u4", nick="Amy"))
    qtbot.waitUntil(lambda: "已拍，等发货" in feed_texts(window), timeout=3000)
    assert "再说一遍：主播好" not in feed_texts(window)

    # pin a comment: the banner layer in the scene shows the masked name and the text
    pinned = next(lay for lay in window.session.scene.layers if lay.name == "pinned_comment")
    assert not pinned.visible
    assert chat.select(question)
    assert chat.pin_selected()
    assert pinned.visible and pinned.text == "置顶 · 李**：这个保温杯能装多少水？"
    assert pinned in window.session.scene.layers
    assert "Pinned on the stream" in chat.status.text()
    # a flagged message is never pinned
    assert not chat.pin(spam)
    assert "flagged" in chat.last_error and pinned.text.endswith("能装多少水？")
    chat.unpin()
    assert not pinned.visible

    # quick replies: copied to the clipboard and logged (we cannot post to the platforms)
    from console.qt.QtGui import QGuiApplication

    chat.replies.setCurrentRow(1)
    chat.copy_button.click()
    text = chat.replies.item(1).text()
    assert QGuiApplication.clipboard().text() == text
    assert chat.replies_log[-1][1] == text
    chat.new_reply()
    assert chat.replies.count() == 6
    assert other in chat.shown_items()


def test_want_counter_lottery_keyword_and_auto_scroll(make_window, qtbot) -> None:  # noqa: ANN001
    window = make_window()
    chat, panel = window.chat, window.assistant
    assert "none yet" in chat.triggers.text()

    # "想要" while a product is pinned counts once per viewer for that product
    assert panel.pin("CUP-316-500")
    submit(
        window,
        qtbot,
        comment("想要", user="a1", nick="小王"),
        comment("想要想要", user="a2", nick="阿花"),
        comment("想要！", user="a1", nick="小王"),
    )
    assert window.audience.want_counts() == {"CUP-316-500": 2}
    assert "want" in chat.triggers.text() and "<b>2</b>" in chat.triggers.text()
    assert "wants" in chat.row_text(chat.model.items[-1])

    # the lottery keyword enters the lottery (the hub does it); the entrant count shows
    panel.lottery_prize.setText("保温杯 1个")
    panel.lottery_value.setValue(89.0)
    panel.lottery_rule.setCurrentIndex(panel.lottery_rule.findData("keyword"))
    panel.lottery_keyword.setText("抽我")
    panel.lottery_entry_s.setValue(120)
    assert panel.open_lottery_form(), panel.last_error
    lottery_id = window.controller.state.current_lottery().lottery_id
    items = submit(
        window,
        qtbot,
        comment("抽我抽我", user="b1", nick="老张"),
        comment("抽我", user="b2", nick="Lee"),
        comment("随便看看", user="b3", nick="路过"),
    )
    assert [i.lottery_entry for i in items] == [lottery_id, lottery_id, ""]
    assert len(window.controller.state.current_lottery().entrants) == 2
    qtbot.waitUntil(lambda: "Lottery: 2 entered" in chat.triggers.text(), timeout=3000)
    assert "entered the lottery" in chat.row_text(items[0])

    # newest at the bottom, followed; scrolled up, the list stays put and counts what is new
    submit(window, qtbot, *[comment(f"第{i}条", user=f"s{i}") for i in range(60)])
    bar = chat.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=3000)
    bar.setValue(0)
    submit(window, qtbot, *[comment(f"新{i}", user=f"n{i}") for i in range(5)])
    assert bar.value() == 0
    assert chat.unseen == 5 and chat.jump.isVisible()
    chat.jump.click()
    assert bar.value() == bar.maximum() and not chat.jump.isVisible()


def test_the_list_is_bounded(make_window, qtbot) -> None:  # noqa: ANN001
    from console.ui.chat_panel import ChatModel

    window = make_window()
    model = ChatModel(capacity=50)
    hub = window.audience.hub
    items = []
    unsubscribe = hub.subscribe(items.append)
    try:
        for i in range(120):
            hub.submit(comment(f"m{i}", user=f"x{i}"))
        qtbot.waitUntil(lambda: len(items) == 120, timeout=5000)
    finally:
        unsubscribe()
    model.add_items(items[:80])
    model.add_items(items[80:])
    assert model.rowCount() == 50 and model.items[-1].text == "m119"
    assert model.items[0].text == "m70" and model.removed == 70


def test_screenshot_of_the_chat_panel_and_overlay(make_window, qtbot) -> None:  # noqa: ANN001
    window = make_window()
    qtbot.waitUntil(lambda: window.session.running, timeout=20000)
    window.assistant.pin("CUP-316-500")
    chat = window.chat
    window.chat_dock.raise_()
    people = [
        ("u1", "王小美"),
        ("u2", "李子涵"),
        ("u3", "Chloe88"),
        ("u4", "陈思雨"),
        ("u5", "赵一诺"),
        ("u6", "刘浩然"),
    ]
    lines = [
        "主播好！今天有什么福利？",
        "这个保温杯能装多少水？",
        "first time here, love this stream",
        "想要",
        "316 不锈钢的吗？",
        "已拍，等发货",
    ]
    events = [comment(t, *people[i]) for i, t in enumerate(lines)]
    events.insert(3, order("CUP-316-500", 2, 17800))
    events.append(comment("加微信便宜卖", "u7", "路人甲"))
    events.append(comment("有没有优惠券？", "u2", "李子涵"))
    submit(window, qtbot, *events)
    question = next(i for i in chat.model.items if i.text.startswith("316"))
    assert chat.pin(question)
    chat.select(question)
    start = window.preview.frames_received
    qtbot.waitUntil(lambda: window.preview.frames_received >= start + 5, timeout=10000)
    qtbot.waitUntil(lambda: window.health.values["encoder"].text() not in ("", "–"), timeout=5000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SCREENSHOTS / "chat-panel.png"))


def test_a_flood_of_20000_comments_keeps_the_capped_list_and_every_priority_row(
    make_window,  # noqa: ANN001
    qtbot,  # noqa: ANN001
) -> None:
    """20 000 comments through the hub: the list holds its 2 000 rows, and every order, gift,
    lottery entry and flagged (blocked word) message of the flood is among them."""
    from console.show.commands import OpenLottery
    from console.ui.chat_panel import MAX_ROWS

    window = make_window()
    window.audience.controller.execute(
        OpenLottery("耳机", 19900, "keyword", 1, 600, keyword="抽奖")
    )
    hub, chat = window.audience.hub, window.chat
    special: dict[str, str] = {}  # msg_id → why it must stay
    events = []
    for i in range(20_000):
        if i % 250 == 3:
            e = order("CUP-316-500", user=f"b{i}")
            special[e["msg_id"]] = "order"
        elif i % 250 == 77:
            e = comment(f"我要抽奖 {i}", user=f"l{i}")
            special[e["msg_id"]] = "lottery"
        elif i % 250 == 150:
            e = comment(f"加微信 {i}", user=f"w{i}")  # a default blocked word: flagged
            special[e["msg_id"]] = "flagged"
        elif i % 500 == 201:
            e = {**comment("", user=f"g{i}"), "type": "gift", "gift": {"name": "rose", "count": 1}}
            del e["text"]
            special[e["msg_id"]] = "gift"
        else:
            e = comment(f"刷屏 {i}", user=f"c{i % 997}")
        events.append(e)
    for n in range(0, len(events), 1000):  # as fast as the hub takes them (it never drops)
        for e in events[n : n + 1000]:
            assert hub.submit(e)
        qtbot.waitUntil(lambda: hub.pending < 2000, timeout=20000)
    qtbot.waitUntil(lambda: hub.pending == 0, timeout=20000)
    last = events[-1]["msg_id"]
    qtbot.waitUntil(
        lambda: chat.model.items and chat.model.items[-1].event.msg_id == last, timeout=20000
    )
    model = chat.model
    assert model.rowCount() == MAX_ROWS
    shown = {item.event.msg_id: item for item in model.items}
    missing = sorted(why for msg_id, why in special.items() if msg_id not in shown)
    assert missing == []
    assert all(shown[m].hidden for m, why in special.items() if why == "flagged")
    assert all(shown[m].lottery_entry for m, why in special.items() if why == "lottery")
    let_go = model.removed + chat.queued_let_go + window.audience.dropped
    assert let_go + model.rowCount() == 20_000  # every message listed or counted as let go
