"""The RTMP session: connect, publish, control messages, acknowledgements, unpublish.

:class:`RtmpSession` is mixed into :class:`~console.media.rtmp.RtmpPublisher` and works on its
state (target, timeouts, counters, the link estimator); the socket I/O it calls is in
:mod:`console.media.rtmp.transport`. The failure types and the per-connection record
(:class:`_Session`) live here too.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from console.media.flv import FlvTag, TagType
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
    ChunkReader,
    ChunkWriter,
    Message,
    acknowledgement,
    user_control,
    window_ack_size,
)
from console.media.rtmp.handshake import HandshakeError, client_handshake
from console.redaction import redact

log = logging.getLogger("console.media.rtmp.publisher")

FLASH_VER = "FMLE/3.0 (compatible; FMSc/1.0)"
OUT_CHUNK_SIZE = 4096
# Ask the server to acknowledge every 32 KiB: the honest outgoing bitrate, a link estimate
# within a second at 1 Mbit/s, and a dead link noticed from missing acknowledgements at 300 kbit/s
# well inside the write timeout (docs/architecture.md, "Adaptive bitrate").
ACK_WINDOW = 32768
BITRATE_WINDOW_S = 5.0

CSID_CONTROL = 2
CSID_COMMAND = 3
CSID_AUDIO = 4
CSID_DATA = 5
CSID_VIDEO = 6
CSID_STREAM_COMMAND = 8

_SET_DATA_FRAME = amf0.encode("@setDataFrame")


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


class RtmpSession:
    """Connect/publish/unpublish and the server's messages; mixed into RtmpPublisher."""

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
