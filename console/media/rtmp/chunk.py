"""RTMP chunk streams: splitting messages into chunks and reassembling the server's.

The writer uses fmt 0 for the first message on a chunk stream (or when the message stream
changes or time runs backwards), fmt 1 (timestamp delta) after that, and fmt 3 for the
continuation chunks of a message. Timestamps (or deltas) of 0xFFFFFF and above go in the
extended-timestamp field, repeated in every continuation chunk, as FFmpeg and nginx-rtmp do.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

# Message types
SET_CHUNK_SIZE = 1
ABORT = 2
ACKNOWLEDGEMENT = 3
USER_CONTROL = 4
WINDOW_ACK_SIZE = 5
SET_PEER_BANDWIDTH = 6
AUDIO = 8
VIDEO = 9
DATA_AMF3 = 15
COMMAND_AMF3 = 17
DATA_AMF0 = 18
COMMAND_AMF0 = 20
AGGREGATE = 22

# User control events
UC_STREAM_BEGIN = 0
UC_STREAM_EOF = 1
UC_PING_REQUEST = 6
UC_PING_RESPONSE = 7

DEFAULT_CHUNK_SIZE = 128
EXTENDED = 0xFFFFFF


class ChunkError(Exception):
    """The peer sent something that is not a valid chunk stream."""


@dataclass(slots=True)
class Message:
    """One RTMP message."""

    type_id: int
    payload: bytes
    timestamp: int = 0
    stream_id: int = 0
    csid: int = 2


def _basic_header(fmt: int, csid: int) -> bytes:
    if csid < 2:
        raise ValueError("chunk stream ids 0 and 1 are reserved")
    if csid < 64:
        return bytes([(fmt << 6) | csid])
    if csid < 320:
        return bytes([fmt << 6, csid - 64])
    if csid < 65600:
        v = csid - 64
        return bytes([(fmt << 6) | 1, v & 0xFF, v >> 8])
    raise ValueError("chunk stream id too large")


@dataclass(slots=True)
class _OutState:
    timestamp: int
    stream_id: int


class ChunkWriter:
    """Turns messages into chunk bytes; keeps per-chunk-stream state for header compression."""

    def __init__(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self.chunk_size = chunk_size
        self._last: dict[int, _OutState] = {}

    def set_chunk_size(self, size: int) -> bytes:
        """Return the Set Chunk Size message for ``size``; chunks written after it use it."""
        if not 1 <= size <= 0x7FFFFFFF:
            raise ValueError("bad chunk size")
        data = self.encode(Message(SET_CHUNK_SIZE, struct.pack(">I", size), 0, 0, 2))
        self.chunk_size = size
        return data

    def reset(self) -> None:
        """Forget header state (after a reconnect)."""
        self._last.clear()

    def encode(self, msg: Message) -> bytes:
        """Chunk one message."""
        ts = msg.timestamp & 0xFFFFFFFF
        prev = self._last.get(msg.csid)
        length = len(msg.payload)
        if prev is None or prev.stream_id != msg.stream_id or ts < prev.timestamp:
            fmt, field_ts = 0, ts
        else:
            fmt, field_ts = 1, ts - prev.timestamp
        ext = field_ts >= EXTENDED
        ts3 = (EXTENDED if ext else field_ts).to_bytes(3, "big")
        header = ts3 + length.to_bytes(3, "big") + bytes([msg.type_id])
        if fmt == 0:
            header += struct.pack("<I", msg.stream_id)
        ext_bytes = struct.pack(">I", field_ts) if ext else b""
        self._last[msg.csid] = _OutState(ts, msg.stream_id)

        out = bytearray(_basic_header(fmt, msg.csid))
        out += header
        out += ext_bytes
        payload = msg.payload
        size = self.chunk_size
        out += payload[:size]
        if length > size:
            cont = _basic_header(3, msg.csid) + ext_bytes
            for off in range(size, length, size):
                out += cont
                out += payload[off : off + size]
        return bytes(out)


@dataclass(slots=True)
class _InState:
    timestamp: int = 0
    delta: int = 0
    length: int = 0
    type_id: int = 0
    stream_id: int = 0
    ext: bool = False
    buf: bytearray = field(default_factory=bytearray)


class ChunkReader:
    """Reassembles messages from chunk bytes fed in any pieces.

    Set Chunk Size and Abort are applied here (they change how the following bytes parse)
    and are also returned so the caller can see them.
    """

    def __init__(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self.chunk_size = chunk_size
        self._buf = bytearray()
        self._streams: dict[int, _InState] = {}
        self.bytes_received = 0

    def feed(self, data: bytes) -> list[Message]:
        """Add bytes; return the messages completed by them."""
        self.bytes_received += len(data)
        self._buf += data
        out: list[Message] = []
        while True:
            msg, ok = self._parse_one()
            if not ok:
                break
            if msg is not None:
                out.append(msg)
        return out

    def _parse_one(self) -> tuple[Message | None, bool]:
        buf = self._buf
        n = len(buf)
        if n < 1:
            return None, False
        fmt = buf[0] >> 6
        csid = buf[0] & 0x3F
        pos = 1
        if csid == 0:
            if n < 2:
                return None, False
            csid = buf[1] + 64
            pos = 2
        elif csid == 1:
            if n < 3:
                return None, False
            csid = buf[1] + buf[2] * 256 + 64
            pos = 3
        hlen = (11, 7, 3, 0)[fmt]
        if n < pos + hlen:
            return None, False
        st = self._streams.get(csid)
        if st is None:
            # A new chunk stream should start with fmt 0; accept others leniently.
            st = self._streams[csid] = _InState()
        h = bytes(buf[pos : pos + hlen])
        new_message = not st.buf
        if fmt <= 2:
            ts_field = int.from_bytes(h[0:3], "big")
            ext = ts_field == EXTENDED
        else:
            ts_field = st.delta
            ext = st.ext
        p = pos + hlen
        ext_ts = None
        if ext:
            if n < p + 4:
                return None, False
            ext_ts = struct.unpack(">I", buf[p : p + 4])[0]
            p += 4
        if fmt <= 1:
            length = int.from_bytes(h[3:6], "big")
            type_id = h[6]
        else:
            length, type_id = st.length, st.type_id
        remaining = length - len(st.buf) if not new_message else length
        take = min(self.chunk_size, remaining)
        if n < p + take:
            return None, False
        # Commit the header.
        value = ext_ts if ext_ts is not None else ts_field
        if new_message:
            if fmt == 0:
                st.timestamp = value
                st.delta = 0
                st.stream_id = struct.unpack("<I", h[7:11])[0]
            elif fmt in (1, 2):
                st.delta = value
                st.timestamp = (st.timestamp + value) & 0xFFFFFFFF
            else:
                st.timestamp = (st.timestamp + st.delta) & 0xFFFFFFFF
            if fmt <= 2:
                st.ext = ext
            st.length, st.type_id = length, type_id
        st.buf += buf[p : p + take]
        del buf[: p + take]
        if len(st.buf) < st.length:
            return None, True
        payload = bytes(st.buf)
        st.buf.clear()
        msg = Message(st.type_id, payload, st.timestamp, st.stream_id, csid)
        if msg.type_id == SET_CHUNK_SIZE and len(payload) >= 4:
            size = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
            if size < 1:
                raise ChunkError("peer set chunk size 0")
            self.chunk_size = size
        elif msg.type_id == ABORT and len(payload) >= 4:
            aborted = struct.unpack(">I", payload[:4])[0]
            if aborted in self._streams:
                self._streams[aborted].buf.clear()
        return msg, True


def set_chunk_size_payload(size: int) -> bytes:
    """Payload of a Set Chunk Size message."""
    return struct.pack(">I", size)


def user_control(event: int, value: int) -> Message:
    """A User Control message carrying one 32-bit value (ping response, stream begin...)."""
    return Message(USER_CONTROL, struct.pack(">HI", event, value & 0xFFFFFFFF), 0, 0, 2)


def window_ack_size(size: int) -> Message:
    """Window Acknowledgement Size: ask the peer to acknowledge every ``size`` bytes."""
    return Message(WINDOW_ACK_SIZE, struct.pack(">I", size), 0, 0, 2)


def acknowledgement(sequence: int) -> Message:
    """Acknowledgement of ``sequence`` bytes received so far."""
    return Message(ACKNOWLEDGEMENT, struct.pack(">I", sequence & 0xFFFFFFFF), 0, 0, 2)
