"""Coalesced likes and joins count in the report, and the hub's accounting by cause is journaled
with the health samples and shown as a table (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.analytics.html import render_html
from console.analytics.live import LiveStats
from console.analytics.metrics import analyze
from console.audience.hub import COALESCED_KIND, AudienceHub
from console.live.health import HealthSampler
from console.media.pipeline import PipelineStats
from tests.unit.audience.test_hub_batching import ev
from tests.unit.show.helpers import FakeClock, make_controller


@pytest.fixture
def controller(tmp_path: Path):
    c = make_controller(tmp_path, FakeClock())
    yield c
    c.close()


def _flood(hub: AudienceHub) -> None:
    """10 comments fill the normal lane to the coalescing mark; then 5 likes of 3 each and 4
    joins are counted, not queued; 2 likes (of 1) and 1 join before the mark are queued."""
    hub.submit(ev("like-a", "like", user="a", like_count=1))
    hub.submit(ev("like-b", "like", user="b"))
    hub.submit(ev("join-a", "member_join", user="a"))
    for i in range(10):
        hub.submit(ev(f"c{i}", user=f"c{i}"))
    for i in range(5):
        hub.submit(ev(f"like{i}", "like", user=f"u{i}", like_count=3))
    for i in range(4):
        hub.submit(ev(f"join{i}", "member_join", user=f"u{i}"))


def test_report_counts_coalesced_likes_and_joins(controller) -> None:
    hub = AudienceHub(controller, queue_size=30)  # coalesce at 10 queued
    _flood(hub)
    assert hub.stats.coalesced == 9
    hub.process_pending()
    rows = {r.payload["type"]: r.payload for r in controller.journal.events(COALESCED_KIND)}
    assert rows["like"]["count"] == 5 and rows["like"]["like_count"] == 15
    assert rows["member_join"]["count"] == 4

    report = analyze(list(controller.journal.events()))
    assert report.totals["likes"] == 2 + 15  # the queued ones and the coalesced like_counts
    assert report.totals["likes_coalesced"] == 15
    assert report.totals["joins"] == 1 + 4
    assert report.totals["joins_coalesced"] == 4
    assert sum(m.likes for m in report.minutes) == 17
    assert report.audience.coalesced == {
        ("douyin", "like"): [5, 15],
        ("douyin", "member_join"): [4, 4],
    }

    live = LiveStats()
    live.replay(controller.journal.events())
    assert live.snapshot().likes == 17


def test_health_samples_carry_the_accounting_and_the_report_shows_it(controller) -> None:
    hub = AudienceHub(controller, queue_size=30)
    sampler = HealthSampler(controller, PipelineStats, audience=hub.accounting)
    _flood(hub)
    hub.process_pending()
    assert sampler.sample()
    for i in range(40):  # the second sample: the queue overflows (dropped:queue_full)
        hub.submit(ev(f"d{i}", user=f"d{i}"))
    hub.process_pending()
    assert sampler.sample()

    samples = list(controller.journal.events("health.sample"))
    assert samples[-1].payload["audience"]["coalesced"] == 9
    report = analyze(list(controller.journal.events()))
    acc = report.audience
    assert acc.samples == 2
    assert acc.hub["received"] == 22 + 40
    assert acc.hub["coalesced"] == 9
    assert acc.hub["dropped:queue_full"] == 10
    assert acc.hub["accepted"] == 13 + 30
    assert acc.hub["unaccounted"] == 0
    table = dict(acc.rows())
    assert table["dropped:queue_full"] == 10 and table["sampled_for_overlay"] == 0

    page = render_html([report])
    assert 'id="audience"' in page
    assert "合并计数 Coalesced (likes/joins counted)" in page
    assert "丢弃 Dropped: queue_full" in page


def test_a_hub_restart_adds_up_and_the_pending_level_is_not_summed(controller) -> None:
    hub = AudienceHub(controller)
    sampler = HealthSampler(controller, PipelineStats, audience=hub.accounting)
    for i in range(3):
        hub.submit(ev(f"a{i}", user="a"))
    assert sampler.sample()  # 3 pending
    hub.process_pending()
    assert sampler.sample()
    hub = AudienceHub(controller)  # the show opened again: its counters start from 0
    sampler = HealthSampler(controller, PipelineStats, audience=hub.accounting)
    hub.submit(ev("b0", user="b"))
    hub.process_pending()
    assert sampler.sample()
    acc = analyze(list(controller.journal.events())).audience
    assert acc.hub["received"] == 4 and acc.hub["accepted"] == 4
    assert acc.hub["pending"] == 0
