"""``live-console stream`` and ``demo``, and what ``run`` shares with them: logging, the status
line, the media engine, the watch loop and the summary."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from console.errors import StreamFailed, UserError
from console.redaction import install_log_redaction, redact, register_secret

if TYPE_CHECKING:  # the commands import their parts when they run (a fast --help)
    from console.live.engine import EngineSpec, MediaEngine
    from console.live.outputs import OutputFactory
    from console.live.session import LiveSession
    from console.media.output import OutputStats
    from console.media.pipeline import PipelineStats
    from console.media.process_engine import OverlayPlan
    from console.overlays.chat import ChatFeed
    from console.show.controller import ShowController


def _setup_logging(secrets: list[str], verbose: bool) -> None:
    register_secret(*secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    install_log_redaction()  # every handler, the message, its exception and stack redacted


def _output_status(o: OutputStats) -> str:
    from console.media.output import OutputState
    from console.media.rtmp.publisher import ROOM_CLOSE_S

    text = f"{o.name}:{o.state.name.lower()}"
    if o.state == OutputState.RECONNECTING:
        lost = int(o.lost_for_s or 0)
        text += f" {lost // 60}:{lost % 60:02d} since loss, attempt {o.reconnect_attempts}"
        if o.next_retry_s:
            text += f", next in {o.next_retry_s:.0f}s"
        left = ROOM_CLOSE_S - lost
        text += f", room may close in {left}s" if left > 0 else ", room may have closed"
    elif o.bitrate_kbps:
        text += f" {o.bitrate_kbps:.0f}kbps"
    if o.reconnects:
        text += f" reconnects {o.reconnects}"
    return text


def _status_line(stats: PipelineStats, live_for: float) -> str:
    outs = " ".join(_output_status(o) for o in stats.outputs)
    t = str(dt.timedelta(seconds=int(live_for)))
    line = (
        f"{t} | {stats.render_fps:4.1f} fps | encoder {stats.encoder} | "
        f"dropped {stats.dropped_total} | {outs}"
    )
    if stats.video_bitrate and stats.video_bitrate < stats.video_bitrate_set:
        line += f" | video {stats.video_bitrate // 1000}/{stats.video_bitrate_set // 1000} kbps (network slow)"
    link, reason = getattr(stats, "link_bps", None), getattr(stats, "abr_reason", "")
    if getattr(stats, "adaptive_bitrate", False) and (link or reason):
        shown = f"link≈{link / 1e6:.1f}M " if link else ""
        why = f" ({reason})" if reason else ""
        line += f" | {shown}target {stats.video_bitrate / 1e6:.1f}M{why}"
    return line


class _DemoShow:
    """The built-in demo show, headless: a fresh copy, its rundown walked, its overlays drawn."""

    SEGMENT_S = 20.0  # the headless demo moves on every 20 s so every overlay gets its turn

    def __init__(self, canvas: tuple[int, int]) -> None:
        import tempfile

        from console.overlays.composition import rehearsal_layer, show_layers
        from console.settings import CanvasSettings
        from console.show.commands import AdvanceRundown
        from console.show.controller import ShowController
        from console.show.demo import copy_demo_show
        from console.show.folder import ShowFolder

        self._tmp = tempfile.TemporaryDirectory(prefix="live-console-demo-")
        self.folder = ShowFolder.open(copy_demo_show(Path(self._tmp.name) / "demo"))
        self.controller = ShowController.open(self.folder)
        self._advance = AdvanceRundown
        self.controller.execute(AdvanceRundown(), actor="demo")
        self._next_segment = time.monotonic() + self.SEGMENT_S
        size = CanvasSettings(canvas[0], canvas[1])
        self.layers = [
            *show_layers(self.controller, self.folder, size),
            rehearsal_layer(size.orientation),
        ]
        from console.engine_overlays import overlay_plan

        self.plan = overlay_plan(self.folder, rehearsal=True)  # the same, in the media process

    def tick(self) -> None:
        self.controller.tick()
        if time.monotonic() >= self._next_segment:
            self._next_segment += self.SEGMENT_S
            with contextlib.suppress(UserError):  # the rundown is over: stay on the last segment
                self.controller.execute(self._advance(), actor="demo")

    def close(self) -> None:
        self.controller.close()
        self._tmp.cleanup()


CLI = "cli"  # the actor of what `stream` and `demo` journal


def _engine_spec(args: argparse.Namespace, adaptive: bool) -> EngineSpec:
    from console.live.engine import EngineSpec
    from console.media.compositor import parse_canvas
    from console.media.encoder import parse_bitrate

    width, height = parse_canvas(args.canvas)
    return EngineSpec(
        width=width,
        height=height,
        fps=args.fps,
        video_bitrate=parse_bitrate(args.bitrate),
        encoder=args.encoder,
        preset=args.preset,
        video=args.video,
        audio=(args.audio,),
        adaptive_bitrate=adaptive,
        abr_follow=getattr(args, "abr_follow", "healthy"),
    )


def _record_path(record: str) -> Path:
    from console.media.recorder import check_record_path

    path = check_record_path(record)
    if path != Path(record).expanduser():  # never overwrite an earlier recording
        print(f"note: {record} exists; recording to {path} instead", file=sys.stderr)
    return path


def _stop_on_signals() -> tuple[threading.Event, Callable[[], None]]:
    """An event set by SIGINT or SIGTERM, and the call that puts the old handlers back."""
    stop = threading.Event()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: stop.set())

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return stop, restore


def _watch(
    live: LiveSession,
    stop: threading.Event,
    secrets: list[str],
    duration: float | None = None,
    on_second: Callable[[], object] | None = None,
    fail_on_output: bool = True,
) -> str | None:
    """The status loop, once a second until ``stop`` or ``duration``; the failure (if any)."""
    from console.live.outputs import RECORDING
    from console.media.output import OutputState

    started = time.monotonic()
    tty = sys.stderr.isatty()
    warned: set[str] = set()
    failure: str | None = None
    while not stop.wait(1.0):
        stats = live.stats()
        if stats is None:
            continue
        if stats.error:
            failure = stats.error
            break
        for o in stats.outputs:
            lost_key = f"lost:{o.name}:{o.reconnects}"
            if o.state == OutputState.RECONNECTING and lost_key not in warned:
                warned.add(lost_key)
                print(
                    f"warning: {o.name}: connection lost ({redact(o.error or '', *secrets)}); reconnecting",
                    file=sys.stderr,
                )
            if o.state == OutputState.FAILED and o.error:
                if o.name == RECORDING or not fail_on_output:
                    if o.name not in warned:
                        warned.add(o.name)
                        print(f"warning: {redact(o.error, *secrets)}", file=sys.stderr)
                else:
                    failure = o.error
        if failure:
            break
        if on_second is not None:
            on_second()
        line = _status_line(stats, time.monotonic() - started)
        print(redact(line, *secrets), end="\r" if tty else "\n", file=sys.stderr, flush=True)
        if duration and time.monotonic() - started >= duration:
            break
    if tty:
        print(file=sys.stderr)
    return failure


def _summary(stats: PipelineStats, recording: Path | None, secrets: list[str]) -> None:
    if stats is None:
        return
    summary = (
        f"streamed {stats.uptime_s:.1f} s: {stats.frames_encoded} frames encoded with {stats.encoder}, "
        f"dropped {stats.dropped_total}" + (f" {stats.dropped}" if stats.dropped else "")
    )
    for o in stats.outputs:
        summary += f"; {o.name}: {o.bytes_sent / 1e6:.1f} MB {o.state.name.lower()}"
        summary += "".join(f", dropped {n} ({cause})" for cause, n in o.dropped.items())
    print(redact(summary, *secrets), file=sys.stderr)
    if recording is not None:
        print(f"recording: {recording}", file=sys.stderr)


def _media_engine(
    spec: EngineSpec,
    overlays: list | None,
    plan: OverlayPlan | None,
    controller: ShowController | None,
    feed: ChatFeed | None = None,
    fallback: bool = False,
    on_notice: Callable[[str], None] | None = None,
) -> tuple[MediaEngine, OutputFactory]:
    """(engine, output factory): the media engine in its own process (``LIVE_CONSOLE_ENGINE=
    process``) or in this one (``inprocess``, the default for now) — docs/architecture.md."""
    from console.live.outputs import build_output
    from console.media.process_engine import ProcessEngine, engine_choice, process_output_factory

    if engine_choice() == "process":
        engine = ProcessEngine(
            spec,
            plan,
            state=(lambda: controller.state) if controller is not None else None,
            now=controller.now if controller is not None else None,
            feed=feed,
            fallback=fallback,
            on_notice=on_notice,
        )
        return engine, process_output_factory
    from console.media.live_engine import PipelineEngine

    return PipelineEngine(spec, overlays, fallback=fallback), build_output


def _run_pipeline(
    args: argparse.Namespace,
    destinations: list,
    keys: dict[str, str | None],
    record: str | None,
    secrets: list[str],
    overlays: list | None = None,
    on_second: Callable[[], None] | None = None,
    controller: ShowController | None = None,  # the session is journaled there
    rehearsal: bool = False,
    plan: OverlayPlan | None = None,  # the overlays the media process builds
) -> int:
    """``stream`` and ``demo``: a LiveSession whose outputs are the pipeline's from the start."""
    from console.live.session import LiveSession
    from console.runtime import freeze_startup_heap
    from console.show.actor import Actor

    spec = _engine_spec(args, adaptive=bool(destinations))
    path = _record_path(record) if record else None
    engine, output_factory = _media_engine(spec, overlays, plan, controller)
    live = LiveSession(controller, rehearsal=rehearsal, output_factory=output_factory)
    live.attach_engine(engine)
    actor = Actor(CLI, args.command)
    stop, restore = _stop_on_signals()
    failure: str | None = None
    try:
        live.go_live(
            destinations,
            keys,
            record=path is not None,
            actor=actor,
            recording=path,
            require_keys=False,
        )
        engine = live.engine
        engine.start()
        freeze_startup_heap()
        stats = live.stats()
        if stats.encoder_fallback:
            print(f"warning: {stats.encoder_fallback}", file=sys.stderr)
        failure = _watch(live, stop, secrets, args.duration, on_second)
    finally:
        engine = live.engine
        live.close(actor, reason="failed" if failure else "")
        restore()
    _summary(engine.stats(), path, secrets)
    if failure:
        raise StreamFailed(redact(failure, *secrets))
    return 0


