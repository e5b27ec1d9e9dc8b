"""Soak benchmark (not a test): a long show at 1080x1920@30 pushed to a local nginx-rtmp.

    /work/venv/bin/python -m bench.soak_bench --minutes 10 --out docs/benchmarks.md

Scene: a still backdrop, the five show overlays (product card, coupon banner, flash sale, poll,
lottery) driven by a real ShowController on a copy of the demo show, the chat overlay fed by the
simulated audience (stepped 4× a second), the rehearsal banner and the clock badge; a 440 Hz
tone; libx264 veryfast, 4.5 Mbit/s; our RTMP publisher (reconnect on, adaptive bitrate on) and a
local FLV recording. Every ``--sample`` seconds: frames, drops by cause, resident memory
(VmRSS), process CPU. Reports dropped frames, RSS growth after the warm-up, CPU per frame.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from console.media.audio import AudioMixer, ToneSource
from console.media.compositor import NormRect, Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.pipeline import Pipeline
from console.media.qt import ensure_gui_app
from console.media.recorder import FlvRecorder
from console.media.rtmp import RtmpPublisher

W, H, FPS = 1080, 1920, 30
BITRATE = 4_500_000


class Backdrop:
    """A still, lit studio-like gradient (the camera stand-in)."""

    name = "backdrop"
    error: str | None = None

    def __init__(self, width: int, height: int) -> None:
        y = np.linspace(0, 1, height)[:, None]
        x = np.linspace(0, 1, width)[None, :]
        img = np.zeros((height, width, 4), np.uint8)
        img[..., 2] = (120 + 70 * (1 - y) + 20 * x).clip(0, 255)
        img[..., 1] = (96 + 50 * (1 - y) + 10 * x).clip(0, 255)
        img[..., 0] = (92 + 40 * y + 30 * x).clip(0, 255)
        img[..., 3] = 255
        self.img = img

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def frame(self, t: float) -> np.ndarray:
        return self.img


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def build_show(workdir: Path):
    """A ShowController on a copy of the demo show with everything running; its layers."""
    from console.overlays.show_layers import build_show_layers
    from console.show import commands as c
    from console.show.controller import ShowController
    from console.show.demo import copy_demo_show

    show = ShowController.open(copy_demo_show(workdir / "show"))
    show.execute(c.PinProduct("CUP-316-500"))
    show.execute(
        c.LaunchCoupon(
            kind="threshold",
            quantity=500,
            threshold_cents=19900,
            discount_cents=3000,
            duration_s=3600,
            title="满199减30",
        )
    )
    show.execute(c.StartFlashSale("CUP-316-500", 5900, 50, 3600))
    show.execute(
        c.OpenLottery(
            prize="蓝牙耳机 1副",
            prize_value_cents=19900,
            entry_rule="keyword",
            keyword="想要",
            winners=3,
            entry_duration_s=3600,
            draw_delay_s=10,
        )
    )
    show.execute(c.StartPoll("今天的保温杯内胆是什么材质？", ("304不锈钢", "316不锈钢", "陶瓷")))
    layers = build_show_layers(lambda: show.state, show.now, (W, H), show.folder.path)
    return show, layers


def run(minutes: float, sample_s: float, warmup_s: float, workdir: Path) -> dict:
    from console.audience.hub import AudienceItem
    from console.audience.simulated import SimulatedAudience
    from console.overlays.basic import BannerLayer, ClockLayer
    from console.overlays.chat import ChatFeed, ChatOverlayLayer
    from tests.fixtures.rtmp_servers import running_nginx

    ensure_gui_app()
    show, show_layers = build_show(workdir)
    feed = ChatFeed(50)
    scene = Scene()
    scene.add(VideoLayer(Backdrop(W, H)))
    for layer in show_layers:
        scene.add(layer)
    scene.add(ChatOverlayLayer(feed, NormRect(0.03, 0.62, 0.62, 0.22)))
    scene.add(BannerLayer("彩排 REHEARSAL · 演示直播间", NormRect(0.04, 0.03, 0.55, 0.04)))
    scene.add(ClockLayer(NormRect(0.70, 0.03, 0.26, 0.04)))
    mixer = AudioMixer()
    mixer.add(ToneSource(440))
    audience = SimulatedAudience(state=lambda: show.state)
    stop = threading.Event()
    events = [0]

    def audience_loop() -> None:
        seq = 0
        while not stop.wait(0.25):
            for e in audience.step(time.time()):
                seq += 1
                nick = e.user.nick if e.user else ""
                feed.add(AudienceItem(e, seq, e.text, nick))
                events[0] += 1

    with running_nginx(workdir / "nginx") as server:
        pub = RtmpPublisher(server.url(), "soak", name="nginx", reconnect=True)
        rec = FlvRecorder(workdir / "soak.flv")
        settings = EncoderSettings(W, H, FPS, BITRATE, encoder="libx264", preset="veryfast")
        pipeline = Pipeline(settings, scene, mixer, [pub, rec], adaptive_bitrate=True)
        pipeline.start()
        threading.Thread(target=audience_loop, name="audience", daemon=True).start()
        samples: list[dict] = []
        try:
            if not pub.wait_live(15):
                raise SystemExit(f"publisher did not go live: {pub.error}")
            t_start = time.monotonic()
            end = t_start + warmup_s + minutes * 60
            base = None
            while True:
                now = time.monotonic()
                if now >= end:
                    break
                stop.wait(min(sample_s, end - now))
                st = pipeline.stats()
                ps = pub.stats()
                row = {
                    "t": time.monotonic() - t_start,
                    "rss": rss_mb(),
                    "cpu": cpu_s(),
                    "rendered": st.frames_rendered,
                    "encoded": st.frames_encoded,
                    "dropped": dict(st.dropped),
                    "pub_dropped": dict(ps.dropped),
                    "queued_ms": ps.queued_ms,
                    "bitrate": st.video_bitrate,
                    "render_ms": st.render_ms,
                    "encode_ms": st.encode_ms,
                    "state": ps.state.name,
                }
                samples.append(row)
                if base is None and row["t"] >= warmup_s:
                    base = row
                print(
                    f"{row['t']:6.0f} s  rss {row['rss']:6.1f} MB  frames {row['encoded']}  "
                    f"dropped {row['dropped']} {row['pub_dropped']}  q {row['queued_ms']} ms  "
                    f"render {row['render_ms']:.1f} ms  encode {row['encode_ms']:.1f} ms  "
                    f"{row['bitrate'] // 1000} kbps  {row['state']}",
                    file=sys.stderr,
                    flush=True,
                )
        finally:
            stop.set()
            pipeline.stop()
            show.close()
    assert base is not None
    last = samples[-1]
    after = [s for s in samples if s["t"] >= warmup_s]
    frames = last["encoded"] - base["encoded"]
    expected = (last["t"] - base["t"]) * FPS
    return {
        "minutes": (last["t"] - base["t"]) / 60,
        "frames": frames,
        "expected": expected,
        "dropped": {
            k: last["dropped"].get(k, 0) - base["dropped"].get(k, 0)
            for k in set(last["dropped"]) | set(base["dropped"])
        },
        "pub_dropped": last["pub_dropped"],
        "rss_start": base["rss"],
        "rss_end": last["rss"],
        "rss_max": max(s["rss"] for s in after),
        "rss_slope_mb_per_min": float(
            np.polyfit([s["t"] / 60 for s in after], [s["rss"] for s in after], 1)[0]
        )
        if len(after) > 2
        else 0.0,
        "cpu_ms_per_frame": 1000 * (last["cpu"] - base["cpu"]) / max(1, frames),
        "render_ms": last["render_ms"],
        "encode_ms": last["encode_ms"],
        "bitrate_min": min(s["bitrate"] for s in after),
        "audience_events": events[0],
        "final_state": last["state"],
        "samples": samples,
    }


def markdown(r: dict, command: str) -> str:
    cpu = os.cpu_count()
    dropped = sum(r["dropped"].values())
    lines = [
        "## Soak",
        "",
        f"Command: `{command}`  ",
        f"Machine: {platform.machine()}, {cpu} cores (shared with other work while it ran), "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}; "
        f"{W}x{H}@{FPS}, libx264 veryfast {BITRATE // 1000} kbps, the five show overlays + chat "
        "(simulated audience) + banner + clock, pushed to a local nginx-rtmp and recorded; "
        "adaptive bitrate and reconnect on.",
        "",
        "| measured (after warm-up) | value |",
        "|---|---|",
        f"| duration | {r['minutes']:.1f} min |",
        f"| frames encoded / due | {r['frames']} / {r['expected']:.0f} |",
        f"| dropped frames (pipeline, by cause) | {dropped} {r['dropped'] or ''} |",
        f"| publisher drops | {sum(r['pub_dropped'].values())} {r['pub_dropped'] or ''} |",
        f"| RSS after warm-up → end (max) | {r['rss_start']:.1f} → {r['rss_end']:.1f} MB "
        f"({r['rss_max']:.1f}) |",
        f"| RSS growth | {r['rss_end'] - r['rss_start']:+.1f} MB "
        f"(trend {r['rss_slope_mb_per_min']:+.2f} MB/min) |",
        f"| CPU per frame (process, all threads) | {r['cpu_ms_per_frame']:.1f} ms |",
        f"| render / encode per frame (mean of last 120) | {r['render_ms']:.1f} / "
        f"{r['encode_ms']:.1f} ms |",
        f"| lowest video bitrate (adaptive) | {r['bitrate_min'] // 1000} kbps |",
        f"| audience events simulated | {r['audience_events']} |",
        f"| publisher state at the end | {r['final_state']} |",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=30.0, help="seconds before measuring")
    ap.add_argument("--sample", type=float, default=10.0, help="seconds between samples")
    ap.add_argument("--out", help="write the '## Soak' section of this markdown file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        result = run(args.minutes, args.sample, args.warmup, Path(tmp))
    command = "python -m bench.soak_bench " + " ".join(sys.argv[1:])
    text = markdown(result, command)
    print(text)
    if args.out:
        from bench.markdown import replace_section

        replace_section(args.out, "Soak", text)


if __name__ == "__main__":
    main()
