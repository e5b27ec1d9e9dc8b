"""BitratePolicy: one step down to a safe fraction of the link, slow probes on an empty queue, a
memory of what congested, the user's ceiling, reconnect, several destinations — and a simulated
link (5 → 1.2 → 5 Mbit/s) driving it in a closed loop."""

from __future__ import annotations

import pytest

from console.media.bitrate_policy import OVERHEAD, BitratePolicy, DestinationView

CEIL = 2_500_000
AUDIO = 128_000


def safe(link: int) -> int:
    return int(0.8 * link / (1 + OVERHEAD)) - AUDIO


def congested(name: str = "a", link: int | None = 1_200_000, drops: int = 0) -> DestinationView:
    return DestinationView(
        name, queued_ms=800, congestion_drops=drops, link_bps=link, link_confidence=1.0,
        backlogged=link is not None,
    )  # fmt: skip


def calm(name: str = "a") -> DestinationView:
    return DestinationView(name, queued_ms=20)


def run(policy: BitratePolicy, start: float, seconds: float, views, step: float = 0.25) -> float:
    t = start
    while t < start + seconds:
        policy.update(t, views() if callable(views) else views)
        t += step
    return t


def test_a_drop_goes_to_a_safe_fraction_of_the_link_in_one_step():
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    d = p.update(0.0, [congested()])
    assert d.changed and d.reason == "congested"
    assert d.target_bps == safe(1_200_000)
    assert d.target_bps + AUDIO < 1_200_000 * 0.85
    # still congested while the queue drains: no ladder of further steps
    run(p, 0.25, 10, [congested()])
    assert p.current == safe(1_200_000) and p.steps_down == 1


def test_a_lower_estimate_later_steps_down_again_but_not_for_jitter():
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    p.update(0.0, [congested(link=1_200_000)])
    run(p, 3, 2, [congested(link=1_150_000)])  # 4 % lower: noise, not a new link
    assert p.steps_down == 1
    run(p, 6, 2, [congested(link=700_000)])
    assert p.current == safe(700_000) and p.steps_down == 2


def test_congested_without_any_estimate_takes_one_blind_step_after_a_while():
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    p.update(0.0, [congested(link=None)])
    assert p.current == CEIL  # not at once: maybe a burst
    run(p, 0.25, 2.0, [congested(link=None)])
    assert p.current == int(CEIL * 0.7) and p.reason == "congested (no estimate)"


def test_probes_only_on_an_empty_queue_slowly_then_faster_never_above_the_ceiling():
    p = BitratePolicy(CEIL, audio_bps=AUDIO, memory_s=0.0)
    p.update(0.0, [congested(link=1_000_000)])
    low = p.current
    # a queue that is not empty (200 ms) is no reason to probe
    run(p, 1, 30, [DestinationView("a", queued_ms=200)])
    assert p.current == low
    t = run(p, 31, 5.25, [calm()])
    assert p.current == pytest.approx(low * 1.05, rel=0.01)  # the first probe: +5 %
    rates = [p.current]
    for _ in range(8):
        t = run(p, t, 5.0, [calm()])
        rates.append(p.current)
    assert rates == sorted(rates) and rates[-1] == CEIL
    steps = [b / a for a, b in zip(rates, rates[1:], strict=False) if b > a]
    assert steps[0] < steps[1] < steps[2]  # bolder after each probe that held
    assert max(steps) <= 1.61


def test_recovery_to_the_users_rate_within_30_s_after_the_link_clears():
    # the link clears after the memory of the congestion ended (the queue was not empty)
    p2 = BitratePolicy(CEIL, audio_bps=AUDIO)
    p2.update(0.0, [congested(link=1_200_000)])
    cleared = 61.0
    run(p2, 0.25, cleared - 0.25, [DestinationView("a", queued_ms=200)])
    t = cleared
    while p2.current < CEIL and t < cleared + 60:
        p2.update(t, [calm()])
        t += 0.25
    assert p2.current == CEIL
    assert t - cleared <= 30, t - cleared


def test_no_probe_reaches_a_rate_that_congested_within_the_minute():
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    p.update(0.0, [congested(link=1_200_000)])
    remembered, until = p.memory or (0, 0)
    assert remembered == int(1_200_000 / (1 + OVERHEAD)) - AUDIO  # what fills the link
    assert until == pytest.approx(60.0)
    t = run(p, 0.25, 59, [calm()])
    assert p.current < remembered  # climbed, but stayed under what filled the link
    assert p.current > safe(1_200_000)
    t = run(p, t, 30, [calm()])
    assert p.current > remembered  # the memory ends: probing goes on


