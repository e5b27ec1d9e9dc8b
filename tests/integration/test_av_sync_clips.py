"""A/V sync on clips made by another tool, compared with ``ffmpeg -c copy`` through the same server.

Each clip (made by the ``ffmpeg`` CLI) flashes white and beeps at instants that sit on nobody's
frame grid (1.013 s, 2.537 s, 3.311 s). It goes to a real RTMP server twice, side by side:
``ffmpeg -re -i CLIP -c copy -f flv`` (the reference: the clip's own timing, untouched) and
``live-console stream --video file:CLIP --audio file:CLIP`` (decoded, composited at 30 fps,
re-encoded). What each server received is decoded with PyAV; for every event the beep-minus-flash
offset of our stream must be within 25 ms of the reference's, the first event included.

25 ms is a correctness bound, not a timing one: a source frame lands on the output frame it
overlaps most, so a flash can move by at most half an output frame (16.7 ms at 30 fps), and the
sound is placed on its sample.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.fixtures.media import make_ffmpeg_flash_beep_clip
from tests.media_checks import beep_times, decode, flash_times

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg CLI")

EVENTS = (1.013, 2.537, 3.311)
BOUND_S = 0.025


def offsets(recording: Path) -> list[float]:
    """Beep minus flash, per event, in what a server received."""
    got = decode(recording)
    flashes, beeps = flash_times(got), beep_times(got)
    assert len(flashes) >= len(EVENTS) and beeps, (recording.name, flashes, beeps)
    return [min(beeps, key=lambda b: abs(b - f)) - f for f in flashes[: len(EVENTS)]]


def publish_both(clip: Path, copy_url: str, ours_url: str, ours_key: str) -> None:
    """Run the reference and our stream at the same time, each to its own stream name."""
    ff = subprocess.Popen(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-i", str(clip), "-c", "copy"]
        + ["-f", "flv", copy_url],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    ours = subprocess.run(
        [sys.executable, "-m", "console", "stream", "--url", ours_url, "--key", ours_key]
        + ["--video", f"file:{clip}", "--audio", f"file:{clip}", "--duration", "4.6"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    _, ff_err = ff.communicate(timeout=60)
    assert ff.returncode == 0, ff_err.decode(errors="replace")
    assert ours.returncode == 0, ours.stderr


def assert_within_bound(ours: list[float], reference: list[float]) -> None:
    diffs = [round((o - r) * 1000, 1) for o, r in zip(ours, reference)]
    assert all(abs(d) <= BOUND_S * 1000 for d in diffs), (
        f"ours - copy per event (ms): {diffs}; ours {[round(o * 1000, 1) for o in ours]}, "
        f"copy {[round(r * 1000, 1) for r in reference]}"
    )


CLIPS = {
    "25fps-44k1": dict(fps=25, sample_rate=44_100),
    "60fps-48k": dict(fps=60, sample_rate=48_000),
    "audio-before-video": dict(fps=30, sample_rate=44_100, video_starts_at=0.3),
}


@pytest.mark.parametrize("name", list(CLIPS))
def test_clip_through_nginx_matches_ffmpeg_copy(nginx_rtmp, tmp_path: Path, name: str):
    clip = make_ffmpeg_flash_beep_clip(tmp_path / f"{name}.mp4", events=EVENTS, **CLIPS[name])
    copy_key, ours_key = (f"{who}-{uuid.uuid4().hex[:8]}" for who in ("copy", "ours"))
    publish_both(clip, f"{nginx_rtmp.url()}/{copy_key}", nginx_rtmp.url(), ours_key)
    reference = offsets(nginx_rtmp.wait_recording(copy_key))
    ours = offsets(nginx_rtmp.wait_recording(ours_key))
    assert_within_bound(ours, reference)


def test_clip_through_ffmpegs_listener_matches_ffmpeg_copy(ffmpeg_rtmp_listener, tmp_path: Path):
    """A second, independent server: FFmpeg's own RTMP listener."""
    clip = make_ffmpeg_flash_beep_clip(tmp_path / "clip.mp4", events=EVENTS, **CLIPS["25fps-44k1"])
    copy_server = ffmpeg_rtmp_listener(key="copy")
    ours_server = ffmpeg_rtmp_listener(key="ours")
    publish_both(clip, f"{copy_server.url}/copy", ours_server.url, "ours")
    assert copy_server.wait(15) and ours_server.wait(15)
    assert copy_server.error is None and ours_server.error is None
    assert_within_bound(offsets(ours_server.out_path), offsets(copy_server.out_path))
