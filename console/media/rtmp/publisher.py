"""Our own RTMP/RTMPS publisher: FLV tags in, an RTMP stream on a socket we own out.

One send thread per destination does all socket I/O (non-blocking, multiplexed with
``select``), so a stalled link never blocks the caller: :meth:`RtmpPublisher.send` only
appends to a bounded queue measured in milliseconds of media and applies the drop policy
(non-keyframe video first, audio and header tags only past the hard cap).

With ``reconnect=True`` a connection lost after the stream went LIVE (write stall, reset, EOF,
an error status from the server) is not the end: the state turns RECONNECTING and the send
thread retries on the front-loaded schedule :data:`RECONNECT_DELAYS`, then every
``RECONNECT_DELAYS[-1]`` seconds, until it is live again, the retry budget runs out, or the
server refuses the publish ``max_refusals`` times in a row. Failures before the first LIVE are
never retried: a wrong URL, key or certificate fails fast with its reason.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import socket
import ssl
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import truststore

from console.errors import UserError
from console.media.flv import FlvTag, TagType
from console.media.output import DropCounter, OutputState, OutputStats, StateCallback
from console.media.rtmp import amf0
from console.media.rtmp.chunk import (
    ACKNOWLEDGEMENT,
    COMMAND_AMF0,
    COMMAND_AMF3,
    SET_PEER_BANDWIDTH,
    UC_PING_REQUEST,
    UC_PING_RESPONSE,
    USER_CONTROL,
    WINDOW_ACK_SIZE,
    ChunkError,
    ChunkReader,
    ChunkWriter,
    Message,
    acknowledgement,
    user_control,
    window_ack_size,
)
from console.media.rtmp.handshake import HandshakeError, client_handshake
from console.media.rtmp.link_estimator import LinkEstimate, LinkEstimator
from console.redaction import redact, register_secret

log = logging.getLogger(__name__)

FLASH_VER = "FMLE/3.0 (compatible; FMSc/1.0)"
OUT_CHUNK_SIZE = 4096
# Ask the server to acknowledge every 32 KiB: the honest outgoing bitrate, a link estimate
# within a second at 1 Mbit/s, and a dead link noticed from missing acknowledgements at 300 kbit/s
# well inside the write timeout (docs/architecture.md, "Adaptive bitrate").
ACK_WINDOW = 32768
SEND_SLICE = 16384  # bytes handed to one send() (one TLS record)
BATCH_TAGS = 32
BITRATE_WINDOW_S = 5.0

# Seconds to wait before each reconnect attempt after a lost connection: at once, then quickly,
# so most attempts fall inside the minute or two after which platforms close a room; the last
# value repeats. Each attempt itself may take up to ``connect_timeout``.
RECONNECT_DELAYS: tuple[float, ...] = (0.0, 0.5, 1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 10.0)
MAX_REFUSALS = 3  # publish refused this many times in a row while reconnecting: FAILED
# What the CLI and the window count down from after a loss: platforms close a room after one
# to two minutes without a stream (Kuaishou), so the lower bound.
ROOM_CLOSE_S = 60

CSID_CONTROL = 2
CSID_COMMAND = 3
CSID_AUDIO = 4
CSID_DATA = 5
CSID_VIDEO = 6
CSID_STREAM_COMMAND = 8

_SET_DATA_FRAME = amf0.encode("@setDataFrame")


# --------------------------------------------------------------------------- URL handling


@dataclass(frozen=True)
class RtmpTarget:
    """A parsed destination."""

    scheme: str
    host: str
    port: int
    app: str
    stream_name: str
    tc_url: str

    @property
    def host_port(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_rtmp_url(url: str, key: str | None = None) -> tuple[str, str, int, str, str, str]:
    """Split a server URL (+ stream key) into (scheme, host, port, app, stream_name, tcUrl).

    With a key, the whole URL path is the application and the key is the stream name (how
    platforms hand out "server URL" + "stream key"); queries in the key are kept intact.
    Without one, the first path segment is the application and the rest the stream name.
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port_in_url = parts.port
    except ValueError as exc:
        raise UserError(f"bad server URL ({exc}): use rtmp://HOST[:PORT]/APP") from None
    scheme = parts.scheme.lower()
    if scheme not in ("rtmp", "rtmps"):
        shown = scheme or "none"
        raise UserError(
            f"unsupported URL scheme '{shown}': the server URL must start with rtmp:// or rtmps://"
        )
    # RTMP publishing never sends URL user-info or knows which query part is a signature: they
    # are secrets for the redactor before any message can quote the URL.
    register_secret(url, key)
    host = parts.hostname or ""
    if not host:
        raise UserError("no server host in the URL: use rtmp://HOST[:PORT]/APP")
    port = port_in_url or (443 if scheme == "rtmps" else 1935)
    path = parts.path.lstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    key = (key or "").strip().lstrip("/")
    if key:
        app = path.rstrip("/") + query
        stream_name = key
    else:
        app, _, stream_name = path.partition("/")
        stream_name = stream_name + query if stream_name else ""
    if not app:
        raise UserError("no application in the server URL: use rtmp://HOST[:PORT]/APP")
    if not stream_name:
        raise UserError("no stream key: pass the key or put it at the end of the server URL")
    netloc_host = f"[{host}]" if ":" in host else host
    netloc = f"{netloc_host}:{port_in_url}" if port_in_url else netloc_host
    tc_url = f"{scheme}://{netloc}/{app}"
    return scheme, host, port, app, stream_name, tc_url


