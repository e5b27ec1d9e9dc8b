"""The media engine in its own process (``ProcessEngine``), with real children and real servers.

- a pin in the parent's controller shows the product card in a frame nginx-rtmp received
  (the show state crossed the process boundary), and preview frames arrive in shared memory;
- SIGKILL the child: one restart notice, a new child, and the stream goes on to nginx;
- the parent killed: the child sees EOF, stops its encode and finalises the recording (it decodes
  to the end, with the flushed encoder's last frames).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from console.engine_overlays import overlay_plan
from console.live.engine import EngineSpec
from console.live.outputs import RECORDING, OutputSpec
from console.media.output import OutputState
from console.media.process_engine import ProcessEngine, process_output_factory
from console.overlays.show_layers import DEFAULT_LAYOUTS
from console.show import commands as c
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from tests.waiting import wait_for

CANVAS = (360, 640)
BACKDROP_BGR = (40, 120, 200)


def backdrop(tmp_path: Path) -> str:
    path = tmp_path / "backdrop.png"
    img = np.zeros((CANVAS[1], CANVAS[0], 3), np.uint8)
    img[:] = BACKDROP_BGR
    cv2.imwrite(str(path), img)
    return f"image:{path}"


def spec_for(video: str) -> EngineSpec:
    return EngineSpec(
        width=CANVAS[0],
        height=CANVAS[1],
        fps=30,
        encoder="libx264",
        video=video,
        audio=("tone",),
        adaptive_bitrate=False,
    )


def colour_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]


def card_region() -> tuple[slice, slice]:
    x, y, w, h = DEFAULT_LAYOUTS["portrait"]["product_card"]
    px, py, pw, ph = (round(x * CANVAS[0]), round(y * CANVAS[1]), round(w * CANVAS[0]),
                      round(h * CANVAS[1]))  # fmt: skip
    return slice(py + ph // 4, py + 3 * ph // 4), slice(px + pw // 2, px + pw - pw // 10)


def test_a_pin_in_the_parent_reaches_the_stream_and_the_preview(nginx_rtmp, tmp_path):
    show = ShowController.open(copy_demo_show(tmp_path / "show"))
    previews: list[np.ndarray] = []
    lock = threading.Lock()

    def on_preview(frame: np.ndarray) -> None:
        with lock:
            previews.append(frame)

    engine = ProcessEngine(
        spec_for(backdrop(tmp_path)),
        overlay_plan(show.folder),
        state=lambda: show.state,
        now=show.now,
    )
    key = f"proc-{uuid.uuid4().hex[:10]}"
    pub = process_output_factory(OutputSpec("nginx", "rtmp", url=nginx_rtmp.url(), key=key))
    engine.set_preview(on_preview, 10)
    engine.add_output(pub)
    engine.start()
    try:
        assert engine.pid != os.getpid()
        assert pub.wait_live(20), pub.error
        assert wait_for(lambda: engine.stats().frames_encoded >= 60, 30)
        assert wait_for(lambda: len(previews) >= 3, 10)  # shared memory, never pickled
        with lock:
            before = previews[-1]
        assert before.shape == (CANVAS[1], CANVAS[0], 4)
        show.execute(c.PinProduct("CUP-316-500"), actor="assistant")
        pinned_at = engine.stats().frames_encoded
        assert wait_for(lambda: engine.stats().frames_encoded >= pinned_at + 90, 30)
        with lock:
            after = previews[-1]
        assert engine.boundary_stats()["state_sent"] >= 1
    finally:
        engine.stop()
        show.close()

    region = card_region()
    drawn = after[..., :3][region].astype(float)
    plain = np.full_like(drawn, BACKDROP_BGR)
    assert np.abs(before[..., :3][region].astype(float) - plain).mean() < 15  # no card yet
    assert np.abs(drawn - plain).mean() > 40  # the preview shows the card

    frames = colour_frames(nginx_rtmp.wait_recording(key))
    assert len(frames) >= 150

    def diff(frame: np.ndarray, reference: np.ndarray) -> float:
        return float(np.abs(frame[region].astype(float) - reference).mean())

    assert diff(frames[10], plain) < 15  # before the pin: the backdrop
    assert diff(frames[-5], drawn) < 15  # after: the card, as the child drew it


def test_a_killed_child_is_restarted_and_the_stream_goes_on(nginx_rtmp, tmp_path):
    notices: list[str] = []
    engine = ProcessEngine(spec_for("testpattern"), on_notice=notices.append)
    key = f"proc-{uuid.uuid4().hex[:10]}"
    pub = process_output_factory(OutputSpec("nginx", "rtmp", url=nginx_rtmp.url(), key=key))
    engine.add_output(pub)
    engine.start()
    try:
        assert pub.wait_live(20), pub.error
        first = engine.pid
        os.kill(first, signal.SIGKILL)
        assert wait_for(lambda: engine.pid != first and engine.stats().frames_encoded > 30, 60)
        assert len([n for n in notices if "restarting" in n]) == 1
        assert engine.counters["restarts"] == 1
        assert wait_for(lambda: pub.state == OutputState.LIVE, 30), pub.error
        assert engine.stats().error is None
        resumed = engine.stats().frames_encoded
        assert wait_for(lambda: engine.stats().frames_encoded >= resumed + 30, 30)
    finally:
        engine.stop()
    assert pub.state == OutputState.ENDED


PARENT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from console.live.engine import EngineSpec
    from console.live.outputs import OutputSpec
    from console.media.process_engine import ProcessEngine, process_output_factory

    def main():
        spec = EngineSpec(width=360, height=640, fps=30, encoder="libx264",
                          video="testpattern", audio=("tone",), adaptive_bitrate=False)
        engine = ProcessEngine(spec)
        rec = process_output_factory(OutputSpec("recording", "recording", path=Path(sys.argv[1])))
        engine.add_output(rec)
        engine.start()
        while engine.stats().frames_encoded < 60:
            time.sleep(0.05)
        print(engine.pid, flush=True)
        time.sleep(600)

    if __name__ == "__main__":
        main()
    """
)


def test_the_parent_killed_the_child_finalises_the_recording(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    recording = tmp_path / "show.flv"
    parent = subprocess.Popen(
        [sys.executable, str(script), str(recording)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        child = int(parent.stdout.readline())
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)

        def gone() -> bool:
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                return True
            return False

        assert wait_for(gone, 30)  # the child saw EOF and ended by itself
    finally:
        if parent.poll() is None:
            parent.kill()
    with av.open(str(recording)) as container:
        frames = sum(1 for _ in container.decode(video=0))
        container.seek(0)
        audio = sum(f.samples for f in container.decode(audio=0))
    assert frames >= 60
    # the encoder was flushed on the clean stop: sound as long as the picture (±0.2 s)
    assert abs(audio / 48000 - frames / 30) < 0.2


@pytest.mark.parametrize("kind", [RECORDING])
def test_outputs_must_come_from_the_process_factory(kind, tmp_path):
    from console.errors import UserError
    from console.media.recorder import FlvRecorder

    engine = ProcessEngine(spec_for("testpattern"))
    with pytest.raises(UserError, match="process_output_factory"):
        engine.add_output(FlvRecorder(tmp_path / "x.flv", name=kind))
