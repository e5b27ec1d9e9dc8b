"""The RTMP client handshake (C0/C1/C2), plain and digest ("FP9") variants.

The digest variant is the one Flash Player 9+ and FFmpeg/librtmp send: C1 carries an
HMAC-SHA256 digest keyed with "Genuine Adobe Flash Player 001". The server's answer is
checked leniently: a server that answers with a valid digest (nginx-rtmp, FMS) gets a digest
C2; one that does not (FFmpeg's listener, simple servers) gets its S1 echoed back, which is
the plain handshake every server accepts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

HANDSHAKE_SIZE = 1536
RTMP_VERSION = 3
DIGEST_LEN = 32

_KEY_TAIL = bytes(
    [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ]
)  # fmt: skip
PLAYER_KEY = b"Genuine Adobe Flash Player 001" + _KEY_TAIL  # 62 bytes; first 30 sign C1
SERVER_KEY = b"Genuine Adobe Flash Media Server 001" + _KEY_TAIL  # 68 bytes; first 36 sign S1
PLAYER_KEY_OPEN = PLAYER_KEY[:30]
SERVER_KEY_OPEN = SERVER_KEY[:36]

# The version FFmpeg announces in a digest C1 (9.0.124.2); a zero version means "plain".
CLIENT_VERSION = bytes([9, 0, 124, 2])


class HandshakeError(Exception):
    """The server's handshake was not RTMP."""


@dataclass
class HandshakeResult:
    """What the handshake learned: whether the server spoke the digest variant."""

    digest: bool
    server_digest_valid: bool
    s2_valid: bool | None
    server_version: bytes


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def digest_pos(buf: bytes, base: int) -> int:
    """The digest offset of a 1536-byte handshake packet for the scheme at ``base`` (8 or 772)."""
    return sum(buf[base : base + 4]) % 728 + base + 4


def _digest_excluding(buf: bytes, pos: int, key: bytes) -> bytes:
    return _hmac(key, buf[:pos] + buf[pos + DIGEST_LEN :])


def make_c1(digest: bool, *, epoch: int | None = None) -> tuple[bytes, int | None]:
    """Build C1; return (c1, digest position or None for the plain variant)."""
    if epoch is None:
        epoch = int(time.monotonic() * 1000) & 0xFFFFFFFF
    head = struct.pack(">I", epoch) + (CLIENT_VERSION if digest else b"\x00\x00\x00\x00")
    buf = bytearray(head + os.urandom(HANDSHAKE_SIZE - 8))
    if not digest:
        return bytes(buf), None
    pos = digest_pos(buf, 8)
    buf[pos : pos + DIGEST_LEN] = _digest_excluding(bytes(buf), pos, PLAYER_KEY_OPEN)
    return bytes(buf), pos


def find_server_digest(s1: bytes) -> int | None:
    """Return the position of a valid server digest in S1 (either scheme), or None."""
    for base in (8, 772):
        pos = digest_pos(s1, base)
        if pos + DIGEST_LEN > len(s1):
            continue
        expected = _digest_excluding(s1, pos, SERVER_KEY_OPEN)
        if hmac.compare_digest(expected, s1[pos : pos + DIGEST_LEN]):
            return pos
    return None


def check_s2(s2: bytes, c1: bytes, client_pos: int) -> bool:
    """Whether S2 is signed over our C1 digest as a digest-speaking server signs it."""
    key = _hmac(SERVER_KEY, c1[client_pos : client_pos + DIGEST_LEN])
    sig = _hmac(key, s2[: HANDSHAKE_SIZE - DIGEST_LEN])
    return hmac.compare_digest(sig, s2[HANDSHAKE_SIZE - DIGEST_LEN :])


def make_c2(s1: bytes, server_pos: int | None) -> bytes:
    """Build C2: a signed random block for a digest server, else S1 echoed back."""
    if server_pos is None:
        return s1
    key = _hmac(PLAYER_KEY, s1[server_pos : server_pos + DIGEST_LEN])
    body = os.urandom(HANDSHAKE_SIZE - DIGEST_LEN)
    return body + _hmac(key, body)


def client_handshake(
    send_all: Callable[[bytes], None],
    recv_exact: Callable[[int], bytes],
    *,
    digest: bool = True,
) -> HandshakeResult:
    """Run the client side of the handshake over the given I/O callables."""
    c1, client_pos = make_c1(digest)
    send_all(bytes([RTMP_VERSION]) + c1)
    s0 = recv_exact(1)
    if s0[0] not in (3, 6, 8):  # 6/8 are the encrypted variants' answers; treat as RTMP
        raise HandshakeError(f"server answered version {s0[0]}, not RTMP")
    s1 = recv_exact(HANDSHAKE_SIZE)
    s2 = recv_exact(HANDSHAKE_SIZE)
    server_pos = find_server_digest(s1) if digest else None
    s2_valid = check_s2(s2, c1, client_pos) if (server_pos is not None and client_pos) else None
    send_all(make_c2(s1, server_pos))
    return HandshakeResult(
        digest=digest,
        server_digest_valid=server_pos is not None,
        s2_valid=s2_valid,
        server_version=s1[4:8],
    )
