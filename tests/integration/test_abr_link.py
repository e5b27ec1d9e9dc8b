"""Adaptive bitrate against a real nginx-rtmp behind a loopback proxy with a scripted link.

The link is capped, lowered, restored, made jittery, reset and black-holed while a real pipeline
streams full-frame noise (an encoder cannot make it cheap). Every wait is on a state with a
deadline; the assertions are on states and orderings, never on how long something took.
"""

from __future__ import annotations

import threading

import pytest

from console.media.bitrate_policy import BitratePolicy
from console.media.output import OutputState
from console.media.pipeline import Pipeline
from console.media.rtmp import RtmpPublisher
from tests.integration.test_resilience import NoiseSource, build, encoded_at_least, unique_key
from tests.waiting import wait_for

pytestmark = pytest.mark.usefixtures("gui_app")

SIZE = (480, 270)
AUDIO = 128_000


def total_bps(pipeline: Pipeline) -> int:
    return pipeline.stats().video_bitrate + AUDIO


def reasons(pipeline: Pipeline) -> list[str]:
    return [c.reason for c in pipeline.bitrate_changes]


def start(pipeline: Pipeline, *pubs: RtmpPublisher) -> None:
    pipeline.start()
    for pub in pubs:
        assert pub.wait_live(20), pub.error
    assert encoded_at_least(pipeline, 60)


def test_capped_then_lowered_then_restored_link_target_follows_and_queue_drains(
    nginx_rtmp, fault_proxy
):
    proxy = fault_proxy(nginx_rtmp.port)
    pub = RtmpPublisher(proxy.url(), unique_key("abr"), name="capped")
    set_rate = 2_000_000
    pipeline = build(NoiseSource(*SIZE), [pub], size=SIZE, bitrate=set_rate, adaptive=True)
    # probes every 1 s and a 3 s memory instead of 5 s / 60 s, to keep the test short
    pipeline.abr = BitratePolicy(set_rate, audio_bps=AUDIO, probe_interval_s=1.0, memory_s=3.0)
    seen: list[int] = []
    pipeline.set_bitrate_listener(lambda change: seen.append(change.target_bps))
    start(pipeline, pub)
    try:
        assert pipeline.stats().video_bitrate == set_rate
        cap = 1_200_000
        proxy.limit(cap / 8)
        assert wait_for(lambda: total_bps(pipeline) < cap, 60), (pipeline.stats(), pub.stats())
        st = pipeline.stats()
        assert st.abr_reason == "congested", st.abr_reason
        # one step from the user's rate to under the cap, from a measured link
        first = pipeline.bitrate_changes[0]
        assert first.previous_bps == set_rate and first.target_bps + AUDIO < cap
        assert first.link_bps is not None and 0.6 * cap < first.link_bps < 1.4 * cap
        # the queue drains under the cap
        assert wait_for(lambda: pub.stats().queued_ms < 150 and not pub.stats().backlogged, 60)
        assert pub.stats().state == OutputState.LIVE
        # lower still
        cap2 = 700_000
        proxy.limit(cap2 / 8)
        assert wait_for(lambda: total_bps(pipeline) < cap2, 60), (pipeline.stats(), pub.stats())
        assert wait_for(lambda: pub.stats().queued_ms < 150, 60)
        # restored: back at the user's rate, never above it
        proxy.limit(None)
        assert wait_for(lambda: pipeline.stats().video_bitrate == set_rate, 90), pipeline.stats()
        assert "probe" in reasons(pipeline)
        assert max(seen) <= set_rate
        order = reasons(pipeline)
        assert order.index("congested") < order.index("probe")
        assert pub.stats().dropped.get("audio", 0) == 0
    finally:
        pipeline.stop()


def test_the_users_bitrate_change_is_the_ceiling_through_congestion_and_recovery(
    nginx_rtmp, fault_proxy
):
    proxy = fault_proxy(nginx_rtmp.port)
    pub = RtmpPublisher(proxy.url(), unique_key("ceil"), name="ceiling")
    set_rate = 1_800_000
    pipeline = build(NoiseSource(*SIZE), [pub], size=SIZE, bitrate=set_rate, adaptive=True)
    pipeline.abr = BitratePolicy(set_rate, audio_bps=AUDIO, probe_interval_s=1.0, memory_s=2.0)
    start(pipeline, pub)
    try:
        user = 900_000
        pipeline.set_video_bitrate(user)
        assert wait_for(lambda: pipeline.stats().video_bitrate == user, 20)
        assert pipeline.stats().video_bitrate_set == user
        changed_at = len(pipeline.bitrate_changes)
        proxy.limit(600_000 / 8)
        assert wait_for(lambda: total_bps(pipeline) < 600_000, 60), pipeline.stats()
        proxy.limit(None)
        assert wait_for(lambda: pipeline.stats().video_bitrate == user, 90), pipeline.stats()
        assert encoded_at_least(pipeline, pipeline.stats().frames_encoded + 60)
        after = list(pipeline.bitrate_changes)[changed_at:]
        assert after and all(c.target_bps <= user for c in after)
        assert pipeline.stats().video_bitrate == user  # not undone, not exceeded
    finally:
        pipeline.stop()


