"""Benchmark: where a frame's CPU goes on the media path, per source kind and canvas.

    .venv/bin/python -m bench.media_path_bench --frames 300
    .venv/bin/python -m bench.media_path_bench --ffmpeg      # + the ffmpeg CLI on the file
    .venv/bin/python -m bench.media_path_bench --threads     # x264 sliced vs frame threads
    .venv/bin/python -m bench.media_path_bench --e2e --seconds 60 [--tree OTHER_CHECKOUT]

Measure on a quiet machine: the numbers are CPU time, and another process on the same cores
inflates them. Per source (test pattern, image, file) and canvas (720x1280, 1080x1920), with the
five show overlays (demo show: product card, coupon, flash sale, lottery, poll), the chat overlay
and a clock on, it runs the render thread's work and the encoder's, in one thread, frame after
frame (no pacing, no network), and reports per stage the mean thread CPU in ms per frame:

- ``render``: ``Compositor.render_i420`` (the source's frame, the video copy, the overlay
  blends in YUV); with ``--path bgra`` (or a tree without it): ``Compositor.render``
- ``to_i420``: with ``--path bgra``, the canvas to I420 (``bgra_to_i420``); else 0
- ``encode``: ``FlvEncoder.encode`` (libx264 veryfast, zerolatency; x264's own threads included
  in ``process``)
- ``process``: the whole process's CPU per frame (the file decoder thread and x264's threads too)

``--threads`` encodes the same composited 1080x1920 frames (the file source, testsrc2, with the
overlays) with x264's sliced threads (what ``tune=zerolatency`` picks) and with frame threads,
at the same bitrate: CPU per frame, the encoder's delay in frames, and quality (PSNR of the
decoded luma against the input).

``--e2e`` is the issue's own measurement: whole-process cores of ``live-console stream --video
file:X --audio file:X`` and of ``ffmpeg -re -i X`` re-encoding X with the same settings, each
pushing to the same local nginx-rtmp, after a warm-up; ``--tree`` runs another checkout's CLI
(e.g. a ``git archive`` of an older commit) for a before/after.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from console.media.compositor import Compositor, NormRect, Scene, VideoLayer, bgra_to_i420
from console.media.encoder import EncoderSettings, FlvEncoder
from console.media.qt import ensure_gui_app

FPS = 30
BITRATES = {"720x1280": 2_500_000, "1080x1920": 4_500_000}


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def make_inputs(workdir: Path, w: int, h: int) -> tuple[Path, Path]:
    """A 1080x1920-class H.264 file (ffmpeg testsrc2 + a tone) and a JPEG, both ``w``x``h``."""
    clip = workdir / f"clip_{w}x{h}.mp4"
    if not clip.exists():
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-y",
             "-f", "lavfi", "-i", f"testsrc2=s={w}x{h}:r=30:d=6",
             "-f", "lavfi", "-i", "sine=f=440:r=48000:d=6",
             "-c:v", "libx264", "-preset", "veryfast", "-b:v", "4500k", "-pix_fmt", "yuv420p",
             "-c:a", "aac", "-shortest", str(clip)],
            check=True,
        )  # fmt: skip
    image = workdir / f"image_{w}x{h}.jpg"
    if not image.exists():
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-y",
             "-f", "lavfi", "-i", f"testsrc2=s={w}x{h}:d=1", "-frames:v", "1", str(image)],
            check=True,
        )  # fmt: skip
    return clip, image


def build_scene(video, workdir: Path, w: int, h: int):  # noqa: ANN001, ANN201
    from bench import soak_bench
    from console.audience.events import AudienceEvent, User
    from console.audience.hub import AudienceItem
    from console.overlays.basic import ClockLayer
    from console.overlays.chat import ChatFeed, ChatOverlayLayer

    soak_bench.W, soak_bench.H = w, h
    show, layers = soak_bench.build_show(workdir / f"show-{w}x{h}-{time.monotonic_ns()}")
    scene = Scene()
    scene.add(VideoLayer(video))
    for layer in layers:
        scene.add(layer)
    feed = ChatFeed(50)
    for i in range(30):
        e = AudienceEvent(
            platform="sim", msg_id=f"m{i}", ts_ms=1_700_000_000_000 + i, type="comment",
            user=User(f"u{i}", f"观众{i}"),
            text=f"想要 保温杯 {i}",
        )  # fmt: skip
        feed.add(AudienceItem(e, i, e.text, e.user.nick))
    scene.add(ChatOverlayLayer(feed, NormRect(0.03, 0.62, 0.62, 0.22)))
    scene.add(ClockLayer(NormRect(0.70, 0.03, 0.26, 0.04)))
    return show, scene


def bench_stages(
    kind: str, size: str, frames: int, workdir: Path, path: str = "yuv"
) -> dict[str, float]:
    from console.media.filesource import FileSource
    from console.media.image import ImageSource
    from console.media.testpattern import TestPatternSource

    w, h = (int(v) for v in size.split("x"))
    clip, image = make_inputs(workdir, w, h)
    if kind == "testpattern":
        video = TestPatternSource(w, h, FPS)
    elif kind == "image":
        video = ImageSource(image)
    else:
        video = FileSource(str(clip), max_size=(w, h), fps=FPS)
    show, scene = build_scene(video, workdir, w, h)
    compositor = Compositor(w, h)
    yuv_path = path == "yuv" and hasattr(compositor, "render_i420")
    encoder = FlvEncoder(
        EncoderSettings(w, h, FPS, BITRATES[size], encoder="libx264", preset="veryfast")
    )
    video.start()
    audio = np.zeros((1600, 2), np.float32)
    cost = {"render": 0.0, "to_i420": 0.0, "encode": 0.0}
    warm = 15
    try:
        for n in range(frames + warm):
            if n == warm:
                cost = dict.fromkeys(cost, 0.0)
                cpu0 = _cpu_self()
            t = n / FPS
            if kind == "file":  # keep the decoder ahead as the media clock would
                while video.decoded_s < t + 0.2 and video.loops == 0 and video.error is None:
                    time.sleep(0.002)
            c0 = time.thread_time()
            if yuv_path:
                i420 = compositor.render_i420(scene, t)
                c1 = time.thread_time()
            else:
                canvas = compositor.render(scene, t)
                c1 = time.thread_time()
                i420 = bgra_to_i420(canvas)
            c2 = time.thread_time()
            encoder.encode(i420, n, audio)
            c3 = time.thread_time()
            cost["render"] += c1 - c0
            cost["to_i420"] += c2 - c1
            cost["encode"] += c3 - c2
        process = _cpu_self() - cpu0
    finally:
        video.stop()
        show.close()
    out = {k: 1000 * v / frames for k, v in cost.items()}
    out["process"] = 1000 * process / frames
    return out


def bench_ffmpeg_file(size: str, frames: int, workdir: Path) -> float:
    """The floor for the file row: the ffmpeg CLI decoding the same file and encoding it with
    the same x264 settings (no overlays, no network), CPU ms per frame."""
    w, h = (int(v) for v in size.split("x"))
    clip, _ = make_inputs(workdir, w, h)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    rate = BITRATES[size]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-stream_loop", "-1", "-i", str(clip),
         "-frames:v", str(frames), "-an", "-c:v", "libx264", "-thread_type", "slice",
         "-preset", "veryfast",
         "-tune", "zerolatency", "-b:v", str(rate), "-maxrate", str(rate), "-bufsize", str(rate),
         "-g", "60", "-f", "flv", "-y", os.devnull],
        check=True,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return 1000 * cpu / frames


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cores_used(cmd: list[str], cwd: Path, warm_s: float, span_s: float) -> tuple[float, int]:
    """Cores a process uses between ``warm_s`` and ``warm_s + span_s`` after it started (so
    start-up is left out), read from /proc; and the frames the console reported dropped in that
    window (its status line; 0 for ffmpeg). A run that drops frames did less work: its cores
    are not comparable."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(cwd)},
        )

        def dropped() -> int:
            out.seek(0)
            counts = re.findall(rb"dropped (\d+)", out.read())
            return int(counts[-1]) if counts else 0

        try:
            time.sleep(warm_s)  # a benchmark's measuring window, not synchronisation
            c0, t0, d0 = _proc_cpu(proc.pid), time.monotonic(), dropped()
            time.sleep(span_s)
            c1, t1, d1 = _proc_cpu(proc.pid), time.monotonic(), dropped()
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} … ended early (exit {proc.returncode}): {cmd}")
        finally:
            proc.terminate()
            proc.wait(20)
    return (c1 - c0) / (t1 - t0), d1 - d0


