"""Health samples carry the adaptive bitrate; the report charts bitrate and drops per destination."""

from __future__ import annotations

from console.analytics.health import health_payload
from console.analytics.html import destination_charts_svg
from console.analytics.metrics import analyze
from console.media.output import OutputState, OutputStats
from console.media.pipeline import PipelineStats
from console.show.journal import Event

T0 = 1_700_000_000.0


def test_health_payload_carries_the_link_the_target_and_why() -> None:
    out = OutputStats(
        name="douyin", state=OutputState.LIVE, bitrate_kbps=1100.0, queued_ms=40,
        link_bps=1_130_000, network=True,
    )  # fmt: skip
    stats = PipelineStats(
        outputs=[out], video_bitrate=900_000, video_bitrate_set=2_500_000,
        adaptive_bitrate=True, link_bps=1_130_000, abr_reason="congested",
    )  # fmt: skip
    p = health_payload(stats)
    assert (p["video_kbps"], p["video_set_kbps"], p["link_kbps"]) == (900, 2500, 1130.0)
    assert p["abr_reason"] == "congested"
    assert p["outputs"][0]["link_kbps"] == 1130.0 and p["outputs"][0]["queued_ms"] == 40


def _sample(seq: int, ts: float, outs: list[tuple[str, float, int]]) -> Event:
    return Event(
        seq, ts, "health.sample",
        {"fps": 30.0, "dropped": {}, "outputs": [
            {"name": n, "state": "live", "reconnects": 0, "bitrate_kbps": kbps,
             "dropped": {"congestion": d}} for n, kbps, d in outs
        ]},
        "pipeline",
    )  # fmt: skip


def test_report_charts_bitrate_and_drops_per_destination_over_the_show() -> None:
    hostile = "<b>kuai</b>"
    events = [
        Event(1, T0, "audience.room_stats", {"platform": "x", "msg_id": "a", "viewers": 5}),
        _sample(2, T0 + 10, [("douyin", 2500.0, 0), (hostile, 2500.0, 0)]),
        _sample(3, T0 + 70, [("douyin", 2500.0, 0), (hostile, 900.0, 40)]),
        _sample(4, T0 + 130, [("douyin", 2500.0, 0), (hostile, 1000.0, 55)]),
        Event(5, T0 + 179, "audience.room_stats", {"platform": "x", "msg_id": "b", "viewers": 5}),
    ]
    a = analyze(events)
    assert len(a.health.series) == 6
    svg = destination_charts_svg(a)
    assert svg.count("<svg") == 4  # bitrate and drops, for each destination
    assert "douyin bitrate (kbps)" in svg and "douyin dropped / min" in svg
    assert "&lt;b&gt;kuai&lt;/b&gt; bitrate" in svg and "<b>kuai" not in svg
    # per minute: the slow destination's bitrate and the frames it dropped in that minute
    assert "&lt;b&gt;kuai&lt;/b&gt; 码率: 900</title>" in svg
    assert "&lt;b&gt;kuai&lt;/b&gt; 丢帧: 40</title>" in svg
    assert "&lt;b&gt;kuai&lt;/b&gt; 丢帧: 15</title>" in svg  # growth, not the running total
    assert "douyin 丢帧:" not in svg  # the healthy destination dropped nothing: no bars
    assert destination_charts_svg(analyze(events[:1])) == ""