def test_reconnect_with_adaptive_bitrate_on_reconnects_and_starts_from_the_estimate(
    nginx_rtmp, fault_proxy
):
    proxy = fault_proxy(nginx_rtmp.port)
    pub = RtmpPublisher(proxy.url(), unique_key("abrre"), name="dest", connect_timeout=2)
    set_rate = 2_000_000
    pipeline = build(NoiseSource(*SIZE), [pub], size=SIZE, bitrate=set_rate, adaptive=True)
    start(pipeline, pub)
    try:
        proxy.limit(1_000_000 / 8)
        assert wait_for(lambda: total_bps(pipeline) < 1_000_000, 60), pipeline.stats()
        lowered = pipeline.stats().video_bitrate
        proxy.reset_all()
        assert wait_for(lambda: pub.stats().state == OutputState.RECONNECTING, 20)
        assert wait_for(lambda: pub.stats().reconnects == 1, 30), pub.stats()
        assert pub.stats().state == OutputState.LIVE
        assert encoded_at_least(pipeline, pipeline.stats().frames_encoded + 60)
        # the reconnect did not throw the encode back to the user's rate on a slow link
        assert pipeline.stats().video_bitrate <= lowered
        assert pub.stats().state == OutputState.LIVE
    finally:
        pipeline.stop()
    assert pub.stats().state == OutputState.ENDED


def test_jittery_link_target_settles_under_it_without_oscillating(nginx_rtmp, fault_proxy):
    proxy = fault_proxy(nginx_rtmp.port)
    pub = RtmpPublisher(proxy.url(), unique_key("jitter"), name="jittery")
    set_rate = 2_000_000
    pipeline = build(NoiseSource(*SIZE), [pub], size=SIZE, bitrate=set_rate, adaptive=True)
    start(pipeline, pub)
    stop = threading.Event()

    def jitter() -> None:  # the link swings between 0.8 and 1.6 Mbit/s every 0.3 s
        high = False
        while not stop.wait(0.3):
            proxy.limit((1_600_000 if high else 800_000) / 8)
            high = not high

    t = threading.Thread(target=jitter, daemon=True)
    t.start()
    try:
        assert wait_for(lambda: total_bps(pipeline) < 1_200_000, 60), pipeline.stats()
        steps = pipeline.abr.steps_down
        assert encoded_at_least(pipeline, pipeline.stats().frames_encoded + 300)  # ~10 s more
        assert pipeline.abr.steps_down <= steps + 1  # no ladder, no see-saw
        assert total_bps(pipeline) < 1_600_000
        assert pub.stats().state == OutputState.LIVE
    finally:
        stop.set()
        t.join(5)
        pipeline.stop()


@pytest.mark.parametrize("follow", ["healthy", "slowest"])
def test_one_slow_destination_drops_or_drags_the_encode_as_chosen(nginx_rtmp, fault_proxy, follow):
    slow_proxy = fault_proxy(nginx_rtmp.port)
    slow = RtmpPublisher(slow_proxy.url(), unique_key("slow"), name="slow")
    fast = RtmpPublisher(nginx_rtmp.url(), unique_key("fast"), name="fast")
    set_rate = 1_500_000
    pipeline = build(NoiseSource(*SIZE), [slow, fast], size=SIZE, bitrate=set_rate, adaptive=True)
    pipeline.abr = BitratePolicy(set_rate, audio_bps=AUDIO, follow=follow)
    start(pipeline, slow, fast)
    try:
        slow_proxy.limit(700_000 / 8)
        if follow == "healthy":
            # the encode follows the healthy destination; the slow one drops non-key video
            assert wait_for(lambda: slow.stats().dropped.get("congestion", 0) > 50, 60), (
                slow.stats()
            )
            assert encoded_at_least(pipeline, pipeline.stats().frames_encoded + 90)
            assert pipeline.stats().video_bitrate == set_rate
            assert fast.stats().dropped.get("congestion", 0) == 0
        else:  # the encode goes down for the slowest destination
            assert wait_for(lambda: total_bps(pipeline) < 700_000, 60), pipeline.stats()
            assert pipeline.stats().abr_follow == "slowest"
        assert slow.stats().dropped.get("audio", 0) == 0
        assert slow.stats().state == fast.stats().state == OutputState.LIVE
    finally:
        pipeline.stop()


def test_black_holed_link_at_300_kbps_is_detected_from_missing_acknowledgements(
    nginx_rtmp, fault_proxy
):
    proxy = fault_proxy(nginx_rtmp.port)
    # the default 256 KiB kernel buffer: at 300 kbit/s it would take many seconds to fill
    pub = RtmpPublisher(proxy.url(), unique_key("deaf"), name="deaf", connect_timeout=1)
    pipeline = build(NoiseSource(320, 240), [pub], size=(320, 240), bitrate=300_000)
    start(pipeline, pub)
    try:
        assert wait_for(lambda: pub.stats().bytes_acked > 3 * 32768, 30), pub.stats()
        proxy.blackhole()
        assert wait_for(lambda: pub.stats().state == OutputState.RECONNECTING, 60), pub.stats()
        err = pub.stats().error or ""
        assert err.startswith("no acknowledgement from 127.0.0.1"), err
        assert "network stalled" in err and "\n" not in err
        proxy.blackhole(False)
        assert wait_for(lambda: pub.stats().state == OutputState.LIVE, 60), pub.stats()
        assert pub.stats().reconnects == 1
    finally:
        pipeline.stop()