def bench_e2e(
    size: str, seconds: float, workdir: Path, tree: Path
) -> tuple[tuple[float, int], tuple[float, int]]:
    """The issue's measurement: ``live-console stream --video file:X --audio file:X`` (run from
    ``tree``) and ``ffmpeg -re -i X`` re-encoding the same file with the same x264 settings
    (sliced threads) and AAC, both pushing to the same local nginx-rtmp, one after the other;
    whole-process cores used after a 6 s warm-up."""
    from tests.fixtures.rtmp_servers import running_nginx

    w, h = (int(v) for v in size.split("x"))
    clip, _ = make_inputs(workdir, w, h)
    rate = BITRATES[size]
    with running_nginx(workdir / f"nginx-{size}") as server:
        ours = _cores_used(
            [sys.executable, "-m", "console", "stream", "--url", server.url(), "--key",
             f"ours-{size}", "--video", f"file:{clip}", "--audio", f"file:{clip}",
             "--canvas", size, "--bitrate", str(rate), "--duration", str(seconds + 30)],
            tree, 6.0, seconds,
        )  # fmt: skip
        floor = _cores_used(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-stream_loop", "-1",
             "-i", str(clip), "-c:v", "libx264", "-thread_type", "slice", "-preset", "veryfast",
             "-tune", "zerolatency", "-b:v", str(rate), "-maxrate", str(rate),
             "-bufsize", str(rate), "-g", "60", "-c:a", "aac", "-b:a", "128k",
             "-f", "flv", f"{server.url()}/ffmpeg-{size}"],
            workdir, 6.0, seconds,
        )  # fmt: skip
    return ours, floor


