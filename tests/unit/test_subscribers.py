"""console/subscribers.py: add/unsubscribe, notify in order, a raising callback logged."""

from __future__ import annotations

import logging
import threading

import pytest

from console.subscribers import Subscribers

log = logging.getLogger("test.subscribers")


def test_notify_calls_each_in_order_and_unsubscribe_stops_it() -> None:
    subs: Subscribers = Subscribers()
    got: list[tuple[str, int]] = []
    subs.add(lambda n: got.append(("a", n)))
    remove_b = subs.add(lambda n: got.append(("b", n)))
    assert subs.notify(1, logger=log, what="test") == 0
    remove_b()
    remove_b()  # twice is harmless
    subs.notify(2, logger=log, what="test")
    assert got == [("a", 1), ("b", 1), ("a", 2)]
    assert len(subs) == 1


def test_one_that_raises_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    subs: Subscribers = Subscribers()
    got: list[int] = []

    def broken(n: int) -> None:
        raise RuntimeError("boom")

    subs.add(broken)
    subs.add(got.append)
    with caplog.at_level(logging.ERROR, logger="test.subscribers"):
        assert subs.notify(7, logger=log, what="test callback") == 1
    assert got == [7]
    assert "test callback" in caplog.text and "boom" in caplog.text


def test_a_callback_may_unsubscribe_itself_while_notified() -> None:
    subs: Subscribers = Subscribers()
    calls: list[int] = []
    remove = None

    def once(n: int) -> None:
        calls.append(n)
        assert remove is not None
        remove()

    remove = subs.add(once)
    subs.notify(1, logger=log, what="test")
    subs.notify(2, logger=log, what="test")
    assert calls == [1]


def test_adding_from_threads_loses_none() -> None:
    subs: Subscribers = Subscribers()
    threads = [
        threading.Thread(target=lambda: [subs.add(lambda: None) for _ in range(200)])
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(subs) == 800
