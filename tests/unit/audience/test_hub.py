"""AudienceHub: dedupe, moderation, journal, show reactions, isolation of subscribers, bounded queue."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from console.audience.events import parse_event
from console.audience.hub import AudienceHub
from console.audience.moderation import Moderator
from console.show.commands import OpenLottery, PinProduct, StartFlashSale
from tests.unit.show.helpers import FakeClock, make_controller


def ev(msg_id: str, kind: str = "comment", user: str = "u1", **parts):
    data = {"platform": "douyin", "msg_id": msg_id, "ts_ms": 1, "type": kind}
    data["user"] = {"id": user, "nick": f"观众{user}"}
    if kind == "comment":
        data.setdefault("text", parts.pop("text", "hello"))
    data.update(parts)
    return parse_event(data)


@pytest.fixture
def controller(tmp_path: Path):
    c = make_controller(tmp_path, FakeClock())
    yield c
    c.close()


def test_duplicates_are_dropped_and_everything_else_journaled(controller) -> None:
    hub = AudienceHub(controller)
    items = []
    hub.subscribe(items.append)
    for e in (ev("a"), ev("a"), ev("b", "like", like_count=3)):
        assert hub.submit(e)
    assert hub.process_pending() == 3
    assert [i.event.msg_id for i in items] == ["a", "b"]
    assert hub.stats.duplicates == 1
    journaled = list(controller.journal.events("audience."))
    assert [j.kind for j in journaled] == ["audience.comment", "audience.like"]
    assert journaled[0].payload["msg_id"] == "a" and journaled[0].actor == "audience:douyin"
    assert items[0].journal_seq == journaled[0].seq


def test_blocked_word_is_hidden_flagged_and_still_journaled(controller) -> None:
    hub = AudienceHub(controller, moderator=Moderator(["加微信"]))
    items = []
    hub.subscribe(items.append)
    hub.submit(ev("a", text="加微信 买便宜的"))
    hub.process_pending()
    assert items[0].hidden and items[0].flags == ("blocked word: 加微信",)
    (journaled,) = controller.journal.events("audience.")
    assert journaled.payload["moderation"] == ["blocked word: 加微信"]


def test_hostile_text_is_sanitised_for_display(controller) -> None:
    hub = AudienceHub(controller)
    items = []
    hub.subscribe(items.append)
    hub.submit(ev("a", text="\u202eevil\x00" + "Z" + "\u0336" * 50 + "长" * 10_000))
    hub.process_pending()
    assert "\u202e" not in items[0].text and "\x00" not in items[0].text
    assert len(items[0].text) <= 200


def test_keyword_comment_enters_the_open_lottery(controller) -> None:
    hub = AudienceHub(controller)
    controller.execute(
        OpenLottery("耳机", 19900, "keyword", 1, 60, keyword="想要", claim_rules="私信")
    )
    hub.submit(ev("a", text="想要想要", user="u1"))
    hub.submit(ev("b", text="好看", user="u2"))  # no keyword
    hub.submit(ev("c", text="想要！", user="u1"))  # already entered
    hub.process_pending()
    lottery = controller.state.current_lottery()
    assert list(lottery.entrants) == ["douyin:u1"]
    assert lottery.entrants["douyin:u1"].display_name == "观众u1"
    assert hub.stats.lottery_entries == 1 and hub.stats.lottery_refused == 0


def test_blocked_user_does_not_enter_the_lottery(controller) -> None:
    moderator = Moderator()
    moderator.block_user("douyin:troll")
    hub = AudienceHub(controller, moderator=moderator)
    controller.execute(OpenLottery("耳机", 19900, "keyword", 1, 60, keyword="想要"))
    hub.submit(ev("a", text="想要", user="troll"))
    hub.process_pending()
    assert controller.state.current_lottery().entrants == {}


def test_want_counter_counts_viewers_per_pinned_product(controller) -> None:
    hub = AudienceHub(controller)
    hub.submit(ev("a", text="想要"))  # nothing pinned: not counted
    hub.process_pending()
    controller.execute(PinProduct("cup"))
    for i, text in enumerate(["想要", "想要！！", "I WANT it", "好看"]):
        hub.submit(ev(f"m{i}", text=text, user="u1" if i < 2 else f"u{i}"))
    hub.process_pending()
    assert hub.want_counts() == {"cup": 2}  # u1 (twice) and u2


def test_paid_orders_become_sales_at_the_flash_sale_price(controller) -> None:
    hub = AudienceHub(controller)
    controller.execute(StartFlashSale("cup", 5900, 3, 60))
    order = {"product_id": "cup", "quantity": 2, "amount_cents": 11800, "status": "paid"}
    hub.submit(ev("o1", "order", order=order))
    hub.submit(ev("o2", "order", order={**order, "quantity": 1}))
    hub.submit(ev("o3", "order", order={**order, "status": "created"}))  # not paid: no sale
    hub.submit(ev("o4", "order", order={**order, "product_id": "ghost"}))  # not ours
    hub.process_pending()
    state = controller.state
    assert state.stock["cup"] == 97 and state.sold["cup"] == 3
    assert state.flash_sales["flash-1"].end_reason == "sold_out"
    hub.submit(ev("o5", "order", order={**order, "quantity": 1}))  # after the sale: list price
    hub.process_pending()
    assert controller.state.stock["cup"] == 96
    assert hub.stats.sales_recorded == 3


def test_order_by_platform_product_id(tmp_path: Path) -> None:
    from dataclasses import replace

    from console.show.catalog import Catalog
    from tests.unit.show import helpers

    products = [replace(p, platform_product_id=f"36{n}") for n, p in enumerate(helpers.products())]
    c = make_controller(tmp_path)
    c.load_catalog(Catalog(products))
    hub = AudienceHub(c)
    items = []
    hub.subscribe(items.append)
    hub.submit(ev("o", "order", order={"product_id": "360", "quantity": 1}))
    hub.process_pending()
    assert c.state.sold["cup"] == 1 and items[0].product_title == "保温杯"
    c.close()


def test_a_failing_subscriber_does_not_stop_the_others(controller) -> None:
    hub = AudienceHub(controller)
    got = []

    def broken(item):
        raise RuntimeError("boom")

    hub.subscribe(broken)
    hub.subscribe(got.append)
    hub.submit(ev("a"))
    hub.process_pending()
    assert len(got) == 1 and hub.stats.subscriber_errors == 1


def test_queue_is_bounded_and_drops_are_counted() -> None:
    hub = AudienceHub(queue_size=3)
    accepted = [hub.submit(ev(str(i))) for i in range(5)]
    assert accepted == [True, True, True, False, False]
    assert hub.stats.dropped_queue_full == 2
    assert hub.process_pending() == 3


def test_bad_dict_is_rejected_not_raised() -> None:
    hub = AudienceHub()
    assert hub.submit({"type": "comment"}) is False
    assert hub.stats.rejected == 1


def test_hub_thread_delivers_from_many_source_threads(controller) -> None:
    hub = AudienceHub(controller)
    done = threading.Event()
    seen = []

    def collect(item):
        seen.append(item.event.msg_id)
        if len(seen) == 200:
            done.set()

    hub.subscribe(collect)
    hub.start()

    def source(n: int) -> None:
        for i in range(50):
            hub.submit(ev(f"{n}-{i}", user=f"u{n}"))
            hub.submit(ev(f"{n}-{i}", user=f"u{n}"))  # platforms deliver twice

    threads = [threading.Thread(target=source, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert done.wait(30)
    hub.stop()
    assert len(set(seen)) == 200 and len(seen) == 200
    assert hub.stats.duplicates == 200
    assert controller.journal.count("audience.") == 200
