"""A chat flood guard: 20 000 events in bursts of real HTTP batch posts while the video renders.

Short on purpose (the 60 s, 5 000 events/s measurement is ``bench/flood_bench.py``). What it
guards: every event sent is accounted for (accepted, duplicate, invalid or dropped because the
hub's queue was full — counted by cause on both sides), the hub's queue never goes past its
bound, the chat feed stays bounded, the journal holds exactly what the hub accepted (by kind)
and the render loop keeps producing frames while the flood goes on. Bursts are paced by the
render loop itself: the next burst goes once the pipeline has rendered two more frames (waited
for with a deadline), so a stalled render loop fails the test instead of hiding behind a sleep.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from console.audience.hub import AudienceHub
from console.audience.ingest import IngestServer
from console.audience.moderation import Moderator
from console.media.audio import AudioMixer, ToneSource
from console.media.compositor import Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.pipeline import Pipeline
from console.media.recorder import NullOutput
from console.overlays.audience_layers import audience_layers
from console.overlays.chat import ChatFeed
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from tests.unit.overlays.scenario import Backdrop
from tests.waiting import wait_for

pytestmark = pytest.mark.usefixtures("gui_app")

CANVAS = (360, 640)
QUEUE = 1000  # a small bound, so a burst can overflow it: drops must then be counted
FEED = 50
SENDERS = 4
PER_POST = 250
BURSTS = 20  # SENDERS × PER_POST × BURSTS = 20 000 events


class Sender:
    """One keep-alive HTTP connection per worker thread; tallies the ingest's answers."""

    def __init__(self, address, token: str) -> None:
        self.address = address
        self.headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        self.local = threading.local()
        self.lock = threading.Lock()
        self.answers: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()

    def post(self, events: list[dict]) -> None:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(*self.address, timeout=30)
        body = json.dumps(events, ensure_ascii=False).encode("utf-8")
        conn.request("POST", "/v1/events", body=body, headers=self.headers)
        response = conn.getresponse()
        result = json.loads(response.read())
        with self.lock:
            self.statuses[response.status] += 1
            self.answers["accepted"] += result["accepted"]
            self.answers["duplicates"] += result["duplicates"]
            self.answers["dropped"] += result["dropped"]
            self.answers["rejected"] += len(result["rejected"])


def make_events() -> tuple[list[list[dict]], Counter[str]]:
    """The posts (in burst order) and what they hold: unique valid events by kind,
    repeats and invalid ones."""
    posts: list[list[dict]] = []
    sent: Counter[str] = Counter()
    n = 0
    previous: dict | None = None
    for _ in range(SENDERS * BURSTS):
        batch = []
        for _ in range(PER_POST):
            n += 1
            if n % 97 == 0 and previous is not None:  # delivered twice
                batch.append(previous)
                sent["repeat"] += 1
                continue
            kind = ("comment", "comment", "comment", "like", "member_join", "gift")[n % 6]
            e = {
                "platform": "douyin",
                "msg_id": f"f-{n}",
                "ts_ms": 1_700_000_000_000 + n,
                "type": kind,
                "user": {"id": f"u{n % 3000}", "nick": f"观众{n % 3000}"},
            }
            if kind == "comment":
                e["text"] = "加微信" if n % 50 == 0 else f"主播好 {n}"
            elif kind == "like":
                e["like_count"] = 1 + n % 5
            elif kind == "gift":
                e["gift"] = {"name": "玫瑰", "count": 1}
            if n % 499 == 0:
                e["type"] = "dance"  # invalid: refused with a reason, the rest accepted
                sent["invalid"] += 1
            else:
                sent[kind] += 1
                previous = e
            batch.append(e)
        posts.append(batch)
    return posts, sent


