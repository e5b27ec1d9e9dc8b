"""CI guard for issue 17: a real client floods a real ingest for a few seconds while the media
engine runs in its own process (``ProcessEngine``, the chat overlay mirrored into it), and every
event is accounted for by cause — nothing unaccounted, every order and lottery entry accepted.

No frame-drop or timing assertion: that is ``bench/flood_bench.py``'s job.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from console.audience.hub import AudienceHub
from console.audience.ingest import IngestServer
from console.audience.moderation import Moderator
from console.engine_overlays import overlay_plan
from console.live.engine import EngineSpec
from console.overlays.chat import ChatFeed
from console.show.commands import OpenLottery
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from tests.waiting import wait_for

SECONDS = 4.0
PER_POST = 200
SENDERS = 4
QUEUE = 2000  # small, so the flood reaches the overload marks


def events(n0: int, keyword: str, product: str) -> list[dict]:
    out = []
    for n in range(n0, n0 + PER_POST):
        kind = ("comment", "comment", "like", "member_join", "comment", "order", "room_stats")[
            n % 7
        ]
        e: dict = {
            "platform": "douyin",
            "msg_id": f"m-{n}",
            "ts_ms": 1_700_000_000_000 + n,
            "type": kind,
            "user": {"id": f"u{n}", "nick": f"观众{n % 500}"},
        }
        if kind == "comment":
            e["text"] = f"{keyword} {n}" if n % 10 == 0 else f"主播好 {n}"
        elif kind == "order":
            e["order"] = {"product_id": product, "quantity": 1, "status": "paid"}
        elif kind == "room_stats":
            e["viewers"] = 1000 + n
            del e["user"]
        out.append(e)
    return out


def test_a_flood_through_the_ingest_is_accounted_for_while_the_media_process_runs(tmp_path):
    from console.media.process_engine import ProcessEngine

    show = ShowController.open(copy_demo_show(tmp_path / "show"))
    product = next(iter(show.state.products))
    show.execute(OpenLottery("耳机", 19900, "keyword", 1, 600, keyword="抽奖"), actor="host")
    hub = AudienceHub(show, moderator=Moderator(["加微信"]), queue_size=QUEUE)
    feed = ChatFeed(50)
    hub.subscribe(feed, sampled=True)
    spec = EngineSpec(width=720, height=1280, fps=30, video="testpattern", audio=("tone",))
    engine = ProcessEngine(
        spec,
        overlay_plan(show.folder, chat=True, rehearsal=True),
        state=lambda: show.state,
        now=show.now,
        feed=feed,
    )
    ingest = IngestServer(hub.submit, port=0)
    host, port = ingest.start()
    url = f"http://{host}:{port}/v1/events"
    headers = {"Authorization": f"Bearer {ingest.token}"}
    answers: Counter[str] = Counter()
    sent: Counter[str] = Counter()
    counter = itertools.count(0, PER_POST)

    def post_for(deadline: float) -> None:
        with requests.Session() as session:
            while time.monotonic() < deadline:
                batch = events(next(counter), "抽奖", product)
                r = session.post(url, json=batch, headers=headers, timeout=30)
                assert r.status_code == 200, r.text
                body = r.json()
                for k in ("accepted", "duplicates", "dropped"):
                    answers[k] += body[k]
                answers["rejected"] += len(body["rejected"])
                for e in batch:
                    sent[e["type"]] += 1
                    if e["type"] == "comment" and "抽奖" in e["text"]:
                        sent["lottery"] += 1

    hub.start()
    engine.start()
    try:
        # rendered, not encoded: with no output joined the engine encodes no picture
        assert wait_for(lambda: engine.stats().frames_rendered >= 15, 60)
        deadline = time.monotonic() + SECONDS
        with ThreadPoolExecutor(SENDERS) as pool:
            list(pool.map(post_for, [deadline] * SENDERS))

        def settled() -> bool:
            acc = hub.accounting()
            return acc["pending"] == 0 and acc["unaccounted"] == 0

        assert wait_for(settled, 60), hub.accounting()
        assert wait_for(lambda: engine.boundary_stats().get("chat_sent", 0) > 0, 10)
        assert engine.stats().error is None and engine.stats().frames_rendered > 15
    finally:
        engine.stop()
        ingest.close()
        hub.stop()
    acc = hub.accounting()
    total = sum(sent[k] for k in ("comment", "like", "member_join", "order", "room_stats"))
    assert answers["accepted"] + answers["dropped"] + answers["duplicates"] == total
    assert answers["rejected"] == 0 and answers["duplicates"] == 0
    # nothing unaccounted: every event has a cause
    assert acc["received"] == total and acc["unaccounted"] == 0
    dropped = sum(v for k, v in acc.items() if k.startswith("dropped:"))
    assert acc["accepted"] + acc["coalesced"] + acc["duplicate"] + acc["failed"] + dropped == total
    assert answers["dropped"] == dropped
    # orders and lottery entries: all accepted, none dropped
    st = hub.stats
    assert st.sales_recorded + st.sales_refused == sent["order"]
    assert st.by_type["order"] == sent["order"]
    assert st.lottery_entries == sent["lottery"]
    assert acc.get("dropped:priority_overflow", 0) == 0
    journal = show.journal
    assert journal.count("audience.order") == sent["order"]
    assert sum(e.payload["count"] for e in journal.events("hub.coalesced")) == acc["coalesced"]
    assert journal.count("audience.") == acc["accepted"]
    show.close()
