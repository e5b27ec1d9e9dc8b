"""``camera:INDEX_OR_URL`` — an OpenCV ``VideoCapture`` read on its own thread, latest frame wins.

The spec is a device index (``0``), a local file path (plays at its own frame rate and loops;
how tests stand in for a camera) or a network URL (``http://``, ``rtsp://``, ``rtmp://``, …).

Threads and buffers
-------------------
One daemon reader thread opens the capture, reads, converts BGR→BGRA with ``cv2.cvtColor`` into a
preallocated buffer and publishes it into a single slot (no queue). A frame published while the
previous one was never taken is *superseded* (counted). Buffers come from a pool of three: the
reader writes into one that is neither the published one nor the one the caller holds (the array
last returned by ``frame()``, valid until the next call), so the caller's array is never written
under it. ``frame()`` only swaps references under a short lock: it never waits for the device.

Loss and recovery
-----------------
If the capture cannot be opened, or stops giving frames (reads fail repeatedly, or no frame for
``stall_timeout`` seconds), ``error`` says so and ``frame()`` returns ``None`` so the pipeline
shows its placeholder card. The thread keeps reopening with backoff (0.25 s doubling to 2 s) and
clears ``error`` as soon as frames come back.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from console.errors import UserError
from console.redaction import MASK, redact, register_secret

# FFmpeg inside OpenCV logs to stderr ("Connection refused", …) and OpenCV warns on every failed
# open; we report those failures ourselves, in one line. Both are read when the backend first
# loads, so this must run before any capture is created. A user-set value wins.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET

import cv2

if "OPENCV_LOG_LEVEL" not in os.environ:
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)

_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_BACKOFF_FIRST = 0.25
_BACKOFF_CAP = 2.0
_DEVICE_READ_FAILURES = 5  # consecutive failed reads before a device counts as lost
_DEFAULT_FPS = 30.0


def _redact_url(url: str) -> str:
    """The URL as it may be shown: user-info (``user:pass@``, the password may hold ``@``) and
    the whole query (tokens, keys under any name) masked; both registered with the one
    process-wide redactor so later messages (OpenCV, FFmpeg) that quote them are masked too."""
    base, sep, query = url.partition("?")
    register_secret(url)
    if query:
        register_secret(query)  # every value of a camera URL's query counts as secret
    return redact(base) + (f"{sep}{MASK}" if sep else "")


class CameraSource:
    """A camera (device index), a video file or a network stream through OpenCV.

    ``start()`` returns at once; opening (which can take seconds for a URL) happens on the
    reader thread. ``frame(t)`` returns the newest picture as BGRA ``uint8`` (h, w, 4), or
    ``None`` before the first frame and while the camera is lost (``error`` says why). The
    returned array stays untouched until the next ``frame()`` call.
    """

    def __init__(
        self,
        spec: str | int,
        *,
        open_timeout: float = 5.0,
        read_timeout: float = 5.0,
        stall_timeout: float = 3.0,
    ) -> None:
        self._target: int | str
        if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
            self._target = int(spec)
            self._kind = "device"
            self._label = f"camera {self._target}"
            self.name = f"camera:{self._target}"
        else:
            text = spec.strip()
            if not text:
                raise UserError(
                    "camera source is empty: give a device index, a file path or a URL "
                    "(e.g. camera:0)"
                )
            self._target = text
            self._kind = "url" if _URL_RE.match(text) else "file"
            shown = _redact_url(text) if self._kind == "url" else text
            self._label = f"camera '{shown}'"
            self.name = f"camera:{shown}"
            if self._kind == "file" and not Path(text).exists():
                raise UserError(
                    f"camera file not found: {text} — check the path, or give a device index "
                    "(camera:0) or a URL"
                )
        self.error: str | None = None
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout
        self.stall_timeout = stall_timeout

        # counters (read without the lock; written by one thread each)
        self.frames_read = 0  # frames read from the capture and published
        self.frames_superseded = 0  # published frames replaced before frame() took them
        self.frames_delivered = 0  # distinct frames handed to frame() callers
        self.reopens = 0  # successful opens after the first (each file loop counts)
        self.fps: float | None = None  # the capture's reported rate, once open
        self.size: tuple[int, int] | None = None  # (width, height), once a frame arrived

        self._lock = threading.Lock()
        self._pool: list[np.ndarray] = []
        self._published: np.ndarray | None = None
        self._held: np.ndarray | None = None
        self._last_frame_at: float | None = None  # monotonic time of the last published frame
        self._connected = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- VideoSource -------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive() and not self._stop.is_set():
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop,), name=f"capture {self.name}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the reader and wait for it up to ``timeout`` s; the thread releases the capture.

        A read or open already blocked inside OpenCV ends by itself within its own timeout;
        if it outlasts ``timeout`` the (daemon) thread is left to finish and release on its own.
        """
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        with self._lock:
            self._published = None
            self._connected = False

    def frame(self, t: float) -> np.ndarray | None:
        with self._lock:
            if self._published is not None:
                self._held = self._published
                self._published = None
                self.frames_delivered += 1
                return self._held
            if self.error is not None or not self._connected or self._held is None:
                return None
            if self._last_frame_at is not None:
                limit = self.stall_timeout
                if self.fps:
                    limit = max(limit, 3.0 / self.fps)
                silent = time.monotonic() - self._last_frame_at
                if silent > limit:
                    self.error = (
                        f"{self._label} lost: no picture for {silent:.0f} s — check the "
                        "camera or stream; retrying"
                    )
                    return None
            return self._held

    # ---- extras ------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the reader thread is alive (it may outlive ``stop()`` inside a blocked open)."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    @property
    def stats(self) -> dict[str, Any]:
        return {
            "frames_read": self.frames_read,
            "frames_superseded": self.frames_superseded,
            "frames_delivered": self.frames_delivered,
            "reopens": self.reopens,
            "fps": self.fps,
            "size": self.size,
            "error": self.error,
        }

    # ---- reader thread -----------------------------------------------------------------------

    def _open(self) -> Any:
        ms = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            int(self.open_timeout * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            int(self.read_timeout * 1000),
        ]
        if self._kind == "device":
            cap = cv2.VideoCapture(self._target, cv2.CAP_ANY, ms)
        else:
            cap = cv2.VideoCapture(self._target, cv2.CAP_FFMPEG, ms)
        if not cap.isOpened():
            cap.release()
            return None
        return cap

    def _open_failure(self, ever_opened: bool) -> str:
        if ever_opened:
            what = {
                "device": "the device stopped answering — check it is plugged in",
                "file": "the file is gone or unreadable — check the path",
                "url": "the stream ended or is unreachable — check the sender",
            }[self._kind]
            return f"{self._label} lost: {what}; retrying"
        if self._kind == "device":
            hint = "no such device, or another app is using it — connect it or close the other app"
        elif self._kind == "file":
            hint = "not a video file OpenCV can read — check the path"
        else:
            hint = (
                f"not reachable within {self.open_timeout:g} s or not a video stream "
                "— check the URL and that the sender is running"
            )
        return f"cannot open {self._label}: {hint}; retrying"

    def _set_error(self, message: str | None) -> None:
        with self._lock:
            self.error = message
            if message is not None:
                self._connected = False
                self._published = None

    def _run(self, stop: threading.Event) -> None:
        backoff = _BACKOFF_FIRST
        ever_opened = False
        while not stop.is_set():
            cap = self._open()
            if cap is None:
                self._set_error(self._open_failure(ever_opened))
                if stop.wait(backoff):
                    return
                backoff = min(backoff * 2, _BACKOFF_CAP)
                continue
            if ever_opened:
                self.reopens += 1
            ever_opened = True
            try:
                got_frames = self._read_loop(cap, stop)
            finally:
                cap.release()
            if got_frames:
                backoff = _BACKOFF_FIRST
            if stop.is_set():
                return
            if not got_frames:
                # opened but never produced a picture: a broken source, not a file loop
                self._set_error(self._open_failure(True))
                if stop.wait(backoff):
                    return
                backoff = min(backoff * 2, _BACKOFF_CAP)
            # otherwise: end of a file (loop by reopening, which also picks up a replaced
            # file) or a lost stream/device (reconnect now; error is set if that fails)

    def _read_loop(self, cap: Any, stop: threading.Event) -> bool:
        """Read until failure or stop. Returns whether any frame was read."""
        fps = cap.get(cv2.CAP_PROP_FPS)
        if not (0 < fps <= 240):
            fps = _DEFAULT_FPS
        self.fps = fps
        # Pace files (and finite streams such as an mp4 over HTTP) at their own rate; a live
        # stream or device delivers at its own pace and must not gain latency from us.
        count = cap.get(cv2.CAP_PROP_FRAME_COUNT)
        paced = self._kind == "file" or (self._kind == "url" and count > 0)
        interval = 1.0 / fps
        due = time.monotonic()
        failures = 0
        got = False
        while not stop.is_set():
            ok, img = cap.read()
            if not ok or img is None:
                failures += 1
                if self._kind == "device" and failures < _DEVICE_READ_FAILURES:
                    if stop.wait(0.05):
                        break
                    continue
                # end of a file, or a lost stream/device: the caller reopens at once and
                # reports the loss if that fails (frame() reports a reopen that hangs)
                break
            failures = 0
            if paced:
                now = time.monotonic()
                if due > now:
                    if stop.wait(due - now):
                        break
                elif now - due > interval:
                    due = now  # fell behind (slow decode, paused): resync, don't race
                due += interval
            self._publish(img)
            got = True
        return got

    def _publish(self, img: np.ndarray) -> None:
        if img.ndim == 2:
            img = img[:, :, None]
        h, w, ch = img.shape
        if img.dtype != np.uint8:
            img = (img >> 8).astype(np.uint8) if img.dtype == np.uint16 else img.astype(np.uint8)
        with self._lock:
            if not self._pool or self._pool[0].shape[:2] != (h, w):
                self._pool = [np.empty((h, w, 4), np.uint8) for _ in range(3)]
            dst = next(b for b in self._pool if b is not self._published and b is not self._held)
        if ch == 1:
            cv2.cvtColor(img, cv2.COLOR_GRAY2BGRA, dst=dst)
        elif ch == 3:
            cv2.cvtColor(img, cv2.COLOR_BGR2BGRA, dst=dst)
        else:
            np.copyto(dst, img[:, :, :4])
        with self._lock:
            if self._published is not None:
                self.frames_superseded += 1
            self._published = dst
            self._last_frame_at = time.monotonic()
            self._connected = True
            self.error = None
            self.size = (w, h)
            self.frames_read += 1


def probe_cameras(max_index: int = 4) -> list[int]:
    """Device indexes 0..``max_index`` that open and give a frame. Slow: run off the UI thread."""
    found: list[int] = []
    for index in range(max_index + 1):
        if sys.platform.startswith("linux") and not os.path.exists(f"/dev/video{index}"):
            continue
        cap = cv2.VideoCapture(index)
        try:
            if cap.isOpened():
                ok, _ = cap.read()
                if ok:
                    found.append(index)
        except cv2.error:
            pass
        finally:
            with contextlib.suppress(cv2.error):
                cap.release()
    return found