def test_a_flood_is_accounted_for_and_the_video_keeps_rendering(tmp_path) -> None:
    posts, sent = make_events()
    total = sum(len(p) for p in posts)
    assert total == 20_000
    unique_valid = total - sent["repeat"] - sent["invalid"]

    show = ShowController.open(copy_demo_show(tmp_path / "show"))
    hub = AudienceHub(show, moderator=Moderator(["加微信"]), queue_size=QUEUE)
    feed = ChatFeed(FEED)
    hub.subscribe(feed)
    scene = Scene()
    scene.add(VideoLayer(Backdrop(*CANVAS)))
    for layer in audience_layers(feed, "portrait"):
        scene.add(layer)
    mixer = AudioMixer()
    mixer.add(ToneSource(440))
    settings = EncoderSettings(width=CANVAS[0], height=CANVAS[1], fps=30, encoder="libx264")
    pipeline = Pipeline(settings, scene, mixer, [NullOutput()])
    ingest = IngestServer(hub.submit, port=0)
    sender = Sender(ingest.start(), ingest.token)
    hub.start()
    pipeline.start()
    try:
        assert wait_for(lambda: pipeline.stats().frames_rendered >= 15, 30)
        frames_before = pipeline.stats().frames_rendered
        with ThreadPoolExecutor(SENDERS) as pool:
            for burst in range(BURSTS):
                at = pipeline.stats().frames_rendered
                batches = posts[burst * SENDERS : (burst + 1) * SENDERS]
                list(pool.map(sender.post, batches))  # a burst: SENDERS posts at once
                assert wait_for(lambda at=at: pipeline.stats().frames_rendered >= at + 2, 30), (
                    f"the render loop stalled during burst {burst}"
                )
        frames_during = pipeline.stats().frames_rendered - frames_before

        def settled() -> bool:
            acc = hub.accounting()
            return acc["pending"] == 0 and acc["unaccounted"] == 0

        assert wait_for(settled, 60), hub.accounting()
    finally:
        pipeline.stop()
        ingest.close()
        hub.stop()
    stats = hub.stats
    answers = sender.answers

    # every event sent is accounted for, by cause
    assert sender.statuses == Counter({200: SENDERS * BURSTS})
    assert (
        answers["accepted"] + answers["duplicates"] + answers["dropped"] + answers["rejected"]
        == total
    )
    assert answers["duplicates"] == sent["repeat"]
    assert answers["rejected"] == sent["invalid"]
    assert answers["accepted"] + answers["dropped"] == unique_valid
    assert ingest.stats["accepted"] == answers["accepted"]
    assert ingest.stats["dropped"] == answers["dropped"] == stats.dropped_queue_full
    assert ingest.stats["invalid_events"] == sent["invalid"]
    assert stats.received == answers["accepted"] + answers["dropped"]
    # under overload likes and joins are counted, not queued (the hub's policy)
    assert stats.processed + stats.coalesced == answers["accepted"]
    assert hub.accounting()["unaccounted"] == 0
    assert stats.duplicates == 0 and stats.failed == 0 and stats.rejected == 0

    # bounded: the hub's queue and the chat feed
    assert 0 < stats.queue_max <= QUEUE
    version, shown = feed.snapshot()
    assert 0 < len(shown) <= FEED
    assert all(not item.hidden for item in shown)

    # the journal holds what was accepted: each once, counted by kind
    journal = show.journal
    assert stats.journaled == stats.processed and stats.journal_errors == 0
    by_kind = {
        k: journal.count(f"audience.{k}") for k in ("comment", "like", "member_join", "gift")
    }
    assert by_kind == {k: stats.by_type[k] for k in by_kind}
    assert sum(by_kind.values()) == journal.count("audience.") == stats.processed
    coalesced = sum(e.payload["count"] for e in journal.events("hub.coalesced"))
    assert coalesced == stats.coalesced
    ids = [e.payload["msg_id"] for e in journal.events("audience.")]
    assert len(set(ids)) == len(ids)
    if not answers["dropped"] and not stats.coalesced:
        assert by_kind == {k: sent[k] for k in by_kind}
    assert by_kind["gift"] == sent["gift"]  # gifts go through the priority lane: all of them
    assert stats.hidden == sum(
        1 for e in journal.events("audience.comment") if "moderation" in e.payload
    )
    assert stats.batches < stats.journaled  # batched: fewer commits than events

    # the render loop kept going while the flood went on
    assert frames_during >= 2 * BURSTS
    show.close()