# --------------------------------------------------------------------------- internals


class _Fail(Exception):
    """A failure with a user-facing one-line message."""


class _Aborted(Exception):
    """stop() ran out of patience (or came while connecting): drop everything and close."""


class _Eof(Exception):
    """The server closed the connection."""


class _Refused(_Fail):
    """The server answered but refused the connect or the publish (key, name, permissions)."""


@dataclass
class _Command:
    name: str
    txn: float
    args: list[Any]

    def info(self) -> dict[str, Any]:
        for arg in self.args:
            if isinstance(arg, dict):
                return arg
        return {}


@dataclass
class _Session:
    sock: socket.socket
    writer: ChunkWriter = field(default_factory=ChunkWriter)
    reader: ChunkReader = field(default_factory=ChunkReader)
    stream_id: int = 0
    txn: int = 0
    server_ack_window: int = 0
    last_ack_sent: int = 0
    acked_raw_last: int = 0
    pending_write: memoryview | None = None
    pending_cmds: deque[_Command] = field(default_factory=deque)
    streaming: bool = False  # past publish: writes also read acknowledgements
    sent_base: int = 0  # publisher bytes_sent when this session's RTMP byte count began
    acked: int = 0  # bytes the server acknowledged in this session
    deferred: list[Message] = field(default_factory=list)  # read while writing, handled later

    def next_txn(self) -> int:
        self.txn += 1
        return self.txn


def _reason(info: dict[str, Any], fallback: str) -> str:
    code = str(info.get("code") or "")
    desc = str(info.get("description") or "")
    if code and desc:
        return f"{code} ({desc})"
    return code or desc or fallback


