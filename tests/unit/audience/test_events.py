"""The audience event schema: strict parsing with reasons, round trip, de-duplication."""

from __future__ import annotations

import pytest

from console.audience.events import (
    MAX_TEXT,
    AudienceEvent,
    Deduper,
    EventError,
    parse_batch,
    parse_event,
)


def comment(**changes):
    data = {
        "v": 1,
        "platform": "douyin",
        "room_id": "7300",
        "msg_id": "m1",
        "ts_ms": 1_700_000_000_000,
        "type": "comment",
        "user": {"id": "u1", "nick": "张三"},
        "text": "想要 保温杯",
    }
    data.update(changes)
    return data


def test_comment_parses_and_round_trips() -> None:
    event = parse_event(comment())
    assert event.type == "comment" and event.text == "想要 保温杯"
    assert event.key == ("douyin", "m1") and event.user_key == "douyin:u1"
    assert parse_event(event.to_dict()) == event


@pytest.mark.parametrize(
    "data",
    [
        {"type": "like", "user": {"id": "u"}, "like_count": 12},
        {
            "type": "gift",
            "user": {"id": "u"},
            "gift": {"name": "玫瑰", "count": 3, "value_cents": 30},
        },
        {"type": "member_join", "user": {"id": "u", "nick": "👋Amy"}},
        {"type": "follow", "user": {"id": "u"}},
        {"type": "share", "user": {"id": "u"}},
        {"type": "cart", "user": {"id": "u"}, "order": {"product_id": "p1", "status": "created"}},
        {
            "type": "order",
            "user": {"id": "u"},
            "order": {"product_id": "p1", "quantity": 2, "amount_cents": 11800, "status": "paid"},
        },
        {"type": "room_stats", "viewers": 1234},
    ],
)
def test_every_type_round_trips(data: dict) -> None:
    base = {"platform": "bilibili", "msg_id": "x", "ts_ms": 1}
    event = parse_event({**base, **data})
    assert parse_event(event.to_dict()) == event


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "must be a JSON object"),
        (comment(extra=1), "unknown field 'extra'"),
        (comment(v=2), "schema version"),
        (comment(platform="Dou Yin"), "platform"),
        (comment(platform=""), "platform: must not be empty"),
        (comment(msg_id=None), "msg_id: required"),
        (comment(msg_id=5), "msg_id: expected a string"),
        (comment(ts_ms="1700"), "ts_ms: expected a whole number"),
        (comment(ts_ms=True), "ts_ms: expected a whole number"),
        (comment(ts_ms=-1), "ts_ms: -1 is outside"),
        (comment(ts_ms=10**18), "ts_ms"),
        (comment(type="dance"), "type: 'dance' is not one of"),
        (comment(user=None), "user: required for a comment"),
        (comment(user={"id": ""}), "user.id: must not be empty"),
        (comment(user={"id": "u", "age": 3}), "user: unknown field 'age'"),
        (comment(user="u1"), "user: expected an object"),
        (comment(text=None), "text: required"),
        (comment(text=["x"]), "text: expected a string"),
        (comment(type="gift"), "gift: required"),
        (comment(type="gift", gift={"name": "x", "count": 0}), "gift.count: 0 is outside"),
        (comment(type="order"), "order: required"),
        (comment(type="order", order={"product_id": "p", "status": "shipped"}), "order.status"),
        (comment(type="order", order={"product_id": "p", "quantity": 1.5}), "order.quantity"),
        (comment(type="like", like_count=0), "like_count: must be at least 1"),
        ({"platform": "x", "msg_id": "m", "ts_ms": 1, "type": "room_stats"}, "viewers: required"),
    ],
)
def test_bad_events_are_refused_with_the_field_named(data, reason: str) -> None:
    with pytest.raises(EventError) as info:
        parse_event(data)
    assert reason in str(info.value)


def test_long_comment_is_clipped_not_refused() -> None:
    event = parse_event(comment(text="啊" * 10_000))
    assert len(event.text) == MAX_TEXT


def test_batch_shapes() -> None:
    one = comment()
    assert parse_batch(one) == [one]
    assert parse_batch([one, one]) == [one, one]
    assert parse_batch({"events": [one]}) == [one]
    with pytest.raises(EventError, match="no events"):
        parse_batch([])
    with pytest.raises(EventError, match="at most 3"):
        parse_batch([one] * 4, limit=3)
    with pytest.raises(EventError, match="events: expected a list"):
        parse_batch({"events": "x"})


def test_deduper_is_a_bounded_lru() -> None:
    d = Deduper(capacity=3)
    assert not d.seen(("a", "1"))
    assert d.seen(("a", "1"))
    assert not d.seen(("b", "1"))  # same msg id on another platform is another message
    for i in range(2, 6):
        d.seen(("a", str(i)))
    assert len(d) == 3
    assert not d.seen(("a", "1"))  # forgotten: evicted as least recently seen
    assert d.duplicates == 1


def test_event_is_hashable_value() -> None:
    event = parse_event(comment())
    assert isinstance(event, AudienceEvent)
    assert event == parse_event(comment())
