"""CameraSource against real OpenCV captures: a clip made here, played as a file and over HTTP.

The clip numbers its frames: the top band's brightness is ``20 + 4 * i`` for frame ``i``, so
a test can tell which frame it is looking at and see the picture change and the file loop.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import av
import numpy as np
import pytest

from console.errors import UserError
from console.media.camera import CameraSource, probe_cameras

W, H, FPS, N_FRAMES = 320, 240, 25, 50  # a 2 s clip


def _frame_index(img: np.ndarray) -> int:
    return round((float(img[:60, :, :3].mean()) - 20.0) / 4.0)


def _make_clip(path: Path) -> None:
    # faststart puts the index first so the file also plays over HTTP without range requests
    with av.open(str(path), "w", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("mpeg4", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        stream.options = {"qscale": "2"}
        for i in range(N_FRAMES):
            img = np.zeros((H, W, 3), np.uint8)
            img[:80] = 20 + 4 * i  # the frame number, as brightness
            x = (i * 5) % (W - 40)
            img[120:180, x : x + 40] = (0, 200, 255)  # and a moving block
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def wait_for(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Poll ``condition`` until it is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.01)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("camera") / "clip.mp4"
    _make_clip(path)
    return path


@pytest.fixture
def camera() -> Iterator[Callable[..., CameraSource]]:
    """Makes started CameraSources and makes sure every one of them is stopped."""
    made: list[CameraSource] = []

    def make(spec: str | int, **kw: float) -> CameraSource:
        src = CameraSource(spec, **kw)
        made.append(src)
        src.start()
        return src

    yield make
    for src in made:
        src.stop()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class HttpServer:
    """A ThreadingHTTPServer on 127.0.0.1 serving a folder; can be stopped and restarted."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        handler = functools.partial(_Quiet, directory=str(self.root))
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"


@pytest.fixture
def http_server(clip: Path, tmp_path: Path) -> Iterator[HttpServer]:
    shutil.copy(clip, tmp_path / "clip.mp4")
    server = HttpServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_file_plays_changes_and_loops(camera: Callable[..., CameraSource], clip: Path) -> None:
    src = camera(str(clip))
    assert src.error is None
    first = src.frame(0.0)  # start() returned at once; there may be no picture yet
    assert first is None or first.shape == (H, W, 4)

    seen: list[int] = []
    looped = False

    def watch() -> bool:
        nonlocal looped
        img = src.frame(0.0)
        if img is not None:
            assert img.shape == (H, W, 4) and img.dtype == np.uint8
            assert (img[..., 3] == 255).all()
            i = _frame_index(img)
            if seen and i < seen[-1] - 20:  # wrapped from the end back to the start
                looped = True
            if not seen or i != seen[-1]:
                seen.append(i)
        return looped and len(set(seen)) >= 10

    wait_for(watch, timeout=15, what="frames that change and then loop")
    assert src.error is None
    assert max(seen) >= N_FRAMES - 10
    assert src.frames_read > N_FRAMES  # past the end of the file
    assert src.stats["fps"] == pytest.approx(FPS)
    assert src.stats["size"] == (W, H)


def test_held_frame_is_never_overwritten(camera: Callable[..., CameraSource], clip: Path) -> None:
    src = camera(str(clip))
    wait_for(lambda: src.frame(0.0) is not None, what="a first frame")
    held = src.frame(0.0)
    assert held is not None
    snapshot = held.copy()
    start = src.frames_read
    wait_for(lambda: src.frames_read >= start + 5, what="the reader to publish more frames")
    np.testing.assert_array_equal(held, snapshot)
    newer = src.frame(0.0)
    assert newer is not None and newer is not held
    assert src.frames_superseded + src.frames_delivered <= src.frames_read


def test_http_url_yields_frames(
    camera: Callable[..., CameraSource], http_server: HttpServer
) -> None:
    src = camera(http_server.url("clip.mp4"))
    indexes: set[int] = set()

    def watch() -> bool:
        img = src.frame(0.0)
        if img is not None:
            assert img.shape == (H, W, 4)
            indexes.add(_frame_index(img))
        return len(indexes) >= 5

    wait_for(watch, timeout=15, what="frames over HTTP")
    assert src.error is None
    assert src.name == f"camera:{http_server.url('clip.mp4')}"