def test_the_users_change_is_the_new_ceiling_and_never_undone():
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    run(p, 0, 20, [calm()])
    d = p.set_ceiling(20.0, 1_500_000)
    assert d.target_bps == 1_500_000 and d.reason == "ceiling"
    run(p, 20, 120, [calm()])
    assert p.current == 1_500_000 and p.ceiling == 1_500_000
    # a congestion and a recovery later the ceiling is still the user's
    p.update(141.0, [congested(link=1_000_000)])
    run(p, 141.25, 200, [calm()])
    assert p.current == 1_500_000
    # the user raises it while the link is slow: the target stays where the link allows
    p.update(400.0, [congested(link=1_000_000)])
    p.set_ceiling(401.0, 2_000_000)
    assert p.current == safe(1_000_000)


def test_reconnect_starts_from_the_last_good_estimate():
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    d = p.resume_from(0.0, 1_000_000)
    assert d.target_bps == safe(1_000_000) and d.reason == "reconnect"
    assert p.resume_from(1.0, None).target_bps == safe(1_000_000)  # nothing known: stays


def test_healthy_default_one_slow_destination_does_not_drag_the_others():
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    assert p.follow == "healthy"
    run(p, 0, 20, [congested("slow", link=800_000), calm("fast")])
    assert p.current == CEIL


def test_healthy_default_when_every_destination_is_congested_follows_the_best():
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    p.update(0.0, [congested("a", link=800_000), congested("b", link=1_600_000)])
    assert p.current == safe(1_600_000)


def test_follow_the_slowest_goes_down_for_the_slowest():
    p = BitratePolicy(CEIL, audio_bps=AUDIO, follow="slowest")
    p.update(0.0, [congested("slow", link=800_000), calm("fast")])
    assert p.current == safe(800_000)


def test_a_congestion_drop_counts_even_with_a_short_queue():
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    v0 = DestinationView("a", queued_ms=50, congestion_drops=0)
    p.update(0.0, [v0])
    v1 = DestinationView(
        "a", queued_ms=50, congestion_drops=12, link_bps=900_000, link_confidence=1
    )
    assert p.update(0.25, [v1]).target_bps == safe(900_000)


def test_unknown_follow_mode_is_refused():
    with pytest.raises(ValueError, match="follow must be one of"):
        BitratePolicy(CEIL, follow="fastest")


def test_floor_of_the_users_rate():
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    p.update(0.0, [congested(link=200_000)])
    assert p.current == p.floor_bps == int(CEIL * 0.15)


class SimLink:
    """A fluid model of one destination: a send buffer draining at the link's rate."""

    def __init__(self) -> None:
        self.backlog = 0.0  # bits waiting
        self.drops = 0

    def step(self, dt: float, send_bps: float, cap_bps: float) -> DestinationView:
        self.backlog = max(0.0, self.backlog + (send_bps - cap_bps) * dt)
        queued_ms = int(self.backlog / send_bps * 1000)
        if queued_ms > 700:  # the publisher's congestion rule: non-key video goes
            self.drops += 1
            self.backlog *= 0.5
        busy = self.backlog > 32768 * 8 / 2
        return DestinationView(
            "sim", queued_ms=queued_ms, congestion_drops=self.drops,
            link_bps=int(cap_bps) if busy else None, link_confidence=1.0 if busy else 0.0,
            backlogged=busy,
        )  # fmt: skip


@pytest.mark.parametrize("cap_low", [1_200_000, 900_000])
def test_closed_loop_on_a_scripted_link_falls_fast_stays_under_and_recovers(cap_low):
    p = BitratePolicy(CEIL, audio_bps=AUDIO)
    link = SimLink()
    dt = 0.25
    phase = 120.0
    fell_at = None
    above_after_settle = 0.0
    recovered_at = None
    memory_ends = 0.0
    downs_in_low = 0
    t = 0.0
    while t < 3 * phase:
        cap = cap_low if phase <= t < 2 * phase else 5_000_000
        send = (p.current + AUDIO) * (1 + OVERHEAD)
        before = p.steps_down
        p.update(t, [link.step(dt, send, cap)])
        if phase <= t < 2 * phase:
            downs_in_low += p.steps_down - before
            if fell_at is None and send <= cap:
                fell_at = t
            elif fell_at is not None and t > fell_at + 5 and send > cap:
                above_after_settle += dt
        if t >= 2 * phase and recovered_at is None and p.current == CEIL:
            recovered_at = t
        if t < 2 * phase:
            memory_ends = (p.memory or (0, 0.0))[1]
        t += dt
    assert fell_at is not None and fell_at - phase <= 5.0
    assert downs_in_low <= 2  # one step down, at most one more after a probe: no oscillation
    assert above_after_settle <= 2.0
    # back at the user's rate within 30 s of the link clearing — or of the end of the memory
    # of a congestion in the minute before it cleared, whichever is later
    assert recovered_at is not None
    assert recovered_at - max(2 * phase, memory_ends) <= 30.0, (recovered_at, memory_ends)
