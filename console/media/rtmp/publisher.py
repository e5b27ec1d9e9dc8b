"""Our own RTMP/RTMPS publisher: FLV tags in, an RTMP stream on a socket we own out.

One send thread per destination does all socket I/O (non-blocking, multiplexed with
``select``), so a stalled link never blocks the caller: :meth:`RtmpPublisher.send` only
appends to a bounded queue measured in milliseconds of media and applies the drop policy
(non-keyframe video first, audio and header tags only past the hard cap).

The parts, each its own module under ``console/media/rtmp/``: :mod:`.url` (URL parsing and
its secrets), :mod:`.send_queue` (the queue and drop policy, pure), :mod:`.transport` (TCP,
TLS, non-blocking I/O), :mod:`.session` (connect, publish, control messages,
acknowledgements), :mod:`.reconnect` (the send thread's loop and the reconnect schedule).
This module holds the public class and its state; the names below are re-exported for
callers that import them from here.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Sequence

from console.media.flv import FlvTag
from console.media.output import DropCounter, OutputState, OutputStats, StateCallback
from console.media.rtmp.link_estimator import LinkEstimate, LinkEstimator
from console.media.rtmp.reconnect import (
    MAX_REFUSALS,
    RECONNECT_DELAYS,
    ROOM_CLOSE_S,
    RtmpReconnect,
)
from console.media.rtmp.send_queue import BATCH_TAGS, SendQueue
from console.media.rtmp.session import (
    ACK_WINDOW,
    BITRATE_WINDOW_S,
    FLASH_VER,
    OUT_CHUNK_SIZE,
    RtmpSession,
    _Session,
)
from console.media.rtmp.transport import SEND_SLICE, RtmpTransport
from console.media.rtmp.url import RtmpTarget, parse_rtmp_url
from console.redaction import redact, register_secret

__all__ = [
    "ACK_WINDOW",
    "BATCH_TAGS",
    "BITRATE_WINDOW_S",
    "FLASH_VER",
    "MAX_REFUSALS",
    "OUT_CHUNK_SIZE",
    "RECONNECT_DELAYS",
    "ROOM_CLOSE_S",
    "SEND_SLICE",
    "RtmpPublisher",
    "RtmpTarget",
    "SendQueue",
    "parse_rtmp_url",
]

log = logging.getLogger(__name__)


class RtmpPublisher(RtmpReconnect, RtmpSession, RtmpTransport):
    """Publishes FLV tags to one RTMP/RTMPS destination on its own send thread."""

    def __init__(
        self,
        url: str,
        key: str | None = None,
        *,
        name: str | None = None,
        ca_file: str | None = None,
        connect_timeout: float = 5.0,
        write_timeout: float = 5.0,
        max_queue_ms: int = 3000,
        drop_threshold_ms: int = 700,
        on_state: StateCallback | None = None,
        handshake: str = "digest",
        send_buffer: int | None = 256 * 1024,
        ack_window: int = ACK_WINDOW,
        reconnect: bool = True,
        reconnect_delays: Sequence[float] = RECONNECT_DELAYS,
        reconnect_budget_s: float | None = None,
        max_refusals: int = MAX_REFUSALS,
    ) -> None:
        if handshake not in ("digest", "plain"):
            raise ValueError("handshake must be 'digest' or 'plain'")
        scheme, host, port, app, stream_name, tc_url = parse_rtmp_url(url, key)
        self._target = RtmpTarget(scheme, host, port, app, stream_name, tc_url)
        self._secrets = (key, stream_name)
        register_secret(*self._secrets)
        self.name = name or f"{scheme}://{self._target.host_port}/{app.partition('?')[0]}"
        self.ca_file = ca_file
        self.connect_timeout = connect_timeout
        self.write_timeout = write_timeout
        self.handshake = handshake
        self.send_buffer = send_buffer
        self.ack_window = ack_window
        self._on_state = on_state
        self.reconnect = reconnect
        self.reconnect_delays = tuple(reconnect_delays) or (0.0,)
        self.reconnect_budget_s = reconnect_budget_s
        self.max_refusals = max(1, max_refusals)

        self._lock = threading.Lock()
        self._drops = DropCounter()
        self._sendq = SendQueue(
            drop_threshold_ms=drop_threshold_ms, max_queue_ms=max_queue_ms, drops=self._drops
        )
        self._idle = False

        self._state = OutputState.OFFLINE
        self._error: str | None = None
        self._live = threading.Event()
        self._settled = threading.Event()  # LIVE, FAILED or ENDED reached
        self._done = threading.Event()  # ENDED or FAILED
        self._stopping = threading.Event()
        self._abort = threading.Event()
        self._drain_deadline = float("inf")
        self._thread: threading.Thread | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)

        self._bytes_sent = 0
        self._bytes_acked = 0
        self._tags_sent = 0
        self._ack_samples: deque[tuple[float, int]] = deque()
        self._est_lock = threading.Lock()
        self._estimator = LinkEstimator(ack_window)
        self._unsent_supported = True
        self._last_sent_ms = 0
        self._lost_at: float | None = None
        self._attempts = 0
        self._reconnects = 0
        self._next_retry_at: float | None = None
        self._kick = threading.Event()  # reconnect_now() or stop(): end the retry wait early
        self.server_handshake_digest: bool | None = None
        self.pings_answered = 0

    # ----------------------------------------------------------------- public API

    @property
    def state(self) -> OutputState:
        return self._state

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def target(self) -> RtmpTarget:
        return self._target

    def start(self) -> None:
        """Start the send thread (connect, publish, then send queued tags)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, name=f"rtmp-send {self.name}", daemon=True
        )
        self._thread.start()

    def send(self, tag: FlvTag) -> None:
        """Queue one tag; never blocks on the network. Applies the drop policy."""
        with self._lock:
            if self._done.is_set() or self._stopping.is_set():
                self._drops.add("offline")
                return
            self._sendq.offer(tag, reconnecting=self._state == OutputState.RECONNECTING)
            wake = self._idle
            self._idle = False
        if wake:
            self._wake()

    def reconnect_now(self) -> bool:
        """Skip the wait before the next reconnect attempt (the "reconnect now" button).

        True when the publisher is RECONNECTING (the attempt starts at once, or right after
        the one in progress); False otherwise (nothing to do).
        """
        if self._state != OutputState.RECONNECTING:
            return False
        self._kick.set()
        return True

    def wait_live(self, timeout: float | None = None) -> bool:
        """Wait until the stream is LIVE (True) or has failed/ended or time ran out (False)."""
        self._settled.wait(timeout)
        return self._state == OutputState.LIVE

    def wait_done(self, timeout: float | None = None) -> bool:
        """Wait until the publisher has ENDED or FAILED."""
        return self._done.wait(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Flush what is queued (briefly), unpublish, close and join; bounded by ``timeout``."""
        deadline = time.monotonic() + max(0.0, timeout)
        self._drain_deadline = time.monotonic() + timeout * 0.5
        self._stopping.set()
        self._kick.set()
        self._wake()
        thread = self._thread
        if thread is None:
            if not self._done.is_set():
                self._set_state(OutputState.ENDED)
            self._close_wake()
            return
        thread.join(max(0.0, deadline - time.monotonic() - timeout * 0.2))
        if thread.is_alive():
            self._abort.set()
            self._wake()
            thread.join(max(0.0, deadline - time.monotonic()))
        if not thread.is_alive():
            self._close_wake()

    def stats(self) -> OutputStats:
        """A snapshot of the counters (never contains the stream key)."""
        with self._lock:
            queued = self._sendq.queued_ms()
        now = time.monotonic()
        with self._est_lock:
            est = self._estimator.estimate(now)
            unacked = self._estimator.unacked()
        lost_at, retry_at = self._lost_at, self._next_retry_at
        return OutputStats(
            name=self.name,
            state=self._state,
            error=self._error,
            bytes_sent=self._bytes_sent,
            bytes_acked=self._bytes_acked,
            tags_sent=self._tags_sent,
            queued_ms=queued,
            bitrate_kbps=self._bitrate_kbps(),
            dropped=self._drops.snapshot(),
            reconnects=self._reconnects,
            lost_for_s=(now - lost_at) if lost_at is not None else 0.0,
            reconnect_attempts=self._attempts if lost_at is not None else 0,
            next_retry_s=max(0.0, retry_at - now) if retry_at is not None else None,
            network=True,
            link_bps=est.usable_bps,
            link_confidence=est.confidence,
            link_last_good_bps=est.last_good_bps,
            backlogged=est.backlogged,
            unacked_bytes=unacked,
        )

    def link_estimate(self) -> LinkEstimate:
        """What the server's acknowledgements say about the link right now."""
        with self._est_lock:
            return self._estimator.estimate(time.monotonic())

    # ----------------------------------------------------------------- queue

    @property
    def max_queue_ms(self) -> int:
        return self._sendq.max_queue_ms

    @max_queue_ms.setter
    def max_queue_ms(self, value: int) -> None:
        self._sendq.max_queue_ms = value

    @property
    def drop_threshold_ms(self) -> int:
        return self._sendq.drop_threshold_ms

    @drop_threshold_ms.setter
    def drop_threshold_ms(self, value: int) -> None:
        self._sendq.drop_threshold_ms = value

    @property
    def _queue(self) -> deque[FlvTag]:
        """The queued tags (read-only use: tests and diagnostics)."""
        return self._sendq.tags

    def _take_batch(self) -> list[FlvTag]:
        with self._lock:
            batch = self._sendq.take_batch(BATCH_TAGS)
            if not batch:
                self._idle = True
            return batch

    # ----------------------------------------------------------------- state

    def _set_state(self, state: OutputState, error: str | None = None) -> None:
        if error is not None:
            error = redact(error, *self._secrets)
        self._state = state
        self._error = error
        if state == OutputState.LIVE:
            self._live.set()
            self._settled.set()
        elif state in (OutputState.ENDED, OutputState.FAILED):
            self._settled.set()
            self._done.set()
        if error:
            log.warning("%s: %s", self.name, error)
        else:
            log.info("%s: %s", self.name, state.name)
        if self._on_state is not None:
            try:
                self._on_state(self.name, state, error)
            except Exception:
                log.exception("state callback failed")

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"\0")

    def _close_wake(self) -> None:
        for s in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                s.close()

    def _bitrate_kbps(self) -> float:
        now = time.monotonic()
        samples = list(self._ack_samples)
        if len(samples) < 2:
            return 0.0
        # Baseline: the newest sample at least one window old, else the oldest we have.
        base = samples[0]
        for s in samples:
            if s[0] <= now - BITRATE_WINDOW_S:
                base = s
        last = samples[-1]
        span = now - base[0]
        if span <= 0 or last[1] <= base[1]:
            return 0.0
        return (last[1] - base[1]) * 8 / span / 1000.0

    # ----------------------------------------------------------------- send thread

    def _stream(self, sess: _Session) -> None:
        """Send queued tags until stop() (then drain until the drain deadline)."""
        if not sess.streaming:
            sess.streaming = True
            with self._est_lock:
                self._estimator.reset_session(time.monotonic())
        # Header tags (metadata, sequence headers) go first after every (re)connect.
        with self._lock:
            # Stamped no earlier than the media that follows, so timestamps never go back.
            headers = self._sendq.headers_first(self._last_sent_ms)
        if headers:
            self._send_tags(sess, headers)
        while True:
            self._service_server(sess)
            self._note_sent(sess)
            self._check_acks(sess)
            batch = self._take_batch()
            if batch:
                self._send_tags(sess, batch)
                if self._stopping.is_set() and time.monotonic() > self._drain_deadline:
                    with self._lock:
                        left = self._sendq.clear()
                    if left:
                        self._drops.add("stopped", left)
                    return
                continue
            if self._stopping.is_set():
                return
            self._wait_io(
                sess.sock,
                read=True,
                write=False,
                deadline=time.monotonic() + 0.5,
                wake_returns=True,
            )
