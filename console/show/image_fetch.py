"""One product image over HTTP(S), with hard limits: ``download_image(url, ...) -> (bytes, type)``.

A catalog from others may point its images anywhere, so the fetch trusts nothing the server says:

- **one total deadline** for name lookup, connect, TLS, headers and body. A watchdog shuts the
  socket down when it passes, so a server that drips one byte at a time cannot hold it longer;
- **http and https only**, also for redirects; at most ``MAX_REDIRECTS`` (5) redirects, followed
  here, not by a library;
- **addresses**: the host is resolved here and the connection goes to the address that was
  checked (no second lookup a DNS-rebinding server could answer differently). A link-local
  (``169.254.0.0/16``: cloud metadata, ``fe80::/10``), unspecified or multicast address is
  always refused. A loopback or private address is accepted for the URL the user gave (a LAN
  server they set up), but a redirect from a public address to a non-public one is refused
  before connecting;
- **size**: ``max_bytes`` on the wire, and the picture's width × height read from its header
  (PNG, JPEG, WebP) at most ``MAX_IMAGE_PIXELS`` (40 MP), so a tiny file that would decode to
  gigabytes (a decompression bomb) is refused before anything decodes it;
- **errors** say what happened in the console's words: the status number, never the server's
  reason phrase, body or the host a redirect pointed to.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import queue
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import urljoin, urlsplit

from console.errors import UserError

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
MAX_REDIRECTS = 5
MAX_IMAGE_PIXELS = 40_000_000
REDIRECTS = {301, 302, 303, 307, 308}

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public_address(ip: IpAddress) -> bool:
    """Whether ``ip`` is a global (internet) address: not loopback, private, link-local …"""
    return ip.is_global


def _plain(ip: IpAddress) -> IpAddress:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _never(ip: IpAddress) -> bool:
    return ip.is_link_local or ip.is_unspecified or ip.is_multicast


def sniff_image(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            if i + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        if marker in (0xDA, 0xD9) or length < 2:  # scan or end before any frame header
            return None
        i += 2 + length
    return None


def image_size(data: bytes, kind: str) -> tuple[int, int] | None:
    """Width and height from the header of a PNG, JPEG or WebP, without decoding it."""
    try:
        if kind == "image/png":
            if data[12:16] != b"IHDR":
                return None
            return struct.unpack(">II", data[16:24])
        if kind == "image/jpeg":
            return _jpeg_size(data)
        if kind == "image/webp":
            chunk = data[12:16]
            if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
                w, h = struct.unpack("<HH", data[26:30])
                return w & 0x3FFF, h & 0x3FFF
            if chunk == b"VP8L" and data[20] == 0x2F:
                b0, b1, b2, b3 = data[21:25]
                return 1 + (((b1 & 0x3F) << 8) | b0), 1 + (
                    ((b3 & 0xF) << 10) | (b2 << 2) | (b1 >> 6)
                )
            if chunk == b"VP8X":
                w = int.from_bytes(data[24:27], "little") + 1
                h = int.from_bytes(data[27:30], "little") + 1
                return w, h
    except (struct.error, IndexError, ValueError):
        return None
    return None


class _Watchdog:
    """Shuts the current socket down when the deadline passes (wakes a blocked read)."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._release()
            self._sock = sock.dup()  # same connection, own descriptor: survives TLS wrapping
            if self.fired:
                self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def _release(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shutdown()

    def cancel(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._release()


class _HTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float, watch: Callable) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip, self._watch = ip, watch

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)
        self._watch(self.sock)


class _HTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float, watch: Callable) -> None:
        tls = _tls_context()
        super().__init__(host, port, timeout=timeout, context=tls)
        self._ip, self._watch, self._tls = ip, watch, tls

    def connect(self) -> None:
        raw = socket.create_connection((self._ip, self.port), self.timeout)
        self._watch(raw)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def _tls_context() -> ssl.SSLContext:
    try:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:  # pragma: no cover - truststore is a dependency
        return ssl.create_default_context()


def _resolve(host: str, port: int, seconds: float) -> list[IpAddress] | None:
    """The host's addresses, or None if the lookup did not finish within ``seconds``."""
    try:
        return [_plain(ipaddress.ip_address(host))]
    except ValueError:
        pass
    answer: queue.Queue = queue.Queue(1)

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            answer.put(
                [_plain(ipaddress.ip_address(str(info[4][0]).split("%")[0])) for info in infos]
            )
        except (OSError, UnicodeError, ValueError) as exc:
            answer.put(exc)

    threading.Thread(target=lookup, daemon=True, name="image-dns").start()
    try:
        got = answer.get(timeout=max(seconds, 0.0))
    except queue.Empty:
        return None
    if isinstance(got, Exception):
        return []
    return got