@pytest.mark.parametrize("where", ["closed-port", "missing-file"])
def test_unreachable_url_reports_error(
    camera: Callable[..., CameraSource], http_server: HttpServer, where: str
) -> None:
    if where == "closed-port":
        url = f"http://127.0.0.1:{_closed_port()}/clip.mp4"
    else:
        url = http_server.url("no-such-clip.mp4")
    src = camera(url, open_timeout=2.0)
    wait_for(lambda: src.error is not None, what="an error for an unreachable URL")
    assert src.error.startswith(f"cannot open camera '{url}':")
    assert "\n" not in src.error
    assert src.frame(0.0) is None
    src.stop()
    wait_for(lambda: not src.running, what="the reader thread to end")


def test_silent_server_times_out(camera: Callable[..., CameraSource]) -> None:
    """A server that accepts but never answers: the open gives up after open_timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                accepted.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/live"
        src = camera(url, open_timeout=1.0, read_timeout=1.0)
        assert src.frame(0.0) is None  # start() returned while the open hangs
        wait_for(lambda: src.error is not None, timeout=15, what="the open to time out")
        assert src.error.startswith("cannot open camera")
        assert src.frame(0.0) is None
        src.stop()
        wait_for(lambda: not src.running, timeout=10, what="the reader thread to end")
    finally:
        listener.close()
        for conn in accepted:
            conn.close()


def test_credentials_in_url_are_not_shown() -> None:
    src = CameraSource("rtsp://admin:secret@127.0.0.1:1/stream?token=abc")
    assert "secret" not in src.name and "abc" not in src.name
    assert src.name == "camera:rtsp://****@127.0.0.1:1/stream?****"


def test_missing_file_path_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="camera file not found"):
        CameraSource(str(tmp_path / "nope.mp4"))
    with pytest.raises(UserError, match="camera source is empty"):
        CameraSource("  ")


def test_missing_device_reports_error(camera: Callable[..., CameraSource]) -> None:
    src = camera(63)
    assert src.name == "camera:63"
    wait_for(lambda: src.error is not None, what="an error for a missing device")
    assert src.error.startswith("cannot open camera 63:")
    assert src.frame(0.0) is None
    assert 63 not in probe_cameras(max_index=2)


def test_file_removed_then_restored(
    camera: Callable[..., CameraSource], clip: Path, tmp_path: Path
) -> None:
    path = tmp_path / "cam.mp4"
    shutil.copy(clip, path)
    src = camera(str(path))
    wait_for(lambda: src.frame(0.0) is not None, what="a first frame")

    path.unlink()  # the "camera" goes away: at the end of the clip it cannot be reopened
    wait_for(lambda: src.error is not None, timeout=15, what="the loss to be reported")
    assert src.error.startswith(f"camera '{path}' lost:")
    assert src.frame(0.0) is None

    shutil.copy(clip, path)  # and comes back
    wait_for(lambda: src.error is None, timeout=15, what="the error to clear")
    wait_for(lambda: src.frame(0.0) is not None, what="frames again")
    assert src.reopens >= 1


def test_http_server_stops_and_comes_back(
    camera: Callable[..., CameraSource], http_server: HttpServer
) -> None:
    url = http_server.url("clip.mp4")
    src = camera(url, open_timeout=2.0)
    wait_for(lambda: src.frame(0.0) is not None, timeout=15, what="a first frame")

    http_server.stop()  # at the end of the clip the reconnect fails
    wait_for(lambda: src.error is not None, timeout=15, what="the loss to be reported")
    assert src.error.startswith(f"camera '{url}' lost:")
    assert src.frame(0.0) is None

    http_server.start()  # same port
    wait_for(lambda: src.error is None, timeout=15, what="the error to clear")
    wait_for(lambda: src.frame(0.0) is not None, what="frames again")
