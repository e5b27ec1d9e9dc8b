"""FLV tags: what PyAV's FLV muxer writes, split into tags that RTMP sends as messages."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum


class TagType(IntEnum):
    AUDIO = 8
    VIDEO = 9
    SCRIPT = 18


@dataclass(frozen=True, slots=True)
class FlvTag:
    """One FLV tag body with its timestamp.

    ``header`` marks tags a receiver needs before any media (onMetaData, the AVC and AAC
    sequence headers): they are never dropped and are re-sent after a reconnect.
    ``keyframe`` marks video tags that start a GOP.
    """

    kind: TagType
    timestamp_ms: int
    data: bytes
    keyframe: bool = False
    header: bool = False

    @property
    def is_video(self) -> bool:
        return self.kind == TagType.VIDEO

    @property
    def is_audio(self) -> bool:
        return self.kind == TagType.AUDIO

    def to_bytes(self) -> bytes:
        """The tag as it stands in an FLV file, with its trailing PreviousTagSize."""
        ts = self.timestamp_ms & 0xFFFFFFFF
        head = (
            bytes([int(self.kind)])
            + len(self.data).to_bytes(3, "big")
            + (ts & 0xFFFFFF).to_bytes(3, "big")
            + bytes([ts >> 24])
            + b"\x00\x00\x00"
        )
        return head + self.data + struct.pack(">I", 11 + len(self.data))


FLV_FILE_HEADER = b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00"


def _classify(kind: TagType, data: bytes) -> tuple[bool, bool]:
    """Return (keyframe, header) for a tag body."""
    if kind == TagType.SCRIPT:
        return False, True
    if kind == TagType.VIDEO and data:
        frame_type = data[0] >> 4
        codec = data[0] & 0x0F
        is_seq_header = codec == 7 and len(data) > 1 and data[1] == 0
        return frame_type == 1, is_seq_header
    if kind == TagType.AUDIO and len(data) > 1:
        is_aac = (data[0] >> 4) == 10
        return False, is_aac and data[1] == 0
    return False, False


class FlvTagSplitter:
    """Incrementally splits an FLV byte stream into :class:`FlvTag` objects."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._header_seen = False

    def feed(self, chunk: bytes) -> list[FlvTag]:
        self._buf += chunk
        tags: list[FlvTag] = []
        if not self._header_seen:
            if len(self._buf) < 13:
                return tags
            if bytes(self._buf[:3]) != b"FLV":
                raise ValueError("not an FLV stream")
            offset = int.from_bytes(self._buf[5:9], "big")
            del self._buf[: offset + 4]
            self._header_seen = True
        while len(self._buf) >= 11:
            size = int.from_bytes(self._buf[1:4], "big")
            total = 11 + size + 4
            if len(self._buf) < total:
                break
            kind = TagType(self._buf[0] & 0x1F)
            ts = int.from_bytes(self._buf[4:7], "big") | (self._buf[7] << 24)
            data = bytes(self._buf[11 : 11 + size])
            del self._buf[:total]
            keyframe, header = _classify(kind, data)
            tags.append(FlvTag(kind, ts, data, keyframe, header))
        return tags