def _cmd_stream(args: argparse.Namespace) -> int:
    from console.media.rtmp import parse_rtmp_url
    from console.platforms.credentials import get_key

    key = args.key
    if args.key is not None:
        print(
            "warning: --key is visible to other processes on this machine; prefer --key-name",
            file=sys.stderr,
        )
    if args.key_name:
        key = get_key(args.key_name)
    secrets = [key] if key else []
    register_secret(*secrets, args.url)
    _setup_logging(secrets, args.verbose)
    if args.ca_file and not Path(args.ca_file).is_file():
        raise UserError(f"CA file not found: {args.ca_file}")
    parse_rtmp_url(args.url, key)  # validate before opening any device
    from console.live.outputs import Destination

    dest = Destination(
        "rtmp",
        "rtmp",
        args.url,
        ca_file=args.ca_file,
        connect_timeout=args.connect_timeout,
        write_timeout=args.write_timeout,
    )
    return _run_pipeline(args, [dest], {"rtmp": key}, args.record, secrets)


def _cmd_demo(args: argparse.Namespace) -> int:
    _setup_logging([], args.verbose)
    from console.live.outputs import recording_path

    record = args.record or str(recording_path("demo-rehearsal"))
    print(
        f"REHEARSAL: demo show, nothing leaves this machine; recording to {record}", file=sys.stderr
    )
    if args.duration is None:
        print("press Ctrl-C to stop", file=sys.stderr)
    from console.media.compositor import parse_canvas

    demo = _DemoShow(parse_canvas(args.canvas))
    try:
        return _run_pipeline(
            args,
            [],
            {},
            record,
            [],
            overlays=demo.layers,
            on_second=demo.tick,
            controller=demo.controller,
            rehearsal=True,
            plan=demo.plan,
        )
    finally:
        demo.close()
