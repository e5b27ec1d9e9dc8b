"""LinkEstimator on synthetic acknowledgement series: steady, jittery, lossy, a link that drops,
a link that dies. Time is a number here: no clock, no sockets."""

from __future__ import annotations

import random

import pytest

from console.media.rtmp.link_estimator import LinkEstimator

W = 32768


def feed(
    est: LinkEstimator,
    *,
    start: float,
    seconds: float,
    link_bps: float,
    offered_bps: float,
    sent: int = 0,
    acked: int = 0,
    jitter: float = 0.0,
    rng: random.Random | None = None,
    kernel: bool = True,
) -> tuple[float, int, int]:
    """Simulate a sender writing ``offered_bps`` into a link of ``link_bps``; the server
    acknowledges every window it receives. Returns (end time, sent, acked)."""
    rng = rng or random.Random(1)
    dt = 0.01
    t = start
    delivered = float(acked)
    next_ack = acked + W
    pending_acks: list[tuple[float, int]] = []
    while t < start + seconds:
        t += dt
        sent += int(offered_bps / 8 * dt)
        delivered = min(float(sent), delivered + link_bps / 8 * dt)
        unsent = int(sent - delivered) if kernel else None
        est.on_sent(t, sent, unsent)
        while delivered >= next_ack:
            arrive = t + (rng.uniform(0, jitter) if jitter else 0.0)
            pending_acks.append((arrive, next_ack))
            next_ack += W
        due = [a for a in pending_acks if a[0] <= t]
        for a in due:
            pending_acks.remove(a)
            est.on_ack(t, a[1])
            acked = a[1]
    return t, sent, acked


def test_backlogged_link_is_measured_at_its_rate_with_confidence():
    est = LinkEstimator(W)
    t, _, _ = feed(est, start=0, seconds=3, link_bps=1_200_000, offered_bps=2_600_000)
    e = est.estimate(t)
    assert e.backlogged
    assert e.usable_bps == pytest.approx(1_200_000, rel=0.03)
    assert e.confidence >= 0.9
    assert e.last_good_bps == e.usable_bps


def test_a_link_with_room_is_not_measured_only_its_delivery():
    est = LinkEstimator(W)
    t, _, _ = feed(est, start=0, seconds=3, link_bps=5_000_000, offered_bps=1_000_000)
    e = est.estimate(t)
    assert not e.backlogged
    assert e.usable_bps is None and e.confidence == 0.0  # a lower bound is no estimate
    assert e.delivered_bps == pytest.approx(1_000_000, rel=0.1)


def test_no_estimate_before_enough_backlogged_time():
    est = LinkEstimator(W)
    t, _, _ = feed(est, start=0, seconds=0.3, link_bps=1_200_000, offered_bps=3_000_000)
    assert est.estimate(t).usable_bps is None


def test_jittery_acknowledgements_average_out():
    est = LinkEstimator(W)
    rng = random.Random(42)
    t, _, _ = feed(
        est, start=0, seconds=6, link_bps=1_200_000, offered_bps=2_500_000, jitter=0.15, rng=rng
    )
    e = est.estimate(t)
    assert e.usable_bps == pytest.approx(1_200_000, rel=0.12)


def test_lossy_link_acknowledgements_in_bunches_still_give_the_rate():
    # Acks held back up to 0.6 s (retransmissions) and then delivered together.
    est = LinkEstimator(W)
    rng = random.Random(3)
    t, _, _ = feed(
        est, start=0, seconds=8, link_bps=900_000, offered_bps=2_000_000, jitter=0.6, rng=rng
    )
    e = est.estimate(t)
    assert e.usable_bps is not None
    assert e.usable_bps == pytest.approx(900_000, rel=0.3)
    assert e.usable_bps < 2_000_000 * 0.8  # never mistaken for the offered rate


def test_a_link_that_drops_is_seen_at_its_new_rate_within_the_window():
    est = LinkEstimator(W)
    t, sent, acked = feed(est, start=0, seconds=4, link_bps=5_000_000, offered_bps=2_600_000)
    assert est.estimate(t).usable_bps is None  # room: not measured
    t, sent, acked = feed(
        est, start=t, seconds=2.5, link_bps=1_200_000, offered_bps=2_600_000, sent=sent, acked=acked
    )
    e = est.estimate(t)
    assert e.usable_bps == pytest.approx(1_200_000, rel=0.05)


def test_without_the_kernel_count_the_backlog_comes_from_unacknowledged_bytes():
    est = LinkEstimator(W)
    t, _, _ = feed(est, start=0, seconds=3, link_bps=1_200_000, offered_bps=2_600_000, kernel=False)
    e = est.estimate(t)
    assert e.backlogged
    assert e.usable_bps == pytest.approx(1_200_000, rel=0.05)


def test_dead_link_is_noticed_from_missing_acknowledgements_at_a_low_bitrate():
    est = LinkEstimator(W)
    t, sent, acked = feed(est, start=0, seconds=5, link_bps=5_000_000, offered_bps=300_000)
    assert est.ack_overdue(t, 5.0) is None
    # the link dies: bytes still go into the kernel, no acknowledgement comes back
    t, sent, acked = feed(
        est, start=t, seconds=6, link_bps=0, offered_bps=300_000, sent=sent, acked=acked
    )
    silent = est.ack_overdue(t, 5.0)
    assert silent is not None and silent >= 5.0
    assert est.unacked() > W  # far less than a 256 KiB kernel buffer at 300 kbit/s
    assert est.unacked() < 256 * 1024


def test_a_quiet_encoder_is_not_a_dead_link():
    # 20 kbit/s: a window takes 13 s to fill, so nothing is owed and silence is normal.
    est = LinkEstimator(W)
    t, sent, acked = feed(est, start=0, seconds=20, link_bps=5_000_000, offered_bps=20_000)
    t, sent, acked = feed(
        est, start=t, seconds=8, link_bps=5_000_000, offered_bps=20_000, sent=sent, acked=acked
    )
    assert est.ack_overdue(t, 5.0) is None


def test_no_stall_verdict_from_a_server_that_never_acknowledges():
    est = LinkEstimator(W)
    for i in range(1000):
        est.on_sent(i * 0.01, i * 4000, 0)
    assert est.ack_overdue(10.0, 5.0) is None  # left to the write timeout


def test_a_new_session_keeps_the_last_good_estimate():
    est = LinkEstimator(W)
    t, _, _ = feed(est, start=0, seconds=3, link_bps=1_200_000, offered_bps=2_600_000)
    good = est.estimate(t).usable_bps
    est.reset_session(t + 1)
    e = est.estimate(t + 1)
    assert e.usable_bps is None and e.last_good_bps == good
    assert est.ack_overdue(t + 20, 5.0) is None  # no acknowledgement yet in this session


def test_a_server_acknowledging_a_larger_window_than_asked_is_not_called_dead():
    # FFmpeg-like: it acknowledges every 2.5 MB whatever we asked; at 2.5 Mbit/s that is 8 s.
    est = LinkEstimator(W)
    big = 2_500_000
    t, sent, acked = 0.0, 0, 0
    for _ in range(3):
        for _ in range(800):  # 8 s of 2.5 Mbit/s
            t += 0.01
            sent += 3125
            est.on_sent(t, sent, 0)
            assert est.ack_overdue(t, 5.0) is None or acked == 0
        acked += big
        est.on_ack(t, acked)
    assert est.window >= big
    for _ in range(700):
        t += 0.01
        sent += 3125
        est.on_sent(t, sent, 0)
        assert est.ack_overdue(t, 5.0) is None  # 7 s into an 8 s window: nothing owed yet