def bench_threads(frames: int, workdir: Path) -> list[dict[str, float | str]]:
    """x264 sliced threads vs frame threads on the same composited frames at the same bitrate."""
    import av

    from console.media.filesource import FileSource

    w, h = 1080, 1920
    clip, _ = make_inputs(workdir, w, h)
    video = FileSource(str(clip), max_size=(w, h), fps=FPS)
    show, scene = build_scene(video, workdir, w, h)
    compositor = Compositor(w, h)
    video.start()
    pictures = []
    for n in range(frames):
        while video.decoded_s < n / FPS + 0.2 and video.loops == 0 and video.error is None:
            time.sleep(0.002)
        pictures.append(bgra_to_i420(compositor.render(scene, n / FPS)))
    video.stop()
    show.close()
    results = []
    for mode, params in (("sliced", "sliced-threads=1"), ("frame", "sliced-threads=0")):
        out = workdir / f"threads-{mode}.h264"
        with av.open(str(out), "w", format="h264") as c:
            s = c.add_stream(
                "libx264",
                rate=FPS,
                options={
                    "preset": "veryfast",
                    "tune": "zerolatency",
                    "x264-params": f"{params}:keyint=120:scenecut=0",
                    "maxrate": "4500000",
                    "bufsize": "4500000",
                },
            )
            s.width, s.height, s.pix_fmt, s.bit_rate = w, h, "yuv420p", 4_500_000
            s.codec_context.thread_count = 0
            delays: list[int] = []
            got = 0
            cpu0 = _cpu_self()
            for n, pic in enumerate(pictures):
                frame = av.VideoFrame.from_ndarray(pic, format="yuv420p")
                frame.pts = n
                for p in s.encode(frame):
                    got += 1
                    delays.append(n + 1 - got)
                    c.mux(p)
            cpu = _cpu_self() - cpu0
            for p in s.encode(None):
                c.mux(p)
        psnr = []
        with av.open(str(out)) as c:
            for i, f in enumerate(c.decode(video=0)):
                y = f.to_ndarray()[:h].astype(np.float64)  # Y as coded (limited range)
                ref = pictures[i][:h].astype(np.float64)
                mse = np.mean((y - ref) ** 2)
                psnr.append(99.0 if mse == 0 else 10 * np.log10(255**2 / mse))
        results.append(
            {
                "mode": mode,
                "cpu_ms": 1000 * cpu / frames,
                "delay_frames": float(np.median(delays)) if delays else 0.0,
                "psnr_y": float(np.mean(psnr)),
                "kbytes": out.stat().st_size / 1000,
            }
        )
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--sizes", default="720x1280,1080x1920")
    ap.add_argument("--sources", default="testpattern,image,file")
    ap.add_argument("--threads", action="store_true", help="x264 sliced vs frame threads")
    ap.add_argument(
        "--e2e", action="store_true", help="the CLI vs ffmpeg -re on a file, whole process"
    )
    ap.add_argument("--seconds", type=float, default=30.0, help="--e2e: seconds measured per side")
    ap.add_argument("--tree", default=".", help="--e2e: the checkout whose CLI runs (before/after)")
    ap.add_argument(
        "--ffmpeg", action="store_true", help="after each file row, the ffmpeg CLI on the same file"
    )
    ap.add_argument(
        "--path",
        choices=("yuv", "bgra"),
        default="yuv",
        help="yuv: Compositor.render_i420 (where it exists); bgra: render + bgra_to_i420",
    )
    args = ap.parse_args(argv)
    ensure_gui_app()
    print("command:", "python -m bench.media_path_bench", *(argv or sys.argv[1:]))
    with tempfile.TemporaryDirectory(prefix="media-path-bench-") as tmp:
        workdir = Path(tmp)
        if args.e2e:
            tree = Path(args.tree).resolve()
            print(f"tree: {tree}")
            print("| canvas | live-console stream (cores) | dropped | ffmpeg -re (cores) | ratio |")
            print("|---|---:|---:|---:|---:|")
            for size in args.sizes.split(","):
                (ours, drops), (floor, _) = bench_e2e(size, args.seconds, workdir, tree)
                print(
                    f"| {size} | {ours:.3f} | {drops} | {floor:.3f} | ×{ours / floor:.2f} |",
                    flush=True,
                )
            return 0
        if args.threads:
            print("| x264 threads | CPU ms/frame | delay (frames) | PSNR Y (dB) | size (kB) |")
            print("|---|---:|---:|---:|---:|")
            for r in bench_threads(args.frames, workdir):
                print(
                    f"| {r['mode']} | {r['cpu_ms']:.1f} | {r['delay_frames']:.0f} "
                    f"| {r['psnr_y']:.2f} | {r['kbytes']:.0f} |"
                )
            return 0
        print("| source | canvas | render | to_i420 | encode | process (ms CPU/frame) |")
        print("|---|---|---:|---:|---:|---:|")
        for size in args.sizes.split(","):
            for kind in args.sources.split(","):
                r = bench_stages(kind, size, args.frames, workdir, args.path)
                print(
                    f"| {kind} | {size} | {r['render']:.2f} | {r['to_i420']:.2f} "
                    f"| {r['encode']:.2f} | {r['process']:.2f} |",
                    flush=True,
                )
                if kind == "file" and args.ffmpeg:
                    floor = bench_ffmpeg_file(size, args.frames, workdir)
                    print(
                        f"| ffmpeg CLI, same file, no overlays | {size} | | | | {floor:.2f} "
                        f"(ours ×{r['process'] / floor:.2f}) |",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
