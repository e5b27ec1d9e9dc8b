"""fetch_image against a real local HTTP server: limits and clear errors."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np
import pytest

from console.errors import UserError
from console.show.catalog import Catalog, Product, fetch_image, localize_images

_ok, _png = cv2.imencode(".png", np.full((8, 8, 3), 200, np.uint8))
PNG = _png.tobytes()


class Handler(BaseHTTPRequestHandler):
    release: threading.Event

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: bytes, ctype: str, status: int = 200, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # http.server API
        if self.path == "/ok.png":
            self._send(PNG, "image/png")
        elif self.path == "/big.png":
            self._send(PNG + b"\0" * 2000, "image/png")
        elif self.path == "/big-unannounced.png":
            self.protocol_version = "HTTP/1.0"
            self._send(PNG + b"\0" * 200_000, "image/png", length=False)
        elif self.path == "/page.html":
            self._send(b"<html></html>", "text/html; charset=utf-8")
        elif self.path == "/liar.png":
            self._send(b"<html>not a png</html>", "image/png")
        elif self.path == "/slow.png":
            type(self).release.wait(10)  # a stalled server: never answers within the timeout
        else:
            self._send(b"nope", "text/plain", status=404)


@pytest.fixture
def server():
    release = threading.Event()
    handler = type("H", (Handler,), {"release": release})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_fetch_ok(server, tmp_path):
    path = fetch_image(f"{server}/ok.png", tmp_path / "images")
    assert path.read_bytes() == PNG and path.suffix == ".png"
    assert fetch_image(f"{server}/ok.png", tmp_path / "images") == path  # stored once


@pytest.mark.parametrize(
    ("route", "kwargs", "match"),
    [
        ("/big.png", {"max_bytes": 1000}, "over the 1000 byte limit"),
        ("/big-unannounced.png", {"max_bytes": 100_000}, "over the 100000 byte limit"),
        ("/page.html", {}, "type 'text/html' not accepted"),
        ("/liar.png", {}, "not a PNG, JPEG or WebP"),
        ("/missing.png", {}, "answered 404"),
        ("/slow.png", {"timeout": 0.3}, "no answer within 0.3 s"),
    ],
)
def test_fetch_refuses(server, tmp_path, route, kwargs, match):
    with pytest.raises(UserError, match=match):
        fetch_image(f"{server}{route}", tmp_path / "images", **kwargs)
    assert not list((tmp_path / "images").glob("*")) if (tmp_path / "images").exists() else True


def test_fetch_refuses_other_schemes_and_dead_hosts(tmp_path):
    with pytest.raises(UserError, match="must start with http"):
        fetch_image("file:///etc/passwd", tmp_path)
    with pytest.raises(UserError, match="cannot connect"):
        fetch_image("http://127.0.0.1:9/x.png", tmp_path, timeout=2)


def test_allowed_types_are_configurable(server, tmp_path):
    with pytest.raises(UserError, match="not accepted"):
        fetch_image(f"{server}/ok.png", tmp_path, allowed_types=["image/jpeg"])


def test_localize_images(server, tmp_path):
    catalog = Catalog(
        [
            Product("a", "A", 100, 1, images=(f"{server}/ok.png", "images/local.png")),
            Product("b", "B", 100, 1, images=(f"{server}/missing.png",)),
        ]
    )
    problems = localize_images(catalog, tmp_path)
    local = catalog["a"].images[0]
    assert local.startswith("images/") and (tmp_path / local).read_bytes() == PNG
    assert catalog["a"].images[1] == "images/local.png"
    assert catalog["b"].images == (f"{server}/missing.png",)
    assert len(problems) == 1 and problems[0].startswith("b: ") and "404" in problems[0]
    assert Path(local).parts[0] == "images"
