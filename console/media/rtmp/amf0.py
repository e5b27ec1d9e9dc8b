"""AMF0 encoding and decoding: the value format of RTMP command and data messages."""

from __future__ import annotations

import struct
from typing import Any

NUMBER = 0x00
BOOLEAN = 0x01
STRING = 0x02
OBJECT = 0x03
NULL = 0x05
UNDEFINED = 0x06
REFERENCE = 0x07
ECMA_ARRAY = 0x08
OBJECT_END = 0x09
STRICT_ARRAY = 0x0A
DATE = 0x0B
LONG_STRING = 0x0C


class EcmaArray(dict):
    """A dict that encodes as an AMF0 ECMA array (as onMetaData uses) rather than an object."""


class AmfError(ValueError):
    """Malformed AMF0 data."""


def _encode_key(key: str) -> bytes:
    raw = key.encode("utf-8")
    return struct.pack(">H", len(raw)) + raw


def _encode_props(props: dict[str, Any]) -> bytes:
    out = bytearray()
    for key, value in props.items():
        out += _encode_key(str(key))
        out += encode_value(value)
    out += b"\x00\x00" + bytes([OBJECT_END])
    return bytes(out)


def encode_value(value: Any) -> bytes:
    """Encode one Python value as AMF0."""
    if value is None:
        return bytes([NULL])
    if isinstance(value, bool):
        return bytes([BOOLEAN, 1 if value else 0])
    if isinstance(value, int | float):
        return bytes([NUMBER]) + struct.pack(">d", float(value))
    if isinstance(value, str):
        raw = value.encode("utf-8")
        if len(raw) > 0xFFFF:
            return bytes([LONG_STRING]) + struct.pack(">I", len(raw)) + raw
        return bytes([STRING]) + struct.pack(">H", len(raw)) + raw
    if isinstance(value, EcmaArray):
        return bytes([ECMA_ARRAY]) + struct.pack(">I", len(value)) + _encode_props(value)
    if isinstance(value, dict):
        return bytes([OBJECT]) + _encode_props(value)
    if isinstance(value, list | tuple):
        out = bytearray([STRICT_ARRAY]) + struct.pack(">I", len(value))
        for item in value:
            out += encode_value(item)
        return bytes(out)
    raise TypeError(f"cannot encode {type(value).__name__} as AMF0")


def encode(*values: Any) -> bytes:
    """Encode a sequence of values (a command message body) as AMF0."""
    return b"".join(encode_value(v) for v in values)


class _Reader:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise AmfError("truncated AMF0 data")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def key(self) -> str:
        (n,) = struct.unpack(">H", self.take(2))
        return self.take(n).decode("utf-8", "replace")

    def props(self, into: dict[str, Any]) -> dict[str, Any]:
        while True:
            if (
                self.pos + 3 <= len(self.data)
                and self.data[self.pos : self.pos + 3] == b"\x00\x00\x09"
            ):
                self.pos += 3
                return into
            if self.pos >= len(self.data):
                return into  # lenient: some servers omit the end marker at the very end
            k = self.key()
            into[k] = self.value()

    def value(self) -> Any:
        marker = self.take(1)[0]
        if marker == NUMBER:
            return struct.unpack(">d", self.take(8))[0]
        if marker == BOOLEAN:
            return self.take(1)[0] != 0
        if marker == STRING:
            return self.key()
        if marker == LONG_STRING:
            (n,) = struct.unpack(">I", self.take(4))
            return self.take(n).decode("utf-8", "replace")
        if marker == OBJECT:
            return self.props({})
        if marker == ECMA_ARRAY:
            self.take(4)  # advisory count
            return self.props(EcmaArray())
        if marker == STRICT_ARRAY:
            (n,) = struct.unpack(">I", self.take(4))
            return [self.value() for _ in range(n)]
        if marker in (NULL, UNDEFINED):
            return None
        if marker == REFERENCE:
            return struct.unpack(">H", self.take(2))[0]
        if marker == DATE:
            ms, _tz = struct.unpack(">dh", self.take(10))
            return ms
        raise AmfError(f"unsupported AMF0 marker 0x{marker:02x}")


def decode_value(data: bytes, pos: int = 0) -> tuple[Any, int]:
    """Decode one value at ``pos``; return (value, next position)."""
    r = _Reader(data, pos)
    v = r.value()
    return v, r.pos


def decode(data: bytes) -> list[Any]:
    """Decode every value in ``data`` (a command message body)."""
    r = _Reader(data)
    out: list[Any] = []
    while r.pos < len(data):
        out.append(r.value())
    return out
