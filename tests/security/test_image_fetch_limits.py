"""Defect 8: a product image fetch with limits, against real servers on loopback.

Before: the deadline was checked only between 64 KB chunks (a drip server held a 2 s fetch for
14 s), redirects were followed anywhere, the server's reason phrase was echoed, and a tiny PNG
declaring 30000×30000 pixels was accepted. No test here sends traffic off this machine: the
redirects to 10.0.0.1 and 169.254.169.254 must be refused before any connection is made.
"""

from __future__ import annotations

import ipaddress
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import cv2
import numpy as np
import pytest

from console.errors import UserError
from console.show.catalog import fetch_image
from console.show.image_fetch import image_size

_ok, _png = cv2.imencode(".png", np.full((8, 8, 3), 200, np.uint8))
PNG = _png.tobytes()


def png_header_only(width: int, height: int) -> bytes:
    """A valid-looking PNG of a few dozen bytes that declares ``width`` × ``height``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


BOMB = png_header_only(30000, 30000)


class Handler(BaseHTTPRequestHandler):
    stop: threading.Event
    drip_done: threading.Event
    paths: list[str]

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: bytes, ctype: str, status: int = 200, reason: str | None = None) -> None:
        self.send_response(status, reason)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # http.server API
        type(self).paths.append(self.path)
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        try:
            if parts.path == "/ok.png":
                self._send(PNG, "image/png")
            elif parts.path == "/bomb.png":
                self._send(BOMB, "image/png")
            elif parts.path == "/drip-body.png":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                self.wfile.flush()
                for byte in PNG:  # one byte every 0.5 s: far slower than the deadline
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    if type(self).stop.wait(0.5):
                        return
                type(self).drip_done.set()
            elif parts.path == "/drip-headers.png":
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nX-Slow: yes\r\n":
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    if type(self).stop.wait(0.25):
                        return
            elif parts.path == "/to":
                self._redirect(query["u"][0])
            elif parts.path.startswith("/hop/"):
                n = int(parts.path.rsplit("/", 1)[1])
                self._redirect(f"/hop/{n - 1}" if n > 0 else "/ok.png")
            else:
                self._send(
                    b"secret body: db=internal-db.corp", "text/plain", 404, "internal-db.corp"
                )
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server:
    def __init__(self, host: str) -> None:
        self.stop = threading.Event()
        self.drip_done = threading.Event()  # the drip server sent its whole (slow) body
        self.paths: list[str] = []
        attrs = {"stop": self.stop, "drip_done": self.drip_done, "paths": self.paths}
        handler = type("H", (Handler,), attrs)
        self.httpd = ThreadingHTTPServer((host, 0), handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server("127.0.0.1")
    yield s
    s.close()


@pytest.fixture
def other_loopback() -> Iterator[Server]:
    """A second server on 127.0.0.2: "local" when 127.0.0.1 plays a public server."""
    s = Server("127.0.0.2")
    yield s
    s.close()


def loopback_one_is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip == ipaddress.ip_address("127.0.0.1")


def no_files(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def test_drip_body_fails_at_the_total_deadline(server: Server, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"download took over 1 s: try again"):
        fetch_image(f"{server.base}/drip-body.png", tmp_path / "images", timeout=1)
    # the fetch gave up while the server was still dripping (its ~35 s body is not done): the
    # deadline held during the wait for bytes, not only after them
    assert not server.drip_done.is_set()
    assert no_files(tmp_path / "images")


def test_drip_headers_fail_at_the_total_deadline(server: Server, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"no answer within 1 s"):
        fetch_image(f"{server.base}/drip-headers.png", tmp_path / "images", timeout=1)


def test_redirect_from_public_to_loopback_is_refused(
    server: Server, other_loopback: Server, tmp_path: Path
) -> None:
    url = f"{server.base}/to?u={other_loopback.base}/ok.png"
    with pytest.raises(UserError, match="redirected from a public server to a local") as err:
        fetch_image(url, tmp_path / "images", timeout=5, is_public=loopback_one_is_public)
    assert "127.0.0.2" not in str(err.value).replace(url, "")
    assert other_loopback.paths == []  # never fetched
    assert no_files(tmp_path / "images")


@pytest.mark.parametrize("target", ["http://10.0.0.1/x.png", "http://[fd00::1]/x.png"])
def test_redirect_from_public_to_private_is_refused_before_connecting(
    server: Server, tmp_path: Path, target: str
) -> None:
    url = f"{server.base}/to?u={target}"
    with pytest.raises(UserError, match="refused") as err:
        # 10.0.0.1 would not answer: a connection attempt would end in the deadline message
        fetch_image(url, tmp_path, timeout=3, is_public=loopback_one_is_public)
    message = str(err.value).replace(url, "")
    assert "no answer" not in message and "10.0.0.1" not in message and "fd00" not in message


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0/"]
)
def test_link_local_and_unspecified_are_always_refused(
    server: Server, tmp_path: Path, target: str
) -> None:
    with pytest.raises(UserError, match="link-local, unspecified or multicast"):
        fetch_image(f"{server.base}/to?u={target}", tmp_path, timeout=3)
    with pytest.raises(UserError, match="link-local, unspecified or multicast"):
        fetch_image(target, tmp_path, timeout=3)


def test_lan_server_the_user_typed_still_works(server: Server, tmp_path: Path) -> None:
    """Loopback/private → loopback/private is allowed: a LAN image server the user set up."""
    path = fetch_image(f"{server.base}/to?u=/ok.png", tmp_path / "images", timeout=5)
    assert path.read_bytes() == PNG


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x.png", "gopher://x/"])
def test_redirect_to_other_schemes_is_refused(server: Server, tmp_path: Path, target: str) -> None:
    with pytest.raises(UserError, match="redirected to a non-http"):
        fetch_image(f"{server.base}/to?u={target}", tmp_path, timeout=5)


def test_at_most_five_redirects(server: Server, tmp_path: Path) -> None:
    assert fetch_image(f"{server.base}/hop/4", tmp_path / "a", timeout=5).read_bytes() == PNG
    with pytest.raises(UserError, match="more than 5 redirects"):
        fetch_image(f"{server.base}/hop/5", tmp_path / "b", timeout=5)


def test_error_does_not_echo_what_the_server_said(server: Server, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="the server answered 404: check the URL") as err:
        fetch_image(f"{server.base}/missing.png", tmp_path, timeout=5)
    assert "internal-db" not in str(err.value) and "secret" not in str(err.value)


def test_decompression_bomb_is_refused_from_its_header(server: Server, tmp_path: Path) -> None:
    assert len(BOMB) < 200
    with pytest.raises(UserError, match=r"30000×30000 pixels is over the 40 MP limit"):
        fetch_image(f"{server.base}/bomb.png", tmp_path / "images", timeout=5)
    assert no_files(tmp_path / "images")


@pytest.mark.parametrize(
    ("ext", "kind"), [(".png", "image/png"), (".jpg", "image/jpeg"), (".webp", "image/webp")]
)
def test_dimensions_are_read_from_real_encoder_headers(ext: str, kind: str) -> None:
    ok, buf = cv2.imencode(ext, np.zeros((37, 53, 3), np.uint8))
    assert ok
    assert image_size(buf.tobytes(), kind) == (53, 37)
