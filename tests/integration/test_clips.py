"""Product clips cut from a real recording the pipeline made.

The live core records a still backdrop with the show overlays (a rehearsal, local recording
only); two products are pinned through the controller seconds apart, then unpinned. The clips
are cut without re-encoding; each decodes, starts at most one GOP before its pin and ends within
a GOP after it, and its frames show that product's card (pixels of decoded frames against the
card the compositor drew). A recording cut short keeps the clips it fully contains; a show
without a recording or without pins says so in one line through the CLI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from console.clips import cut_session, load_sessions
from console.clips.cut import scan_flv
from console.live.engine import EngineSpec
from console.live.session import LiveSession
from console.media.live_engine import PipelineEngine
from console.overlays.show_layers import build_show_layers
from console.show import commands as c
from console.show.actor import Actor
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from tests.waiting import wait_for

pytestmark = pytest.mark.usefixtures("gui_app")

CANVAS = (720, 1280)
FPS = 30
GOP_FRAMES = 2 * FPS  # the encoder's keyframe interval
A, B = "CUP-316-500", "MASK-HA-10"


class Recorded:
    def __init__(self, show: Path, card: tuple[int, int, int, int], drawn: dict[str, np.ndarray]):
        self.show = show
        self.card = card
        self.drawn = drawn  # product id (or "none") → the canvas the compositor sent


def _record(tmp_path: Path, pins: list[str | None], hold_frames: int = 4 * FPS) -> Recorded:
    """A rehearsal recorded into the show: each entry of ``pins`` (a product or None: unpin)
    held for ``hold_frames`` frames."""
    folder = copy_demo_show(tmp_path / "show")
    backdrop = tmp_path / "backdrop.png"
    img = np.zeros((CANVAS[1], CANVAS[0], 3), np.uint8)
    img[:] = (90, 120, 150)
    cv2.imwrite(str(backdrop), img)
    show = ShowController.open(folder)
    layers = build_show_layers(lambda: show.state, show.now, CANVAS, show.folder.path)
    card = next(layer for layer in layers if layer.name == "product_card")
    live = LiveSession(show, engine_factory=lambda s: PipelineEngine(s, layers), rehearsal=True)
    spec = EngineSpec(
        *CANVAS, fps=FPS, encoder="libx264", video=f"image:{backdrop}", adaptive_bitrate=False
    )
    drawn: dict[str, np.ndarray] = {}
    who = Actor("window")
    try:
        engine = live.start_engine(spec)
        pipeline = engine.pipeline

        def wait_frames(n: int) -> None:
            target = pipeline.stats().frames_encoded + n
            assert wait_for(lambda: pipeline.stats().frames_encoded >= target, timeout=60)

        live.go_live([], {}, True, who, recording=show.folder.recordings_dir / "rehearsal.flv")
        wait_frames(hold_frames)
        drawn["none"] = pipeline.compositor.canvas[..., :3].copy()
        for pid in pins:
            show.execute(c.PinProduct(pid) if pid else c.UnpinProduct(), actor=who)
            wait_frames(hold_frames)
            drawn[pid or "none"] = pipeline.compositor.canvas[..., :3].copy()
    finally:
        live.close(who, reason="stopped")
        show.close()
    return Recorded(folder, card.rect.to_pixels(*CANVAS), drawn)


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]


def _label(frame: np.ndarray, rec: Recorded) -> str:
    """Which card the frame shows: the closest drawn canvas in the card's region."""
    x, y, w, h = rec.card
    region = (slice(y + h // 4, y + 3 * h // 4), slice(x + w // 2, x + w - w // 10))
    diffs = {
        k: float(np.abs(frame[region].astype(float) - v[region].astype(float)).mean())
        for k, v in rec.drawn.items()
    }
    best = min(diffs, key=diffs.__getitem__)
    assert diffs[best] < 12, f"the card region matches nothing drawn: {diffs}"
    return best


def test_two_pins_give_two_clips_that_show_their_product(tmp_path):
    rec = _record(tmp_path, [A, B, None])
    # the three canvases really differ where the card is
    labels_of_drawn = {k: _label(v, rec) for k, v in rec.drawn.items()}
    assert labels_of_drawn == {k: k for k in rec.drawn}

    sessions = load_sessions(rec.show)
    assert len(sessions) == 1 and len(sessions[0].recordings) == 1
    assert sessions[0].recordings[0].path.is_file()
    result = cut_session(rec.show)
    # 4 s per product is too short for YouTube's 10 s chapters: said, nothing else went wrong
    assert [n for n in result.notes if "YouTube shows chapters from 3" not in n] == []
    clips = {clip.segment.product_id: clip for clip in result.clips}
    assert set(clips) == {A, B}

    for pid, before, after in ((A, "none", B), (B, A, "none")):
        clip = clips[pid]
        assert clip.job.written, clip.job.problem
        path = clip.job.out
        assert path.suffix == ".mp4" and pid in path.name
        with av.open(str(path)) as container:  # an MP4, the index first (faststart)
            assert container.format.name.startswith("mov")
            stream = container.streams.video[0]
            assert (stream.codec_context.width, stream.codec_context.height) == CANVAS
        head = path.read_bytes()[:4096]
        assert head.find(b"moov") != -1 and head.find(b"moov") < max(head.find(b"mdat"), 4096)
        labels = [_label(f, rec) for f in _frames(path)]
        first = labels.index(pid)
        # at or before its pin by at most one GOP: only the card before it, then this card
        assert set(labels[:first]) <= {before}
        assert first <= GOP_FRAMES + 2, f"{pid}: starts {first} frames before its pin"
        last = len(labels) - 1 - labels[::-1].index(pid)
        assert all(label == pid for label in labels[first : last + 1])
        # ends within a GOP after the unpin (the next pin or the unpin)
        assert set(labels[last + 1 :]) <= {after}
        assert len(labels) - 1 - last <= GOP_FRAMES
        assert last - first >= 3 * FPS  # held 4 s: most of it is in the clip
        # it starts on the keyframe of the GOP holding the first picture stamped at or after
        # the pin (a pin between two pictures shows in the next one)
        assert clip.job.media_start is not None
        assert clip.job.start - 2.0 - 1 / FPS <= clip.job.media_start < clip.job.start + 1 / FPS

    names = {p.name for p in result.files}
    assert {"show.chapters.vtt", "show.youtube.txt", "show.mp4"} <= names
    vtt = (result.out / "show.chapters.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and "316不锈钢保温杯" in vtt
    youtube = (result.out / "show.youtube.txt").read_text(encoding="utf-8").splitlines()
    assert youtube[0].startswith("0:00 ")
    with av.open(str(result.out / "show.mp4")) as full:
        titles = [ch["metadata"].get("title") for ch in full.chapters()]
    assert any("316不锈钢保温杯" in (t or "") for t in titles) and len(titles) >= 3


def test_a_truncated_recording_keeps_the_clips_it_holds(tmp_path):
    rec = _record(tmp_path, [A, B, None], hold_frames=4 * FPS)
    flv = load_sessions(rec.show)[0].recordings[0].path
    full = scan_flv(flv)
    assert not full.truncated
    # cut the file in the middle of B's segment, inside a tag (as a SIGKILL leaves it)
    sessions = load_sessions(rec.show)
    seg_b = next(s for s in sessions[0].segments if s.product_id == B)
    media_b = sessions[0].recordings[0].media_time(seg_b.start) + 1.5
    data = flv.read_bytes()
    keep = int(len(data) * media_b / (full.last_ms / 1000)) + 7
    with open(flv, "r+b") as f:
        f.truncate(keep)
    scan = scan_flv(flv)
    assert scan.truncated and scan.last_ms < full.last_ms
    result = cut_session(rec.show, full=False)
    written = {c.segment.product_id for c in result.clips if c.job.written}
    assert written == {A}
    assert any("cut short" in n for n in result.notes)
    assert any(n.startswith(f"{seg_b.title}: not fully in the recording") for n in result.notes)
    labels = [
        _label(f, rec) for f in _frames(next(c.job.out for c in result.clips if c.job.written))
    ]
    assert A in labels


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_bad_input_is_one_line(tmp_path):
    show = copy_demo_show(tmp_path / "show")
    run = _cli("clips", str(show))  # never run: no journal
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "error:" in run.stderr and "Traceback" not in run.stderr

    with ShowController.open(show) as ctl:  # a session, recorded, but nothing pinned
        ctl.execute(c.StartSession("rehearsal", recording=True), actor="run")
        ctl.execute(c.NoteRecording("recordings/x.flv", journal_t=ctl.now()), actor="run")
        ctl.execute(c.EndSession("rehearsal"), actor="run")
    run = _cli("clips", str(show))
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().endswith("nothing to clip") and run.stderr.count("\n") == 1

    with ShowController.open(show) as ctl:  # a session without a recording
        ctl.execute(c.StartSession("rehearsal"), actor="run")
        ctl.execute(c.PinProduct(A), actor="run")
        ctl.execute(c.EndSession("rehearsal"), actor="run")
    run = _cli("clips", str(show), "--session", "2")
    assert run.returncode == 2
    assert "has no recording" in run.stderr and run.stderr.count("\n") == 1
    run = _cli("clips", str(show), "--session", "9")
    assert run.returncode == 2 and "sessions 1 to 2" in run.stderr


def test_cli_cuts_and_lists(tmp_path):
    rec = _record(tmp_path, [A, None], hold_frames=3 * FPS)
    out = tmp_path / "out"
    run = _cli("clips", str(rec.show), "--out", str(out), "--json")
    assert run.returncode == 0, run.stderr
    listed = json.loads(run.stdout)
    assert [c["product_id"] for c in listed["clips"]] == [A]
    assert Path(listed["clips"][0]["file"]).is_file()
    assert listed["clips"][0]["duration_s"] > 2.5
