"""The publisher's send thread and reconnect loop.

With ``reconnect=True`` a connection lost after the stream went LIVE (write stall, reset, EOF,
an error status from the server) is not the end: the state turns RECONNECTING and the send
thread retries on the front-loaded schedule :data:`RECONNECT_DELAYS`, then every
``RECONNECT_DELAYS[-1]`` seconds, until it is live again, the retry budget runs out, or the
server refuses the publish ``max_refusals`` times in a row. Failures before the first LIVE are
never retried. :class:`RtmpReconnect` is mixed into :class:`~console.media.rtmp.RtmpPublisher`.
"""

from __future__ import annotations

import logging
import time

from console.media.output import OutputState
from console.media.rtmp.session import _Aborted, _Eof, _Fail, _Refused, _Session

log = logging.getLogger("console.media.rtmp.publisher")

# Seconds to wait before each reconnect attempt after a lost connection: at once, then quickly,
# so most attempts fall inside the minute or two after which platforms close a room; the last
# value repeats. Each attempt itself may take up to ``connect_timeout``.
RECONNECT_DELAYS: tuple[float, ...] = (0.0, 0.5, 1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 10.0)
MAX_REFUSALS = 3  # publish refused this many times in a row while reconnecting: FAILED
# What the CLI and the window count down from after a loss: platforms close a room after one
# to two minutes without a stream (Kuaishou), so the lower bound.
ROOM_CLOSE_S = 60


class RtmpReconnect:
    """The send thread's main loop and the reconnect schedule; mixed into RtmpPublisher."""

    def _run(self) -> None:
        sess: _Session | None = None
        try:
            self._set_state(OutputState.CONNECTING)
            sess = self._connect()
            self._set_state(OutputState.LIVE)
            while True:
                try:
                    self._stream(sess)
                    break
                except (_Fail, _Eof) as exc:
                    if not self.reconnect or self._stopping.is_set():
                        raise
                    lost = sess
                    sess = None
                    self._close(lost, graceful=False)
                    sess = self._reconnect(self._loss_reason(exc))
                    self._reconnects += 1
                    self._lost_at = self._next_retry_at = None
                    self._set_state(OutputState.LIVE)
            self._unpublish(sess)
            self._close(sess, graceful=True)
            sess = None
            self._set_state(OutputState.ENDED)
        except _Aborted:
            self._set_state(OutputState.ENDED)
        except _Eof as exc:
            self._set_state(OutputState.FAILED, self._loss_reason(exc))
        except _Fail as exc:
            if self._stopping.is_set() and self._state in (
                OutputState.CONNECTING,
                OutputState.RECONNECTING,
            ):
                self._set_state(OutputState.ENDED)
            else:
                self._set_state(OutputState.FAILED, str(exc))
        except Exception as exc:  # a bug: report it as one line, never a traceback to the user
            log.exception("RTMP send thread crashed")
            self._set_state(
                OutputState.FAILED,
                f"internal error in the RTMP sender ({type(exc).__name__}: {exc}): please report it",
            )
        finally:
            if sess is not None:
                self._close(sess, graceful=False)
            if self._stopping.is_set():
                self._close_wake()

    def _loss_reason(self, exc: Exception) -> str:
        if isinstance(exc, _Eof):
            return (
                f"{self._target.host_port} closed the connection: check the stream key and "
                "that the server accepts this stream"
            )
        return str(exc)

    def _reconnect(self, reason: str) -> _Session:
        """Retry on the schedule until a new session is publishing; raise _Fail to give up.

        While this runs, send() keeps queueing (and dropping by policy); once connected,
        _stream() re-sends the header tags and the send side resumes at the next keyframe.
        """
        hp = self._target.host_port
        lost_at = time.monotonic()
        self._lost_at = lost_at
        self._attempts = 0
        with self._lock:
            # resume with a keyframe: the decoder starts afresh
            self._sendq.resume_at_keyframe("reconnecting")
        self._set_state(OutputState.RECONNECTING, reason)
        last = reason
        refusals = 0
        while True:
            delays = self.reconnect_delays
            delay = delays[min(self._attempts, len(delays) - 1)]
            budget = self.reconnect_budget_s
            if budget is not None and time.monotonic() + delay - lost_at > budget:
                raise _Fail(
                    f"gave up reconnecting to {hp} after {self._attempts} attempts in "
                    f"{time.monotonic() - lost_at:.0f} s; last error: {last}"
                )
            self._next_retry_at = time.monotonic() + delay
            if delay > 0:
                self._kick.wait(delay)
            self._kick.clear()
            self._next_retry_at = None
            if self._stopping.is_set():
                raise _Aborted()
            self._attempts += 1
            log.info("%s: reconnect attempt %d", self.name, self._attempts)
            try:
                return self._connect()
            except _Refused as exc:
                refusals += 1
                last = str(exc)
                if refusals >= self.max_refusals:
                    raise _Fail(
                        f"{last} (refused {refusals} times while reconnecting; gave up)"
                    ) from None
            except _Fail as exc:
                refusals = 0
                last = str(exc)
            except _Eof as exc:
                refusals = 0
                last = self._loss_reason(exc)
            self._set_state(OutputState.RECONNECTING, last)
