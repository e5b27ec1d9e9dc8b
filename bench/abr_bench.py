"""Adaptive-bitrate benchmark (not a test): a scripted uplink, 5 → 1.2 → 5 Mbit/s.

    python -m bench.abr_bench --canvas 720x1280 --canvas 1080x1920 --runs 3 --out docs/benchmarks.md
    python -m bench.abr_bench --canvas 720x1280 --phase-seconds 20      # a quick check

A real pipeline (a busy picture: moving bars over noise, so the encoder really spends the
bitrate; a 440 Hz tone; libx264 veryfast at ``--bitrate``, adaptive bitrate on) pushes to a
local nginx-rtmp through the loopback token-bucket proxy of the tests
(``tests/fixtures/rtmp_servers.FaultProxy``). The proxy's cap follows the schedule, one phase
each: ``--high``, ``--low``, ``--high``. Every 0.25 s the bench samples the encoder's target,
the link estimate and the publisher's queue and drops. Measured per run:

- time to fall under the cap: from the cap dropping to the first sample whose whole stream
  (video target + audio, with the container overhead) fits under it (target ≤ 5 s);
- time above the cap after settling: samples in the low phase, after that, whose stream does
  not fit (target 0);
- frames dropped per phase (publisher: congestion, queue_full; pipeline: any cause);
- recovery: from the cap lifting to the target back at the user's bitrate (target ≤ 30 s);
- audio dropped: gaps in the AAC timestamps of what nginx recorded (target 0).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from console.media.audio import AudioMixer, ToneSource
from console.media.bitrate_policy import OVERHEAD
from console.media.compositor import Scene, VideoLayer, parse_canvas
from console.media.encoder import EncoderSettings, parse_bitrate
from console.media.flv import FlvTagSplitter, TagType
from console.media.pipeline import Pipeline
from console.media.qt import ensure_gui_app
from console.media.rtmp import RtmpPublisher

FPS = 30
SAMPLE_S = 0.25
AAC_FRAME_MS = 1024 / 48


class BusySource:
    """Moving bars over low-amplitude noise: costly enough that libx264 uses the bitrate."""

    name = "busy"
    error: str | None = None

    def __init__(self, width: int, height: int) -> None:
        rng = np.random.default_rng(11)
        self._noise = [rng.integers(0, 48, (height, width, 4), np.uint8) for _ in range(15)]
        x = np.arange(width)[None, :]
        self._bars = ((x // 40) % 6 * 40).astype(np.uint8)
        self._w = width

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def frame(self, t: float) -> np.ndarray:
        n = int(t * FPS)
        img = self._noise[n % len(self._noise)].copy()
        bars = np.roll(self._bars, (n * 6) % self._w, axis=1)
        img[..., 0] += bars
        img[..., 1] += bars[:, ::-1]
        img[..., 3] = 255
        return img


def audio_gaps(path: Path) -> int:
    """AAC frames missing from a recording (gaps in the audio timestamps)."""
    stamps = [t.timestamp_ms for t in FlvTagSplitter().feed(path.read_bytes())
              if t.kind == TagType.AUDIO and not t.header]  # fmt: skip
    missing = 0
    for a, b in zip(stamps, stamps[1:], strict=False):
        gap = b - a
        if gap > 1.6 * AAC_FRAME_MS:
            missing += round(gap / AAC_FRAME_MS) - 1
    return missing


def run_once(canvas: str, bitrate: int, high: int, low: int, phase_s: float, workdir: Path) -> dict:
    from tests.fixtures.rtmp_servers import FaultProxy, running_nginx

    width, height = parse_canvas(canvas)
    ensure_gui_app()
    scene = Scene()
    scene.add(VideoLayer(BusySource(width, height), fit="cover"))
    mixer = AudioMixer()
    mixer.add(ToneSource(440))
    settings = EncoderSettings(width, height, FPS, bitrate, encoder="libx264", preset="veryfast")
    audio_bps = settings.audio_bitrate
    key = f"abr-{uuid.uuid4().hex[:8]}"
    with running_nginx(workdir / "nginx") as server:
        proxy = FaultProxy(server.port)
        pub = RtmpPublisher(proxy.url(), key, name="capped", reconnect=True)
        pipeline = Pipeline(settings, scene, mixer, [pub], adaptive_bitrate=True)
        samples: list[dict] = []
        try:
            proxy.limit(high / 8)
            pipeline.start()
            if not pub.wait_live(20):
                raise SystemExit(f"publisher did not go live: {pub.error}")
            t0 = time.monotonic()
            caps = [high, low, high]
            next_sample = t0
            for phase, cap in enumerate(caps):
                proxy.limit(cap / 8)
                end = t0 + (phase + 1) * phase_s
                while (now := time.monotonic()) < end:
                    if now < next_sample:
                        time.sleep(min(next_sample - now, end - now))
                        continue
                    next_sample += SAMPLE_S
                    st = pipeline.stats()
                    ps = pub.stats()
                    samples.append(
                        {
                            "t": now - t0,
                            "phase": phase,
                            "cap": cap,
                            "target": st.video_bitrate,
                            "link": st.link_bps,
                            "reason": st.abr_reason,
                            "queued_ms": ps.queued_ms,
                            "pub_dropped": dict(ps.dropped),
                            "dropped": dict(st.dropped),
                            "state": ps.state.name,
                        }
                    )
                print(
                    f"phase {phase + 1} ({cap / 1e6:g} Mbit/s) done: target "
                    f"{samples[-1]['target'] // 1000} kbps, link "
                    f"{(samples[-1]['link'] or 0) // 1000} kbps, q {samples[-1]['queued_ms']} ms, "
                    f"drops {samples[-1]['pub_dropped']}",
                    file=sys.stderr,
                    flush=True,
                )
        finally:
            pipeline.stop()
            proxy.close()
        recording = server.wait_recording(key, timeout=20)
        gaps = audio_gaps(recording)
    return summarize(samples, bitrate, audio_bps, phase_s, gaps, pipeline)


def fits(s: dict, audio_bps: int) -> bool:
    return (s["target"] + audio_bps) * (1 + OVERHEAD) <= s["cap"]


def summarize(samples, bitrate, audio_bps, phase_s, gaps, pipeline) -> dict:  # noqa: ANN001
    low = [s for s in samples if s["phase"] == 1]
    fell = next((s for s in low if fits(s, audio_bps)), None)
    fall_s = (fell["t"] - phase_s) if fell else None
    above = 0.0
    if fell is not None:
        above = sum(SAMPLE_S for s in low if s["t"] > fell["t"] and not fits(s, audio_bps))
    back = next((s for s in samples if s["phase"] == 2 and s["target"] >= bitrate), None)
    recovery_s = (back["t"] - 2 * phase_s) if back else None

    def dropped(phase: int) -> int:
        rows = [s for s in samples if s["phase"] == phase]
        if not rows:
            return 0
        before = next((s for s in reversed(samples) if s["phase"] < phase), None)

        def total(s: dict | None) -> int:
            if s is None:
                return 0
            return sum(s["pub_dropped"].values()) + sum(s["dropped"].values())

        return total(rows[-1]) - total(before)

    return {
        "fall_s": fall_s,
        "above_s": above,
        "recovery_s": recovery_s,
        "dropped": [dropped(p) for p in range(3)],
        "audio_missing": gaps,
        "lowest_target": min(s["target"] for s in samples),
        "low_phase_target": low[-1]["target"] if low else None,
        "changes": [
            (round(c.at, 1), c.target_bps // 1000, c.reason) for c in pipeline.bitrate_changes
        ],
    }


def spread(values: list) -> str:  # noqa: ANN001
    vals = [v for v in values if v is not None]
    if not vals:
        return "never"
    if len(vals) == 1:
        return f"{vals[0]:.1f}"
    med = statistics.median(vals)
    missing = len(values) - len(vals)
    text = f"{med:.1f} (min {min(vals):.1f}, max {max(vals):.1f})"
    return text + (f", never in {missing} run(s)" if missing else "")


def markdown(results: dict[str, list[dict]], args: argparse.Namespace, command: str) -> str:
    lines = [
        "## Adaptive bitrate",
        "",
        f"Command: `{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}; libx264 veryfast "
        f"{args.bitrate}, AAC 128k, a busy picture; link {args.high} → {args.low} → {args.high} "
        f"through a loopback token bucket, {args.phase_seconds:g} s per phase; "
        f"{args.runs} run(s) each, median (min, max).",
        "",
        "| canvas | fall under the cap (s, ≤ 5) | above the cap after (s, 0) | "
        "frames dropped per phase | recovery (s, ≤ 30) | audio frames dropped (0) |",
        "|---|---|---|---|---|---|",
    ]
    for canvas, runs in results.items():
        drops = " / ".join(spread([r["dropped"][p] for r in runs]).split(" (")[0] for p in range(3))
        lines.append(
            f"| {canvas} | {spread([r['fall_s'] for r in runs])} | "
            f"{spread([r['above_s'] for r in runs])} | {drops} | "
            f"{spread([r['recovery_s'] for r in runs])} | "
            f"{spread([float(r['audio_missing']) for r in runs])} |"
        )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--canvas", action="append", help="720x1280 (default) and/or 1080x1920")
    ap.add_argument("--bitrate", default="2500k", help="the user's video bitrate")
    ap.add_argument("--high", default="5M", help="the link's rate in phases 1 and 3")
    ap.add_argument("--low", default="1.2M", help="the link's rate in phase 2")
    ap.add_argument("--phase-seconds", type=float, default=120.0)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--out", help="write the '## Adaptive bitrate' section of this markdown file")
    args = ap.parse_args()
    canvases = args.canvas or ["720x1280"]
    bitrate = parse_bitrate(args.bitrate)
    high, low = parse_bitrate(args.high), parse_bitrate(args.low)
    results: dict[str, list[dict]] = {}
    for canvas in canvases:
        for i in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="abr-bench-") as tmp:
                r = run_once(canvas, bitrate, high, low, args.phase_seconds, Path(tmp))
            print(f"{canvas} run {i + 1}: {r}", file=sys.stderr, flush=True)
            results.setdefault(canvas, []).append(r)
    command = "python -m bench.abr_bench " + " ".join(sys.argv[1:])
    text = markdown(results, args, command)
    print(text)
    if args.out:
        from bench.markdown import replace_section

        replace_section(args.out, "Adaptive bitrate", text)


if __name__ == "__main__":
    main()