def download_image(
    url: str,
    timeout: float,
    max_bytes: int,
    allowed_types: Iterable[str],
    is_public: Callable[[IpAddress], bool] | None = None,
) -> tuple[bytes, str]:
    """The image's bytes and MIME type; a ``UserError`` for anything outside the limits above.

    ``is_public`` decides which addresses count as public (tests make a loopback one public).
    """
    is_public = is_public or is_public_address
    allowed = set(allowed_types)
    deadline = time.monotonic() + timeout
    watchdog = _Watchdog(timeout)
    answered = False  # headers of the final answer received

    def late() -> UserError:
        if answered:
            return UserError(f"image {url}: download took over {timeout:g} s: try again")
        return UserError(f"image {url}: no answer within {timeout:g} s: check the URL or try again")

    current = url
    from_public = False
    conn: http.client.HTTPConnection | None = None
    try:
        for hop in range(MAX_REDIRECTS + 1):
            parts = urlsplit(current)
            scheme = parts.scheme.lower()
            if scheme not in ("http", "https"):
                if hop == 0:
                    raise UserError(f"image URL must start with http:// or https://: {url!r}")
                raise UserError(f"image {url}: redirected to a non-http(s) URL: refused")
            try:
                host, port = parts.hostname or "", parts.port or (443 if scheme == "https" else 80)
            except ValueError:
                host, port = "", 0
            if not host:
                raise UserError(f"image {url}: no valid host in the URL: check the URL")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise late()
            addresses = _resolve(host, port, remaining)
            if addresses is None:
                raise late()
            if not addresses:
                where = f"host {host!r} not found" if hop == 0 else "redirect host not found"
                raise UserError(f"image {url}: cannot connect ({where}): check the URL")
            for ip in addresses:
                if _never(ip):
                    raise UserError(
                        f"image {url}: refused a link-local, unspecified or multicast address "
                        "(never fetched): use the image's public URL"
                    )
                if from_public and not is_public(ip):
                    raise UserError(
                        f"image {url}: redirected from a public server to a local or private "
                        "address: refused (never fetched)"
                    )
            ip = addresses[0]
            cls = _HTTPS if scheme == "https" else _HTTP
            conn = cls(host, port, str(ip), remaining, watchdog.watch)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            try:
                conn.request(
                    "GET",
                    path,
                    headers={
                        "User-Agent": "live-console",
                        "Accept": ", ".join(sorted(allowed)),
                        "Accept-Encoding": "identity",
                    },
                )
                response = conn.getresponse()
            except ssl.SSLCertVerificationError:
                raise UserError(
                    f"image {url}: the server's TLS certificate is not trusted or not for this "
                    "host: check the URL"
                ) from None
            except (OSError, http.client.HTTPException) as exc:
                if watchdog.fired or time.monotonic() >= deadline:
                    raise late() from None
                raise UserError(
                    f"image {url}: cannot connect ({exc.__class__.__name__}): check the URL"
                ) from None
            if response.status in REDIRECTS:
                location = response.getheader("Location", "")
                conn.close()
                if not location:
                    raise UserError(f"image {url}: redirect without a target: check the URL")
                if hop == MAX_REDIRECTS:
                    raise UserError(
                        f"image {url}: more than {MAX_REDIRECTS} redirects: use the image's "
                        "direct URL"
                    )
                from_public = from_public or is_public(ip)
                current = urljoin(current, location.strip())
                continue
            answered = True
            return _read_image(url, response, max_bytes, allowed, watchdog, deadline, late)
        raise AssertionError("unreachable")  # pragma: no cover
    finally:
        watchdog.cancel()
        if conn is not None:
            conn.close()


def _read_image(
    url: str,
    response: http.client.HTTPResponse,
    max_bytes: int,
    allowed: set[str],
    watchdog: _Watchdog,
    deadline: float,
    late: Callable[[], UserError],
) -> tuple[bytes, str]:
    if response.status != 200:
        raise UserError(f"image {url}: the server answered {response.status}: check the URL")
    declared = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    if declared not in allowed:
        shown = declared[:40] if declared.isprintable() else "?"
        raise UserError(
            f"image {url}: type {shown or 'unknown'!r} not accepted: use PNG, JPEG or WebP"
        )
    length = (response.getheader("Content-Length") or "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise UserError(
            f"image {url}: {int(length)} bytes is over the {max_bytes} byte limit: "
            "use a smaller image"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            chunk = response.read1(64 * 1024)
            if time.monotonic() >= deadline or watchdog.fired:
                raise late()
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise UserError(
                    f"image {url}: over the {max_bytes} byte limit: use a smaller image"
                )
            chunks.append(chunk)
    except (OSError, http.client.HTTPException) as exc:
        if watchdog.fired or time.monotonic() >= deadline:
            raise late() from None
        raise UserError(
            f"image {url}: download failed ({exc.__class__.__name__}): try again"
        ) from None
    if length.isdigit() and size < int(length):
        raise UserError(f"image {url}: the download was cut short: try again")
    data = b"".join(chunks)
    kind = sniff_image(data[:16])
    if kind is None or kind not in allowed:
        raise UserError(f"image {url}: the content is not a PNG, JPEG or WebP image")
    dims = image_size(data, kind)
    if dims is None or 0 in dims:
        raise UserError(f"image {url}: the content is not a PNG, JPEG or WebP image")
    if dims[0] * dims[1] > MAX_IMAGE_PIXELS:
        raise UserError(
            f"image {url}: {dims[0]}×{dims[1]} pixels is over the "
            f"{MAX_IMAGE_PIXELS // 1_000_000} MP limit: use a smaller image"
        )
    return data, kind
