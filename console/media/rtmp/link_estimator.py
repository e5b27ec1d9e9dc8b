"""What the uplink really carries, from what the RTMP server acknowledges (pure, no sockets).

The server sends an Acknowledgement each time it has received another ``ack_window`` bytes
(we ask for the window with Window Acknowledgement Size). Between two acknowledgements the
link delivered ``acked - acked_before`` bytes in ``t - t_before`` seconds. That is the *link's
rate* only when the sender had more waiting than the link could take for the whole interval
(a *backlogged* interval: the kernel's unsent bytes, or, without them, the bytes sent and not
yet acknowledged beyond one window); otherwise it is only what the encoder offered, a lower
bound. :class:`LinkEstimator` keeps those intervals for a short window and answers:

- ``usable_bps``: the link's rate from the backlogged intervals of the last ``window_s``
  (bytes over time, so jitter in when the acknowledgements arrive averages out), with a
  ``confidence`` that grows with the time those intervals cover;
- ``delivered_bps``: what the server acknowledged over the window, backlogged or not;
- ``last_good_bps``: the last confident estimate (a reconnect starts from it);
- :meth:`ack_overdue`: the server owes an acknowledgement (more than a window sent since the
  last one) and none came for ``grace_s`` — a dead link, noticed at any bitrate long before
  the kernel's send buffer fills.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass

DEFAULT_WINDOW_S = 2.0
MIN_SPAN_S = 0.6  # backlogged time needed before an estimate is trusted at all
MIN_INTERVALS = 3
ACK_SLACK_BYTES = 8192  # our own control messages and rounding in the server's count


@dataclass(frozen=True)
class LinkEstimate:
    """One reading of the estimator."""

    usable_bps: int | None  # the link's rate measured while backlogged; None: not measured
    confidence: float  # 0 (nothing) … 1 (a whole window of backlogged intervals)
    delivered_bps: int  # what the server acknowledged over the window
    backlogged: bool  # the sender holds more than the link takes right now
    backlog_bytes: int
    last_good_bps: int | None


@dataclass(frozen=True)
class _Interval:
    end: float
    seconds: float
    nbytes: int
    backlogged: bool


class LinkEstimator:
    """Acknowledged bytes over time → the usable rate of the link, with a confidence."""

    def __init__(
        self,
        ack_window: int,
        *,
        window_s: float = DEFAULT_WINDOW_S,
        min_span_s: float = MIN_SPAN_S,
        min_intervals: int = MIN_INTERVALS,
        backlog_threshold: int | None = None,
    ) -> None:
        self.ack_window = max(1, ack_window)
        self.window_s = window_s
        self.min_span_s = min_span_s
        self.min_intervals = min_intervals
        # Backlogged = at least this much waiting (half a window: the link has work for a while).
        self.backlog_threshold = (
            backlog_threshold if backlog_threshold is not None else self.ack_window // 2
        )
        self._intervals: deque[_Interval] = deque()
        self.last_good_bps: int | None = None
        self.acks = 0
        self.reset_session(0.0)

    # -- feeding -------------------------------------------------------------------------------
    def reset_session(self, now: float) -> None:
        """A new connection: the server's counts start again; the last good estimate stays."""
        self._last_ack_t: float | None = None
        self._last_acked = 0
        self._session_start = now
        self._sent = 0
        self._backlog = 0
        self._min_backlog: int | None = None
        self._owed_since: float | None = None
        self.session_acks = 0
        self._spacing: deque[int] = deque(maxlen=8)  # bytes between the server's acks
        self._intervals.clear()

    @property
    def window(self) -> int:
        """The window the server really acknowledges by: ours, or what it does if larger (a
        server may ignore our Window Acknowledgement Size)."""
        if not self._spacing:
            return self.ack_window
        return max(self.ack_window, int(statistics.median(self._spacing)))

    def on_sent(self, now: float, sent_total: int, unsent: int | None = None) -> None:
        """Bytes handed to the socket so far this session (after the handshake), and the
        kernel's unsent bytes when the platform tells them (``None``: estimate from acks)."""
        self._sent = sent_total
        if unsent is None:  # what is neither acknowledged nor owed an acknowledgement yet
            unsent = max(0, sent_total - self._last_acked - self.window - ACK_SLACK_BYTES)
        self._backlog = max(0, unsent)
        self._min_backlog = (
            self._backlog if self._min_backlog is None else min(self._min_backlog, self._backlog)
        )
        if self._owed_since is None and self._owes(sent_total):
            self._owed_since = now

    def on_ack(self, now: float, acked_total: int) -> None:
        """The server acknowledged ``acked_total`` bytes of this session."""
        nbytes = acked_total - self._last_acked
        if nbytes > 0:
            self._spacing.append(nbytes)
        if self._last_ack_t is not None and nbytes > 0 and now > self._last_ack_t:
            backlogged = (self._min_backlog or 0) >= self.backlog_threshold
            self._intervals.append(_Interval(now, now - self._last_ack_t, nbytes, backlogged))
        self.acks += 1
        self.session_acks += 1
        self._last_ack_t = now
        self._last_acked = max(self._last_acked, acked_total)
        self._min_backlog = self._backlog
        self._owed_since = now if self._owes(self._sent) else None
        while self._intervals and self._intervals[0].end < now - 4 * self.window_s:
            self._intervals.popleft()

    def _owes(self, sent: int) -> bool:
        return sent - self._last_acked > self.window + ACK_SLACK_BYTES

    # -- reading -------------------------------------------------------------------------------
    def estimate(self, now: float) -> LinkEstimate:
        since = now - self.window_s
        recent = [i for i in self._intervals if i.end >= since]
        limited = [i for i in recent if i.backlogged]
        span = sum(i.seconds for i in limited)
        usable: int | None = None
        confidence = 0.0
        if limited and span >= self.min_span_s and len(limited) >= self.min_intervals:
            usable = int(sum(i.nbytes for i in limited) * 8 / span)
            confidence = min(1.0, span / self.window_s)
            if confidence >= 0.5:
                self.last_good_bps = usable
        delivered = 0
        if recent:
            first_start = recent[0].end - recent[0].seconds
            total_span = max(now, recent[-1].end) - first_start
            if total_span > 0:
                delivered = int(sum(i.nbytes for i in recent) * 8 / total_span)
        return LinkEstimate(
            usable_bps=usable,
            confidence=confidence,
            delivered_bps=delivered,
            backlogged=self._backlog >= self.backlog_threshold,
            backlog_bytes=self._backlog,
            last_good_bps=self.last_good_bps,
        )

    def ack_overdue(self, now: float, grace_s: float) -> float | None:
        """Seconds without an acknowledgement although one is owed, once that is past
        ``grace_s`` (None otherwise, and always None before the server's first
        acknowledgement in this session: a server that never acknowledges is left to the
        write timeout)."""
        if self.session_acks == 0 or self._owed_since is None or self._last_ack_t is None:
            return None
        silent = now - self._last_ack_t
        # Owed for at least half the grace: the byte that completes the window had time to
        # arrive, whatever the encoder's pace.
        if silent >= grace_s and now - self._owed_since >= grace_s / 2:
            return silent
        return None

    def unacked(self) -> int:
        return max(0, self._sent - self._last_acked)
