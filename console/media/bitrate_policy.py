"""Adaptive bitrate policy: the encoder's video target from the destinations' link estimates.

Pure logic (no sockets, no encoder, no clock of its own): :class:`BitratePolicy` is fed one
:class:`DestinationView` per live network destination every ``update`` and answers the video
bitrate to ask of the encoder and why. The rules:

- **Down, in one step.** A destination is *congested* when its send queue holds more than
  ``high_ms`` of media, its socket is backlogged, or it dropped video for congestion in the last
  ``drop_memory_s``. While the destinations the encode follows are congested and their link
  estimate is trusted, the target becomes ``safe_fraction`` × the estimate minus the audio and
  container overhead — at once, not a ladder — and the rate that congested is remembered.
  Congested without a trusted estimate for ``blind_after_s``: one ×``blind_step`` step (a link
  so slow or so silent that nothing could be measured).
- **Up, slowly, only on an empty queue.** After ``probe_interval_s`` with every followed queue
  under ``low_ms`` and no backlog, the target climbs by ``probe_step`` (×2 after each probe
  that did not congest, up to +60 %, so a cleared link is back at the user's rate within
  ~30 s), never
  above the ceiling and never to or above ``memory_margin`` × a rate that congested in the
  last ``memory_s`` (the rate in use when it congested, or the rate that fills the measured
  link, whichever is lower); at that cap the step starts again from ``probe_step``.
- **The ceiling is the user's.** ``set_ceiling`` (a change mid-show) replaces it and nothing
  the policy does goes above it; the policy never raises it back.
- **Reconnect** starts from the last good estimate (``resume_from``), not from the ceiling.
- **Several destinations, one encode.** ``follow="healthy"`` (the default): the encode follows
  the best destination — it only goes down when every live destination is congested, to the
  best of their estimates; a slower destination drops non-key video in its own queue. With
  ``follow="slowest"`` the encode follows the most congested destination and none drops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

FOLLOW_MODES = ("healthy", "slowest")
OVERHEAD = 0.03  # FLV + RTMP chunk headers, as a fraction of the payload


@dataclass(frozen=True)
class DestinationView:
    """One live destination as the policy sees it."""

    name: str
    queued_ms: int = 0
    congestion_drops: int = 0  # total so far (the policy notices the increase)
    link_bps: int | None = None  # trusted usable rate of its link, None if not measured
    link_confidence: float = 0.0
    backlogged: bool = False
    last_good_bps: int | None = None


@dataclass(frozen=True)
class Decision:
    """What the policy wants now."""

    target_bps: int
    reason: str  # start, congested, congested (no estimate), probe, ceiling, reconnect, steady
    link_bps: int | None  # the estimate the decision used (followed destinations)
    changed: bool = False


@dataclass
class _Memory:
    rate_bps: int
    until: float
    hold_s: float


@dataclass
class BitratePolicy:
    """Video target (bps) from the destinations' link estimates — see the module docstring."""

    ceiling: int
    audio_bps: int = 128_000
    follow: str = "healthy"
    safe_fraction: float = 0.8
    floor_fraction: float = 0.15
    min_bps: int = 100_000
    high_ms: int = 300
    low_ms: int = 150
    drop_memory_s: float = 1.0
    min_confidence: float = 0.3
    blind_after_s: float = 2.0
    blind_step: float = 0.7
    settle_s: float = 2.0  # after a step down, let the queue drain before judging again
    probe_interval_s: float = 5.0
    probe_step: float = 0.05
    max_probe_step: float = 0.6
    restep_below: float = 0.93  # a further step down needs an estimate this much lower
    memory_s: float = 60.0
    memory_margin: float = 0.95
    current: int = 0
    reason: str = "start"
    link_bps: int | None = None
    steps_down: int = 0
    steps_up: int = 0
    history: list[tuple[float, int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.follow not in FOLLOW_MODES:
            raise ValueError(f"follow must be one of {', '.join(FOLLOW_MODES)}")
        self.current = self.current or self.ceiling
        self._drops: dict[str, tuple[int, float]] = {}
        self._congested_since: float | None = None
        self._healthy_since: float | None = None
        self._settle_until = float("-inf")
        self._memory: _Memory | None = None
        self._step = self.probe_step
        self._probing_from: int | None = None

    # -- user and reconnect ----------------------------------------------------------------------
    @property
    def floor_bps(self) -> int:
        return max(self.min_bps, int(self.ceiling * self.floor_fraction))

    def set_ceiling(self, now: float, bps: int) -> Decision:
        """The user changed the bitrate mid-show: the new ceiling, never undone."""
        self.ceiling = max(self.min_bps, int(bps))
        if self.current > self.ceiling or self.reason == "start":
            return self._set(now, self.ceiling, "ceiling")
        return self._set(now, min(self.current, self.ceiling), "ceiling")

    def resume_from(self, now: float, link_bps: int | None) -> Decision:
        """A destination reconnected: start from the last good estimate, if there is one."""
        if link_bps:
            target = min(self.current, self._from_link(link_bps))
            return self._set(now, target, "reconnect")
        return Decision(self.current, self.reason, self.link_bps)

    # -- the loop ------------------------------------------------------------------------------
    def update(self, now: float, views: Sequence[DestinationView]) -> Decision:
        """One observation of the live destinations; returns the target from now on."""
        congested = {v.name: self._is_congested(now, v) for v in views}
        followed = self._followed(views, congested)
        if not followed:
            self._congested_since = self._healthy_since = None
            return Decision(self.current, self.reason, self.link_bps)
        all_congested = all(congested[v.name] for v in followed)
        links = [
            v.link_bps for v in followed if v.link_bps and v.link_confidence >= self.min_confidence
        ]
        link = max(links) if links else None
        if all_congested:
            self._healthy_since = None
            if self._congested_since is None:
                self._congested_since = now
            if now < self._settle_until:
                return Decision(self.current, self.reason, self.link_bps)
            if link is not None:
                target = self._from_link(link)
                # one step; a later one only for a clearly lower link, never for jitter
                if target < self.current * self.restep_below:
                    self._remember(now, link)
                    self.link_bps = link
                    self._settle_until = now + self.settle_s
                    return self._set(now, target, "congested", down=True)
            if link is None and now - self._congested_since >= self.blind_after_s:
                target = max(self.floor_bps, int(self.current * self.blind_step))
                if target < self.current:
                    self._remember(now, None)
                    self._settle_until = now + self.settle_s
                    self._congested_since = now
                    return self._set(now, target, "congested (no estimate)", down=True)
            return Decision(self.current, self.reason, self.link_bps)
        self._congested_since = None
        calm = all(v.queued_ms < self.low_ms and not v.backlogged for v in followed)
        if not calm:
            self._healthy_since = None
            return Decision(self.current, self.reason, self.link_bps)
        if self._healthy_since is None:
            self._healthy_since = now
            return Decision(self.current, self.reason, self.link_bps)
        if now - self._healthy_since < self.probe_interval_s:
            return Decision(self.current, self.reason, self.link_bps)
        self._healthy_since = now
        if self._probing_from is not None:  # the previous probe held: be bolder next time
            self._step = min(self.max_probe_step, self._step * 2)
        cap = self._probe_cap(now)
        wanted = int(self.current * (1 + self._step)) + 1
        if wanted >= self.ceiling * 0.95:  # the last few per cent: straight to the ceiling
            wanted = max(wanted, self.ceiling)
        if wanted > cap:  # at a rate that congested lately: start slowly again above it
            self._step = self.probe_step
            self._probing_from = None
        target = min(cap, wanted)
        if target <= self.current:
            return Decision(self.current, self.reason, self.link_bps)
        if wanted <= cap:
            self._probing_from = self.current
        return self._set(now, target, "probe", up=True)

    # -- helpers ---------------------------------------------------------------------------------
    def _is_congested(self, now: float, v: DestinationView) -> bool:
        last, at = self._drops.get(v.name, (0, float("-inf")))
        if v.congestion_drops > last:
            at = now
        self._drops[v.name] = (v.congestion_drops, at)
        return v.queued_ms > self.high_ms or v.backlogged or now - at < self.drop_memory_s

    def _followed(
        self, views: Sequence[DestinationView], congested: dict[str, bool]
    ) -> list[DestinationView]:
        if not views:
            return []
        if self.follow == "slowest":
            bad = [v for v in views if congested[v.name]]
            if not bad:
                return list(views)
            # the slowest: the congested destination with the lowest estimate
            known = [v for v in bad if v.link_bps]
            return [min(known, key=lambda v: v.link_bps or 0)] if known else bad[:1]
        healthy = [v for v in views if not congested[v.name]]
        if healthy:
            return healthy
        # every destination is congested: follow the best of them
        known = [v for v in views if v.link_bps and v.link_confidence >= self.min_confidence]
        return [max(known, key=lambda v: v.link_bps or 0)] if known else list(views)

    def _from_link(self, link_bps: int) -> int:
        video = int(self.safe_fraction * link_bps / (1 + OVERHEAD)) - self.audio_bps
        return max(self.floor_bps, min(self.ceiling, video))

    def _remember(self, now: float, link_bps: int | None) -> None:
        """The rate now in use congested (or the rate that would fill the measured link, if
        lower): no probe reaches it for a while."""
        rate = self.current
        if link_bps:
            rate = min(rate, int(link_bps / (1 + OVERHEAD)) - self.audio_bps)
        hold = self.memory_s
        self._memory = _Memory(rate, now + hold, hold)
        self._step = self.probe_step
        self._probing_from = None

    def _probe_cap(self, now: float) -> int:
        cap = self.ceiling
        mem = self._memory
        if mem is not None and now < mem.until:
            cap = min(cap, int(mem.rate_bps * self.memory_margin))
        return cap

    def _set(
        self, now: float, target: int, reason: str, *, down: bool = False, up: bool = False
    ) -> Decision:
        target = max(self.min_bps, min(self.ceiling, int(target)))
        changed = target != self.current
        if down and changed:
            self.steps_down += 1
        if up and changed:
            self.steps_up += 1
        self.current = target
        self.reason = reason
        if changed or reason in ("ceiling", "reconnect"):
            self.history.append((now, target, reason))
            del self.history[:-200]
        return Decision(target, reason, self.link_bps, changed)

    @property
    def memory(self) -> tuple[int, float] | None:
        """(rate that congested, until when) while it caps the probes."""
        mem = self._memory
        return (mem.rate_bps, mem.until) if mem is not None else None
