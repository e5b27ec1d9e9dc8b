"""Bilibili packet framing edge cases: bad headers, truncation, nesting bombs, protobuf."""

from __future__ import annotations

import struct
import zlib

import brotli
import pytest

from console.connectors.bilibili import PacketError, _protobuf_fields, pack, unpack


def raw(op: int, body: bytes, ver: int = 0, header: int = 16, length: int | None = None) -> bytes:
    n = header + len(body) if length is None else length
    return struct.pack(">IHHII", n, header, ver, op, 1) + b"\0" * (header - 16) + body


def test_several_packets_and_nested_bodies_in_order() -> None:
    inner = raw(5, b'{"cmd":"A"}') + raw(5, b'{"cmd":"B"}')
    data = raw(5, zlib.compress(inner), ver=2) + raw(5, brotli.compress(inner), ver=3)
    data += pack(3, struct.pack(">I", 7))
    assert [(op, body) for _v, op, body in unpack(data)] == [
        (5, b'{"cmd":"A"}'), (5, b'{"cmd":"B"}'), (5, b'{"cmd":"A"}'), (5, b'{"cmd":"B"}'),
        (3, b"\0\0\0\7"),
    ]  # fmt: skip


def test_a_longer_header_is_skipped_over() -> None:
    assert list(unpack(raw(5, b"{}", header=20))) == [(0, 5, b"{}")]


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\0\0\0\x20\0\x10", "truncated header"),
        (raw(5, b"{}", length=100), "truncated packet"),
        (raw(5, b"{}", header=8), "bad header"),
        (raw(5, b"", length=8), "bad header"),
        (raw(5, b"x" * 10, length=5 * 1024 * 1024), "bad header"),
        (raw(5, b"not compressed", ver=3), "bad brotli body"),
    ],
)
def test_unreadable_packets_are_refused(data: bytes, why: str) -> None:
    with pytest.raises(PacketError, match=why):
        list(unpack(data))


def test_compression_nested_too_deep_is_refused() -> None:
    data = raw(5, b"{}")
    for _ in range(4):
        data = raw(5, zlib.compress(data), ver=2)
    with pytest.raises(PacketError, match="nested too deep"):
        list(unpack(data))


def test_protobuf_fields() -> None:
    name = "周九".encode()
    pb = b"\x08\xb9\x60" + b"\x12" + bytes([len(name)]) + name + b"\x28\x02"
    assert _protobuf_fields(pb) == {1: 12345, 2: name, 5: 2}
    with pytest.raises(PacketError, match="truncated protobuf"):
        _protobuf_fields(b"\x12\x09abc")