class RtmpPublisher:
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
        self.max_queue_ms = max_queue_ms
        self.drop_threshold_ms = drop_threshold_ms
        self.handshake = handshake
        self.send_buffer = send_buffer
        self.ack_window = ack_window
        self._on_state = on_state
        self.reconnect = reconnect
        self.reconnect_delays = tuple(reconnect_delays) or (0.0,)
        self.reconnect_budget_s = reconnect_budget_s
        self.max_refusals = max(1, max_refusals)

        self._lock = threading.Lock()
        self._queue: deque[FlvTag] = deque()
        self._headers: dict[TagType, FlvTag] = {}
        self._skip_video = False  # drop incoming P-frames until the next keyframe
        self._out_skip_video = False  # the send thread skips P-frames until a keyframe
        self._resume_cause = "queue_full"  # what those skipped P-frames are counted as
        self._idle = False
        self._drops = DropCounter()

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
            if tag.header:
                self._headers[tag.kind] = tag
            elif tag.is_video and self._skip_video:
                if not tag.keyframe:
                    self._drops.add(self._cause_locked("congestion"))
                    return
                self._skip_video = False
            self._queue.append(tag)
            if self._queued_ms_locked() > self.drop_threshold_ms:
                self._drop_congestion_locked()
            if self._queued_ms_locked() > self.max_queue_ms:
                self._drop_oldest_locked()
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
            queued = self._queued_ms_locked()
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

    # ----------------------------------------------------------------- queue policy

    def _cause_locked(self, cause: str) -> str:
        """Drops while the link is down are counted as ``reconnecting``, not as congestion."""
        return "reconnecting" if self._state == OutputState.RECONNECTING else cause

    def _queued_ms_locked(self) -> int:
        first = next((t for t in self._queue if not t.header), None)
        last = next((t for t in reversed(self._queue) if not t.header), None)
        if first is None or last is None:
            return 0
        return max(0, last.timestamp_ms - first.timestamp_ms)

    def _drop_congestion_locked(self) -> None:
        """Drop every queued non-keyframe video tag; skip new ones until a keyframe."""
        kept: deque[FlvTag] = deque()
        dropped = 0
        for t in self._queue:
            if t.is_video and not t.header and not t.keyframe:
                dropped += 1
            else:
                kept.append(t)
        if dropped:
            self._queue = kept
            self._drops.add(self._cause_locked("congestion"), dropped)
        self._skip_video = True

    def _drop_oldest_locked(self) -> None:
        """Past the hard cap: drop the oldest non-header tags (audio too)."""
        dropped = 0
        while self._queued_ms_locked() > self.max_queue_ms:
            idx = next((i for i, t in enumerate(self._queue) if not t.header), None)
            if idx is None:
                break
            victim = self._queue[idx]
            del self._queue[idx]
            dropped += 1
            if victim.is_video:
                self._out_skip_video = True
                self._resume_cause = self._cause_locked("queue_full")
        if dropped:
            self._drops.add(self._cause_locked("queue_full"), dropped)

    def _take_batch(self) -> list[FlvTag]:
        with self._lock:
            batch: list[FlvTag] = []
            while self._queue and len(batch) < BATCH_TAGS:
                tag = self._queue.popleft()
                if tag.is_video and not tag.header and self._out_skip_video:
                    if not tag.keyframe:
                        self._drops.add(self._resume_cause)
                        continue
                    self._out_skip_video = False
                batch.append(tag)
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
            self._out_skip_video = True  # resume with a keyframe: the decoder starts afresh
            self._resume_cause = "reconnecting"
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

    # -- low-level I/O ---------------------------------------------------------

    def _wait_io(
        self,
        sock: socket.socket,
        *,
        read: bool,
        write: bool,
        deadline: float,
        wake_returns: bool = False,
    ) -> bool:
        """Wait until ``sock`` is ready (True) or the deadline passes (False).

        A wake-up from send()/stop() returns True only with ``wake_returns``; an abort (or a
        stop while still connecting) raises :class:`_Aborted`.
        """
        while True:
            if self._abort.is_set() or (
                self._stopping.is_set()
                and self._state in (OutputState.CONNECTING, OutputState.RECONNECTING)
            ):
                raise _Aborted()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            rl: list[Any] = [self._wake_r]
            if read:
                rl.append(sock)
            wl = [sock] if write else []
            try:
                r, w, _ = select.select(rl, wl, [], min(remaining, 1.0))
            except (OSError, ValueError) as exc:
                raise _Fail(f"the connection to {self._target.host_port} broke ({exc})") from None
            if self._wake_r in r:
                with contextlib.suppress(OSError):
                    while self._wake_r.recv(4096):
                        pass
                if not (set(r) - {self._wake_r}) and not w:
                    if wake_returns:
                        return True  # woken by send()/stop(): the caller re-checks its queue
                    continue
            if r or w:
                return True

    def _recv_some(self, sess: _Session) -> bytes | None:
        """Non-blocking read: bytes, None when nothing is ready; raises on EOF."""
        try:
            data = sess.sock.recv(65536)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError, InterruptedError):
            return None
        except ssl.SSLError as exc:
            raise _Fail(f"TLS error from {self._target.host_port} ({exc.reason or exc})") from None
        except (ConnectionResetError, BrokenPipeError):
            raise _Eof() from None
        except OSError as exc:
            raise _Fail(
                f"the connection to {self._target.host_port} broke ({exc.strerror or exc}): "
                "check the network and the server"
            ) from None
        if not data:
            raise _Eof()
        return data

    def _send_all(self, sess: _Session, data: bytes, *, stall_timeout: float) -> None:
        """Write everything; fail if the peer accepts nothing for ``stall_timeout`` seconds."""
        view = memoryview(data)
        off = 0
        last_progress = time.monotonic()
        while off < len(view):
            if sess.pending_write is None:
                sess.pending_write = view[off : off + SEND_SLICE]
            chunk = sess.pending_write
            try:
                n = sess.sock.send(chunk)
            except ssl.SSLWantWriteError:
                n = -1
            except ssl.SSLWantReadError:
                n = -2
            except (BlockingIOError, InterruptedError):
                n = -1
            except ssl.SSLError as exc:
                raise _Fail(
                    f"TLS error from {self._target.host_port} ({exc.reason or exc})"
                ) from None
            except OSError as exc:
                if exc.errno in (errno.EPIPE, errno.ECONNRESET):
                    raise _Eof() from None
                raise _Fail(
                    f"the connection to {self._target.host_port} broke "
                    f"({exc.strerror or exc}): check the network and the server"
                ) from None
            if n > 0:
                sess.pending_write = None
                off += n
                self._bytes_sent += n
                last_progress = time.monotonic()
                self._note_sent(sess)
                continue
            deadline = last_progress + stall_timeout
            now = time.monotonic()
            if sess.streaming and now < deadline:
                # Acknowledgements keep arriving (and are counted) while the write waits.
                self._check_acks(sess)
                self._wait_io(
                    sess.sock, read=True, write=(n != -2), deadline=min(deadline, now + 0.25)
                )
                self._poll_server(sess)
                self._note_sent(sess)
                continue
            if sess.streaming:
                ready = False
            else:
                ready = now < deadline and self._wait_io(
                    sess.sock, read=(n == -2), write=(n != -2), deadline=deadline
                )
            if not ready:
                raise _Fail(
                    f"no data accepted by {self._target.host_port} for {stall_timeout:g} s "
                    "(network stalled): check the network connection or lower the bitrate"
                )

    def _write_messages(self, sess: _Session, msgs: list[Message], *, stall_timeout: float) -> None:
        data = b"".join(sess.writer.encode(m) for m in msgs)
        self._send_all(sess, data, stall_timeout=stall_timeout)

    def _read_messages(self, sess: _Session) -> list[Message]:
        """Everything the server has sent so far (non-blocking)."""
        out: list[Message] = []
        while True:
            data = self._recv_some(sess)
            if data is None:
                return out
            try:
                out += sess.reader.feed(data)
            except (ChunkError, ValueError, struct.error) as exc:
                raise _Fail(
                    f"{self._target.host_port} sent data that is not valid RTMP ({exc})"
                ) from None

    # -- connecting ------------------------------------------------------------

    def _connect(self) -> _Session:
        t = self._target
        hp = t.host_port
        sock = self._tcp_connect()
        try:
            if t.scheme == "rtmps":
                sock = self._tls_wrap(sock)
            sess = _Session(sock)
            self._rtmp_handshake(sess)
            self._publish(sess)
        except BaseException:
            with contextlib.suppress(OSError):
                sock.close()
            raise
        log.info("%s: publishing to %s", self.name, hp)
        return sess

    def _tcp_connect(self) -> socket.socket:
        t = self._target
        hp = t.host_port
        ct = self.connect_timeout
        deadline = time.monotonic() + ct
        try:
            infos = socket.getaddrinfo(t.host, t.port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise _Fail(
                f"cannot resolve server host {t.host} ({exc.strerror}): check the server URL "
                "and your network"
            ) from None
        last_err = "no address"
        for family, stype, proto, _canon, addr in infos:
            sock = socket.socket(family, stype, proto)
            try:
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if self.send_buffer:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)
                rc = sock.connect_ex(addr)
                if rc not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY):
                    raise OSError(rc, errno.errorcode.get(rc, str(rc)))
                if rc != 0:
                    if not self._wait_io(sock, read=False, write=True, deadline=deadline):
                        raise TimeoutError()
                    rc = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if rc:
                        raise OSError(rc, _strerror(rc))
                return sock
            except TimeoutError:
                sock.close()
                raise _Fail(
                    f"timed out connecting to {hp} after {ct:g} s: check the server URL, "
                    "the port and your network (a firewall may be dropping it)"
                ) from None
            except _Aborted:
                sock.close()
                raise
            except OSError as exc:
                sock.close()
                if exc.errno == errno.ECONNREFUSED:
                    last_err = "connection refused"
                else:
                    last_err = exc.strerror or str(exc)
        raise _Fail(
            f"cannot connect to {hp} ({last_err}): check the server URL and that the server "
            "is running"
        )

    def _tls_wrap(self, sock: socket.socket) -> socket.socket:
        t = self._target
        hp = t.host_port
        ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self.ca_file:
            try:
                ctx.load_verify_locations(cafile=self.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise _Fail(
                    f"cannot load the CA file {self.ca_file} ({getattr(exc, 'strerror', None) or exc}): "
                    "check the path and that it is a PEM certificate"
                ) from None
        try:
            tls = ctx.wrap_socket(sock, server_hostname=t.host, do_handshake_on_connect=False)
        except (ssl.SSLError, ValueError, OSError) as exc:
            raise _Fail(f"cannot start TLS with {hp} ({exc})") from None
        deadline = time.monotonic() + self.connect_timeout
        while True:
            try:
                tls.do_handshake()
                return tls
            except ssl.SSLWantReadError:
                ready = self._wait_io(tls, read=True, write=False, deadline=deadline)
            except ssl.SSLWantWriteError:
                ready = self._wait_io(tls, read=False, write=True, deadline=deadline)
            except ssl.SSLCertVerificationError as exc:
                detail = exc.verify_message or exc.reason or str(exc)
                # 64 = X509_V_ERR_IP_ADDRESS_MISMATCH: a trusted certificate for other names
                if exc.verify_code == 64 or "ip address mismatch" in str(detail).lower():
                    raise _Fail(
                        f"TLS certificate of {t.host} does not match the IP address ({detail}): "
                        "connect by the host name the certificate is issued for, or check the "
                        "server URL"
                    ) from None
                if exc.verify_code == 62 or "hostname" in str(detail).lower():
                    raise _Fail(
                        f"TLS certificate of {t.host} does not match the host name ({detail}): "
                        "check the server URL"
                    ) from None
                raise _Fail(
                    f"TLS certificate of {t.host} not trusted ({detail}): use the platform's "
                    "rtmps URL, or pass the server's CA file if it is a private server"
                ) from None
            except ssl.SSLError as exc:
                raise _Fail(
                    f"TLS handshake with {hp} failed ({exc.reason or exc}): check that the port "
                    "speaks RTMPS (rtmps://) and not plain RTMP"
                ) from None
            except OSError as exc:
                raise _Fail(
                    f"TLS handshake with {hp} failed ({exc.strerror or exc}): check that the "
                    "port speaks RTMPS"
                ) from None
            if not ready:
                raise _Fail(
                    f"timed out in the TLS handshake with {hp} after {self.connect_timeout:g} s: "
                    "check that the port speaks RTMPS (rtmps://)"
                )

    def _rtmp_handshake(self, sess: _Session) -> None:
        hp = self._target.host_port
        ct = self.connect_timeout
        deadline = time.monotonic() + ct
        buf = bytearray()

        def send_all(data: bytes) -> None:
            self._send_all(sess, data, stall_timeout=ct)

        def recv_exact(n: int) -> bytes:
            while len(buf) < n:
                data = self._recv_some(sess)
                if data is None:
                    if not self._wait_io(sess.sock, read=True, write=False, deadline=deadline):
                        raise _Fail(
                            f"no RTMP handshake from {hp} within {ct:g} s: check that the URL "
                            "points to an RTMP server (rtmps:// needs a TLS port)"
                        )
                    continue
                buf.extend(data)
            out = bytes(buf[:n])
            del buf[:n]
            return out

        try:
            result = client_handshake(send_all, recv_exact, digest=self.handshake == "digest")
        except HandshakeError as exc:
            raise _Fail(f"{hp} is not an RTMP server ({exc}): check the server URL") from None
        except _Eof:
            raise _Fail(
                f"{hp} closed the connection during the RTMP handshake: check that it is an "
                "RTMP server and the scheme (rtmp:// or rtmps://)"
            ) from None
        self.server_handshake_digest = result.server_digest_valid
        sess.sent_base = self._bytes_sent  # the server counts (and acknowledges) from here
        if buf:  # the server may already have sent messages after S2
            sess.pending_cmds.extend(self._handle_messages(sess, sess.reader.feed(bytes(buf))))
        log.debug(
            "%s: handshake done (digest=%s, server digest=%s, s2 ok=%s)",
            self.name,
            result.digest,
            result.server_digest_valid,
            result.s2_valid,
        )

    def _command(
        self, name: str, txn: int, *args: Any, stream_id: int = 0, csid: int = CSID_COMMAND
    ) -> Message:
        return Message(COMMAND_AMF0, amf0.encode(name, txn, *args), 0, stream_id, csid)

    def _publish(self, sess: _Session) -> None:
        t = self._target
        hp = t.host_port
        ct = self.connect_timeout
        w = sess.writer
        connect_txn = sess.next_txn()
        first = w.set_chunk_size(OUT_CHUNK_SIZE)
        msgs = [
            window_ack_size(self.ack_window),
            self._command(
                "connect",
                connect_txn,
                {
                    "app": t.app,
                    "type": "nonprivate",
                    "flashVer": FLASH_VER,
                    "swfUrl": t.tc_url,
                    "tcUrl": t.tc_url,
                },
            ),
        ]
        self._send_all(sess, first + b"".join(w.encode(m) for m in msgs), stall_timeout=ct)
        reply = self._wait_reply(sess, connect_txn, "connect", time.monotonic() + ct)
        if reply.name != "_result":
            raise _Refused(
                f"server refused the connection to application '{redact(t.app)}': "
                f"{_reason(reply.info(), 'connect rejected')}; check the server URL"
            )

        release_txn, fc_txn, create_txn = sess.next_txn(), sess.next_txn(), sess.next_txn()
        name = t.stream_name
        self._write_messages(
            sess,
            [
                self._command("releaseStream", release_txn, None, name),
                self._command("FCPublish", fc_txn, None, name),
                self._command("createStream", create_txn, None),
            ],
            stall_timeout=ct,
        )
        reply = self._wait_reply(sess, create_txn, "createStream", time.monotonic() + ct)
        if reply.name != "_result":
            raise _Refused(
                "publish refused by server: createStream failed "
                f"({_reason(reply.info(), 'no reason given')})"
            )
        stream_id = next((a for a in reply.args if isinstance(a, float | int)), None)
        if stream_id is None:
            raise _Fail(f"{hp} answered createStream without a stream id: not a usable RTMP server")
        sess.stream_id = int(stream_id)

        try:
            publish_txn = sess.next_txn()
            self._write_messages(
                sess,
                [
                    self._command(
                        "publish",
                        publish_txn,
                        None,
                        name,
                        "live",
                        stream_id=sess.stream_id,
                        csid=CSID_STREAM_COMMAND,
                    )
                ],
                stall_timeout=ct,
            )
            deadline = time.monotonic() + ct
            while True:
                cmd = self._next_command(sess, deadline, "publish")
                if cmd.name == "onStatus":
                    info = cmd.info()
                    code = str(info.get("code") or "")
                    if code == "NetStream.Publish.Start":
                        return
                    if str(info.get("level")) == "error" or code in (
                        "NetStream.Publish.BadName",
                        "NetStream.Publish.Denied",
                        "NetStream.Publish.Failed",
                    ):
                        raise _Refused(
                            f"publish refused by server: {_reason(info, 'error')}; check the stream "
                            "key and that no other encoder is publishing it"
                        )
                elif cmd.name == "_error" and cmd.txn in (publish_txn, 0):
                    raise _Refused(
                        f"publish refused by server: {_reason(cmd.info(), 'error')}; check the "
                        "stream key"
                    )
        except _Eof:
            raise _Refused(
                f"publish refused by server: {hp} closed the connection after publish; "
                "check the stream key and that publishing is allowed"
            ) from None

    def _next_command(self, sess: _Session, deadline: float, what: str) -> _Command:
        """Read until the next command message, handling control messages on the way."""
        hp = self._target.host_port
        while True:
            if sess.pending_cmds:
                return sess.pending_cmds.popleft()
            try:
                msgs = self._read_messages(sess)
            except _Eof:
                if what == "publish":
                    raise _Refused(
                        f"publish refused by server: {hp} closed the connection after publish; "
                        "check the stream key and that publishing is allowed"
                    ) from None
                raise _Fail(
                    f"{hp} closed the connection during {what}: check the server URL "
                    "(application name) and the stream key"
                ) from None
            cmds = self._handle_messages(sess, msgs)
            if cmds:
                sess.pending_cmds.extend(cmds)
                continue
            if not msgs and not self._wait_io(sess.sock, read=True, write=False, deadline=deadline):
                if what == "publish":
                    raise _Fail(
                        f"publish refused by server: no answer from {hp} within "
                        f"{self.connect_timeout:g} s; check the stream key"
                    )
                raise _Fail(
                    f"no answer from {hp} to {what} within {self.connect_timeout:g} s: check "
                    "the server URL"
                )

    def _wait_reply(self, sess: _Session, txn: int, what: str, deadline: float) -> _Command:
        while True:
            cmd = self._next_command(sess, deadline, what)
            if cmd.name in ("_result", "_error") and int(cmd.txn) == txn:
                return cmd

    def _handle_messages(self, sess: _Session, msgs: list[Message]) -> list[_Command]:
        """Apply control messages; return command messages for the caller."""
        cmds: list[_Command] = []
        for m in msgs:
            if m.type_id == ACKNOWLEDGEMENT:
                self._on_ack(sess, m)
            elif m.type_id == WINDOW_ACK_SIZE and len(m.payload) >= 4:
                sess.server_ack_window = struct.unpack(">I", m.payload[:4])[0]
            elif m.type_id == SET_PEER_BANDWIDTH:
                pass  # we set our own window ack size up front
            elif m.type_id == USER_CONTROL and len(m.payload) >= 6:
                event, value = struct.unpack(">HI", m.payload[:6])
                if event == UC_PING_REQUEST:
                    self._send_all(
                        sess,
                        sess.writer.encode(user_control(UC_PING_RESPONSE, value)),
                        stall_timeout=self.write_timeout,
                    )
                    self.pings_answered += 1
            elif m.type_id in (COMMAND_AMF0, COMMAND_AMF3):
                payload = m.payload[1:] if m.type_id == COMMAND_AMF3 else m.payload
                try:
                    values = amf0.decode(payload)
                except (amf0.AmfError, struct.error, UnicodeError):
                    log.debug("undecodable command from server")
                    continue
                if len(values) >= 2 and isinstance(values[0], str):
                    txn = values[1] if isinstance(values[1], float | int) else 0
                    cmd = _Command(values[0], txn, values[2:])
                    log.debug(
                        "%s: server command %s %s",
                        self.name,
                        cmd.name,
                        redact(str(cmd.args), *self._secrets),
                    )
                    cmds.append(cmd)
        # Acknowledge what we received, if the server asked for it.
        received = sess.reader.bytes_received
        if sess.server_ack_window and received - sess.last_ack_sent >= sess.server_ack_window:
            sess.last_ack_sent = received
            self._send_all(
                sess,
                sess.writer.encode(acknowledgement(received)),
                stall_timeout=self.write_timeout,
            )
        return cmds

    def _on_ack(self, sess: _Session, m: Message) -> None:
        if len(m.payload) < 4:
            return
        raw = struct.unpack(">I", m.payload[:4])[0]
        delta = (raw - sess.acked_raw_last) & 0xFFFFFFFF
        sess.acked_raw_last = raw
        sess.acked += delta
        self._bytes_acked += delta
        now = time.monotonic()
        self._ack_samples.append((now, self._bytes_acked))
        while len(self._ack_samples) > 2 and self._ack_samples[1][0] < now - 2 * BITRATE_WINDOW_S:
            self._ack_samples.popleft()
        if sess.streaming:
            unsent = self._unsent(sess.sock)
            with self._est_lock:
                self._estimator.on_sent(now, self._bytes_sent - sess.sent_base, unsent)
                self._estimator.on_ack(now, sess.acked)

    def _note_sent(self, sess: _Session) -> None:
        if not sess.streaming:
            return
        unsent = self._unsent(sess.sock)
        with self._est_lock:
            self._estimator.on_sent(time.monotonic(), self._bytes_sent - sess.sent_base, unsent)

    def _unsent(self, sock: socket.socket) -> int | None:
        """Bytes the kernel still holds for this socket (Linux SIOCOUTQ, macOS SO_NWRITE);
        None where the platform does not say (the estimator then uses the acknowledgements)."""
        if not self._unsent_supported:
            return None
        try:
            if sys.platform.startswith("linux"):
                import fcntl
                import termios

                buf = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
                return int(struct.unpack("i", buf)[0])
            if sys.platform == "darwin":
                return int(sock.getsockopt(socket.SOL_SOCKET, 0x1024))  # SO_NWRITE
        except (OSError, ValueError, ImportError, AttributeError):
            pass
        self._unsent_supported = False
        return None

    def _check_acks(self, sess: _Session) -> None:
        """Raise when the server owes an acknowledgement and sent none for write_timeout."""
        if not sess.streaming:
            return
        with self._est_lock:
            silent = self._estimator.ack_overdue(time.monotonic(), self.write_timeout)
            unacked = self._estimator.unacked()
        if silent is not None:
            raise _Fail(
                f"no acknowledgement from {self._target.host_port} for {silent:.0f} s with "
                f"{unacked // 1024} KiB unacknowledged (network stalled): check the network "
                "connection or lower the bitrate"
            )

    def _poll_server(self, sess: _Session) -> None:
        """While a write waits: read what the server sent, count acknowledgements now and keep
        everything else for :meth:`_service_server` (which may itself write)."""
        for m in self._read_messages(sess):
            if m.type_id == ACKNOWLEDGEMENT:
                self._on_ack(sess, m)
            else:
                sess.deferred.append(m)

    # -- streaming -------------------------------------------------------------

    def _tag_message(self, sess: _Session, tag: FlvTag) -> Message:
        if tag.kind == TagType.SCRIPT:
            return Message(
                18, _SET_DATA_FRAME + tag.data, tag.timestamp_ms, sess.stream_id, CSID_DATA
            )
        if tag.kind == TagType.AUDIO:
            return Message(8, tag.data, tag.timestamp_ms, sess.stream_id, CSID_AUDIO)
        return Message(9, tag.data, tag.timestamp_ms, sess.stream_id, CSID_VIDEO)

    def _service_server(self, sess: _Session) -> None:
        try:
            msgs, sess.deferred = sess.deferred, []
            msgs += self._read_messages(sess)
        except _Eof:
            raise _Fail(
                f"{self._target.host_port} closed the connection: check the stream key and the "
                "server's logs"
            ) from None
        for cmd in self._handle_messages(sess, msgs):
            info = cmd.info()
            if cmd.name == "onStatus" and str(info.get("level")) == "error":
                raise _Fail(f"server stopped the stream: {_reason(info, 'error')}")

    def _stream(self, sess: _Session) -> None:
        """Send queued tags until stop() (then drain until the drain deadline)."""
        if not sess.streaming:
            sess.streaming = True
            with self._est_lock:
                self._estimator.reset_session(time.monotonic())
        # Header tags (metadata, sequence headers) go first after every (re)connect.
        with self._lock:
            # Stamped no earlier than the media that follows, so timestamps never go back.
            first = next((t.timestamp_ms for t in self._queue if not t.header), None)
            ts = first if first is not None else self._last_sent_ms
            headers = [
                replace(h, timestamp_ms=max(h.timestamp_ms, ts)) if h.timestamp_ms < ts else h
                for k in (TagType.SCRIPT, TagType.VIDEO, TagType.AUDIO)
                if (h := self._headers.get(k)) is not None
            ]
            if headers:
                self._queue = deque(t for t in self._queue if not t.header)
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
                        left = len(self._queue)
                        self._queue.clear()
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

    def _send_tags(self, sess: _Session, tags: list[FlvTag]) -> None:
        data = b"".join(sess.writer.encode(self._tag_message(sess, t)) for t in tags)
        self._send_all(sess, data, stall_timeout=self.write_timeout)
        self._tags_sent += len(tags)
        self._last_sent_ms = tags[-1].timestamp_ms

    def _unpublish(self, sess: _Session) -> None:
        name = self._target.stream_name
        timeout = max(0.2, min(self.write_timeout, 1.0))
        try:
            self._write_messages(
                sess,
                [
                    self._command("FCUnpublish", sess.next_txn(), None, name),
                    self._command("deleteStream", sess.next_txn(), None, sess.stream_id),
                ],
                stall_timeout=timeout,
            )
        except (_Fail, _Eof) as exc:
            log.info("%s: unpublish not sent (%s)", self.name, exc)

    def _close(self, sess: _Session, *, graceful: bool) -> None:
        sock = sess.sock
        if graceful:
            # Half-close, then read until the server closes, so the tail of the stream is
            # not discarded by a reset (closing with unread data sends RST).
            if isinstance(sock, ssl.SSLSocket):
                # close_notify first: a bare TCP FIN under TLS reads as an error to a TLS
                # terminator, which may then drop what it has not forwarded yet.
                with contextlib.suppress(ssl.SSLError, OSError, ValueError):
                    sock.unwrap()  # non-blocking: sends close_notify, then wants to read
            with contextlib.suppress(OSError, ValueError):
                socket.socket.shutdown(sock, socket.SHUT_WR)
            deadline = time.monotonic() + min(1.0, self.write_timeout)
            with contextlib.suppress(_Fail, _Aborted, _Eof, OSError):
                while True:
                    if self._recv_some(sess) is None and not self._wait_io(
                        sock, read=True, write=False, deadline=deadline
                    ):
                        break
        with contextlib.suppress(OSError):
            sock.close()


def _strerror(code: int) -> str:
    return os.strerror(code)
