"""The headless CLI as a user runs it: a real subprocess, its exit code and its words."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.media_checks import decode

SECRET = "stream-9f8e7d?expire=1999999999&sign=deadbeefcafe"


def run_cli(
    *args: str, timeout: float = 60, env: dict | None = None
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, proc.stderr
    for w in words:
        assert w in errors[0], errors[0]
    assert SECRET not in proc.stderr + proc.stdout
    return errors[0]


def test_demo_records_a_playable_file(tmp_path: Path):
    out = tmp_path / "demo.flv"
    proc = run_cli("demo", "--duration", "2", "--record", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "REHEARSAL" in proc.stderr and str(out) in proc.stderr
    got = decode(out)
    assert got.video_codec == "h264" and (got.width, got.height) == (720, 1280)
    assert got.duration >= 1.5


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--canvas", "800x600"], ["unsupported canvas", "720x1280"]),
        (["--bitrate", "lots"], ["bad bitrate", "2500k"]),
        (["--fps", "0"], ["bad fps"]),
        (["--video", "webcam"], ["unknown video source", "testpattern"]),
        (["--audio", "radio"], ["unknown audio source"]),
        (["--video", "file:/no/such/clip.mp4"], ["not found", "/no/such/clip.mp4"]),
        (["--video", "image:/no/such/card.png"], ["not found"]),
        (["--encoder", "h266"], ["unknown encoder"]),
        (["--record", "/no/such/dir/x.flv"], ["does not exist"]),
        (["--duration", "-1"], ["bad duration"]),
    ],
)
def test_bad_input_is_one_line(args: list[str], words: list[str]):
    proc = run_cli("demo", "--duration", "1", *args)
    assert proc.returncode == 2
    assert_one_line_error(proc, *words)


def test_file_that_is_not_media(tmp_path: Path):
    junk = tmp_path / "notes.mp4"
    junk.write_text("not a video")
    proc = run_cli("demo", "--duration", "1", "--video", f"file:{junk}")
    assert_one_line_error(proc, "cannot read media file")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://example.com/live", ["rtmp"]),
        ("rtmp://", ["host"]),
        ("not a url", ["rtmp"]),
    ],
)
def test_bad_url_is_one_line(url: str, words: list[str]):
    proc = run_cli("stream", "--url", url, "--key", SECRET, "--duration", "1")
    assert proc.returncode == 2
    assert_one_line_error(proc, *words)


def test_unreachable_server_fails_fast_without_leaking_the_key():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run_cli(
        "stream", "--url", f"rtmp://127.0.0.1:{port}/live", "--key", SECRET, "--duration", "20"
    )
    line = assert_one_line_error(proc, "127.0.0.1")
    assert "refused" in line or "connect" in line
    assert "visible to other processes" in proc.stderr  # --key warns


def test_missing_keyring_entry(tmp_path: Path):
    proc = run_cli(
        "stream",
        "--url",
        "rtmp://127.0.0.1/live",
        "--key-name",
        "nope",
        "--duration",
        "1",
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"},
    )
    assert_one_line_error(proc, "nope")


def test_stream_to_nginx_and_record(nginx_rtmp, tmp_path: Path):
    record = tmp_path / "local.flv"
    proc = run_cli(
        "stream", "--url", nginx_rtmp.url(), "--key", SECRET, "--duration", "3",
        "--canvas", "1280x720", "--record", str(record),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert SECRET not in proc.stderr + proc.stdout
    assert "rtmp:live" in proc.stderr  # the status line showed the destination live
    server = decode(nginx_rtmp.wait_recording(SECRET))
    local = decode(record)
    for got in (server, local):
        assert (got.width, got.height) == (1280, 720)
        assert got.duration >= 2.0
    # encode once: the server and the local file hold the same number of pictures
    assert abs(len(server.frame_times) - len(local.frame_times)) <= 2


def test_rtmps_with_trusted_ca(nginx_rtmp):
    key = "tls-ok"
    proc = run_cli(
        "stream", "--url", nginx_rtmp.rtmps_url(), "--key", key, "--duration", "2",
        "--ca-file", str(nginx_rtmp.ca_file),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert decode(nginx_rtmp.wait_recording(key)).video_codec == "h264"


def test_rtmps_with_untrusted_certificate_is_refused(nginx_rtmp):
    proc = run_cli("stream", "--url", nginx_rtmp.rtmps_url(), "--key", SECRET, "--duration", "20")
    assert proc.returncode == 1
    line = assert_one_line_error(proc)
    assert "certificate" in line.lower() or "tls" in line.lower()


def test_publish_refused(nginx_rtmp):
    proc = run_cli("stream", "--url", nginx_rtmp.url("closed"), "--key", SECRET, "--duration", "20")
    assert proc.returncode == 1
    assert_one_line_error(proc, "refused")


def test_missing_ca_file():
    proc = run_cli(
        "stream", "--url", "rtmps://localhost/live", "--key", SECRET, "--ca-file", "/no/ca.pem"
    )
    assert_one_line_error(proc, "CA file not found")
